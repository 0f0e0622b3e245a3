"""Checks 1 and 2: the Messenger loads once for this workspace; a signed-out visitor boots anonymously."""

from __future__ import annotations

from intercom_wizard.verify.checks.common import (
    blocked_others,
    blocked_scripts,
    boots_in,
    console_errors_in,
    step_notes,
    url_path,
    verdict,
)
from intercom_wizard.verify.observe import Call, Observations, PageState
from intercom_wizard.verify.report import CheckResult


def check_loader(obs: Observations) -> CheckResult:
    title = "Messenger loaded once, for this workspace"
    workspace = obs.options.workspace_id
    problems: list[str] = []
    evidence: list[str] = []
    if not obs.pages:
        return verdict("loader", title, ["no page could be inspected"] + step_notes(obs, "anonymous") + blocked_scripts(obs), [])
    for page in obs.pages:
        problems += _page_problems(page, workspace)
        ids = sorted({src.split("/widget/", 1)[1].split("?")[0] for src in page.widget_scripts})
        evidence.append(
            f"{page.phase}: window.Intercom is a {page.intercom_type} on {url_path(page.url)}; "
            f"{len(page.widget_scripts)} Messenger script(s) {ids}; loader(s): {', '.join(page.loader_scripts) or 'none found'}"
        )
    for call in boots_in(obs.calls):
        app_id = call.options.get("app_id")
        if app_id != workspace:
            problems.append(f"{call.summary()} has app_id {app_id!r}, not {workspace!r}")
    problems += _duplicate_boots(obs.calls)
    problems += blocked_scripts(obs)
    return verdict("loader", title, problems, evidence)


def _page_problems(page: PageState, workspace: str) -> list[str]:
    problems = []
    where = f"{url_path(page.url)} ({page.phase})"
    if page.intercom_type != "function":
        problems.append(f"window.Intercom is {page.intercom_type}, not a function, on {where}")
    if len(page.widget_scripts) != 1:
        problems.append(f"{len(page.widget_scripts)} Messenger scripts (widget.intercom.io/widget/...) on {where}, expected exactly 1: {page.widget_scripts}")
    wrong = [src for src in page.widget_scripts if src.split("/widget/", 1)[1].split("?")[0] != workspace]
    if wrong:
        problems.append(f"Messenger script for another workspace on {where}: {wrong} (expected {workspace})")
    if len(page.loader_scripts) > 1:
        problems.append(f"{len(page.loader_scripts)} scripts load the Messenger on {where}: {', '.join(page.loader_scripts)}")
    if page.standin_loads is not None and page.standin_loads > 1:
        problems.append(f"the Messenger loaded {page.standin_loads} times on {where}")
    problems += [f"stand-in on {where}: {warning}" for warning in page.standin_warnings if "more than once" not in warning]
    return problems


def _duplicate_boots(calls: list[Call]) -> list[str]:
    """Two boots of the same kind on one page load with no shutdown between: two installations."""
    problems = []
    last_kind: dict[str, str] = {}
    for call in calls:
        if call.command == "shutdown":
            last_kind.pop(call.load_id, None)
        elif call.command == "boot":
            kind = "identified" if call.has_jwt_key else "anonymous"
            if last_kind.get(call.load_id) == kind:
                problems.append(f"booted twice ({kind}) on one load of {url_path(call.url)} without a shutdown between: is the Messenger installed twice?")
            last_kind[call.load_id] = kind
    return sorted(set(problems))


# -- 2 -----------------------------------------------------------------------------------------


def check_anonymous(obs: Observations) -> CheckResult:
    title = "Signed out: anonymous boot, endpoint answers 401"
    problems: list[str] = []
    evidence: list[str] = []
    boots = boots_in(obs.in_phase("anonymous"))
    if not boots:
        problems.append("no boot on the anonymous visit")
        problems += step_notes(obs, "anonymous") + blocked_scripts(obs, "anonymous") + console_errors_in(obs, "anonymous")
    for boot in boots:
        if boot.has_jwt_key:
            problems.append(f"{boot.summary()}: a visitor who is not signed in was booted with a JWT")
        elif not boot.options.get("app_id"):
            problems.append(f"{boot.summary()}: boot without app_id")
        else:
            evidence.append(f"{boot.summary()}: anonymous, as a lead")
    probe = obs.probe("anonymous")
    before = len(problems)
    if probe is None or probe.status is None:
        problems.append(probe.describe() if probe else "the token endpoint was not probed")
    elif probe.status == 401:
        evidence.append(f"{probe.describe()} (fails closed)")
    elif probe.status == 403:
        evidence.append(f"{probe.describe()} (fails closed; the client treats 403 as signed out, 401 is the contract)")
    elif probe.status == 200 and probe.token is None and obs.options.anonymous_only:
        # A single-page app's server answers every path with its page (react-boilerplate's `app.get('*')`).
        evidence.append(f"{probe.describe()} with no token ({probe.headers.get('content-type', 'no content type')}): no token endpoint, as an anonymous-only install has none")
    elif probe.status == 200 and probe.token is None:
        problems.append(f"{probe.describe()} with no token ({probe.headers.get('content-type', 'no content type')}), the app's page for any path?: expected 401")
    elif probe.status == 200:
        problems.append(f"{probe.describe()} without a signed-in user: the endpoint hands out tokens without authentication")
    elif 300 <= probe.status < 400:
        problems.append(f"{probe.describe()}: a redirect (to a login page?) instead of 401; the Messenger cannot tell 'signed out' from an error")
    elif probe.status == 404 and obs.options.anonymous_only:
        # A site without sign-in: its script boots every visitor as a lead, so there is no endpoint to answer 401.
        evidence.append(f"{probe.describe()}: no token endpoint, as an anonymous-only install has none")
    else:
        problems.append(f"{probe.describe()}: expected 401")
    if probe is not None and probe.source and len(problems) > before:  # where the URL came from explains the failure
        problems.append(f"probed {probe.url}, {probe.source}; pass --endpoint with the token endpoint's URL if the app asks elsewhere")
    elif probe is not None and probe.source:
        evidence.append(f"probed {probe.url}, {probe.source}")
    if obs.options.anonymous_only and "anonymous" in obs.token_requests:
        problems.append(f"the page asked the token endpoint {url_path(obs.options.endpoint_url)}: an anonymous-only install asks none")
    for ping in obs.pings_in("anonymous"):
        if ping.verdict == "verified":
            problems.append(f"a JWT for user_id {ping.claims and ping.claims.get('user_id')!r} was sent on the anonymous visit")
    problems += blocked_others(obs, "anonymous")
    return verdict("anonymous", title, problems, evidence)
