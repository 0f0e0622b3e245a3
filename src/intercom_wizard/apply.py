"""Transactional writer: every file of a plan is changed, or none is, even if the process is killed.

Order of steps (each a `faults.checkpoint`): the journal ("pending"), the folders new files need, each
new content into a temporary sibling, then per file (the receipt last) the original renamed to its
backup and the temporary file renamed into place, the journal rewritten as "committed" (the commit
point), the backups removed, emptied folders removed, the journal removed. A failure before the
commit point rolls back from the journal; a kill at any step is finished or rolled back by the next
run (`journal.recover`). Temporary, backup, journal and lock files all start with `.intercom-wizard~`.
"""

import os
from dataclasses import dataclass, field
from pathlib import Path

from intercom_wizard.errors import ApplyFailed
from intercom_wizard.faults import checkpoint
from intercom_wizard.journal import Entry, Journal, transient_name, write_new_file
from intercom_wizard.plan import FileChange
from intercom_wizard.receipt import RECEIPT_PATH, sha256
from intercom_wizard.tree import ProjectTree


@dataclass
class ApplyResult:
    written: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)


def apply_changes(tree: ProjectTree, changes: list[FileChange]) -> ApplyResult:
    """Write all changes through temporary siblings and renames, journalled; on any failure restore everything."""
    # The receipt goes last: while it is not in place, no run treats the project as installed.
    ordered = sorted(changes, key=lambda change: change.path == RECEIPT_PATH)
    targets = [tree.resolve(change.path) for change in ordered]
    try:
        for change, target in zip(ordered, targets):
            _check_unchanged(change, target)
    except (OSError, RuntimeError) as exc:
        raise ApplyFailed(f"{exc}. Nothing was changed.", hint="Run the command again to plan from the files as they are now.") from None
    journal = Journal(
        tree.root,
        [
            Entry(
                change.path,
                change.action,
                None if change.action == "delete" else transient_name("new", target.name),
                transient_name("old", target.name) if change.action != "create" else None,
                None if change.action == "delete" else sha256(change.encoded()),
            )
            for change, target in zip(ordered, targets)
        ],
        _missing_folders(tree.root, [t.parent for c, t in zip(ordered, targets) if c.action != "delete"]),
    )
    current = ordered[0].path if ordered else ""
    journal_written = False
    try:
        journal.save("pending")
        journal_written = True
        for folder in journal.created_dirs:
            checkpoint("mkdir")
            (tree.root / folder).mkdir()
        for change, target, entry in zip(ordered, targets, journal.entries):
            current = change.path
            if entry.temp is not None:
                write_new_file(target.parent / entry.temp, change.encoded(), _final_mode(target, change))
        for change, target, entry in zip(ordered, targets, journal.entries):
            current = change.path
            if entry.backup is not None:
                checkpoint("rename original to backup")
                os.replace(target, target.parent / entry.backup)
            if entry.temp is not None:
                checkpoint("rename new content into place")
                os.replace(target.parent / entry.temp, target)
        journal.save("committed")
    except BaseException as exc:  # Ctrl-C included: roll back, then let it end the run
        if journal_written:
            journal.roll_back()
            journal.remove()
        if not isinstance(exc, Exception):
            raise
        raise ApplyFailed(
            f"Could not write {current}: {_describe(exc)}. Every file was left as it was.",
            hint="Check permissions and free space, then run the command again.",
        ) from exc
    try:
        journal.finish()
        journal.remove()
    except OSError as exc:
        raise ApplyFailed(
            f"The change was applied, but cleaning up after it failed: {_describe(exc)}.",
            hint="The next intercom-wizard command in this folder removes what is left.",
        ) from exc
    return ApplyResult(
        written=[change.path for change in changes if change.action != "delete"],
        deleted=[change.path for change in changes if change.action == "delete"],
    )


def _describe(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc)


def _check_unchanged(change: FileChange, target: Path) -> None:
    if change.action == "create":
        if target.exists() or target.is_symlink():
            raise FileExistsError(f"{change.path} appeared while the plan was being made")
        return
    expected = change.encoded_before()
    if expected is not None and target.read_bytes() != expected:
        raise RuntimeError(f"{change.path} changed while the plan was being made")


def _missing_folders(root: Path, folders: list[Path]) -> list[str]:
    """Folders to create, parents first, relative to the root."""
    missing: list[str] = []
    for folder in folders:
        chain = []
        while not folder.exists() and folder != root:
            chain.append(folder.relative_to(root).as_posix())
            folder = folder.parent
        missing += [path for path in reversed(chain) if path not in missing]
    return missing


def _final_mode(target: Path, change: FileChange) -> int:
    if target.exists():
        return target.stat().st_mode & 0o7777
    if change.holds_secret:
        return 0o600
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
