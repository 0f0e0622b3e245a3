"""The project's files: listing them cheaply, reading them safely, never leaving the root."""

import errno
import json
import os
import stat
import subprocess
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Any

from intercom_wizard.errors import BadInput
from intercom_wizard.file_index import FileIndex

# Re-exported (`X as X`): callers and tests use them from here; tests replace `tree.read_file_bytes`.
from intercom_wizard.filereads import MAX_FILE_BYTES as MAX_FILE_BYTES
from intercom_wizard.filereads import NO_FOLLOW, NotPlainFile
from intercom_wizard.filereads import check_readable_file as check_readable_file
from intercom_wizard.filereads import read_file_bytes as read_file_bytes
from intercom_wizard.filereads import special_kind as special_kind
from intercom_wizard.joined_files import JoinedFiles, any_of, searchable
from intercom_wizard.sourcefile import SourceText, decode

# Directories that never hold the user's own source, pruned when git cannot list files for us.
PRUNED_DIRS = frozenset(
    {
        ".git", "node_modules", "bower_components", ".venv", "venv", "env", "__pycache__", ".tox",
        ".mypy_cache", ".pytest_cache", ".ruff_cache", "dist", "build", ".next", ".nuxt", ".svelte-kit",
        ".angular", ".cache", "coverage", "tmp", "vendor", "site-packages", "instance", "staticfiles",
    }
)


# Files that make a folder a workspace of packages (besides a package.json with "workspaces").
WORKSPACE_MARKERS = ("pnpm-workspace.yaml", "turbo.json", "nx.json", "lerna.json")

class ProjectTree:
    """Read-only view of a project directory; all paths are POSIX-style and relative to the root."""

    def __init__(self, root: Path) -> None:
        if not root.exists():
            raise BadInput(f"{root} does not exist.")
        if not root.is_dir():
            raise BadInput(f"{root} is not a directory.")
        self.root = root.resolve()
        self._texts: dict[str, SourceText] = {}
        self._bytes: dict[str, bytes] = {}
        self.skipped_large: list[tuple[str, int]] = []  # (path, size) left out of `files`
        # (path, target) of links into another package of the workspace the project belongs to, left out of `files`
        self.skipped_links: list[tuple[str, str]] = []
        # Real path of each folder already checked to be inside the root ('' is the root itself):
        # containment is checked once per folder, not once per file and path component.
        self._real_folders: dict[str, str] = {"": str(self.root)}
        self._resolved: dict[str, Path] = {}
        self._read_prefixes: dict[str, str] = {}  # folder -> its checked real path and a separator, for reads
        self._listed: frozenset[str] = frozenset()  # `files` once listed: normalised names
        self._globbed: dict[tuple[tuple[str, ...], str], list[str]] = {}
        self._joined: dict[tuple[str, ...], JoinedFiles] = {}  # `mentioning`'s joined bytes, per list of files
        root_text = str(self.root)
        self._inside_prefix = root_text if root_text.endswith(os.sep) else root_text + os.sep

    @cached_property
    def is_git_repo(self) -> bool:
        return _git(self.root, "rev-parse", "--is-inside-work-tree") == "true"

    @cached_property
    def files(self) -> tuple[str, ...]:
        # git's listing is asked for directly: it fails outside a work tree, and succeeding means the
        # project is in one, which `is_git_repo` then knows without a second git process (issue 14).
        listed = _git(self.root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
        if listed is not None:
            self.__dict__["is_git_repo"] = True  # the cached_property's own slot
            names = {name for name in listed.split("\0") if name and PRUNED_DIRS.isdisjoint(name.split("/"))}
            # git lists paths from a deleted-but-staged file too; keep what exists. (git's names are
            # relative and normalised, so the root's prefix is joined without os.path.join.)
            listing = tuple(sorted(n for n in names if self._listable(n, self._inside_prefix + n)))
        else:
            listing = tuple(sorted(self._walk()))
        self._listed = frozenset(listing)
        return listing

    def _listable(self, relative: str, path: str) -> bool:
        """A regular file within the size limit (larger ones are noted in `skipped_large`); one stat.

        A FIFO or device among the project's files is refused (exit 2): nothing legitimate puts one
        there, and opening it would hang. Sockets are skipped: dev servers leave them (tmp/puma.sock).
        """
        try:
            info = os.lstat(path)
            if stat.S_ISLNK(info.st_mode):
                if self._links_into_sibling_package(relative, path):
                    return False
                info = os.stat(path)
        except OSError:
            return False
        if stat.S_ISREG(info.st_mode):
            if info.st_size > MAX_FILE_BYTES:
                self.skipped_large.append((relative, info.st_size))
                return False
            return True
        if not stat.S_ISSOCK(info.st_mode) and not stat.S_ISDIR(info.st_mode):
            check_readable_file(Path(path), relative)
        return False

    def _links_into_sibling_package(self, relative: str, path: str) -> bool:
        """A link that leaves the project for another package of its workspace (pnpm/npm/yarn, Nx, Turborepo,
        Lerna): ember-simple-auth's test app links `config/ember-try.js` to its sibling test-esa's. That
        file is the sibling's, never edited here, so it is left out (noted) rather than refused; a link
        anywhere else outside the project stays listed, and reading it is refused (exit 2)."""
        workspace = self.enclosing_workspace
        if workspace is None:
            return False
        target = os.path.realpath(path)
        if target == str(self.root) or target.startswith(self._inside_prefix):
            return False
        if not target.startswith(str(workspace) + os.sep):
            return False
        self.skipped_links.append((relative, os.path.relpath(target, self.root)))
        return True

    @cached_property
    def enclosing_workspace(self) -> Path | None:
        """The nearest folder above the root that declares a workspace the project is a package of."""
        for folder in self.root.parents:
            if any((folder / marker).is_file() for marker in WORKSPACE_MARKERS):
                return folder
            if _declares_workspaces(folder / "package.json"):
                return folder
        return None

    def _walk(self) -> list[str]:
        found: list[str] = []
        stack = [("", str(self.root))]  # (relative POSIX folder, absolute folder)
        while stack:
            relative, directory = stack.pop()
            prefix = f"{relative}/" if relative else ""
            try:
                with os.scandir(directory) as entries:
                    for entry in entries:
                        if entry.is_dir(follow_symlinks=False):
                            if entry.name not in PRUNED_DIRS and not entry.name.startswith("."):
                                stack.append((prefix + entry.name, entry.path))
                        elif entry.is_file() or not entry.is_symlink():  # FIFOs, devices: `_listable` refuses them
                            if self._listable(prefix + entry.name, entry.path):
                                found.append(prefix + entry.name)
            except OSError:
                continue
        return found

    @cached_property
    def _index(self) -> FileIndex:
        """The files by name, folder and extension: built once (one pass) for every `named`, `in_folder` and `glob`."""
        return FileIndex(self.files)

    def in_folder(self, folder: str) -> list[str]:
        """The files directly in `folder` ('' for the root), without scanning every file per call."""
        return list(self._index.by_folder.get(folder, ()))

    def glob(self, *suffixes: str, under: str = "") -> list[str]:
        # Asked several times ("every .py file"): answered once per tree, and the caller gets its own list.
        key = (suffixes, under)
        found = self._globbed.get(key)
        if found is None:
            found = self._globbed[key] = self._index.glob(suffixes, under)
        return list(found)

    def named(self, name: str) -> list[str]:
        return list(self._index.by_name.get(name, ()))

    def exists(self, relative: str) -> bool:
        # Config files are probed by the hundred, mostly absent: one lstat; a link or an error takes `resolve`.
        if _normal(relative):
            folder, _, name = relative.rpartition("/")
            try:
                info = os.lstat(os.path.join(self._real_folder(folder), name))
            except FileNotFoundError:
                return False
            except OSError:
                pass
            else:
                if not stat.S_ISLNK(info.st_mode):
                    return True
        return self.resolve(relative).exists()

    def resolve(self, relative: str) -> Path:
        """The absolute path for `relative`, refusing anything that resolves outside the root.

        Only symlinks need resolving: the folder part is resolved and checked once per folder
        (cached), the last component only when it is a link (one lstat per file).
        """
        known = self._resolved.get(relative)
        real = self._real_path(relative)
        if known is None or str(known) != real:
            known = self._resolved[relative] = Path(real)
        return known

    def _real_path(self, relative: str) -> str:
        """`resolve` as a string: reading a file needs no `Path` (building one per file costs more than the read)."""
        parts = relative.split("/")
        if relative.startswith("/") or any(part in ("", ".", "..") for part in parts):
            return str(self._checked(relative, _resolved(relative, self.root / relative)))  # unusual spelling: resolve it all
        folder, _, name = relative.rpartition("/")
        candidate = os.path.join(self._real_folder(folder), name)
        # The file itself is looked at on every call (one lstat): it may have become a link since.
        if os.path.islink(candidate):
            return str(self._checked(relative, _resolved(relative, Path(candidate))))
        return candidate

    def _real_folder(self, folder: str) -> str:
        known = self._real_folders.get(folder)
        if known is None:
            parent, _, name = folder.rpartition("/")
            known = os.path.join(self._real_folder(parent), name)
            if os.path.islink(known):
                known = str(self._checked(folder, _resolved(folder, Path(known))))
            self._real_folders[folder] = known
        return known

    def _checked(self, relative: str, candidate: Path) -> Path:
        if candidate != self.root and not str(candidate).startswith(self._inside_prefix):
            raise BadInput(
                f"{relative} resolves to {candidate}, outside the project {self.root}; refusing to touch it.",
                hint="A symlink inside the project points elsewhere. Replace it with a regular file or edit by hand.",
            )
        return candidate

    def read(self, relative: str) -> SourceText:
        """The file's text, read and decoded once per tree (every later call is a dictionary look-up)."""
        known = self._texts.get(relative)
        if known is None:
            known = self._texts[relative] = decode(self._read_bytes(relative), relative)
        return known

    def _read_bytes(self, relative: str) -> bytes:
        """The raw bytes of a file, read once per tree: one open (never through a link), fstat and read
        for a plain file in a checked folder; symlinks resolved and kept inside the root; FIFOs, devices
        and oversized files refused."""
        data = self._bytes.get(relative)
        if data is None:
            data = self._bytes[relative] = self._read_plain(relative)
        return data

    def _read_plain(self, relative: str) -> bytes:
        # A listed name is normalised (git's, or the walk's own): the spelling needs no check (issue 14).
        if NO_FOLLOW and (relative in self._listed or _normal(relative)):
            folder, _, name = relative.rpartition("/")
            prefix = self._read_prefixes.get(folder)
            if prefix is None:  # the checked folder and a separator, joined once per folder
                prefix = self._read_prefixes[folder] = os.path.join(self._real_folder(folder), "")
            try:
                return read_file_bytes(prefix + name)
            except NotPlainFile:
                pass  # a FIFO, device, folder or oversized file: the checks below refuse it in their words
            except OSError as exc:
                # ELOOP: the file is a link (O_NOFOLLOW), resolved below; ENXIO: open() of a socket, which
                # the checks below refuse by its kind rather than as "No such device or address".
                if exc.errno not in (errno.ELOOP, errno.ENXIO):
                    raise BadInput(f"Cannot read {relative}: {exc.strerror or exc}.") from None
        path, info = self._real_stat(relative)
        if not stat.S_ISREG(info.st_mode) and special_kind(info.st_mode) is not None:
            check_readable_file(Path(path), relative)  # the same refusal, worded once
        if info.st_size > MAX_FILE_BYTES:
            raise BadInput(
                f"{relative} is {info.st_size // (1024 * 1024)} MiB, over the {MAX_FILE_BYTES // (1024 * 1024)} MiB the wizard reads.",
                hint="Make the change by hand in this file; the plan shows the snippet.",
            )
        try:
            return read_file_bytes(path)
        except OSError as exc:
            raise BadInput(f"Cannot read {relative}: {exc.strerror or exc}.") from None

    def _real_stat(self, relative: str) -> tuple[str, os.stat_result]:
        """`_real_path` and the file's stat together: a plain file in a checked folder costs one lstat."""
        parts = relative.split("/")
        try:
            if relative.startswith("/") or any(part in ("", ".", "..") for part in parts):
                path = self._real_path(relative)
                return path, os.stat(path)
            folder, _, name = relative.rpartition("/")
            path = os.path.join(self._real_folder(folder), name)
            info = os.lstat(path)
            if stat.S_ISLNK(info.st_mode):
                path = str(self._checked(relative, _resolved(relative, Path(path))))
                info = os.stat(path)
        except OSError as exc:
            raise BadInput(f"Cannot read {relative}: {exc.strerror or exc}.") from None
        return path, info

    def size(self, relative: str) -> int:
        """The file's size in bytes (from the bytes read once and kept: scanners that also read it pay no stat)."""
        return len(self._read_bytes(relative))

    def mentions(self, relative: str, needles: tuple[bytes, ...], *, ignore_case: bool = False) -> bool:
        """Whether the file may contain one of `needles`: a byte test before decoding, splitting or a regex.

        False only for a readable ASCII file without any needle, which always decodes and whose text
        then has none of them either, so skipping it changes nothing. A file with other bytes answers
        True: its decoding (which may refuse it) and any Unicode case folding ("ſ" matches "s" under
        re.IGNORECASE) stay the caller's. So does an unreadable file, whose read reports it as before.
        With `ignore_case`, `needles` are lower-case ASCII.
        """
        data = self._bytes.get(relative)  # asked of every file by several scanners: the kept bytes without a call
        if data is None:
            try:
                data = self._read_bytes(relative)
            except BadInput:
                return True
        if not data.isascii():
            return True
        if ignore_case:
            data = data.lower()
        if len(needles) == 1:
            return needles[0] in data
        return any_of(needles).search(data) is not None

    def mentioning(self, paths: list[str], needles: tuple[bytes, ...], *, ignore_case: bool = False) -> list[str]:
        """The files of `paths` (in their order) that `mentions` answers True for, found with one search
        over their joined bytes (`joined_files`) instead of a call per file: scanners ask this of every
        file a glob lists, and the lists repeat, so each list's bytes are joined once per tree."""
        if not searchable(needles):
            return [path for path in paths if self.mentions(path, needles, ignore_case=ignore_case)]
        key = tuple(paths)
        joined = self._joined.get(key)
        if joined is None:
            joined = self._joined[key] = JoinedFiles(self._contents(key))
        return [key[index] for index in joined.holding(needles, ignore_case=ignore_case)]

    def _contents(self, paths: tuple[str, ...]) -> list[bytes | None]:
        """Each file's bytes, None when it cannot be read (`mentions` answers True for it: its read reports it).
        A listed file in a checked folder is opened directly; anything else, and any failure, takes `_read_bytes`."""
        kept, listed, prefixes = self._bytes, self._listed, self._read_prefixes
        contents: list[bytes | None] = []
        for path in paths:
            data = kept.get(path)
            if data is None:
                folder, _, name = path.rpartition("/")
                prefix = prefixes.get(folder) if NO_FOLLOW and path in listed else None
                try:
                    data = kept[path] = read_file_bytes(prefix + name) if prefix is not None else self._read_bytes(path)
                except (OSError, BadInput):  # a link, FIFO, oversized or unreadable file: the checked read decides
                    try:
                        data = self._read_bytes(path)
                    except BadInput:
                        data = None
            contents.append(data)
        return contents

    def text(self, relative: str) -> str:
        return self.read(relative).text


def _declares_workspaces(manifest: Path) -> bool:
    """A package.json above the project with a "workspaces" member (npm, yarn, bun workspaces)."""
    return "workspaces" in manifest_outside(manifest)


def manifest_outside(manifest: Path) -> dict[str, Any]:
    """A package.json above the project (its workspace's), parsed; {} when absent, unreadable or not
    an object: it is only evidence (which package manager), never edited, so nothing is refused."""
    try:
        if not manifest.is_file() or manifest.stat().st_size > MAX_FILE_BYTES:
            return {}
        data = json.loads(manifest.read_bytes())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _normal(relative: str) -> bool:
    """A relative path without empty, `.` or `..` parts (the spelling whose folder part `_real_folder` checks)."""
    return not relative.startswith("/") and not any(part in ("", ".", "..") for part in relative.split("/"))


def _resolved(relative: str, path: Path) -> Path:
    try:
        return path.resolve()
    except (RuntimeError, OSError) as exc:  # Python 3.11 raises RuntimeError for a symlink loop
        raise BadInput(f"{relative} cannot be resolved: {exc}.", hint="A symlink in the project points at itself; remove it.") from None


def folder_of(path: str) -> str:
    """The folder part of a relative POSIX path, '' for the project root."""
    if path.startswith((".", "/")) or path.endswith("/") or "//" in path or "/." in path:
        parent = PurePosixPath(path).parent.as_posix()  # an unusual spelling: let pathlib normalise it
        return "" if parent == "." else parent
    return path.rpartition("/")[0]  # called per file by scanners: no Path object


def join(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name


def _git(root: Path, *args: str) -> str | None:
    try:
        completed = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, check=False, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return completed.stdout.strip("\n") if completed.returncode == 0 else None
