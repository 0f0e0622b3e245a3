"""Checks 3 and 4: the signed-in user's token endpoint, JWT boot and region; an update after client-side navigation."""

from __future__ import annotations

from intercom_wizard.options import Region
from intercom_wizard.verify.checks.common import (
    DEFAULT_API_BASE,
    SDK_REGIONS,
    blocked_others,
    blocked_scripts,
    boots_in,
    console_errors_in,
    describe_token,
    step_notes,
    url_path,
    verdict,
)
from intercom_wizard.verify.observe import Call, Observations
from intercom_wizard.verify.report import CheckResult, Status


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
    for boot in boots_in(obs.calls):
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
    evidence: list[str] = [f"signed in with {options.sign_in.describe()}"] + step_notes(obs, "sign-in")
    if "sign-in" in obs.step_failed:
        problems.append(f"sign-in failed: {obs.step_failed['sign-in']}")
    problems += _endpoint_problems(obs, evidence)
    boots = boots_in(obs.in_phase("signed-in"))
    if not boots:
        problems.append("no boot on the signed-in page")
        problems += step_notes(obs, "signed-in") + blocked_scripts(obs, "sign-in", "signed-in") + console_errors_in(obs, "signed-in")
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
    problems += blocked_others(obs, "sign-in", "signed-in")
    page = obs.page("signed-in")
    if page is not None and page.launcher_visible:
        evidence.append("the Messenger launcher is shown to the signed-in user")
    return verdict("signed-in", title, problems, evidence + region_evidence)


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
    notes = step_notes(obs, "navigate")
    blocked = blocked_others(obs, "navigate")
    if "navigate" in obs.step_failed:
        return CheckResult("navigation", title, Status.FAIL, notes + blocked)
    updates = [call for call in obs.in_phase("navigate") if call.command == "update"]
    if not updates:
        return CheckResult("navigation", title, Status.FAIL, [f"no update after the route change to {target}"] + notes + blocked)
    problems = [f"update ping refused: {ping.reason}" for ping in obs.pings_in("navigate") if ping.status != 200] + blocked
    return verdict("navigation", title, problems, notes + [f"{len(updates)} update call(s), first on {url_path(updates[0].url)}"])
