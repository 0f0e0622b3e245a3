"""The install receipt: what the wizard added, so `uninstall` can take exactly that away again.

It records new files with their hash and the exact text of every insertion. It never records a
secret: an inserted secret line is remembered only by its variable name.
"""

import hashlib
import json
import posixpath
import re
from dataclasses import dataclass, field
from typing import Any, NotRequired, TypedDict

from intercom_wizard import __version__
from intercom_wizard.errors import BadInput
from intercom_wizard.plan import FileChange
from intercom_wizard.tree import ProjectTree

RECEIPT_PATH = ".intercom-wizard.json"
SECRET_NAME = "INTERCOM_IDENTITY_SECRET"  # the one variable the wizard writes into env files
# Patterns kept as text are compiled on first use (re's own cache): a run that never needs them skips the compile (start-up time, issue 14).
_SHA256 = r"[0-9a-f]{64}"
GIT_BLOB = r"[0-9a-f]{40}|[0-9a-f]{64}"  # SHA-1 or SHA-256 object names


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class InsertedSnippet(TypedDict):
    """One insertion into a file the user already had, as the receipt keeps it."""

    offset: int  # where it starts in the file as written
    text: str
    replaced: NotRequired[str]  # the user's original text, when the snippet took its place (install --upgrade)


@dataclass
class Receipt:
    """What install wrote, kept in the project (`.intercom-wizard.json`) so uninstall removes exactly that."""

    settings: dict[str, str] = field(default_factory=dict)
    created: dict[str, str | None] = field(default_factory=dict)  # path -> sha256 (None: holds a secret)
    inserted: dict[str, list[InsertedSnippet]] = field(default_factory=dict)  # path -> its snippets
    env_lines: dict[str, list[str]] = field(default_factory=dict)  # path -> variable names
    # Env files whose secret line install put after a newline of its own (the file had no final newline):
    # uninstall takes back exactly that newline, and no other.
    env_newline: list[str] = field(default_factory=list)
    # Lockfiles git held unmodified before the package manager ran: path -> git blob id of that original,
    # which uninstall writes back (lockfiles.py).
    lockfiles: dict[str, str] = field(default_factory=dict)

    @property
    def paths(self) -> set[str]:
        return set(self.created) | set(self.inserted) | set(self.env_lines)

    def record(self, change: FileChange) -> None:
        if change.action == "create":
            self.created[change.path] = None if change.holds_secret else sha256(change.encoded())
            if change.holds_secret:
                self.env_lines[change.path] = [line.split("=", 1)[0] for line in change.after.splitlines() if "=" in line]
            return
        snippets = self.inserted.setdefault(change.path, [])
        shift = 0
        for insertion in sorted(change.insertions, key=lambda i: i.offset):
            if insertion.secret_env:
                self.env_lines.setdefault(change.path, []).append(insertion.secret_env)
                if insertion.text.startswith(("\n", "\r")) and change.path not in self.env_newline:
                    self.env_newline.append(change.path)
            else:
                snippet: InsertedSnippet = {"offset": insertion.offset + shift, "text": insertion.text}
                if insertion.replaced:
                    snippet["replaced"] = insertion.replaced
                snippets.append(snippet)
            shift += len(insertion.text) - len(insertion.replaced)
        if not snippets:
            del self.inserted[change.path]

    def to_text(self) -> str:
        body = {
            "generator": f"intercom-wizard {__version__}",
            "about": "Written by intercom-wizard so that `intercom-wizard uninstall` can remove exactly what it added.",
            "settings": self.settings,
            "created": dict(sorted(self.created.items())),
            "inserted": dict(sorted(self.inserted.items())),
            "env_lines": dict(sorted(self.env_lines.items())),
        } | ({"env_newline": sorted(self.env_newline)} if self.env_newline else {}) | ({"lockfiles": dict(sorted(self.lockfiles.items()))} if self.lockfiles else {})
        return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def load_receipt(tree: ProjectTree) -> Receipt | None:
    """The receipt, checked against its schema: a hand-edited one must not make uninstall touch the user's files."""
    if not tree.exists(RECEIPT_PATH):
        return None
    try:
        data = json.loads(tree.text(RECEIPT_PATH))
        receipt = _receipt_from(data)
        for path in receipt.paths | set(receipt.env_newline) | set(receipt.lockfiles):
            tree.resolve(path)  # a symlink on the way must not lead outside the project
    except (ValueError, TypeError, AttributeError) as exc:  # json.JSONDecodeError included
        raise BadInput(
            f"{RECEIPT_PATH} is not a receipt this version can read ({exc}); nothing was changed.",
            hint="Restore it from version control, or remove the Intercom code by hand.",
        ) from None
    return receipt


def _receipt_from(data: object) -> Receipt:
    body = _mapping(data, "the receipt")
    settings = _mapping(body.get("settings", {}), "settings")
    if not all(isinstance(value, str) for value in settings.values()):
        raise ValueError("settings: every value must be a string")
    created: dict[str, str | None] = {}
    for path, digest in _mapping(body.get("created", {}), "created").items():
        if digest is not None and not (isinstance(digest, str) and re.fullmatch(_SHA256, digest)):
            raise ValueError(f"created[{path!r}]: not a SHA-256 hex digest")
        created[_project_path(path)] = digest
    inserted: dict[str, list[InsertedSnippet]] = {}
    for path, snippets in _mapping(body.get("inserted", {}), "inserted").items():
        if not isinstance(snippets, list):
            raise ValueError(f"inserted[{path!r}]: not a list")
        checked: list[InsertedSnippet] = []
        for snippet in snippets:
            offset, text = (snippet.get("offset"), snippet.get("text")) if isinstance(snippet, dict) else (None, None)
            replaced = snippet.get("replaced", None) if isinstance(snippet, dict) else None
            if (
                not isinstance(snippet, dict)
                or set(snippet) - {"replaced"} != {"offset", "text"}
                or type(offset) is not int
                or offset < 0
                or not isinstance(text, str)
                or ("replaced" in snippet and not (isinstance(replaced, str) and replaced))
                or not (text or replaced)  # only a replacement (the user's text taken out) may insert nothing
            ):
                raise ValueError(
                    f"inserted[{path!r}]: each snippet is {{\"offset\": n >= 0, \"text\": \"...\"}}, with \"replaced\": "
                    "\"...\" (non-empty) when it took the place of the user's text"
                )
            entry: InsertedSnippet = {"offset": offset, "text": text}
            if replaced:
                entry["replaced"] = replaced
            checked.append(entry)
        inserted[_project_path(path)] = checked
    env_lines: dict[str, list[str]] = {}
    for path, names in _mapping(body.get("env_lines", {}), "env_lines").items():
        # The wizard writes one variable; any other name would let uninstall delete the user's settings.
        if not isinstance(names, list) or not names or any(name != SECRET_NAME for name in names):
            raise ValueError(f"env_lines[{path!r}]: only {SECRET_NAME} is ever written")
        env_lines[_project_path(path)] = list(names)
    env_newline = body.get("env_newline", [])
    if not isinstance(env_newline, list) or any(path not in env_lines for path in env_newline):
        raise ValueError("env_newline: must list env files of env_lines")
    from intercom_wizard.integrations.backends.npm_common import LOCKFILES  # here: keeps this module's imports light

    lockfile_names = {name for name, _ in LOCKFILES}  # a receipt may give back nothing but a lockfile
    lockfiles: dict[str, str] = {}
    for path, blob in _mapping(body.get("lockfiles", {}), "lockfiles").items():
        if not (isinstance(blob, str) and re.fullmatch(GIT_BLOB, blob)) or posixpath.basename(path) not in lockfile_names:
            raise ValueError(f"lockfiles[{path!r}]: a package manager's lockfile and the git blob id of its original")
        lockfiles[_project_path(path)] = blob
    for path, digest in created.items():
        if digest is None and path not in env_lines:
            raise ValueError(f"created[{path!r}]: only an env file holding the secret has no hash")
    return Receipt(settings={key: str(value) for key, value in settings.items()}, created=created, inserted=inserted, env_lines=env_lines, env_newline=list(env_newline), lockfiles=lockfiles)


def _mapping(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{where}: not a JSON object")
    return value


def _project_path(path: str) -> str:
    """A normalised relative path inside the project, not the receipt itself, not in .git."""
    parts = path.split("/")
    if (
        not path
        or path.startswith("/")
        or "\\" in path
        or "\0" in path
        or any(part in ("", ".", "..") for part in parts)
        or parts[0] == ".git"
        or path == RECEIPT_PATH
    ):
        raise ValueError(f"{path!r} is not a path inside the project")
    return path
