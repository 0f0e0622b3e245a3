"""The plan: pure data describing every change, and its renderings (diff, JSON)."""

import difflib
import json
from dataclasses import dataclass, field
from typing import Any, Literal

from intercom_wizard.sourcefile import SourceText

SECRET_MASK = "********"


@dataclass(frozen=True)
class Insertion:
    """Text inserted at a character offset of the original file, replacing `replaced` there (usually nothing)."""

    offset: int
    text: str
    secret_env: str | None = None  # set when `text` carries a secret: the receipt keeps only this name
    # The original text this one takes the place of (an upgrade of a hand-written installation): the
    # receipt keeps it, so uninstall puts it back byte for byte.
    replaced: str = ""


@dataclass(frozen=True)
class FileChange:
    """One file the install creates, modifies or deletes, with its whole new text."""

    path: str
    action: Literal["create", "modify", "delete"]
    reason: str
    after: str
    before: str | None = None
    source: SourceText | None = None  # encoding/newline of the existing file; None for new files
    insertions: tuple[Insertion, ...] = ()
    holds_secret: bool = False
    executable: bool = False

    def encoded(self) -> bytes:
        return self.source.encode(self.after) if self.source else self.after.encode("utf-8")

    def encoded_before(self) -> bytes | None:
        if self.before is None:
            return None
        return self.source.encode(self.before) if self.source else self.before.encode("utf-8")

    def display_text(self, text: str) -> str:
        if not self.holds_secret:
            return text
        return "\n".join(
            line.split("=", 1)[0] + "=" + SECRET_MASK if line.startswith(_secret_names(self)) else line
            for line in text.split("\n")
        )


def _secret_names(change: FileChange) -> tuple[str, ...]:
    return tuple(f"{i.secret_env}=" for i in change.insertions if i.secret_env) or ("INTERCOM_IDENTITY_SECRET=",)


@dataclass(frozen=True)
class DependencyChange:
    """A package the install adds to a manifest, and the package manager that installs it."""

    ecosystem: Literal["python", "npm", "ruby", "php"]
    package: str
    spec: str
    manifest: str
    package_manager: str | None = None


@dataclass(frozen=True)
class ManualStep:
    """Something the wizard could not do safely: the exact snippet and where it belongs."""

    file: str
    instruction: str
    snippet: str


@dataclass(frozen=True)
class Note:
    """A sentence shown with the plan: information, or a warning."""

    text: str
    level: Literal["info", "warning"] = "info"


# The three honest outcomes of an install (see `Plan.result`).
COMPLETE = "complete"
INCOMPLETE = "incomplete"
ANONYMOUS_ONLY = "anonymous-only"


@dataclass
class Plan:
    """What an install or uninstall would do: file changes, dependencies, manual steps and notes."""

    root: str
    frontend: str | None
    backend: str | None
    changes: list[FileChange] = field(default_factory=list)
    dependencies: list[DependencyChange] = field(default_factory=list)
    manual_steps: list[ManualStep] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    next_steps: list[str] = field(default_factory=list)
    # False when the app has no sign-in at all: no endpoint, no token fetch, every visitor a lead.
    identifies_users: bool = True

    @property
    def result(self) -> str:
        """The one place the outcome is decided, from what the integrations reported through the builder:
        any part left to do by hand (a layout, a hook, a fail-closed identity adapter, a package that
        did not install) makes the install incomplete; otherwise it works, with or without identity."""
        if self.manual_steps:
            return INCOMPLETE
        return COMPLETE if self.identifies_users else ANONYMOUS_ONLY

    @property
    def is_empty(self) -> bool:
        return not self.changes

    def diff(self) -> str:
        chunks: list[str] = []
        for change in self.changes:
            before = change.display_text(change.before or "").splitlines(keepends=True)
            after = change.display_text(change.after).splitlines(keepends=True)
            old = "/dev/null" if change.action == "create" else f"a/{change.path}"
            new = "/dev/null" if change.action == "delete" else f"b/{change.path}"
            chunks.extend(difflib.unified_diff(before, after, old, new, n=3))
            if chunks and not chunks[-1].endswith("\n"):
                chunks.append("\n\\ No newline at end of file\n")
        return "".join(chunks)

    def to_json(self) -> dict[str, Any]:
        return {
            "root": self.root,
            "frontend": self.frontend,
            "backend": self.backend,
            "changes": [
                {"path": c.path, "action": c.action, "reason": c.reason, "holds_secret": c.holds_secret}
                for c in self.changes
            ],
            "dependencies": [d.__dict__ for d in self.dependencies],
            "manual_steps": [m.__dict__ for m in self.manual_steps],
            "notes": [n.__dict__ for n in self.notes],
            "next_steps": self.next_steps,
            "result": self.result,
            "diff": self.diff(),
        }

    def render_json(self) -> str:
        return json.dumps(self.to_json(), indent=2)


def pure_insertions(before: str, after: str) -> list[Insertion] | None:
    """`after` as insertions at offsets of `before`, or None when it removes or replaces any text."""
    insertions = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, _i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if tag != "insert":
            return None
        insertions.append(Insertion(i1, after[j1:j2]))
    return insertions
