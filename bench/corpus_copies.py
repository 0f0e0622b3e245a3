"""Fresh copies of a corpus app and the byte check: the app's files copied (its dependency folders
hard-linked, links into a pnpm workspace root kept reachable), committed to a new git repository,
and every file's sha256 + executable bit compared after uninstall."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
from collections.abc import Iterable
from pathlib import Path

GIT_IDENTITY = ("-c", "user.name=corpus", "-c", "user.email=corpus@example.invalid", "-c", "commit.gpgsign=false")
# Never part of the byte check: dependencies and the app's own build output (which its build
# rewrites after the install) — the wizard must not touch them either way.
DEFAULT_GENERATED = ("node_modules", ".next", "dist", "build", "out", ".angular", ".nuxt", ".svelte-kit",
                     "coverage", "tmp", ".cache", ".turbo", "__pycache__", ".parcel-cache", "vendor/bundle",
                     # the app's own linters' and test runners' caches (its lint stage writes them)
                     ".ruff_cache", ".mypy_cache", ".pytest_cache", ".eslintcache")


# Files named like this are the app's own build output too, wherever they are (`tsc --incremental`
# rewrites tsconfig.tsbuildinfo on every type check, before and after the install alike).
GENERATED_SUFFIXES = (".tsbuildinfo",)


def is_virtualenv(folder: Path) -> bool:
    """A Python virtual environment (`python -m venv`, virtualenv, uv), whatever its name: it has pyvenv.cfg."""
    return (folder / "pyvenv.cfg").is_file() and not (folder / "pyvenv.cfg").is_symlink()


def is_dependency_folder(folder: Path) -> bool:
    """What a sheet's deps command makes: `node_modules` and virtual environments (`.venv`, `venv`, `env`, ...).

    They are hard-linked into each copy, never committed in its baseline and never byte-checked: the
    wizard installs its JWT library into them, and they are not the app's files. (A file the wizard
    itself writes inside one is still compared: `touched_states`.)
    """
    return folder.name in LINKED_FOLDERS or is_virtualenv(folder)


def _generated(relative: str, generated: Iterable[str]) -> bool:
    if relative.endswith(GENERATED_SUFFIXES):
        return True
    parts = relative.split("/")
    for name in generated:
        name_parts = name.split("/")
        for index in range(len(parts) - len(name_parts) + 1):
            if parts[index : index + len(name_parts)] == name_parts:
                return True
    return False


def snapshot(root: Path, generated: Iterable[str] = DEFAULT_GENERATED) -> dict[str, str]:
    """sha256 + executable bit of every file (and symlink target) of the app: tracked or not, outside
    .git, generated folders and dependency folders (node_modules, virtual environments)."""
    generated = tuple(generated)
    files: dict[str, str] = {}
    for folder, dirs, names in os.walk(root):
        relative_folder = Path(folder).relative_to(root).as_posix()
        keep = []
        for name in dirs:
            relative = name if relative_folder == "." else f"{relative_folder}/{name}"
            if name == ".git" or _generated(relative, generated):
                continue
            if (Path(folder) / name).is_symlink():
                files[relative] = "link:" + os.readlink(Path(folder) / name)
                continue
            if is_dependency_folder(Path(folder) / name):
                continue
            keep.append(name)
        dirs[:] = keep
        for name in names:
            relative = name if relative_folder == "." else f"{relative_folder}/{name}"
            if not _generated(relative, generated):
                files[relative] = _state(Path(folder) / name)
    return files


def _state(path: Path) -> str:
    if path.is_symlink():
        return "link:" + os.readlink(path)
    mode = os.lstat(path).st_mode
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return f"{digest}:{'x' if mode & stat.S_IXUSR else '-'}"


ABSENT = "absent"


def left_out(root: Path, relative: str, generated: Iterable[str] = DEFAULT_GENERATED) -> bool:
    """Whether `snapshot` leaves this path out (a generated or dependency folder, or .git)."""
    parts = relative.split("/")
    if ".git" in parts[:-1] or _generated(relative, tuple(generated)):
        return True
    return any(is_dependency_folder(root.joinpath(*parts[:index])) for index in range(1, len(parts)))


def touched_states(root: Path, paths: Iterable[str]) -> dict[str, str]:
    """The state of each of these files (`absent` when there is none): the files the wizard writes
    that `snapshot` leaves out, compared on their own."""
    return {path: _state(root / path) if (root / path).is_symlink() or (root / path).is_file() else ABSENT for path in paths}


def compare_snapshots(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Differences as 'changed: a', 'added: b', 'removed: c' (sorted); empty when byte-identical."""
    differences = [f"changed: {path}" for path in sorted(before.keys() & after.keys()) if before[path] != after[path]]
    differences += [f"added: {path}" for path in sorted(after.keys() - before.keys())]
    differences += [f"removed: {path}" for path in sorted(before.keys() - after.keys())]
    return differences


# Dependency folders are hard-linked into each fresh copy instead of copied: fast, and package
# managers replace files rather than editing them in place, so the checkout's copy stays intact.
LINKED_FOLDERS = ("node_modules", ".venv", "venv")


def copy_app(source: Path, target: Path) -> None:
    """A fresh copy of the app: its files copied, its dependency folders hard-linked, no .git."""
    if target.exists():
        shutil.rmtree(target)
    source = source.resolve()

    def ignore(folder: str, names: list[str]) -> list[str]:
        return [name for name in names if name == ".git" or is_dependency_folder(Path(folder) / name)]

    shutil.copytree(source, target, symlinks=True, ignore=ignore)
    for folder, dirs, _ in os.walk(source):
        linked = [name for name in dirs if is_dependency_folder(Path(folder) / name) and not (Path(folder) / name).is_symlink()]
        for name in linked:
            destination = target / Path(folder).relative_to(source) / name
            subprocess.run(["cp", "-al", os.path.join(folder, name), str(destination)], check=True)
        dirs[:] = [name for name in dirs if name not in linked and name != ".git"]
    relink_outside_links(source, target)


def relink_outside_links(source: Path, target: Path) -> None:
    """Point the copy's relative symlinks that leave the copied folder at what they name in the checkout.

    A member of a pnpm workspace (an example under `examples/next`) has a `node_modules` of relative
    links into the workspace root's `node_modules/.pnpm` (`next -> ../../../node_modules/.pnpm/...`)
    and to sibling packages (`iron-session -> ../../..`): copied alone, they name nothing. Links that
    stay inside the copy are kept as they are. Inside a dependency folder only its top level, its
    `@scope` folders and `.bin` are looked at (pnpm's links are there; npm's folders are real ones).
    """
    for folder, dirs, names in os.walk(target):
        here = Path(folder)
        relative_folder = here.relative_to(target)
        in_dependencies = any(part in LINKED_FOLDERS for part in relative_folder.parts)
        for name in [*dirs, *names]:
            link = here / name
            if not link.is_symlink():
                continue
            pointed = os.readlink(link)
            if os.path.isabs(pointed):
                continue
            inside_copy = os.path.normpath(here / pointed)
            if inside_copy == str(target) or inside_copy.startswith(str(target) + os.sep):
                continue
            link.unlink()
            link.symlink_to(os.path.normpath(source / relative_folder / pointed))
        if in_dependencies:
            dirs[:] = [name for name in dirs if name.startswith("@") or name == ".bin"]


def git_commit_all(root: Path) -> None:
    exclude = root / ".git" / "info" / "exclude"
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    exclude.parent.mkdir(parents=True, exist_ok=True)
    # Dependencies (node_modules, the sheet's virtual environments) are never committed, whatever the
    # app's own .gitignore says: the baseline holds the app's files, tracked or untracked by the app.
    exclude.write_text("".join(line + "\n" for line in ["node_modules/", *dependency_folders(root)]), encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", *GIT_IDENTITY, "commit", "-q", "--allow-empty", "-m", "corpus baseline"], cwd=root, check=True)


def dependency_folders(root: Path) -> list[str]:
    """The dependency folders under root other than node_modules, as git exclude patterns (`/backend/.venv/`)."""
    found = []
    for folder, dirs, _ in os.walk(root):
        here = Path(folder)
        kept = []
        for name in dirs:
            if name in (".git", "node_modules") or (here / name).is_symlink():
                continue
            if is_dependency_folder(here / name):
                found.append("/" + (here / name).relative_to(root).as_posix() + "/")
            else:
                kept.append(name)
        dirs[:] = kept
    return sorted(found)


def is_workspace_root(folder: Path) -> bool:
    """A JavaScript workspace root: pnpm-workspace.yaml, or a package.json with `workspaces`."""
    if (folder / "pnpm-workspace.yaml").is_file():
        return True
    try:
        manifest = json.loads((folder / "package.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return isinstance(manifest, dict) and "workspaces" in manifest
