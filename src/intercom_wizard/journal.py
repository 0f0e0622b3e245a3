"""The apply journal: how an interrupted install or uninstall is finished or undone by the next run.

Before the first file is replaced, `apply` writes `.intercom-wizard~journal.json` in the project root:
every target with the temporary file holding its new content, the backup its original is moved to,
and the SHA-256 of the new content. The journal says "pending" while files are being replaced and
is rewritten (atomically, by rename) as "committed" once every file and the receipt are in place.
The next command that finds a journal (install, uninstall, detect, doctor) takes the project lock and

- rolls a pending change back: temporary files removed, backups renamed over their targets, files
  the change created (recognised by their hash) and folders it created removed;
- finishes a committed one: backups of replaced and deleted files removed, emptied folders removed.

Either way the tree ends exactly as before or exactly as after, and the journal goes last.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from intercom_wizard.errors import BadInput
from intercom_wizard.faults import checkpoint
from intercom_wizard.lock import JOURNAL_NAME, JOURNAL_TEMP, TRANSIENT_PREFIX, ProjectLock, holds_lock, journal_left_behind
from intercom_wizard.tree import check_readable_file


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _random_hex() -> str:
    """What secrets.token_hex(4) returns (os.urandom, in hex), without importing secrets, hmac and base64
    into every command that only checks for a journal (start-up time, issue 14)."""
    return os.urandom(4).hex()


def transient_name(kind: Literal["new", "old"], name: str) -> str:
    """A temporary (new content) or backup (original) file's name: the shared prefix, then the target's."""
    return f"{TRANSIENT_PREFIX}{kind}~{_random_hex()}~{name}"


@dataclass
class Entry:
    """One file of a transaction: where its new content and the original's backup are kept."""

    path: str  # relative to the project root
    action: Literal["create", "modify", "delete"]
    temp: str | None  # file name beside the target holding the new content
    backup: str | None  # file name beside the target the original is moved to
    sha256: str | None  # of the new content (None for a deletion)


@dataclass
class Journal:
    """The transaction on disk: enough to finish or roll back an interrupted install or uninstall."""

    root: Path
    entries: list[Entry]
    created_dirs: list[str] = field(default_factory=list)  # relative, parents first
    state: Literal["pending", "committed"] = "pending"

    def save(self, state: Literal["pending", "committed"]) -> None:
        """Write the journal in one rename, so it is always whole."""
        self.state = state
        body = {"version": 1, "state": state, "created_dirs": self.created_dirs, "entries": [asdict(e) for e in self.entries]}
        temp = self.root / f"{JOURNAL_TEMP}{_random_hex()}"
        _write_new_file(temp, (json.dumps(body, indent=2) + "\n").encode(), 0o600, "journal write")
        try:
            checkpoint("journal rename")
            os.replace(temp, self.root / JOURNAL_NAME)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        _sync_folder(self.root)

    def remove(self) -> None:
        checkpoint("journal removal")
        (self.root / JOURNAL_NAME).unlink(missing_ok=True)
        _sync_folder(self.root)

    def roll_back(self) -> None:
        """Undo whatever part of a pending change reached the disk (every step is safe to repeat)."""
        for entry in reversed(self.entries):
            target = self.root / entry.path
            if entry.temp and (target.parent / entry.temp).exists():
                checkpoint("roll back: temporary file")
                (target.parent / entry.temp).unlink()
            if entry.backup and (target.parent / entry.backup).exists():
                checkpoint("roll back: restore original")
                os.replace(target.parent / entry.backup, target)
            elif entry.action == "create" and target.is_file() and not target.is_symlink() and sha256_file(target) == entry.sha256:
                checkpoint("roll back: created file")
                target.unlink()
        for folder in reversed(self.created_dirs):
            _remove_if_empty(self.root / folder)

    def finish(self) -> None:
        """Complete a committed change: drop the backups, and the folders deletions emptied."""
        for entry in self.entries:
            target = self.root / entry.path
            for leftover in (entry.backup, entry.temp):
                if leftover and (target.parent / leftover).exists():
                    checkpoint("finish: backup removal")
                    (target.parent / leftover).unlink()
        for entry in sorted(self.entries, key=lambda e: len(Path(e.path).parts), reverse=True):
            if entry.action == "delete":
                folder = (self.root / entry.path).parent
                while folder != self.root and _remove_if_empty(folder):
                    folder = folder.parent


def recover(root: Path) -> str | None:
    """Finish or roll back a change a previous run left half-done; a sentence for the user, or None.

    Takes the project lock for the repair unless this process already holds it.
    """
    root = root.resolve()
    if not journal_left_behind(root):
        return None
    lock = None if holds_lock(root) else ProjectLock.acquire(root)
    try:
        for orphan in root.glob(f"{JOURNAL_TEMP}*"):  # a journal whose writing was interrupted: nothing else happened yet
            orphan.unlink()
        if not (root / JOURNAL_NAME).exists():
            return None
        journal = load(root)
        if journal.state == "committed":
            journal.finish()
            outcome = "was completed (its backups removed)"
        else:
            journal.roll_back()
            outcome = "was rolled back: every file is as it was before it"
        journal.remove()
        return f"An interrupted intercom-wizard run changing {len(journal.entries)} file(s) {outcome}."
    finally:
        if lock is not None:
            lock.release()


def load(root: Path) -> Journal:
    path = root / JOURNAL_NAME
    check_readable_file(path, JOURNAL_NAME)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = [_entry(root, item) for item in data["entries"]]
        created = [_relative(root, folder) for folder in data.get("created_dirs", [])]
        state = data["state"]
        if state not in ("pending", "committed") or not isinstance(entries, list):
            raise ValueError(f"state {state!r}")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BadInput(
            f"{JOURNAL_NAME} (left by an interrupted run) cannot be read ({exc}); nothing was changed.",
            hint=f"Originals are kept beside each file as {TRANSIENT_PREFIX}old~...; restore them by hand, then delete {JOURNAL_NAME}.",
        ) from None
    return Journal(root, entries, created, state)


def _entry(root: Path, item: dict[str, Any]) -> Entry:
    if item["action"] not in ("create", "modify", "delete"):
        raise ValueError(f"action {item['action']!r}")
    for name in (item.get("temp"), item.get("backup")):
        if name is not None and (not isinstance(name, str) or not name.startswith(TRANSIENT_PREFIX) or "/" in name):
            raise ValueError(f"file name {name!r}")
    return Entry(_relative(root, item["path"]), item["action"], item.get("temp"), item.get("backup"), item.get("sha256"))


def _relative(root: Path, path: object) -> str:
    if not isinstance(path, str) or path.startswith("/") or ".." in Path(path).parts or not path:
        raise ValueError(f"path {path!r}")
    return path


def write_new_file(path: Path, data: bytes, mode: int) -> None:
    """Create `path` (never an existing file), private (0600) while written, `mode` once complete."""
    _write_new_file(path, data, mode, "write")


def _write_new_file(path: Path, data: bytes, mode: int, step: str) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            half = len(data) // 2
            handle.write(data[:half])
            handle.flush()
            checkpoint(step)  # a fault here leaves a half-written file, as a full disk or a kill would
            handle.write(data[half:])
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(path, mode)
    except BaseException:
        path.unlink(missing_ok=True)  # a failed write (a full disk) leaves nothing behind
        raise


def _remove_if_empty(folder: Path) -> bool:
    try:
        if folder.is_dir() and not any(folder.iterdir()):
            checkpoint("folder removal")
            folder.rmdir()
            return True
    except OSError:
        pass
    return False


def _sync_folder(folder: Path) -> None:
    """Make a rename or removal in `folder` durable (not only atomic) before the next step."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
