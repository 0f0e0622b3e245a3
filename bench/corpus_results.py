"""The corpus scorer's results: the stages every app goes through, each one's pass / fail / skip with
its reason, and the words the scoreboard counts by (bench/corpus.py runs them; docs/corpus.md)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from corpus_touched import TouchedCount, touched_count_from_json

Status = Literal["pass", "fail", "skip"]
STAGES = ("detect", "dry_run", "seed", "build_before", "typecheck_before", "lint_before", "install",
          "build_after", "typecheck_after", "lint_after", "touched", "manual", "start", "warm_up", "verify_anonymous",
          "verify_users", "uninstall")
CHECKS = ("build", "typecheck", "lint")
# The start stage's skip reason for an app that cannot run on this machine (sheet: offline_reason).
OFFLINE_NO = "offline: no"
# ... and for a JSON API without a page of its own (sheet: no_pages_reason): verify opens pages.
NO_PAGES = "no pages"
# ... and for a single-page app whose sign-in is a fake back end inside the browser (sheet:
# no_server_reason): no server whose session a token endpoint could trust; the front-end half of an
# app, as a `no pages` row is the API half.
NO_SERVER = "no server"
NOT_RUN_HERE = (OFFLINE_NO, NO_PAGES, NO_SERVER)
# The verify cell of an app verified after the scorer did the wizard's printed manual steps ([manual] patch).
AFTER_MANUAL = "pass (after its manual steps)"
# The start stage's skip reason after the sheet's seed failed (the seed stage says why): verify counts it as failed.
SEED_FAILED = "the seed failed"
# verify_users' skip reason when the sheet says why its sign-in cannot be used here (login.offline_reason).
NO_SIGN_IN = "sign-in not verifiable here"
# A verify failure after an install that ended incomplete (the scorer does not do the manual steps).
INCOMPLETE_PREFIX = "install incomplete (its manual steps not done): "
# ... and one after the scorer did them ([manual] patch).
AFTER_MANUAL_PREFIX = "after its manual steps: "


@dataclass
class StageResult:
    status: Status
    reason: str = ""
    seconds: float = 0.0


@dataclass
class AppResult:
    name: str
    repo: str
    commit: str
    framework: str
    stages: dict[str, StageResult] = field(default_factory=dict)
    outcome: str = ""                # complete / incomplete / anonymous-only / failed, from install
    manual_steps: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    touched: list[TouchedCount] = field(default_factory=list)  # the [[touched]] checks' counts

    def record(self, stage: str, status: Status, reason: str = "", seconds: float = 0.0) -> StageResult:
        if stage not in STAGES:
            raise ValueError(f"unknown stage {stage}")
        if stage in self.stages:
            raise ValueError(f"stage {stage} recorded twice for {self.name}")
        result = StageResult(status, one_line(reason), round(seconds, 1))
        self.stages[stage] = result
        return result

    def skip_rest(self, reason: str) -> None:
        for stage in STAGES:
            if stage not in self.stages:
                self.record(stage, "skip", reason)

    def passed(self, stage: str) -> bool:
        result = self.stages.get(stage)
        return result is not None and result.status == "pass"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["stages"] = {stage: data["stages"][stage] for stage in STAGES if stage in data["stages"]}
        return data


def app_from_json(data: dict[str, Any]) -> AppResult:
    """An AppResult back from the JSON this script writes."""
    # Results saved before the scorer stripped escape sequences lose them here too.
    stages = {name: StageResult(**{**stage, "reason": strip_ansi(stage.get("reason", ""))}) for name, stage in data.get("stages", {}).items()}
    return AppResult(data["name"], data["repo"], data["commit"], data["framework"], stages,
                     data.get("outcome", ""), [strip_ansi(step) for step in data.get("manual_steps", [])],
                     [strip_ansi(note) for note in data.get("notes", [])],
                     [touched_count_from_json(count) for count in data.get("touched", [])])


# Terminal escape sequences: CSI (colours, cursor moves: ESC [ ... final byte), OSC (hyperlinks,
# titles: ESC ] ... BEL or ESC \\) and the two-byte ones. Tools colour their output even under CI
# (the scorer also sets NO_COLOR=1 and FORCE_COLOR=0 for them); a reason never carries them.
ANSI_ESCAPE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]|\x1b")


def strip_ansi(text: str) -> str:
    return ANSI_ESCAPE.sub("", text)


def one_line(text: str, limit: int = 160) -> str:
    line = " ".join(strip_ansi(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
