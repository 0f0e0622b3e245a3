"""Fault injection for the crash-safety tests: kill the process, or fail with a full disk, at step N.

Every write, rename and removal the transactional writer makes first calls `checkpoint()`. With
INTERCOM_WIZARD_FAULT unset (always, outside the tests) it only counts. The tests set
`INTERCOM_WIZARD_FAULT=kill:N` (the process ends at once, as under `kill -9`, without cleaning up)
or `enospc:N` (that step raises "No space left on device") and check the tree afterwards.
"""

import errno
import os

FAULT_ENV = "INTERCOM_WIZARD_FAULT"
KILLED_EXIT_CODE = 137  # what a shell reports for a process ended by SIGKILL

_steps_taken = 0


def checkpoint(step: str) -> None:
    """Count one filesystem step; at the step INTERCOM_WIZARD_FAULT names, fail as it says."""
    global _steps_taken
    _steps_taken += 1
    fault = os.environ.get(FAULT_ENV)
    if not fault:
        return
    kind, _, number = fault.partition(":")
    if not number.isdigit() or int(number) != _steps_taken:
        return
    if kind == "kill":
        os._exit(KILLED_EXIT_CODE)
    if kind == "enospc":
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), step)


def reset() -> None:
    """Start counting again (the in-process tests run several commands in one process)."""
    global _steps_taken
    _steps_taken = 0
