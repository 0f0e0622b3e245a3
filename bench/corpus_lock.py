"""One scorer run per app at a time: `runs/NAME/scoring.lock`.

The lock is an `fcntl.flock` on that file, which records its owner (`pid=N start=T`, T the process's
start time in clock ticks from /proc, so that a PID the system gave to another process since is not
taken for the owner). The kernel drops a flock when its process ends, however it ends, so a run that
was killed leaves a file nobody holds: the next run takes it over and says so. A lock is held by a
live run when its flock is taken, or when the PID it records is still that running process (a run of
an older scorer, which created the file with O_EXCL and no flock). The file is removed when the run
ends, while the flock is still held; a run that opened the old file before that finds it is no longer
the file at that path and starts again.
"""

from __future__ import annotations

import fcntl
import os
import re
from dataclasses import dataclass
from pathlib import Path

LOCK_NAME = "scoring.lock"


@dataclass(frozen=True)
class Owner:
    """The run a lock file names: its PID and, when recorded, the process's start time."""

    pid: int
    start: int | None = None

    def alive(self) -> bool:
        """Whether this PID is still the process that wrote the lock."""
        if self.pid <= 0:
            return False
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass  # another user's process: it exists
        return self.start is None or process_start(self.pid) in (None, self.start)

    def describe(self) -> str:
        return f"PID {self.pid}"


def process_start(pid: int) -> int | None:
    """The process's start time in clock ticks since boot (/proc/PID/stat, field 22), or None."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces or parentheses itself.
    fields = text.rsplit(")", 1)[-1].split()
    try:
        return int(fields[19])
    except (IndexError, ValueError):
        return None


def parse_owner(text: str) -> Owner | None:
    """`pid=N start=T` (this scorer), or a bare PID (older scorers); None when it names no process."""
    match = re.fullmatch(r"\s*pid=(\d+)(?:\s+start=(\d+))?\s*", text) or re.fullmatch(r"\s*(\d+)()\s*", text)
    if not match:
        return None
    return Owner(int(match.group(1)), int(match.group(2)) if match.group(2) else None)


class LockHeld(Exception):
    """Another live scorer run holds this app: the message names its PID."""


class ScoringLock:
    """Held from `acquire` to `release`; `taken_over` says whose stale lock it replaced ("" if none)."""

    def __init__(self, path: Path, descriptor: int, taken_over: str) -> None:
        self.path = path
        self.descriptor = descriptor
        self.taken_over = taken_over

    @classmethod
    def acquire(cls, path: Path) -> ScoringLock:
        while True:
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                owner = parse_owner(_read(descriptor))
                os.close(descriptor)
                raise LockHeld(f"another scorer run ({owner.describe() if owner else 'PID unknown'}) holds {path}") from None
            # The run before us may have removed the file between our open and our flock.
            try:
                same = os.stat(path, follow_symlinks=False).st_ino == os.fstat(descriptor).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(descriptor)
        previous = _read(descriptor)
        owner = parse_owner(previous)
        if owner is not None and owner.pid != os.getpid() and owner.alive():
            os.close(descriptor)  # an older scorer's lock (no flock) whose run is still going
            raise LockHeld(f"another scorer run ({owner.describe()}) holds {path}")
        if owner is not None:
            taken_over = f"took over {path}: its owner, {owner.describe()}, is no longer running"
        elif previous.strip():
            taken_over = f"took over {path}: it names no process ({previous.strip()[:40]!r})"
        else:
            taken_over = ""  # a new file (or one left empty by a run killed before it wrote its PID)
        os.ftruncate(descriptor, 0)
        start = process_start(os.getpid())
        os.pwrite(descriptor, (f"pid={os.getpid()}" + (f" start={start}" if start is not None else "") + "\n").encode(), 0)
        return cls(path, descriptor, taken_over)

    def release(self) -> None:
        try:
            self.path.unlink(missing_ok=True)
        finally:
            os.close(self.descriptor)  # closing drops the flock


def _read(descriptor: int) -> str:
    try:
        return os.pread(descriptor, 200, 0).decode("ascii", "replace")
    except OSError:
        return ""
