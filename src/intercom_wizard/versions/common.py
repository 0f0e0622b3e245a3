"""What every version reader shares: the `Found` evidence, release parsing and tolerant file reads."""

import json
import re
from dataclasses import dataclass
from typing import Any, Literal, TypeGuard, get_args

from intercom_wizard.errors import WizardError
from intercom_wizard.tree import ProjectTree, folder_of

Ecosystem = Literal["npm", "python", "php", "ruby"]
Language = Literal["python", "php", "ruby"]
Release = tuple[int, int, int]
How = Literal["installed", "locked", "declared"]


def is_language(name: str) -> TypeGuard[Language]:
    """Whether `name` is a language whose level `language_level` can read."""
    return name in get_args(Language)


VIRTUALENV_DIRS = (".venv", "venv", "env", ".env")
_RELEASE = re.compile(r"v?(\d+)(?:\.(\d+))?(?:\.(\d+))?")


@dataclass(frozen=True)
class Found:
    """A version and the evidence it came from."""

    name: str  # the package ("react-router-dom", "flask") or the language ("python")
    release: Release
    how: How
    source: str  # the file (and, for ranges, the range) it was read from

    @property
    def text(self) -> str:
        return ".".join(str(part) for part in self.release)

    def describe(self) -> str:
        return f"{self.name} {self.text} ({self.how}: {self.source})"

    def to_json(self) -> dict[str, str]:
        return {"version": self.text, "how": self.how, "source": self.source}

    def at_least(self, *release: int) -> bool:
        return self.release >= padded(release)

    def below(self, *release: int) -> bool:
        return self.release < padded(release)


def padded(parts: tuple[int, ...]) -> Release:
    padded = (tuple(parts) + (0, 0, 0))[:3]
    return padded[0], padded[1], padded[2]


def parse_release(text: str) -> Release | None:
    """`4.3.1`, `v5.8.38`, `3.9.18` or `7.1` as a (major, minor, patch) tuple; None for anything else."""
    match = _RELEASE.match(text.strip())
    if match is None:
        return None
    return padded(tuple(int(part) for part in match.groups() if part is not None))


def folders_up(root: str) -> list[str]:
    """`root` and each folder above it up to the project root (where a monorepo hoists and locks)."""
    folders = [root]
    while root:
        root = folder_of(root)
        folders.append(root)
    return folders


def text_of(tree: ProjectTree, path: str) -> str:
    """A file's text, or "" when it cannot be read as text (an unreadable file is no evidence)."""
    try:
        return tree.text(path)
    except WizardError:
        return ""


def read_json(tree: ProjectTree, path: str) -> object:
    try:
        return json.loads(text_of(tree, path))
    except ValueError:  # an unreadable lockfile is no evidence; the manifest still is
        return None


def toml_table(data: object, *keys: str) -> dict[str, Any]:
    """A nested TOML table, or {} when any level is missing or not a table (a malformed file is no evidence)."""
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data if isinstance(data, dict) else {}


def read_toml(tree: ProjectTree, path: str) -> dict[str, Any]:
    """A TOML file's tables, {} when it cannot be parsed (a malformed file is no evidence)."""
    import tomllib  # tomllib (with its regexes) only where a TOML file is read (start-up time, issue 14)

    try:
        return tomllib.loads(text_of(tree, path))
    except tomllib.TOMLDecodeError:
        return {}
