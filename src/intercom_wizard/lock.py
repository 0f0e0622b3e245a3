"""One wizard run at a time per project: install and uninstall hold an exclusive lock on it.

The lock is `fcntl.flock` on `.intercom-wizard~lock` in the project root. The kernel drops it when
the process ends however it ends, so a killed run never blocks the next one; the file itself is
removed when the lock is released (and a stale one is reused, then removed).
"""

from __future__ import annotations

import fcntl
import os
import stat
from pathlib import Path

from intercom_wizard.errors import Busy

TRANSIENT_PREFIX = ".intercom-wizard~"  # every file the wizard only keeps while it runs
LOCK_NAME = f"{TRANSIENT_PREFIX}lock"
# The apply journal's names (journal.py) live here, so that a run finds nothing to recover without importing it.
JOURNAL_NAME = f"{TRANSIENT_PREFIX}journal.json"
JOURNAL_TEMP = f"{TRANSIENT_PREFIX}journal~"

_held: dict[Path, ProjectLock] = {}


def journal_left_behind(root: Path) -> bool:
    """Whether an interrupted run left its journal (or one whose writing was interrupted) in `root`: only
    then has `journal.recover` anything to do (journal and its classes load for it: start-up time, issue 14)."""
    return (root / JOURNAL_NAME).exists() or any(root.glob(f"{JOURNAL_TEMP}*"))


class ProjectLock:
    def __init__(self, root: Path, descriptor: int) -> None:
        self.root = root
        self.descriptor = descriptor

    @classmethod
    def acquire(cls, root: Path) -> ProjectLock:
        root = root.resolve()
        if root in _held:
            raise Busy(f"{root} is already locked by this run.")
        path = root / LOCK_NAME
        while True:
            try:
                # O_NONBLOCK: opening a FIFO planted under this name must not hang.
                descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK, 0o600)
            except OSError as exc:
                raise Busy(f"Cannot create the lock file {path}: {exc.strerror or exc}.", hint="Check that the project folder is writable.") from None
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                os.close(descriptor)
                raise Busy(f"{path} is not a regular file; it cannot be the wizard's lock.", hint="Remove it and run the command again.")
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _read_holder(descriptor)
                os.close(descriptor)
                raise Busy(
                    f"Another intercom-wizard run{holder} is changing {root}; this one changed nothing.",
                    hint="Wait for it to finish, then run the command again.",
                ) from None
            # The holder before us may have removed the file between our open and our flock: then we
            # locked a file nobody else will ever open, so start again on the current one.
            try:
                current = os.stat(path, follow_symlinks=False)
            except FileNotFoundError:
                current = None
            if current is not None and current.st_ino == os.fstat(descriptor).st_ino:
                break
            os.close(descriptor)
        os.ftruncate(descriptor, 0)
        os.write(descriptor, f"{os.getpid()}\n".encode())
        lock = cls(root, descriptor)
        _held[root] = lock
        return lock

    def release(self) -> None:
        if _held.get(self.root) is not self:
            return
        del _held[self.root]
        try:
            (self.root / LOCK_NAME).unlink(missing_ok=True)
        finally:
            os.close(self.descriptor)  # closing drops the flock


def holds_lock(root: Path) -> bool:
    return root.resolve() in _held


def _read_holder(descriptor: int) -> str:
    try:
        pid = os.pread(descriptor, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return ""
    return f" (pid {pid})" if pid.isdigit() else ""
