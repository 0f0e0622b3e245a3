"""The checks of `verify`, as pure functions of what the browser run observed (page-visits is in page_visits.py).

Each returns pass, fail or skipped with the evidence that decided it, so a failure says what was
seen and where. Keeping them free of Playwright makes every rule testable on hand-made records.

1 loader      window.Intercom is a function; one Messenger script, for this workspace
2 anonymous   signed out: boot with app_id and no JWT; the endpoint answers 401
3 signed-in   the endpoint answers 200 {"token"} no-store; boot carried a JWT that verifies; region
4 navigation  an `update` after a client-side route change
5 logout      `shutdown`, then an anonymous boot, and no identity sent afterwards
6 no-secrets  no response carries the secret or user_hash; no boot with user attributes but no JWT
7 identity    with two --user accounts: A, B and A again get user_ids a, b != a, a; emails differ; a
              shutdown separates each user's session from the next one's

A Content Security Policy that blocks what the Messenger needs fails the check it breaks: a
blocked script fails 1 (the Messenger cannot load), anything else the check of the phase it was
seen in (the stand-in's pings, the token fetch). Report-only violations are notes (`csp_notes`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from urllib.parse import quote, urlsplit

import jwt

from intercom_wizard.options import Region
from intercom_wizard.tokens import check as check_token
from intercom_wizard.verify.observe import Call, Observations, PageState
from intercom_wizard.verify.report import CheckResult, Status
from intercom_wizard.verify.violations import blocked_lines, messenger_blocks

DEFAULT_API_BASE = "https://api-iam.intercom.io"
SDK_REGIONS = {"us": Region.US, "eu": Region.EU, "ap": Region.AU, "au": Region.AU}


def _result(check_id: str, title: str, problems: list[str], evidence: list[str]) -> CheckResult:
    status = Status.FAIL if problems else Status.PASS
    return CheckResult(check_id, title, status, list(dict.fromkeys(problems + evidence)))


def _path(url: str) -> str:
    return urlsplit(url).path or "/"


def _boots(calls: Iterable[Call]) -> list[Call]:
    return [call for call in calls if call.command == "boot"]


def _step_notes(obs: Observations, step: str) -> list[str]:
    return list(obs.steps.get(step, []))


def _console_errors(obs: Observations, phase: str) -> list[str]:
    """The page's own console errors: the likeliest reason a page never booted."""
    prefix = f"[{phase}] "
    return [f"console error: {line[len(prefix):]}" for line in obs.console_errors if line.startswith(prefix)][:3]


def _csp_scripts(obs: Observations, *phases: str) -> list[str]:
    """Scripts of the Messenger a policy blocked (in these phases, or in any): why it never loaded."""
    return blocked_lines(block for block in messenger_blocks(obs, phases or None) if block.script)


def _csp_others(obs: Observations, *phases: str) -> list[str]:
    """What a policy blocked once the Messenger ran in these phases: its pings, its token fetch, its assets."""
    return blocked_lines(block for block in messenger_blocks(obs, phases) if not block.script)


def csp_notes(obs: Observations) -> list[str]:
    """Report-only policies that would block the Messenger: nothing fails yet, but it will once enforced."""
    return [f"{block.describe()}; before enforcing that policy, {block.fix}" for block in messenger_blocks(obs, enforced=False)]


def describe_token(token: str, secret: str) -> tuple[str | None, str]:
    """(problem, evidence) for a token as enforced identity verification would judge it."""
    try:
        alg = jwt.get_unverified_header(token).get("alg")
        claims = check_token(token, secret)
    except jwt.InvalidTokenError as error:
        return f"the token does not verify with INTERCOM_IDENTITY_SECRET: {error}", ""
    lifetime = (claims["exp"] - time.time()) / 3600
    return None, f"verifies with the secret: alg {alg}, user_id {claims['user_id']!r}, exp in {lifetime:.1f} h (seconds)"


# -- 1 -----------------------------------------------------------------------------------------


def check_loader(obs: Observations) -> CheckResult:
    title = "Messenger loaded once, for this workspace"
    workspace = obs.options.workspace_id
    problems: list[str] = []
    evidence: list[str] = []
    if not obs.pages:
        return _result("loader", title, ["no page could be inspected"] + _step_notes(obs, "anonymous") + _csp_scripts(obs), [])
    for page in obs.pages:
        problems += _page_problems(page, workspace)
        ids = sorted({src.split("/widget/", 1)[1].split("?")[0] for src in page.widget_scripts})
        evidence.append(
            f"{page.phase}: window.Intercom is a {page.intercom_type} on {_path(page.url)}; "
            f"{len(page.widget_scripts)} Messenger script(s) {ids}; loader(s): {', '.join(page.loader_scripts) or 'none found'}"
        )
    for call in _boots(obs.calls):
        app_id = call.options.get("app_id")
        if app_id != workspace:
            problems.append(f"{call.summary()} has app_id {app_id!r}, not {workspace!r}")
    problems += _duplicate_boots(obs.calls)
    problems += _csp_scripts(obs)
    return _result("loader", title, problems, evidence)


def _page_problems(page: PageState, workspace: str) -> list[str]:
    problems = []
    where = f"{_path(page.url)} ({page.phase})"
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
                problems.append(f"booted twice ({kind}) on one load of {_path(call.url)} without a shutdown between: is the Messenger installed twice?")
            last_kind[call.load_id] = kind
    return sorted(set(problems))


# -- 2 -----------------------------------------------------------------------------------------


def check_anonymous(obs: Observations) -> CheckResult:
    title = "Signed out: anonymous boot, endpoint answers 401"
    problems: list[str] = []
    evidence: list[str] = []
    boots = _boots(obs.in_phase("anonymous"))
    if not boots:
        problems.append("no boot on the anonymous visit")
        problems += _step_notes(obs, "anonymous") + _csp_scripts(obs, "anonymous") + _console_errors(obs, "anonymous")
    for boot in boots:
        if boot.has_jwt_key:
            problems.append(f"{boot.summary()}: a visitor who is not signed in was booted with a JWT")
        elif not boot.options.get("app_id"):
            problems.append(f"{boot.summary()}: boot without app_id")
        else:
            evidence.append(f"{boot.summary()}: anonymous, as a lead")
    probe = obs.probe("anonymous")
    if probe is None or probe.status is None:
        problems.append(probe.describe() if probe else "the token endpoint was not probed")
    elif probe.status == 401:
        evidence.append(f"{probe.describe()} (fails closed)")
    elif probe.status == 403:
        evidence.append(f"{probe.describe()} (fails closed; the client treats 403 as signed out, 401 is the contract)")
    elif probe.status == 200:
        problems.append(f"{probe.describe()} without a signed-in user: the endpoint hands out tokens without authentication")
    elif 300 <= probe.status < 400:
        problems.append(f"{probe.describe()}: a redirect (to a login page?) instead of 401; the Messenger cannot tell 'signed out' from an error")
    elif probe.status == 404 and obs.options.anonymous_only:
        # A site without sign-in: its script boots every visitor as a lead, so there is no endpoint to answer 401.
        evidence.append(f"{probe.describe()}: no token endpoint, as an anonymous-only install has none")
    else:
        problems.append(f"{probe.describe()}: expected 401")
    if obs.options.anonymous_only and "anonymous" in obs.token_requests:
        problems.append(f"the page asked the token endpoint {_path(obs.options.endpoint_url)}: an anonymous-only install asks none")
    for ping in obs.pings_in("anonymous"):
        if ping.verdict == "verified":
            problems.append(f"a JWT for user_id {ping.claims and ping.claims.get('user_id')!r} was sent on the anonymous visit")
    problems += _csp_others(obs, "anonymous")
    return _result("anonymous", title, problems, evidence)


# -- 3 -----------------------------------------------------------------------------------------


def expected_api_base(region: Region) -> str:
    return region.api_base or DEFAULT_API_BASE


def effective_api_base(call: Call) -> str:
    settings = call.options
    if settings.get("api_base"):
        return str(settings["api_base"]).rstrip("/")
    sdk_region = SDK_REGIONS.get(str(settings.get("region", "")).lower())
    return expected_api_base(sdk_region) if sdk_region else DEFAULT_API_BASE


def region_problems(obs: Observations) -> tuple[list[str], list[str]]:
    region = obs.options.region
    expected = expected_api_base(region)
    problems: list[str] = []
    evidence: list[str] = []
    bases: dict[str, Call] = {}
    for boot in _boots(obs.calls):
        bases.setdefault(effective_api_base(boot), boot)
    for base, boot in bases.items():
        if base != expected:
            problems.append(f"{boot.summary()} uses api_base {base}, but --region {region.value} needs {expected}")
        else:
            evidence.append(f"api_base {base} matches --region {region.value}")
    problems += [f"Messenger ping {ping.reason}" for ping in obs.pings if ping.verdict == "wrong-region"][:1]
    return problems, evidence


def check_signed_in(obs: Observations) -> CheckResult:
    title = "Signed in: token endpoint, boot with a verified JWT, region"
    options = obs.options
    region_issues, region_evidence = region_problems(obs)
    if options.sign_in.is_empty:
        if region_issues:
            return CheckResult("signed-in", title, Status.FAIL, region_issues + ["(sign-in checks skipped: no sign-in given)"])
        return CheckResult("signed-in", title, Status.SKIPPED, ["no sign-in given: --login-url/--username/--password, --cookie or --storage-state"] + region_evidence)
    problems: list[str] = list(region_issues)
    evidence: list[str] = [f"signed in with {options.sign_in.describe()}"] + _step_notes(obs, "sign-in")
    if "sign-in" in obs.step_failed:
        problems.append(f"sign-in failed: {obs.step_failed['sign-in']}")
    problems += _endpoint_problems(obs, evidence)
    boots = _boots(obs.in_phase("signed-in"))
    if not boots:
        problems.append("no boot on the signed-in page")
        problems += _step_notes(obs, "signed-in") + _csp_scripts(obs, "sign-in", "signed-in") + _console_errors(obs, "signed-in")
    for boot in boots:
        if boot.bad_jwt:
            problems.append(f"{boot.summary()}: {boot.bad_jwt}: a boot must never go out without a real token")
    identified = [boot for boot in boots if boot.jwt]
    if boots and not identified:
        problems.append("no boot on the signed-in page carried intercom_user_jwt: " + "; ".join(boot.summary() for boot in boots))
    if identified:
        problem, detail = describe_token(identified[-1].jwt or "", options.secret)
        if problem:
            problems.append(f"{identified[-1].summary()}: {problem}")
        else:
            evidence.append(f"{identified[-1].summary()}: the JWT {detail}")
    for ping in obs.pings_in("signed-in"):
        if ping.verdict in ("rejected", "insecure", "wrong-app"):
            problems.append(f"identity verification refused the Messenger's ping ({ping.host}): {ping.reason}")
        elif ping.verdict == "verified":
            evidence.append(f"Messenger ping to {ping.host}: {ping.reason}")
    if not options.live and boots and not obs.pings_in("signed-in"):
        problems.append("the Messenger never pinged api_base on the signed-in page (did it load?)")
    problems += _csp_others(obs, "sign-in", "signed-in")
    page = obs.page("signed-in")
    if page is not None and page.launcher_visible:
        evidence.append("the Messenger launcher is shown to the signed-in user")
    return _result("signed-in", title, problems, evidence + region_evidence)


def _endpoint_problems(obs: Observations, evidence: list[str]) -> list[str]:
    probe = obs.probe("signed-in")
    if probe is None or probe.status is None:
        return [probe.describe() if probe else "the token endpoint was not probed"]
    if probe.status != 200:
        return [f"{probe.describe()} for the signed-in user, expected 200 (did the sign-in work?)"]
    problems = []
    cache_control = probe.headers.get("cache-control", "")
    if "no-store" in cache_control.lower():
        evidence.append(f"{probe.describe()} with Cache-Control: {cache_control}")
    else:
        problems.append(f"{probe.describe()} with Cache-Control: {cache_control or '(none)'}; a token response must be no-store")
    token = probe.token
    if token is None:
        problems.append(f'{probe.describe()} but the body is not {{"token": "..."}}: {probe.body[:120]!r}')
        return problems
    problem, detail = describe_token(token, obs.options.secret)
    if problem:
        problems.append(f"endpoint token: {problem}")
    else:
        evidence.append(f"endpoint token {detail}")
    return problems


# -- 4 -----------------------------------------------------------------------------------------


def check_navigation(obs: Observations) -> CheckResult:
    title = "Client-side navigation: update after the route change"
    target = obs.options.navigate
    if target is None:
        return CheckResult("navigation", title, Status.SKIPPED, ["pass --navigate PATH to check update on a client-side route change"])
    notes = _step_notes(obs, "navigate")
    blocked = _csp_others(obs, "navigate")
    if "navigate" in obs.step_failed:
        return CheckResult("navigation", title, Status.FAIL, notes + blocked)
    updates = [call for call in obs.in_phase("navigate") if call.command == "update"]
    if not updates:
        return CheckResult("navigation", title, Status.FAIL, [f"no update after the route change to {target}"] + notes + blocked)
    problems = [f"update ping refused: {ping.reason}" for ping in obs.pings_in("navigate") if ping.status != 200] + blocked
    return _result("navigation", title, problems, notes + [f"{len(updates)} update call(s), first on {_path(updates[0].url)}"])


# -- 5 -----------------------------------------------------------------------------------------


def check_logout(obs: Observations) -> CheckResult:
    title = "Sign-out: shutdown, then anonymous boot, no identity sent after"
    options = obs.options
    if options.logout.is_empty:
        return CheckResult("logout", title, Status.SKIPPED, ["pass --logout-url URL or --logout-selector CSS to check sign-out"])
    if options.sign_in.is_empty:
        return CheckResult("logout", title, Status.SKIPPED, ["sign-out needs a signed-in user first (--login-url, --cookie or --storage-state)"])
    notes = _step_notes(obs, "logout")
    if "logout" in obs.step_failed:
        return CheckResult("logout", title, Status.FAIL, notes + _csp_others(obs, "logout"))
    calls = obs.in_phase("logout")
    problems: list[str] = []
    evidence: list[str] = list(notes)
    shutdown_at = next((index for index, call in enumerate(calls) if call.command == "shutdown"), None)
    if shutdown_at is None:
        problems.append("no shutdown after signing out: the Messenger keeps the user's session, and the next person on this browser sees their conversations")
    else:
        evidence.append(f"shutdown on {_path(calls[shutdown_at].url)}")
    after = calls[shutdown_at + 1 :] if shutdown_at is not None else calls
    anonymous = [boot for boot in _boots(after) if not boot.has_jwt_key]
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
    problems += _csp_others(obs, "logout")
    return _result("logout", title, problems, evidence)


# -- 6 -----------------------------------------------------------------------------------------


def secret_forms(secret: str) -> list[bytes]:
    """The secret as it could appear in a body: raw, URL-encoded, JSON-escaped."""
    forms = {secret, quote(secret, safe=""), json.dumps(secret)[1:-1]}
    return [form.encode() for form in forms if form]


def check_no_secrets(obs: Observations) -> CheckResult:
    title = "No secret, no user_hash, no insecure boot"
    problems: list[str] = []
    forms = secret_forms(obs.options.secret)
    bodies = [(f"{item.url} ({item.phase})", item.body, item.from_intercom) for item in obs.responses]
    bodies += [(f"{probe.url} ({probe.phase})", probe.body.encode(), False) for probe in obs.probes]
    for where, body, from_intercom in bodies:
        if any(form in body for form in forms):
            problems.append(f"the identity secret is in the response of {where}")
        if not from_intercom and b"user_hash" in body:
            problems.append(f"user_hash in {where}: the deprecated HMAC method; use JWT identity verification")
    for call in obs.calls:
        text = json.dumps(call.settings)
        if any(form.decode() in text for form in forms):
            problems.append(f"{call.summary()} passes the identity secret to the browser")
        if "user_hash" in call.options:
            problems.append(f"{call.summary()} uses user_hash (deprecated); boot with intercom_user_jwt instead")
    problems += _insecure_boots(obs.calls)
    problems += [f"Messenger ping refused: {ping.reason}" for ping in obs.pings if ping.verdict == "insecure"][:1]
    maps = sum(1 for item in obs.responses if item.phase == "source-map")
    pages = sum(1 for item in obs.responses if "html" in item.content_type)
    scripts = sum(1 for item in obs.responses if "javascript" in item.content_type)
    evidence = [
        f"scanned {len(bodies)} response bodies ({pages} HTML, {scripts} JavaScript, {maps} source maps, {len(obs.probes)} token responses) for the secret and user_hash",
        f"{len(_boots(obs.calls))} boot(s): none with user attributes but no JWT",
    ]
    if len(obs.options.secret) < 12:
        evidence.append("the secret is short: a leak scan for it may report false positives")
    return _result("no-secrets", title, sorted(set(problems), key=problems.index), [] if problems else evidence)


def _insecure_boots(calls: list[Call]) -> list[str]:
    """Boot (or update on a page never booted with a JWT) with user_id/email and no intercom_user_jwt."""
    problems = []
    identified_loads = {call.load_id for call in calls if call.command == "boot" and call.has_jwt_key}
    for call in calls:
        keys = [key for key in call.identifying_keys if key != "user_hash"]
        if not keys or call.has_jwt_key:
            continue
        if call.command == "boot" or (call.command == "update" and call.load_id not in identified_loads):
            problems.append(f"insecure {call.summary()}: {', '.join(keys)} without intercom_user_jwt lets anyone impersonate that user")
    return problems


# -- 7 -----------------------------------------------------------------------------------------


def check_identity(obs: Observations) -> CheckResult:
    """Two users: A's boot carries user_id a, B's a different b (emails differ too), A again gets a
    again, and a shutdown separates each user's session in the widget from the next one's."""
    title = "Identity: two users get different, stable user_ids"
    users = obs.options.users
    if len(users) < 2:
        return CheckResult("identity", title, Status.SKIPPED, ["pass two test accounts (--user NAME:PASSWORD twice) to check that users get their own ids"])
    names = [users[0].username, users[1].username, users[0].username]
    problems: list[str] = []
    evidence: list[str] = []
    claims: list[dict[str, object] | None] = []
    boots: list[Call | None] = []
    for number, name in enumerate(names, start=1):
        phase = f"identity:{number}"
        if phase in obs.step_failed:
            problems.append(f"signing in as {name}: {obs.step_failed[phase]}")
        identified = [boot for boot in _boots(obs.in_phase(phase)) if boot.jwt]
        boot = identified[-1] if identified else None
        boots.append(boot)
        token_claims = None
        if boot is None:
            problems.append(f"signed in as {name}: no boot carried an identity token")
        else:
            try:
                token_claims = dict(check_token(boot.jwt or "", obs.options.secret))
            except jwt.InvalidTokenError as error:
                problems.append(f"signed in as {name}: the token does not verify with INTERCOM_IDENTITY_SECRET: {error}")
        claims.append(token_claims)
    for number in (1, 2):
        if f"identity:logout-{number}" in obs.step_failed:
            problems.append(f"signing out {names[number - 1]}: {obs.step_failed[f'identity:logout-{number}']}")
    a, b, again = claims
    if a is not None and b is not None:
        if str(a.get("user_id")) == str(b.get("user_id")):
            problems.append(
                f"{names[0]} and {names[1]} both got user_id {a.get('user_id')!r}: each would see the other's conversations"
            )
        if a.get("email") and b.get("email") and a.get("email") == b.get("email"):
            problems.append(f"{names[0]} and {names[1]} both got email {a.get('email')!r}")
    if a is not None and again is not None and str(a.get("user_id")) != str(again.get("user_id")):
        problems.append(
            f"{names[0]} got user_id {a.get('user_id')!r}, then {again.get('user_id')!r} on signing in again: the id is not stable"
        )
    order = {id(call): index for index, call in enumerate(obs.calls)}  # arrival order (seq restarts on each page)
    for number in (1, 2):  # between one user's boot and the next user's: the widget must be shut down
        before, after = boots[number - 1], boots[number]
        if before is None or after is None:
            continue
        if not any(c.command == "shutdown" and order[id(before)] < order[id(c)] < order[id(after)] for c in obs.calls):
            problems.append(f"no shutdown between {names[number - 1]}'s boot and {names[number]}'s: the first user's session stays in the widget")
        else:
            evidence.append(f"shutdown between {names[number - 1]}'s boot and {names[number]}'s")
    for name, token_claims in zip(names, claims):
        if token_claims is not None:
            shown = {key: token_claims[key] for key in ("user_id", "email", "name", "iat", "exp") if key in token_claims}
            evidence.append(f"{name}'s token claims: {json.dumps(shown, sort_keys=True)}")
    return _result("identity", title, problems, evidence)


def evaluate(obs: Observations) -> list[CheckResult]:
    from intercom_wizard.verify.page_visits import check_page_visits

    return [
        check_loader(obs),
        check_anonymous(obs),
        check_signed_in(obs),
        check_navigation(obs),
        check_logout(obs),
        check_no_secrets(obs),
        check_identity(obs),
        check_page_visits(obs),
    ]
