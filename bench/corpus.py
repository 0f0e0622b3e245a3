#!/usr/bin/env python3
"""Score intercom-wizard on a corpus of real apps written by other people.

Each app is a folder under APPS (checked out with `git archive`, never committed here) plus a run
sheet under SHEETS (one TOML or JSON file per app; format in docs/corpus.md). Per app, on a fresh
copy that is git-initialised and committed (so uninstall can be checked byte for byte):

    detect, install --dry-run, the app's own build / type check / lint before the install,
    install, the same checks after it, start + verify (signed out, then each sheet user),
    uninstall + byte-for-byte comparison with the committed copy.

Every stage ends pass, fail (one-line reason) or skip (why). Servers run in their own process
group and are stopped by that PID. Prints a table, writes JSON, and with --markdown rewrites the
scoreboard table in docs/corpus.md (rows of apps not in this run are kept, so two people can each
score their own apps into one table).

Usage: scripts/corpus [--apps DIR] [--sheets DIR] [--only NAME ...] [--json FILE] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# The scorer's parts, imported here too so that `import corpus` (the tests, the integrator's
# `corpus.update_markdown(text, results)`) reaches all of them through this one module.
from corpus_copies import (
    ABSENT,
    DEFAULT_GENERATED,
    GIT_IDENTITY,
    compare_snapshots,
    copy_app,
    dependency_folders,
    git_commit_all,
    is_dependency_folder,
    is_workspace_root,
    left_out,
    relink_outside_links,
    snapshot,
    touched_states,
)
from corpus_lock import LOCK_NAME, LockHeld, ScoringLock, parse_owner
from corpus_processes import Ran, RunningServices, _json_tail, group_members, port_open, run, stop_group, wizard_argv
from corpus_results import (
    AFTER_MANUAL,
    AFTER_MANUAL_PREFIX,
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
    Status,
    app_from_json,
    one_line,
    strip_ansi,
)
from corpus_scoreboard import (
    COLUMNS,
    HEADER,
    TABLE_BEGIN,
    TABLE_END,
    _row_cells,
    _row_key,
    column_cells,
    failure_reasons,
    markdown_row,
    print_table,
    rates_lines,
    reason_class,
    totals_lines,
    update_markdown,
)
from corpus_scorer import SECRET_ENV, WIZARD_RECEIPT, Scorer, _names_existing_file
from corpus_sheets import DEFAULT_WORKSPACE, Service, Sheet, SheetError, User, load_sheets, parse_sheet
from corpus_touched import (
    TouchedCheck,
    TouchedCount,
    TouchedSheetError,
    markdown_rows,
    named_files,
    parse_touched,
    planned_files,
    update_touched_markdown,
)
from corpus_verify_stages import LOOPBACK_PRELOAD, ServeAndVerify, _verify_outcome

DEFAULT_ROOT = Path("/work/scratch/corpus")
# The exit code when some app was not scored because another live scorer run holds it (2: a bad sheet
# or option; 0: every app asked for was scored, whatever its stages ended).
EXIT_HELD = 3

__all__ = [
    "ABSENT", "dependency_folders", "is_dependency_folder", "left_out", "touched_states", "strip_ansi",
    "AFTER_MANUAL", "AFTER_MANUAL_PREFIX", "EXIT_HELD", "LOCK_NAME", "LockHeld", "ScoringLock", "parse_owner", "CHECKS", "COLUMNS", "DEFAULT_GENERATED", "DEFAULT_ROOT", "DEFAULT_WORKSPACE",
    "GIT_IDENTITY", "HEADER", "INCOMPLETE_PREFIX", "LOOPBACK_PRELOAD", "NO_PAGES", "NO_SERVER", "NO_SIGN_IN",
    "NOT_RUN_HERE", "OFFLINE_NO", "SECRET_ENV", "SEED_FAILED", "group_members", "STAGES", "TABLE_BEGIN", "TABLE_END", "WIZARD_RECEIPT", "AppResult",
    "Ran", "RunningServices", "Scorer", "ServeAndVerify", "Service", "Sheet", "SheetError", "StageResult", "Status",
    "TouchedCheck", "TouchedCount", "TouchedSheetError", "User", "_json_tail", "_names_existing_file", "_row_cells", "_row_key", "_verify_outcome", "app_from_json",
    "column_cells", "compare_snapshots", "copy_app", "failure_reasons", "git_commit_all", "is_workspace_root", "load_sheets", "main",
    "markdown_row", "markdown_rows", "named_files", "one_line", "parse_sheet", "parse_touched", "planned_files", "port_open", "print_table", "rates_lines", "reason_class",
    "relink_outside_links", "run", "snapshot", "stop_group", "totals_lines", "update_markdown", "update_touched_markdown", "wizard_argv",
]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--apps", type=Path, default=DEFAULT_ROOT / "apps", help="folder of checked-out apps (one folder per sheet name)")
    parser.add_argument("--sheets", type=Path, default=DEFAULT_ROOT / "sheets", help="folder of run sheets (.toml / .json)")
    parser.add_argument("--work", type=Path, default=DEFAULT_ROOT / "runs", help="where fresh copies and logs go")
    parser.add_argument("--only", nargs="*", default=(), help="score only these apps (sheet names)")
    parser.add_argument("--fast", action="store_true", help="detect, dry run, install and uninstall only: no dependencies, checks or servers")
    parser.add_argument("--reinstall-deps", action="store_true", help="run each sheet's deps command again even if it succeeded before")
    parser.add_argument("--json", dest="json_out", type=Path, default=DEFAULT_ROOT / "results.json", help="JSON results (merged by app name)")
    parser.add_argument("--markdown", type=Path, help="rewrite the scoreboard table in this file (docs/corpus.md)")
    parser.add_argument("--from-json", type=Path, help="run nothing: put the apps of this results file (--only: some of them) in --markdown")
    parser.add_argument("--touched-only", action="store_true",
                        help="with --from-json: rewrite only the touched-files table (the scoreboard rows of these apps stay as they are)")
    args = parser.parse_args(argv)
    if args.from_json:
        if not args.markdown:
            print("error: --from-json needs --markdown", file=sys.stderr)
            return 2
        saved = [app_from_json(app) for app in json.loads(args.from_json.read_text(encoding="utf-8"))["apps"]]
        saved = [app for app in saved if not args.only or app.name in args.only]
        document = args.markdown.read_text(encoding="utf-8")
        if args.touched_only:
            document = update_touched_markdown(document, {app.name: markdown_rows(app.name, app.touched) for app in saved if app.touched})
        else:
            document = update_markdown(document, saved)
        args.markdown.write_text(document, encoding="utf-8")
        return 0
    try:
        sheets = load_sheets(args.sheets, args.only)
    except (SheetError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    scorer = Scorer(args.apps, args.work, fast=args.fast, reinstall_deps=args.reinstall_deps)
    results = []
    held = []
    for sheet in sheets:
        print(f"== {sheet.name}", file=sys.stderr, flush=True)
        try:
            result = scorer.score(sheet)
        except LockHeld as error:
            # Not scored: its saved results (JSON, scoreboard row) are left as they are.
            print(f"   not scored: {error}", file=sys.stderr, flush=True)
            held.append(sheet.name)
            continue
        results.append(result)
        for stage in STAGES:
            outcome = result.stages[stage]
            print(f"   {stage:18} {outcome.status:5} {outcome.reason}", file=sys.stderr, flush=True)
    if results:
        print_table(results)
    previous: dict[str, Any] = {}
    if args.json_out.exists():
        try:
            previous = {app["name"]: app for app in json.loads(args.json_out.read_text(encoding="utf-8"))["apps"]}
        except (ValueError, KeyError, TypeError):
            previous = {}
    previous.update({result.name: result.to_json() for result in results})
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps({"apps": [previous[name] for name in sorted(previous)]}, indent=2) + "\n", encoding="utf-8")
    if args.markdown:
        args.markdown.write_text(update_markdown(args.markdown.read_text(encoding="utf-8"), results), encoding="utf-8")
    if held:
        print(f"error: not scored, another scorer run holds them: {', '.join(held)}", file=sys.stderr)
        return EXIT_HELD
    return 0


if __name__ == "__main__":
    sys.exit(main())
