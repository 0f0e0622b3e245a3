"""The project's files: listing them cheaply, reading them safely, never leaving the root."""

import os
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


class ProjectTree:
    """Read-only view of a project directory; all paths are POSIX-style and relative to the root."""

    def __init__(self, root: Path) -> None:
        if not root.exists():
            raise BadInput(f"{root} does not exist.")
        if not root.is_dir():
            raise BadInput(f"{root} is not a directory.")
        self.root = root.resolve()
        self._texts: dict[str, SourceText] = {}

    @cached_property
    def is_git_repo(self) -> bool:
        return _git(self.root, "rev-parse", "--is-inside-work-tree") == "true"

    @cached_property
    def files(self) -> tuple[str, ...]:
        listed = None
        if self.is_git_repo:
            listed = _git(self.root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
        if listed is not None:
            names = {name for name in listed.split("\0") if name}
            # git lists paths from a deleted-but-staged file too; keep what exists.
            return tuple(sorted(n for n in names if not set(PurePosixPath(n).parts) & PRUNED_DIRS and (self.root / n).is_file()))
        return tuple(sorted(self._walk()))

    def _walk(self) -> list[str]:
        found: list[str] = []
        stack = [self.root]
        while stack:
            directory = stack.pop()
            try:
                entries = list(os.scandir(directory))
            except OSError:
                continue
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in PRUNED_DIRS and not entry.name.startswith("."):
                        stack.append(Path(entry.path))
                elif entry.is_file():
                    found.append(Path(entry.path).relative_to(self.root).as_posix())
        return found

    def glob(self, *suffixes: str, under: str = "") -> list[str]:
        prefix = f"{under.rstrip('/')}/" if under else ""
        return [f for f in self.files if f.startswith(prefix) and f.endswith(suffixes)]

    def named(self, name: str) -> list[str]:
        return [f for f in self.files if PurePosixPath(f).name == name]

    def exists(self, relative: str) -> bool:
        return self.resolve(relative).exists()

    def resolve(self, relative: str) -> Path:
        """The absolute path for `relative`, refusing anything that resolves outside the root."""
        candidate = (self.root / relative).resolve()
        if candidate != self.root and self.root not in candidate.parents:
            raise BadInput(
                f"{relative} resolves to {candidate}, outside the project {self.root}; refusing to touch it.",
                hint="A symlink inside the project points elsewhere. Replace it with a regular file or edit by hand.",
            )
        return candidate

    def read(self, relative: str) -> SourceText:
        if relative not in self._texts:
            self._texts[relative] = read_source(self.resolve(relative), relative)
        return self._texts[relative]

    def text(self, relative: str) -> str:
        return self.read(relative).text


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
