"""Check 5: signing out shuts the Messenger down, boots anonymously and sends no identity afterwards."""

from __future__ import annotations

from intercom_wizard.verify.checks.common import (
    blocked_others,
    boots_in,
    step_notes,
    url_path,
    verdict,
)
from intercom_wizard.verify.observe import Observations
from intercom_wizard.verify.report import CheckResult, Status


def check_logout(obs: Observations) -> CheckResult:
    title = "Sign-out: shutdown, then anonymous boot, no identity sent after"
    options = obs.options
    if options.logout.is_empty:
        return CheckResult("logout", title, Status.SKIPPED, ["pass --logout-url URL or --logout-selector CSS to check sign-out"])
    if options.sign_in.is_empty:
        return CheckResult("logout", title, Status.SKIPPED, ["sign-out needs a signed-in user first (--login-url, --cookie or --storage-state)"])
    notes = step_notes(obs, "logout")
    if "logout" in obs.step_failed:
        return CheckResult("logout", title, Status.FAIL, notes + blocked_others(obs, "logout"))
    calls = obs.in_phase("logout")
    problems: list[str] = []
    evidence: list[str] = list(notes)
    shutdown_at = next((index for index, call in enumerate(calls) if call.command == "shutdown"), None)
    if shutdown_at is None:
        problems.append("no shutdown after signing out: the Messenger keeps the user's session, and the next person on this browser sees their conversations")
    else:
        evidence.append(f"shutdown on {url_path(calls[shutdown_at].url)}")
    after = calls[shutdown_at + 1 :] if shutdown_at is not None else calls
    anonymous = [boot for boot in boots_in(after) if not boot.has_jwt_key]
    if anonymous:
        evidence.append(f"then {anonymous[0].summary()}")
    else:
        problems.append("no anonymous boot after the shutdown" if shutdown_at is not None else "no anonymous boot after signing out")
    for call in calls:
        if call.has_jwt_key:
            problems.append(f"{call.summary()} after signing out: an identity was still sent")
    for ping in obs.pings_in("logout"):
        if ping.carries_identity:
            problems.append(f"Messenger ping after signing out carried an identity: {ping.reason}")
    probe = obs.probe("logout")
    if probe is not None and probe.status == 200:
        problems.append(f"{probe.describe()} after signing out: the sign-out did not end the session")
    elif probe is not None:
        evidence.append(f"{probe.describe()} after signing out")
    problems += blocked_others(obs, "logout")
    return verdict("logout", title, problems, evidence)
