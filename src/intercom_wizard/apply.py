"""Transactional writer: every file of a plan is changed, or none is."""

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from intercom_wizard.errors import ApplyFailed
from intercom_wizard.plan import FileChange
from intercom_wizard.tree import ProjectTree


@dataclass
class _Staged:
    change: FileChange
    target: Path
    temp: Path | None = None  # new content, written beside the target
    backup: Path | None = None  # the original file, moved aside until commit
    placed: bool = False


@dataclass
class ApplyResult:
    written: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)


def apply_changes(tree: ProjectTree, changes: list[FileChange]) -> ApplyResult:
    """Write all changes through temporary siblings and renames; on any failure restore everything."""
    staged = [_Staged(change, tree.resolve(change.path)) for change in changes]
    created_dirs: list[Path] = []
    try:
        for item in staged:
            _check_unchanged(item)
            if item.change.action != "delete":
                created_dirs += _make_parents(item.target.parent)
                item.temp = _write_temp(item.target, item.change)
        for item in staged:
            if item.target.exists():
                backup = _sibling(item.target, "bak")
                os.replace(item.target, backup)
                item.backup = backup
            if item.temp is not None:
                os.replace(item.temp, item.target)
                item.temp = None
            item.placed = True
    except Exception as exc:
        _roll_back(staged, created_dirs)
        raise ApplyFailed(
            f"Could not write {item.change.path}: {exc}. Every file was left as it was.",
            hint="Check permissions and free space, then run the command again.",
        ) from exc
    for item in staged:
        if item.backup is not None:
            item.backup.unlink(missing_ok=True)
    _remove_emptied_folders(tree.root, [i.target for i in staged if i.change.action == "delete"])
    return ApplyResult(
        written=[i.change.path for i in staged if i.change.action != "delete"],
        deleted=[i.change.path for i in staged if i.change.action == "delete"],
    )


def _check_unchanged(item: _Staged) -> None:
    expected = item.change.encoded_before()
    if item.change.action == "create":
        if item.target.exists():
            raise FileExistsError(f"{item.change.path} appeared while the plan was being made")
        return
    if expected is not None and item.target.read_bytes() != expected:
        raise RuntimeError(f"{item.change.path} changed while the plan was being made")


def _make_parents(directory: Path) -> list[Path]:
    missing = []
    while not directory.exists():
        missing.append(directory)
        directory = directory.parent
    for path in reversed(missing):
        path.mkdir()
    return missing


def _sibling(target: Path, kind: str) -> Path:
    return target.with_name(f".{target.name}.intercom-wizard-{kind}-{secrets.token_hex(4)}")


def _write_temp(target: Path, change: FileChange) -> Path:
    """The new content beside the target, private (0600) while written; removed again if writing fails."""
    temp = _sibling(target, "new")
    descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(change.encoded())
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, _final_mode(target, change))
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def _final_mode(target: Path, change: FileChange) -> int:
    if target.exists():
        return target.stat().st_mode & 0o7777
    if change.holds_secret:
        return 0o600
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _roll_back(staged: list[_Staged], created_dirs: list[Path]) -> None:
    for item in reversed(staged):
        if item.temp is not None:
            item.temp.unlink(missing_ok=True)
        if item.placed and item.change.action != "delete":
            item.target.unlink(missing_ok=True)
        if item.backup is not None:
            os.replace(item.backup, item.target)
    for directory in created_dirs:
        try:
            directory.rmdir()
        except OSError:
            pass


def _remove_emptied_folders(root: Path, deleted: list[Path]) -> None:
    """Remove the folders deletions left empty, walking up to (never including) the project root."""
    for path in sorted(deleted, key=lambda p: len(p.parts), reverse=True):
        directory = path.parent
        while directory != root and directory.is_dir() and not any(directory.iterdir()):
            directory.rmdir()
            directory = directory.parent
