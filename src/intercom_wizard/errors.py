"""Errors a user can cause, each mapped to a documented exit code."""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FAILED = 1
    BAD_INPUT = 2
    NOTHING_DETECTED = 3
    MANUAL_STEP = 4
    DIRTY_TREE = 5
    APPLY_FAILED = 6
    ALREADY_INSTALLED = 7


EXIT_CODE_HELP = """\b
Exit codes:
  0  success: the install is complete, or anonymous-only (the app has no sign-in)
  1  verification or a check failed
  2  bad input: invalid option value, secret passed on the command line,
     unreadable, malformed or non-UTF-8 file, special file (FIFO, socket,
     device), malformed receipt, path outside the project; or another
     install/uninstall is running on the same project (nothing changed)
  3  nothing (or more than one candidate) detected; pass --frontend/--backend
  4  incomplete: a manual step is needed (file and snippet printed), e.g. an
     identity adapter to fill in, a layout or a failed package install
  5  git has uncommitted changes in files the plan touches (see --allow-dirty)
  6  applying the plan failed; every file was left as it was
  7  Intercom is already installed (by hand, or by the wizard with other options)
"""


class WizardError(Exception):
    """A failure with a message meant for the user and a specific exit code."""

    exit_code: ExitCode = ExitCode.FAILED

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class BadInput(WizardError):
    exit_code = ExitCode.BAD_INPUT


class Busy(BadInput):
    """Another run holds the project's lock (or the lock cannot be taken): nothing was changed."""


class NothingDetected(WizardError):
    exit_code = ExitCode.NOTHING_DETECTED


class DirtyTree(WizardError):
    exit_code = ExitCode.DIRTY_TREE


class ApplyFailed(WizardError):
    exit_code = ExitCode.APPLY_FAILED


class AlreadyInstalled(WizardError):
    exit_code = ExitCode.ALREADY_INSTALLED


@dataclass(frozen=True)
class Candidate:
    """One answer to an ambiguity, as data: the CLI shows `display` and applies `kind`/`name`/`root`."""

    kind: str  # the option the choice sets: "backend", "frontend", "token_storage_key"
    name: str  # its value: "django", "access_token"
    root: str  # where it was found: the app's folder ("" = the project root), or the file that reads the key
    display: str  # how it is shown: "django in mysite"


class Ambiguous(NothingDetected):
    """More than one candidate for a role: the user must choose (asked, or --frontend/--backend)."""

    def __init__(self, role: str, candidates: Sequence[Candidate], message: str, *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.role = role
        self.candidates = tuple(candidates)

    def choice(self, answer: str) -> Candidate | None:
        """The candidate an answer names: its number in the list, its display text, or its name when
        only one candidate has that name; None when the answer names none (or several)."""
        answer = answer.strip()
        if answer.isdigit() and 1 <= int(answer) <= len(self.candidates):
            return self.candidates[int(answer) - 1]
        shown = [c for c in self.candidates if c.display == answer]
        named = [c for c in self.candidates if c.name == answer]
        return shown[0] if len(shown) == 1 else named[0] if len(named) == 1 else None
