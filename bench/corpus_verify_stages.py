"""The corpus scorer's last stages before uninstall: the wizard's printed manual steps ([manual] patch,
done after the install's checks and undone before uninstall; `rebuild` builds the app again after it), then the app started on 127.0.0.1 and
`intercom-wizard verify` signed out and with the sheet's users, the server stopped by its PID."""

from __future__ import annotations

import http.client
import re
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

from corpus_processes import Ran, _json_tail, port_open, run, stop_group, wizard_argv
from corpus_results import AFTER_MANUAL_PREFIX, INCOMPLETE_PREFIX, NO_SIGN_IN, SEED_FAILED, AppResult, Status
from corpus_sheets import Sheet

LOOPBACK_PRELOAD = Path(__file__).resolve().parent / "corpus_loopback.cjs"


class ServeAndVerify:
    """The manual-steps, start and verify stages of `Scorer` (corpus_scorer.py), which sets these."""

    fast: bool                       # --fast: no servers

    @property
    def user_option(self) -> bool:
        """Whether `verify --user NAME:PASSWORD` exists (the Scorer asks the wizard once)."""
        raise NotImplementedError

    def _manual_steps(self, result: AppResult, sheet: Sheet, root: Path, logs: Path, env: dict[str, str], installed: bool) -> bool:
        """[manual] patch: do the wizard's printed manual steps (a diff over the installed copy) before verify."""
        if not sheet.manual_patch:
            result.record("manual", "skip", "the sheet has no manual steps to do")
            return False
        if not installed or result.outcome != "incomplete":
            result.record("manual", "skip", "install did not end incomplete" if installed else "install did not apply")
            return False
        # After the build / type check / lint after the install, never before them: those judge the
        # wizard's output alone, not the user's edits that finish it.
        ran = run(["git", "apply", "--whitespace=nowarn", sheet.manual_patch], root, logs / "manual.log", env=env, timeout=60)
        if ran.code != 0:
            result.record("manual", "fail", f"the patch does not apply: {ran.last_line()}", ran.seconds)
            return False
        done = f"done by {Path(sheet.manual_patch).name}"
        if sheet.manual_rebuild:
            # A built app (an SPA's dist/, `next start`) would otherwise serve the build from before the patch.
            built = run(sheet.commands["build"], root, logs / "manual_rebuild.log", env=env, timeout=sheet.timeout)
            if built.code != 0:
                reason = "timed out" if built.code is None else built.last_line()
                result.record("manual", "fail", f"{done}; the build after it fails: {reason}", ran.seconds + built.seconds)
                return True  # applied: reverted before uninstall all the same
            result.record("manual", "pass", f"{done}, then built again", ran.seconds + built.seconds)
            return True
        result.record("manual", "pass", done, ran.seconds)
        return True

    def _revert_manual_steps(self, result: AppResult, sheet: Sheet, root: Path, logs: Path, env: dict[str, str]) -> bool:
        """Undo the manual steps before uninstall, so that the byte check still proves the uninstall alone."""
        ran = run(["git", "apply", "-R", "--whitespace=nowarn", sheet.manual_patch], root, logs / "manual_revert.log", env=env, timeout=60)
        if ran.code != 0:
            result.record("uninstall", "fail", f"the manual steps' patch does not revert: {ran.last_line()}", ran.seconds)
            return False
        return True

    def _serve_and_verify(self, result: AppResult, sheet: Sheet, root: Path, logs: Path, env: dict[str, str], installed: bool, deps_ready: bool) -> None:
        if sheet.not_run_here:
            result.record("start", "skip", sheet.not_run_here)
            return
        if not sheet.start:
            result.record("start", "skip", "the sheet has no start command")
            return
        if self.fast:
            result.record("start", "skip", "--fast")
            return
        if not installed:
            result.record("start", "skip", "install did not apply")
            return
        if not deps_ready and sheet.commands.get("deps"):
            result.record("start", "skip", "installing dependencies failed")
            return
        if result.stages.get("seed") and result.stages["seed"].status == "fail":
            # The app would run without its .env, database or users: verify's failure would only hide this one.
            result.record("start", "skip", SEED_FAILED)
            return
        assert sheet.port is not None
        if port_open(sheet.port):
            result.record("start", "fail", f"port {sheet.port} is already in use")
            return
        log = logs / "server.log"
        sink = open(log, "w", encoding="utf-8")
        # Node servers that listen on every interface are held to 127.0.0.1 (see corpus_loopback.cjs).
        env = env | {"NODE_OPTIONS": f"{env.get('NODE_OPTIONS', '')} --require {LOOPBACK_PRELOAD}".strip()}
        started = time.monotonic()
        server = subprocess.Popen(sheet.start, cwd=root, shell=True, env=env, stdout=sink, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            while time.monotonic() - started < sheet.ready_timeout and server.poll() is None and not port_open(sheet.port):
                time.sleep(0.5)
            if not port_open(sheet.port):
                sink.flush()
                tail = Ran(server.poll(), log.read_text(encoding="utf-8", errors="replace"), 0).last_line()
                result.record("start", "fail", f"not listening on 127.0.0.1:{sheet.port}: {tail}", time.monotonic() - started)
                return
            result.record("start", "pass", f"127.0.0.1:{sheet.port}", time.monotonic() - started)
            if self._warm_up(result, sheet, server):
                self._verify(result, sheet, root, logs, env)
            else:
                for stage in ("verify_anonymous", "verify_users"):
                    result.record(stage, "skip", "the app did not answer the warm-up request")
        finally:
            stop_group(server)
            sink.close()

    @staticmethod
    def _warm_up(result: AppResult, sheet: Sheet, server: subprocess.Popen[bytes]) -> bool:
        """GET the page verify opens until the app answers (any HTTP status), for at most
        start.warm_up_timeout seconds: a dev server compiles a page on its first request, and that
        compile would otherwise count against verify's own page timeout."""
        assert sheet.port is not None
        started = time.monotonic()
        deadline = started + sheet.warm_up_timeout
        problem = "no answer"
        while (remaining := deadline - time.monotonic()) > 0 and server.poll() is None:
            # http.client, not urllib: no proxy from the environment, no redirect followed off 127.0.0.1.
            connection = http.client.HTTPConnection("127.0.0.1", sheet.port, timeout=remaining)
            try:
                connection.request("GET", sheet.path, headers={"Accept": "text/html"})
                status = connection.getresponse().status
                result.record("warm_up", "pass", f"GET {sheet.path}: HTTP {status}", time.monotonic() - started)
                return True
            except (OSError, http.client.HTTPException) as error:
                problem = str(error) or type(error).__name__
            finally:
                connection.close()
            time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))
        exited = server.poll()
        reason = (f"the server exited (code {exited}) before answering GET {sheet.path}" if exited is not None
                  else f"no answer to GET {sheet.path} within {sheet.warm_up_timeout} s ({problem})")
        result.record("warm_up", "fail", reason, time.monotonic() - started)
        return False

    def _verify_base(self, sheet: Sheet) -> list[str]:
        endpoint_option = _option_value(sheet.wizard_options, "--endpoint")
        argv = ["verify", sheet.base_url + sheet.path, "--workspace-id", sheet.workspace_id, "--json"]
        if endpoint_option:
            argv += ["--endpoint", endpoint_option]
        return argv + list(sheet.verify_options)

    def _verify(self, result: AppResult, sheet: Sheet, root: Path, logs: Path, env: dict[str, str]) -> None:
        anonymous_only = ["--anonymous-only"] if result.outcome == "anonymous-only" else []
        ran = run(wizard_argv(*self._verify_base(sheet), *anonymous_only), root, logs / "verify_anonymous.log", env=env, timeout=300)
        result.record("verify_anonymous", *self._in_context(result, _verify_outcome(ran)), ran.seconds)
        if not sheet.users:
            result.record("verify_users", "skip", "the sheet has no users to sign in")
            return
        if not sheet.offline:
            result.record("verify_users", "skip", f"{NO_SIGN_IN}: {sheet.signin_offline_reason}" if sheet.signin_offline_reason else "sign-in needs network access")
            return
        sign_in = ["--login-url", _absolute(sheet, sheet.login_url or "/login")]
        if sheet.logout_url:
            sign_in += ["--logout-url", _absolute(sheet, sheet.logout_url)]
        if sheet.logout_selector:
            sign_in += ["--logout-selector", sheet.logout_selector]
        outcomes = []
        if self.user_option:
            users = [arg for user in sheet.users[:2] for arg in ("--user", f"{user.username}:{user.password}")]
            ran = run(wizard_argv(*self._verify_base(sheet), *sign_in, *users), root, logs / "verify_users.log", env=env, timeout=600)
            outcomes.append((_verify_outcome(ran), ran.seconds))
        else:
            for index, user in enumerate(sheet.users[:2]):
                ran = run(wizard_argv(*self._verify_base(sheet), *sign_in, "--username", user.username, "--password", user.password),
                          root, logs / f"verify_user{index + 1}.log", env=env, timeout=300)
                outcomes.append((_verify_outcome(ran), ran.seconds))
        failed = [f"user {index + 1}: {reason}" for index, ((status, reason), _) in enumerate(outcomes) if status != "pass"]
        if failed:
            failed[0] = self._in_context(result, ("fail", failed[0]))[1]
        seconds = sum(seconds for _, seconds in outcomes)
        if failed:
            result.record("verify_users", "fail", "; ".join(failed), seconds)
        else:
            result.record("verify_users", "pass", f"{len(sheet.users[:2])} user(s) signed in and out", seconds)

    @staticmethod
    def _in_context(result: AppResult, outcome: tuple[Status, str]) -> tuple[Status, str]:
        """A verify failure after an incomplete install says whether its manual steps were done."""
        status, reason = outcome
        if status != "fail" or result.outcome != "incomplete":
            return outcome
        return status, (AFTER_MANUAL_PREFIX if result.passed("manual") else INCOMPLETE_PREFIX) + reason


def _option_value(options: Sequence[str], name: str) -> str | None:
    for index, option in enumerate(options):
        if option == name and index + 1 < len(options):
            return options[index + 1]
        if option.startswith(name + "="):
            return option.split("=", 1)[1]
    return None


def _absolute(sheet: Sheet, url: str) -> str:
    return url if re.match(r"https?://", url) else sheet.base_url + url


def _verify_outcome(ran: Ran) -> tuple[Status, str]:
    if ran.code == 0:
        return "pass", "all checks passed"
    report = _json_tail(ran.output)
    failed = [check for check in report.get("checks", []) if isinstance(check, dict) and check.get("status") in ("fail", "failed")]
    if failed:
        first = failed[0]
        evidence = first.get("evidence") or [""]
        return "fail", f"{first.get('id', '?')}: {evidence[0]}"
    return "fail", "timed out" if ran.code is None else f"exit {ran.code}: {ran.last_line()}"
