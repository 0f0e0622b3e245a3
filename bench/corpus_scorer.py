"""Scoring one corpus app: its dependencies once in the checkout, then on a fresh committed copy
detect, install --dry-run, its own build / type check / lint before and after the install, the
touched-files checks, the manual steps, start + verify (corpus_verify_stages.py) and uninstall with
the byte check (docs/corpus.md says what each stage passes on)."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from corpus_copies import (
    ABSENT,
    DEFAULT_GENERATED,
    compare_snapshots,
    copy_app,
    git_commit_all,
    is_workspace_root,
    left_out,
    snapshot,
    touched_states,
)
from corpus_lock import LOCK_NAME, ScoringLock
from corpus_processes import RunningServices, _json_tail, run, verify_supports_user_option, wizard_argv
from corpus_results import CHECKS, AppResult, StageResult, Status, one_line
from corpus_sheets import SEED_AFTER_CHECKS, SEED_BEFORE_CHECKS, Sheet
from corpus_touched import TouchedCheck, TouchedCount, named_files, planned_files
from corpus_verify_stages import ServeAndVerify

SECRET_ENV = "INTERCOM_IDENTITY_SECRET"
WIZARD_RECEIPT = ".intercom-wizard.json"


class Scorer(ServeAndVerify):
    def __init__(self, apps: Path, work: Path, *, fast: bool = False, reinstall_deps: bool = False, user_option: bool | None = None) -> None:
        self.apps = apps
        self.work = work
        self.fast = fast                      # no dependencies, checks or servers
        self.reinstall_deps = reinstall_deps
        self.secret = secrets.token_hex(32)
        self._user_option = user_option

    @property
    def user_option(self) -> bool:
        if self._user_option is None:
            self._user_option = verify_supports_user_option()
        return self._user_option

    def env(self, sheet: Sheet) -> dict[str, str]:
        env = dict(os.environ)
        # No colours from the app's tools: their escape codes would land in the failure reasons (they
        # are stripped there too). NO_COLOR: picocolors (next, vite), which CI=1 turns colours on for,
        # and Rich; FORCE_COLOR=0: chalk (never given to the wizard: wizard_env). start.env may set them.
        env.update(NO_COLOR="1", FORCE_COLOR="0")
        env.update(sheet.env)
        env[SECRET_ENV] = self.secret
        env.setdefault("CI", "1")
        env.setdefault("NEXT_TELEMETRY_DISABLED", "1")
        env.setdefault("NG_CLI_ANALYTICS", "false")
        if sheet.port:
            env.setdefault("PORT", str(sheet.port))
            env.setdefault("HOST", "127.0.0.1")
            env.setdefault("HOSTNAME", "127.0.0.1")
        return env

    def score(self, sheet: Sheet) -> AppResult:
        result = AppResult(sheet.name, sheet.repo, sheet.commit, sheet.framework)
        source = self.apps / sheet.name / sheet.subdir
        if not source.is_dir():
            result.skip_rest(f"no checkout at {source}")
            return result
        (self.work / sheet.name).mkdir(parents=True, exist_ok=True)
        # Two scorer runs (two people, or a background run) must not share one fresh copy: LockHeld
        # (corpus_lock.py) goes to the caller, which keeps that app's saved results as they are.
        lock = ScoringLock.acquire(self.work / sheet.name / LOCK_NAME)
        if lock.taken_over:
            print(f"   {lock.taken_over}", file=sys.stderr, flush=True)
            result.notes.append(lock.taken_over)
        try:
            return self._score(sheet, result, source)
        finally:
            lock.release()

    def _score(self, sheet: Sheet, result: AppResult, source: Path) -> AppResult:
        # The copy keeps the checkout's folder name: npm names a package without "name" after its
        # folder, so a copy under another name would have its lockfile's name rewritten by npm.
        copies = self.work / sheet.name / "copy"
        checkout = self.apps / sheet.name
        logs = self.work / sheet.name / "logs"
        shutil.rmtree(logs, ignore_errors=True)
        env = self.env(sheet)
        deps_ready = self._dependencies(result, sheet, source, logs, env)
        shutil.rmtree(copies, ignore_errors=True)
        if sheet.subdir and is_workspace_root(checkout):
            # A workspace member is copied with its workspace (the root's manifest, lockfile and
            # node_modules, its sibling packages): its package manager and its links need them.
            root = copies / checkout.resolve().name / sheet.subdir
            copy_app(checkout, copies / checkout.resolve().name)
        else:
            root = copies / source.resolve().name
            copy_app(source, root)
        services = RunningServices()
        patched = False
        try:
            # The services (a database) are up for the seed and stay up until verify is done.
            if not self.fast and sheet.start and not sheet.not_run_here:
                services.start(sheet, root, logs, env)
            # The seed prepares the app (its .env, database, users, the edits that point it at
            # 127.0.0.1): by default before the checks, so the build before the install builds the
            # same app as the one after it; `seed_order = "after-checks"` for a seed that needs the
            # build's output.
            if sheet.seed_order == SEED_BEFORE_CHECKS:
                self._seed(result, sheet, root, logs, env, deps_ready, services)
            for check in CHECKS:
                self._check(result, sheet, root, logs, env, check, "before", deps_ready)
            if sheet.seed_order == SEED_AFTER_CHECKS:
                self._seed(result, sheet, root, logs, env, deps_ready, services)
            git_commit_all(root)
            generated = (*DEFAULT_GENERATED, *sheet.ignore)
            baseline = snapshot(root, generated)

            self._detect(result, sheet, root, logs, env)
            planned = self._dry_run(result, sheet, root, logs, env)
            if sheet.touched and not self.fast:
                result.touched = [self._touched_count(check, [path for path in planned if check.applies_to(path)], root, logs, env, "before")
                                  for check in sheet.touched]
            # The files the wizard writes where the snapshot does not look (a build or dependency folder)
            # are compared on their own: the byte check covers the app's files plus what the wizard touched.
            outside = touched_states(root, [path for path in planned if left_out(root, path, generated)])
            installed = self._install(result, sheet, root, logs, env, run_package_manager=deps_ready)
            outside |= {path: ABSENT for path in _receipt_created(root) if path not in outside and left_out(root, path, generated)}
            for check in CHECKS:
                if installed:
                    self._check(result, sheet, root, logs, env, check, "after", deps_ready)
                else:
                    result.record(f"{check}_after", "skip", "install did not apply")
            self._touched_after(result, sheet, root, logs, env, installed)
            patched = self._manual_steps(result, sheet, root, logs, env, installed)
            if services.problem:
                result.record("start", "fail", services.problem)
            elif result.stages["manual"].status == "fail":
                result.record("start", "skip", "the manual steps could not be done")
            else:
                self._serve_and_verify(result, sheet, root, logs, env, installed, deps_ready)
        finally:
            services.stop()
        for stage in ("verify_anonymous", "verify_users"):
            if stage not in result.stages:
                result.record(stage, "skip", "no server running")
        if patched and not self._revert_manual_steps(result, sheet, root, logs, env):
            installed = False  # uninstall over the app's own edits would prove nothing: recorded as failed above
        self._uninstall(result, root, logs, env, baseline, generated, installed, run_package_manager=deps_ready, outside=outside)
        result.skip_rest("not run")
        for outcome in result.stages.values():
            outcome.reason = outcome.reason.replace(f"{root}/", "").replace(str(root), ".")
        return result

    def _seed(self, result: AppResult, sheet: Sheet, root: Path, logs: Path, env: dict[str, str], deps_ready: bool, services: RunningServices) -> None:
        """The seed stage: its own pass or fail with the reason (a failed seed skips start, and verify counts as failed)."""
        seed = sheet.commands.get("seed")
        if not seed:
            result.record("seed", "skip", "the sheet has no seed command")
        elif self.fast:
            result.record("seed", "skip", "--fast")
        elif sheet.commands.get("deps") and not deps_ready:
            # A seed without a deps command runs (a PHP app's users inserted by `php -r`); one whose dependencies failed cannot.
            result.record("seed", "skip", "installing dependencies failed")
        elif services.problem:
            result.record("seed", "skip", "a service did not start (see start)")
        else:
            ran = run(seed, root, logs / "seed.log", env=env, timeout=sheet.timeout)
            if ran.code == 0:
                result.record("seed", "pass", seconds=ran.seconds)
            else:
                result.record("seed", "fail", "timed out" if ran.code is None else f"exit {ran.code}: {ran.last_line()}", ran.seconds)

    def _dependencies(self, result: AppResult, sheet: Sheet, source: Path, logs: Path, env: dict[str, str]) -> bool:
        """Install the app's dependencies once, in the checkout itself (a stamp records the command)."""
        command = sheet.commands.get("deps")
        if not command or self.fast:
            return False
        stamp = self.work / sheet.name / "deps.done"
        if stamp.exists() and stamp.read_text(encoding="utf-8") == command and not self.reinstall_deps:
            return True
        ran = run(command, source, logs / "deps.log", env=env, timeout=sheet.timeout)
        if ran.code != 0:
            result.notes.append(f"installing dependencies failed: {ran.last_line()}")
            return False
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(command, encoding="utf-8")
        return True

    # -- stages

    def _check(self, result: AppResult, sheet: Sheet, root: Path, logs: Path, env: dict[str, str], check: str, when: str, deps_ready: bool) -> None:
        stage = f"{check}_{when}"
        command = sheet.commands.get(check)
        if self.fast:
            result.record(stage, "skip", "--fast")
        elif not command:
            result.record(stage, "skip", f"the sheet has no {check} command")
        elif not sheet.commands.get("deps"):
            result.record(stage, "skip", "the sheet has no deps command")
        elif not deps_ready:
            result.record(stage, "skip", "installing dependencies failed")
        elif when == "after" and result.stages.get(f"{check}_before", StageResult("skip")).status != "pass":
            result.record(stage, "skip", f"{check} does not pass before the install either")
        else:
            ran = run(command, root, logs / f"{stage}.log", env=env, timeout=sheet.timeout)
            if ran.code == 0:
                result.record(stage, "pass", seconds=ran.seconds)
            else:
                reason = "timed out" if ran.code is None else ran.last_line()
                result.record(stage, "fail", reason, ran.seconds)

    def _detect(self, result: AppResult, sheet: Sheet, root: Path, logs: Path, env: dict[str, str]) -> None:
        ran = run(wizard_argv("detect", "--json", "."), root, logs / "detect.log", env=env, timeout=300)
        if ran.code != 0:
            result.record("detect", "fail", f"exit {ran.code}: {ran.last_line()}", ran.seconds)
            return
        report = _json_tail(ran.output)
        frontends = [f"{item['name']}@{item['root']}" for item in report.get("frontends", [])]
        backends = [f"{item['name']}@{item['root']}" for item in report.get("backends", [])]
        found = ", ".join(frontends + backends) or "nothing"
        problems = []
        for role, expected, items in (("frontend", sheet.expect_frontend, report.get("frontends", [])),
                                      ("backend", sheet.expect_backend, report.get("backends", []))):
            if expected is None:
                continue
            names = [item["name"] for item in items]
            if expected == "none" and names:
                problems.append(f"expected no {role}")
            elif expected != "none" and expected not in names:
                problems.append(f"expected {role} {expected}")
        if not frontends and not backends:
            problems.append("nothing detected")
        status: Status = "fail" if problems else "pass"
        result.record("detect", status, f"{'; '.join(problems)} (found: {found})" if problems else found, ran.seconds)

    def _install_args(self, sheet: Sheet) -> list[str]:
        return ["install", ".", "--workspace-id", sheet.workspace_id, "--yes", "--json", *sheet.wizard_options]

    def _dry_run(self, result: AppResult, sheet: Sheet, root: Path, logs: Path, env: dict[str, str]) -> list[str]:
        """Record the dry run; the files it plans to write (for the touched-files checks)."""
        ran = run(wizard_argv(*self._install_args(sheet), "--dry-run"), root, logs / "dry_run.log", env=env, timeout=300)
        if ran.code in (0, 4):
            plan = _json_tail(ran.output)
            result.record("dry_run", "pass", f"{len(plan.get('changes', []))} changes, {len(plan.get('manual_steps', []))} manual steps", ran.seconds)
            return planned_files(plan)
        result.record("dry_run", "fail", f"exit {ran.code}: {ran.last_line()}", ran.seconds)
        return []

    def _touched_count(self, check: TouchedCheck, files: list[str], root: Path, logs: Path, env: dict[str, str], when: str,
                       count: TouchedCount | None = None) -> TouchedCount:
        """Run one [[touched]] check over those of `files` that exist now; count the files its output names."""
        count = count or TouchedCount(check.name, files)
        present = [path for path in files if (root / path).is_file()]
        named: list[str] = []
        if present:
            label = re.sub(r"[^\w.-]", "_", check.name)
            log = logs / f"touched_{when}_{label}.log"
            ran = run(check.command_for(present), root, log, env=env, timeout=600)
            # The log's first line is the command itself, which names every file.
            named = named_files(ran.output.split("\n", 1)[-1], present, root)
            if ran.code != 0 and not named:
                count.error = f"{when}: the check itself failed (exit {ran.code}): {one_line(ran.last_line(), 100)}"
        if when == "before":
            count.before = len(named)
        else:
            count.after, count.named_after = len(named), named
        return count

    def _touched_after(self, result: AppResult, sheet: Sheet, root: Path, logs: Path, env: dict[str, str], installed: bool) -> None:
        if not sheet.touched:
            result.record("touched", "skip", "the sheet has no [[touched]] checks")
            return
        if self.fast:
            result.record("touched", "skip", "--fast")
            return
        if not installed:
            result.record("touched", "skip", "install did not apply")
            return
        for count, check in zip(result.touched, sheet.touched):
            if not count.error:
                self._touched_count(check, count.files, root, logs, env, "after", count)
        summary = "; ".join(f"{count.check} {count.before} → {count.after}" for count in result.touched)
        errors = [f"{count.check}: {count.error}" for count in result.touched if count.error]
        worse = [f"{count.check} {count.before} → {count.after} ({', '.join(count.named_after or [])})" for count in result.touched if count.worse()]
        if errors or worse:
            result.record("touched", "fail", "; ".join((["worse: " + "; ".join(worse)] if worse else []) + errors))
        else:
            result.record("touched", "pass", f"files with problems before → after: {summary}")

    def _install(self, result: AppResult, sheet: Sheet, root: Path, logs: Path, env: dict[str, str], *, run_package_manager: bool) -> bool:
        args = self._install_args(sheet) + ([] if run_package_manager else ["--no-install"])
        ran = run(wizard_argv(*args), root, logs / "install.log", env=env, timeout=sheet.timeout)
        applied = (root / WIZARD_RECEIPT).exists()
        plan = _json_tail(ran.output)
        steps = plan.get("manual_steps", [])
        result.manual_steps = [f"{step.get('file')}: {one_line(step.get('instruction', ''), 120)}" for step in steps]
        missing = sorted({step.get("file", "") for step in steps if not _names_existing_file(root, step.get("file", ""))})
        leaked = self.secret in ran.output
        if ran.code == 0 and applied:
            # anonymous-only: a site without sign-in (no endpoint, no token fetch); verify is told so.
            result.outcome = "anonymous-only" if plan.get("result") == "anonymous-only" else "complete"
            result.record("install", "pass", result.outcome, ran.seconds)
        elif ran.code == 4:
            # Incomplete: what could be done was applied (perhaps nothing), the rest are manual steps.
            result.outcome = "incomplete"
            first = steps[0] if steps else {}
            summary = f"{len(steps)} manual step(s), first: {first.get('file')}: {first.get('instruction', '')}"
            if missing:
                result.record("install", "fail", f"manual step names a missing file: {', '.join(missing)}", ran.seconds)
            elif not steps:
                result.record("install", "fail", "exit 4 without any manual step", ran.seconds)
            else:
                result.record("install", "pass", ("incomplete: " if applied else "incomplete, nothing applied: ") + summary, ran.seconds)
        else:
            result.outcome = "failed"
            result.record("install", "fail", f"exit {ran.code}: {ran.last_line()}", ran.seconds)
        if leaked:
            result.stages["install"] = StageResult("fail", "the identity secret appeared in the wizard's output", result.stages["install"].seconds)
        return applied

    def _uninstall(self, result: AppResult, root: Path, logs: Path, env: dict[str, str], baseline: dict[str, str], generated: Sequence[str], installed: bool, *,
                   run_package_manager: bool, outside: dict[str, str] | None = None) -> None:
        if "uninstall" in result.stages:
            return
        if not installed:
            result.record("uninstall", "skip", "install did not apply")
            return
        args = ["uninstall", ".", "--yes"] + ([] if run_package_manager else ["--no-install"])
        ran = run(wizard_argv(*args), root, logs / "uninstall.log", env=env, timeout=600)
        if ran.code != 0:
            result.record("uninstall", "fail", f"exit {ran.code}: {ran.last_line()}", ran.seconds)
            return
        differences = compare_snapshots(baseline, snapshot(root, generated))
        if outside:
            differences += compare_snapshots(outside, touched_states(root, outside))
        if differences:
            more = f" (+{len(differences) - 3} more)" if len(differences) > 3 else ""
            result.record("uninstall", "fail", "not byte-identical: " + ", ".join(differences[:3]) + more, ran.seconds)
        else:
            result.record("uninstall", "pass", "byte-identical", ran.seconds)


def _receipt_created(root: Path) -> list[str]:
    """The files the install's receipt says it created (none when there is no readable receipt)."""
    try:
        created = json.loads((root / WIZARD_RECEIPT).read_text(encoding="utf-8")).get("created", {})
    except (OSError, ValueError, AttributeError):
        return []
    return sorted(path for path in created if isinstance(path, str)) if isinstance(created, dict) else []


def _names_existing_file(root: Path, name: str) -> bool:
    """A manual step must point at a file that exists (in the app, after the install)."""
    if not name:
        return False
    path = name.split(":", 1)[0]  # "src/App.jsx:12" names a line
    return (root / path).is_file()
