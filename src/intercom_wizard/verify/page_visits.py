"""Page visits in one tab (`verify --visit PATH ...`): the check for Turbo, htmx, Inertia and Livewire apps.

Those frameworks swap the page body instead of loading a new document, so a script that is not
written for them boots again on every visit, or sends several updates per visit. The run clicks
the links to the given paths in one tab - signed out, then signing in through the login form,
then signing out with the sign-out control, as a person would - and the check counts, per step:
a visit must send exactly one `update` and no boot and no token request; a sign-in exactly one
boot with a JWT, a sign-out exactly one anonymous boot; no identity is booted twice in a row.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import jwt

from intercom_wizard.verify.login_form import login_form
from intercom_wizard.verify.observe import Call, Observations, VisitStep
from intercom_wizard.verify.report import CheckResult, Status

if TYPE_CHECKING:
    from intercom_wizard.verify.scenario import Visit

TITLE = "Page visits in one tab: one boot per identity, one update per visit"
STEP_TIMEOUT_SECONDS = 8.0


def identity_of(call: Call) -> str:
    """'anonymous', or the user_id the boot's JWT names."""
    if not call.jwt:
        return "anonymous"
    try:
        claims = jwt.decode(call.jwt, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        return "an unreadable JWT"
    return f"user {claims.get('user_id')!r}"


# -- the run --------------------------------------------------------------------------------------


def run_page_visits(visit: Visit) -> None:
    """Drive one tab through the visits; every step's calls are tagged with its own phase."""
    obs, options = visit.obs, visit.options
    _step(visit, "start", options.url, lambda: visit.page.goto(options.url, wait_until="load", timeout=30_000))
    for path in options.visits:
        _click_step(visit, "visit", path)
    if options.sign_in.login_url is not None and options.sign_in.username is not None:
        _click_step(visit, "visit", options.sign_in.login_url)
        _step(visit, "sign-in", options.sign_in.login_url, lambda: _submit_login(visit))
        for path in options.visits:
            _click_step(visit, "visit", path)
        if options.logout.selectors:
            for selector in options.logout.selectors:
                _step(visit, "sign-out", selector, functools.partial(_click, visit, selector))
            for path in options.visits:
                _click_step(visit, "visit", path)
        elif options.logout.url is not None:
            obs.note("visits", "sign-out was given as a URL: in one tab only a control (--logout-selector) signs out the way a person does")


def _click(visit: Visit, selector: str) -> None:
    visit.page.locator(selector).first.click(timeout=10_000)


def _click_step(visit: Visit, kind: str, path: str) -> None:
    def click() -> None:
        link = visit.page.locator(f'a[href="{path}"], a[href="{visit.options.resolve(path)}"]').first
        if not link.count():
            raise LookupError(f"no link to {path} on {urlsplit(visit.page.url).path}")
        link.click(timeout=10_000)

    _step(visit, kind, path, click)


def _submit_login(visit: Visit) -> None:
    sign_in = visit.options.sign_in
    page = visit.page
    form = login_form(page, sign_in)
    form.fill(sign_in, 10_000)
    form.send(10_000)


def _step(visit: Visit, kind: str, target: str, action: Callable[[], object]) -> None:
    obs = visit.obs
    phase = f"visit #{len(obs.visit_steps) + 1}: {kind} {target}"
    obs.phase = phase
    before = visit._evaluate("() => window.__intercomWizardLoadId || null")
    try:
        action()
    except Exception as error:
        obs.fail_step("visits", f"{kind} {target}: {str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__}")
        return

    def settled(load_id: str | None) -> bool:
        calls = obs.in_phase(phase)
        return load_id is not None and any(call.command in ("update", "boot") for call in calls)

    visit.settle(settled, STEP_TIMEOUT_SECONDS)
    after = visit._evaluate("() => window.__intercomWizardLoadId || null")
    obs.visit_steps.append(VisitStep(kind, target, phase, full_load=kind != "start" and after != before))


# -- the check ------------------------------------------------------------------------------------


def _token_requests(obs: Observations, phase: str) -> int:
    return obs.token_requests.count(phase)


def check_page_visits(obs: Observations) -> CheckResult:
    if not obs.options.visits:
        return CheckResult("page-visits", TITLE, Status.SKIPPED, ["pass --visit PATH (repeatable) to click through pages in one tab"])
    problems: list[str] = []
    if "visits" in obs.step_failed:
        problems.append(obs.step_failed["visits"])
    updates = boots = tokens = 0
    visits = 0
    boots_by_identity: Counter[str] = Counter()
    last_identity: str | None = None
    for step in obs.visit_steps:
        calls = obs.in_phase(step.phase)
        step_boots = [call for call in calls if call.command == "boot"]
        step_updates = [call for call in calls if call.command == "update"]
        step_tokens = _token_requests(obs, step.phase)
        updates, boots, tokens = updates + len(step_updates), boots + len(step_boots), tokens + step_tokens
        where = f"{step.kind} {step.target}"
        if step.full_load:
            problems.append(f"{where} loaded a new document instead of swapping the page: is the app's navigation framework active on that link?")
        for boot in step_boots:
            identity = identity_of(boot)
            boots_by_identity[identity] += 1
            if identity == last_identity:
                problems.append(f"{where}: booted {identity} again, already booted in this tab (a duplicate boot)")
            last_identity = identity
        if step.kind == "visit":
            visits += 1
            if len(step_updates) != 1 or step_boots:
                problems.append(f"{where}: {len(step_updates)} update(s) and {len(step_boots)} boot(s), expected exactly 1 update and no boot")
            if step_tokens:
                problems.append(f"{where}: {step_tokens} token request(s) on a plain visit, expected none (the identity cannot have changed)")
        elif step.kind in ("sign-in", "sign-out"):
            wanted = "anonymous" if step.kind == "sign-out" else None
            right = [boot for boot in step_boots if (identity_of(boot) == "anonymous") == (wanted == "anonymous")]
            if len(step_boots) != 1 or len(right) != 1:
                kinds = ", ".join(identity_of(boot) for boot in step_boots) or "none"
                problems.append(f"{where}: {len(step_boots)} boot(s) ({kinds}), expected exactly one {'anonymous boot' if wanted else 'boot with a JWT'}")
        elif step.kind == "start" and len(step_boots) != 1:
            problems.append(f"first page: {len(step_boots)} boot(s), expected 1")
    identities = ", ".join(f"{name} x{count}" for name, count in boots_by_identity.items()) or "none"
    evidence = [
        f"{len(obs.visit_steps)} steps in one tab, {visits} link visit(s): {updates} update(s); boots: {identities}; token requests: {tokens}",
        *(f"{step.kind} {step.target}: " + ", ".join(f"{command} x{count}" for command, count in Counter(c.command for c in obs.in_phase(step.phase)).items())
          for step in obs.visit_steps),
    ]
    status = Status.FAIL if problems else Status.PASS
    return CheckResult("page-visits", TITLE, status, problems + evidence)
