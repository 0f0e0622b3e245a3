"""The project's files: listing them cheaply, reading them safely, never leaving the root."""

import os
import stat
import subprocess
from functools import cached_property
from pathlib import Path, PurePosixPath

from intercom_wizard.errors import BadInput
from intercom_wizard.sourcefile import SourceText, read_source

# Directories that never hold the user's own source, pruned when git cannot list files for us.
PRUNED_DIRS = frozenset(
    {
        ".git", "node_modules", "bower_components", ".venv", "venv", "env", "__pycache__", ".tox",
        ".mypy_cache", ".pytest_cache", ".ruff_cache", "dist", "build", ".next", ".nuxt", ".svelte-kit",
        ".angular", ".cache", "coverage", "tmp", "vendor", "site-packages", "instance", "staticfiles",
    }
)


# Larger files are generated or vendored (bundles, dumps), never where the wizard edits: skipped.
MAX_FILE_BYTES = 4 * 1024 * 1024
_SPECIAL_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def special_kind(mode: int) -> str | None:
    """What a non-regular, non-directory file is (opening a FIFO would hang), or None."""
    return next((name for test, name in _SPECIAL_KINDS if test(mode)), None)


def check_readable_file(path: Path, label: str) -> os.stat_result:
    """Stat `path` without opening it; refuse a FIFO, socket or device (exit 2, the path named)."""
    try:
        info = path.stat()
    except OSError as exc:
        raise BadInput(f"Cannot read {label}: {exc.strerror or exc}.") from None
    kind = special_kind(info.st_mode)
    if kind is not None:
        raise BadInput(
            f"{label} is {kind}, not a regular file; the wizard did not open it.",
            hint="Replace it with a regular file, or move it out of the project.",
        )
    return info


class ProjectTree:
    """Read-only view of a project directory; all paths are POSIX-style and relative to the root."""

    def __init__(self, root: Path) -> None:
        if not root.exists():
            raise BadInput(f"{root} does not exist.")
        if not root.is_dir():
            raise BadInput(f"{root} is not a directory.")
        self.root = root.resolve()
        self._texts: dict[str, SourceText] = {}
        self.skipped_large: list[tuple[str, int]] = []  # (path, size) left out of `files`
        # Real path of each folder already checked to be inside the root ('' is the root itself):
        # containment is checked once per folder, not once per file and path component.
        self._real_folders: dict[str, str] = {"": str(self.root)}
        self._resolved: dict[str, Path] = {}
        root_text = str(self.root)
        self._inside_prefix = root_text if root_text.endswith(os.sep) else root_text + os.sep

    @cached_property
    def is_git_repo(self) -> bool:
        return _git(self.root, "rev-parse", "--is-inside-work-tree") == "true"

    @cached_property
    def files(self) -> tuple[str, ...]:
        listed = None
        if self.is_git_repo:
            listed = _git(self.root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
        if listed is not None:
            root = str(self.root)
            names = {name for name in listed.split("\0") if name and PRUNED_DIRS.isdisjoint(name.split("/"))}
            # git lists paths from a deleted-but-staged file too; keep what exists.
            return tuple(sorted(n for n in names if self._listable(n, os.path.join(root, n))))
        return tuple(sorted(self._walk()))

    def _listable(self, relative: str, path: str) -> bool:
        """A regular file within the size limit (larger ones are noted in `skipped_large`); one stat.

        A FIFO or device among the project's files is refused (exit 2): nothing legitimate puts one
        there, and opening it would hang. Sockets are skipped: dev servers leave them (tmp/puma.sock).
        """
        try:
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
    def _by_name(self) -> dict[str, list[str]]:
        """File name -> the files with that name, in `files` order: built once for every `named` call."""
        index: dict[str, list[str]] = {}
        for path in self.files:
            index.setdefault(path.rpartition("/")[2], []).append(path)
        return index

    def glob(self, *suffixes: str, under: str = "") -> list[str]:
        prefix = f"{under.rstrip('/')}/" if under else ""
        return [f for f in self.files if f.startswith(prefix) and f.endswith(suffixes)]

    def named(self, name: str) -> list[str]:
        return list(self._by_name.get(name, ()))

    def exists(self, relative: str) -> bool:
        return self.resolve(relative).exists()

    def resolve(self, relative: str) -> Path:
        """The absolute path for `relative`, refusing anything that resolves outside the root.

        Only symlinks need resolving: the folder part is resolved and checked once per folder
        (cached), the last component only when it is a link (one lstat per file).
        """
        parts = relative.split("/")
        if relative.startswith("/") or any(part in ("", ".", "..") for part in parts):
            return self._checked(relative, _resolved(relative, self.root / relative))  # unusual spelling: resolve it all
        folder, _, name = relative.rpartition("/")
        candidate = os.path.join(self._real_folder(folder), name)
        # The file itself is looked at on every call (one lstat): it may have become a link since.
        if os.path.islink(candidate):
            return self._checked(relative, _resolved(relative, Path(candidate)))
        known = self._resolved.get(relative)
        if known is None:
            known = self._resolved[relative] = Path(candidate)
        return known

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
        if relative not in self._texts:
            path = self.resolve(relative)
            info = check_readable_file(path, relative)
            if info.st_size > MAX_FILE_BYTES:
                raise BadInput(
                    f"{relative} is {info.st_size // (1024 * 1024)} MiB, over the {MAX_FILE_BYTES // (1024 * 1024)} MiB the wizard reads.",
                    hint="Make the change by hand in this file; the plan shows the snippet.",
                )
            self._texts[relative] = read_source(path, relative)
        return self._texts[relative]

    def text(self, relative: str) -> str:
        return self.read(relative).text


def _resolved(relative: str, path: Path) -> Path:
    try:
        return path.resolve()
    except (RuntimeError, OSError) as exc:  # Python 3.11 raises RuntimeError for a symlink loop
        raise BadInput(f"{relative} cannot be resolved: {exc}.", hint="A symlink in the project points at itself; remove it.") from None


def folder_of(path: str) -> str:
    """The folder part of a relative POSIX path, '' for the project root."""
    parent = PurePosixPath(path).parent.as_posix()
    return "" if parent == "." else parent


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
