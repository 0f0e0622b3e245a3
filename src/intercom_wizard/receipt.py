"""The install receipt: what the wizard added, so `uninstall` can take exactly that away again.

It records new files with their hash and the exact text of every insertion. It never records a
secret: an inserted secret line is remembered only by its variable name.
"""

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from intercom_wizard import __version__
from intercom_wizard.errors import BadInput
from intercom_wizard.plan import FileChange
from intercom_wizard.tree import ProjectTree

RECEIPT_PATH = ".intercom-wizard.json"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Receipt:
    settings: dict[str, Any] = field(default_factory=dict)
    created: dict[str, str | None] = field(default_factory=dict)  # path -> sha256 (None: holds a secret)
    # path -> snippets as {"offset": where it starts in the file as written, "text": ...}
    inserted: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    env_lines: dict[str, list[str]] = field(default_factory=dict)  # path -> variable names

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
            else:
                snippets.append({"offset": insertion.offset + shift, "text": insertion.text})
            shift += len(insertion.text)
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
        }
        return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def load_receipt(tree: ProjectTree) -> Receipt | None:
    if not tree.resolve(RECEIPT_PATH).exists():
        return None
    try:
        data = json.loads(tree.text(RECEIPT_PATH))
        return Receipt(
            settings=dict(data.get("settings", {})),
            created=dict(data.get("created", {})),
            inserted={k: list(v) for k, v in data.get("inserted", {}).items()},
            env_lines={k: list(v) for k, v in data.get("env_lines", {}).items()},
        )
    except (ValueError, AttributeError, TypeError) as exc:
        raise BadInput(
            f"{RECEIPT_PATH} is not a receipt this version can read ({exc}).",
            hint="Restore it from version control, or remove the Intercom code by hand.",
        ) from None
