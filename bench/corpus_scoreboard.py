"""The corpus scoreboard: one markdown row per app between the markers in docs/corpus.md (rows of
apps not in this run are kept), the totals, the issue's rates and the failure reasons by stage."""

from __future__ import annotations

import re
from collections.abc import Sequence

from corpus_results import (
    AFTER_MANUAL,
    CHECKS,
    INCOMPLETE_PREFIX,
    NO_PAGES,
    NO_SERVER,
    NO_SIGN_IN,
    NOT_RUN_HERE,
    OFFLINE_NO,
    SEED_FAILED,
    STAGES,
    AppResult,
    StageResult,
    one_line,
)
from corpus_touched import markdown_rows, update_touched_markdown

COLUMNS = ("detect", "dry_run", "install", "build", "typecheck", "lint", "verify", "uninstall")
TABLE_BEGIN = "<!-- corpus-table:begin -->"
TABLE_END = "<!-- corpus-table:end -->"
HEADER = ("app", "repo", "commit", "framework", *COLUMNS, "failure reasons")
# Skip reasons a row states, though they are no failure: why the app, or its sign-in, is not verified
# here ("no server: ..." with its colon, never the stages' own "no server running").
SAID_IN_THE_ROW = (*(f"{kind}: " for kind in NOT_RUN_HERE), NO_SIGN_IN, "sign-in needs network access")


def column_cells(app: AppResult) -> dict[str, str]:
    """One word per column; build/typecheck/lint combine before + after, verify combines its stages."""
    cells: dict[str, str] = {}
    for column in ("detect", "dry_run", "install", "uninstall"):
        cells[column] = app.stages[column].status if column in app.stages else "skip"
    if app.outcome in ("complete", "incomplete", "anonymous-only") and cells["install"] == "pass":
        cells["install"] = f"pass ({app.outcome})"
    for check in CHECKS:
        before = app.stages.get(f"{check}_before", StageResult("skip"))
        after = app.stages.get(f"{check}_after", StageResult("skip"))
        if after.status == "fail":
            cells[check] = "fail"
        elif after.status == "pass":
            cells[check] = "pass"
        elif before.status == "fail":
            cells[check] = "skip (fails before)"
        else:
            cells[check] = "skip"
    verify_stages = [app.stages.get(stage, StageResult("skip")) for stage in ("start", "verify_anonymous", "verify_users")]
    not_run = next((kind for kind in NOT_RUN_HERE if verify_stages[0].reason.startswith(f"{kind}: ")), None)
    manual = app.stages.get("manual", StageResult("skip"))
    # A failed seed (start skipped for it) or warm-up request leaves the app unverified: counted as failed.
    unverified = verify_stages[0].reason == SEED_FAILED or app.stages.get("warm_up", StageResult("skip")).status == "fail"
    if verify_stages[0].status == "skip" and not_run:
        cells["verify"] = f"skip ({not_run})"
    elif manual.status == "fail" or unverified or any(stage.status == "fail" for stage in verify_stages):
        cells["verify"] = "fail"
    elif verify_stages[1].status == "pass" and verify_stages[2].status == "pass":
        cells["verify"] = AFTER_MANUAL if manual.status == "pass" else "pass"
    elif verify_stages[1].status == "pass":
        cells["verify"] = "pass (signed out only, after its manual steps)" if manual.status == "pass" else "pass (signed out only)"
    else:
        cells["verify"] = "skip"
    return cells


def failure_reasons(app: AppResult) -> str:
    """Every failed stage with its reason, and why an app or its sign-in could not run offline."""
    return "; ".join(f"{stage}: {result.reason}" for stage, result in app.stages.items()
                     if result.status == "fail"
                     or (result.status == "skip" and result.reason.startswith(SAID_IN_THE_ROW)))


def markdown_row(app: AppResult) -> str:
    cells = column_cells(app)
    values = [app.name, app.repo, app.commit[:10], app.framework, *(cells[c] for c in COLUMNS), failure_reasons(app) or "—"]
    return "| " + " | ".join(value.replace("|", "\\|") for value in values) + " |"


def _row_key(line: str) -> str:
    return line.strip().strip("|").split("|", 1)[0].strip()


def _row_cells(line: str) -> list[str]:
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip().strip("|"))]


def totals_lines(rows: Sequence[str]) -> list[str]:
    counts = {column: {"pass": 0, "fail": 0, "skip": 0} for column in COLUMNS}
    for row in rows:
        cells = _row_cells(row)
        for column, cell in zip(COLUMNS, cells[4 : 4 + len(COLUMNS)]):
            word = cell.split(" ", 1)[0]
            if word in counts[column]:
                counts[column][word] += 1
    parts = [f"{column}: {c['pass']} pass / {c['fail']} fail / {c['skip']} skip" for column, c in counts.items()]
    not_run = {kind: sum(_row_cells(row)[4 + COLUMNS.index("verify")] == f"skip ({kind})" for row in rows) for kind in NOT_RUN_HERE}
    verify_index = COLUMNS.index("verify")
    parts[verify_index] += " (of the skips: " + ", ".join(f"{count} {kind}" for kind, count in not_run.items()) + ")"
    return [f"Totals over {len(rows)} apps — " + "; ".join(parts) + ".", "", *rates_lines(rows)]


def _percent(part: int, whole: int) -> str:
    return f"{part}/{whole} = {round(100 * part / whole)} %" if whole else "0/0"


def reason_class(reason: str) -> str:
    """A failure reason without its particulars (versions, paths, numbers), so that alike ones count together."""
    if reason.startswith(INCOMPLETE_PREFIX):
        return "install incomplete: " + reason_class(reason[len(INCOMPLETE_PREFIX):])
    if "does not generate code for this project's versions" in reason:
        return "refused: the project's versions are outside the integration's supported range"
    if reason.startswith("manual step names a missing file"):
        return "manual step names a missing file"
    text = re.sub(r"\buser \d+: ", "", reason)
    text = re.sub(r"(?:https?:/)?[\w.-]*(?:/[\w.?=&%-]*)+", "PATH", text)   # paths and URLs (a lone "/" too)
    text = re.sub(r"\d+(\.\d+)*", "N", text)
    return one_line(text, 90)


def _stage_reasons(cell: str) -> list[tuple[str, str]]:
    """(stage, reason) pairs from a row's reasons cell (`stage: reason; stage: reason`)."""
    if cell in ("", "—"):
        return []
    pattern = re.compile(r"(?:^|; )(" + "|".join(STAGES) + r"): ")
    marks = list(pattern.finditer(cell))
    return [(mark.group(1), cell[mark.end(): marks[index + 1].start() if index + 1 < len(marks) else len(cell)].replace("\\|", "|"))
            for index, mark in enumerate(marks)]


def rates_lines(rows: Sequence[str]) -> list[str]:
    """The issue's measures: install success rate, verify rate over the apps that can run here, reasons by stage."""
    installs = verified = signed_out_only = after_manual = offline = 0
    not_run = dict.fromkeys(NOT_RUN_HERE, 0)
    reasons: dict[tuple[str, str], int] = {}
    for row in rows:
        cells = _row_cells(row)
        by_column = dict(zip(COLUMNS, cells[4 : 4 + len(COLUMNS)]))
        installs += by_column.get("install", "").startswith("pass")
        verify = by_column.get("verify", "")
        kind = next((kind for kind in NOT_RUN_HERE if verify == f"skip ({kind})"), None)
        if kind:
            not_run[kind] += 1
        else:
            offline += 1
            verified += verify.startswith("pass")
            signed_out_only += verify.startswith("pass (signed out only")
            after_manual += verify.endswith("after its manual steps)")
        for stage, reason in _stage_reasons(cells[-1]):
            if reason.startswith(SAID_IN_THE_ROW):
                continue
            key = (stage, reason_class(reason))
            reasons[key] = reasons.get(key, 0) + 1
    lines = [
        f"Install complete or incomplete (manual steps naming existing files): {_percent(installs, len(rows))}.",
        f"Verify passed (signed out, and both users where the sign-in can be used here) on {_percent(verified, offline)} of the apps that can run offline, "
        f"{signed_out_only} of them signed out only (no sign-in, or one that cannot be used here: the row says why), "
        f"{after_manual} of them after its manual steps (install `incomplete`; the scorer did exactly the wizard's printed steps "
        f"before verify and undid them before uninstall; {_percent(verified - after_manual, offline)} without those). "
        f"Not counted: {not_run[OFFLINE_NO]} that cannot run here (`offline: no`, the reason in their row), "
        f"{not_run[NO_PAGES]} JSON APIs with no page to open (`no pages`) and "
        f"{not_run[NO_SERVER]} single-page apps whose sign-in is a fake back end inside the browser, with no server whose session "
        f"a token endpoint could trust (`no server`: the front-end half of an app, as a `no pages` row is the API half; "
        f"where the same app is also run with its author's real API, the row names that row).",
        f"Counted as not verified, the {not_run[NO_SERVER]} `no server` rows would make it "
        f"{_percent(verified, offline + not_run[NO_SERVER])}.",
    ]
    if reasons:
        ranked = sorted(reasons.items(), key=lambda item: (-item[1], item[0]))
        lines += ["", "Failures by stage and reason (most common first):", ""]
        lines += [f"- {stage}: {reason} ×{count}" for (stage, reason), count in ranked]
    return lines


def update_markdown(document: str, apps: Sequence[AppResult]) -> str:
    """Replace (or add) the rows of these apps in the table between the markers; keep every other row."""
    if TABLE_BEGIN not in document or TABLE_END not in document:
        raise ValueError(f"the document has no {TABLE_BEGIN} ... {TABLE_END} section")
    head, rest = document.split(TABLE_BEGIN, 1)
    body, tail = rest.split(TABLE_END, 1)
    rows = [line for line in body.splitlines() if line.startswith("|") and not line.startswith("| app |") and not re.match(r"^\|[\s:|-]+\|$", line)]
    by_name = {_row_key(row): row for row in rows}
    for app in apps:
        by_name[app.name] = markdown_row(app)
    ordered = [by_name[name] for name in sorted(by_name)]
    table = ["| " + " | ".join(HEADER) + " |", "|" + "|".join("---" for _ in HEADER) + "|", *ordered]
    document = head + TABLE_BEGIN + "\n" + "\n".join(table) + "\n\n" + "\n".join(totals_lines(ordered)) + "\n" + TABLE_END + tail
    return update_touched_markdown(document, {app.name: markdown_rows(app.name, app.touched) for app in apps if app.touched})


def print_table(apps: Sequence[AppResult]) -> None:
    widths = [max(len(h), *(len(a.name) for a in apps)) if h == "app" else max(len(h), 9) for h in ("app", *COLUMNS)]
    print("  ".join(h.ljust(w) for h, w in zip(("app", *COLUMNS), widths)))
    for app in apps:
        cells = column_cells(app)
        print("  ".join(v.split(" ")[0].ljust(w) for v, w in zip((app.name, *(cells[c] for c in COLUMNS)), widths)))
    for app in apps:
        reasons = failure_reasons(app)
        if reasons:
            print(f"{app.name}: {reasons}")
