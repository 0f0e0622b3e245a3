"""What the checks share: the verdict, the calls and notes of a phase, what a policy blocked, a token's judgement."""

from __future__ import annotations

import time
from collections.abc import Iterable
from urllib.parse import urlsplit

import jwt

from intercom_wizard.options import Region
from intercom_wizard.tokens import check as check_token
from intercom_wizard.verify.observe import Call, Observations
from intercom_wizard.verify.report import CheckResult, Status
from intercom_wizard.verify.violations import blocked_lines, messenger_blocks

DEFAULT_API_BASE = "https://api-iam.intercom.io"
SDK_REGIONS = {"us": Region.US, "eu": Region.EU, "ap": Region.AU, "au": Region.AU}


def verdict(check_id: str, title: str, problems: list[str], evidence: list[str]) -> CheckResult:
    status = Status.FAIL if problems else Status.PASS
    return CheckResult(check_id, title, status, list(dict.fromkeys(problems + evidence)))


def url_path(url: str) -> str:
    return urlsplit(url).path or "/"


def boots_in(calls: Iterable[Call]) -> list[Call]:
    return [call for call in calls if call.command == "boot"]


def step_notes(obs: Observations, step: str) -> list[str]:
    return list(obs.steps.get(step, []))


def console_errors_in(obs: Observations, phase: str) -> list[str]:
    """The page's own console errors: the likeliest reason a page never booted."""
    prefix = f"[{phase}] "
    return [f"console error: {line[len(prefix):]}" for line in obs.console_errors if line.startswith(prefix)][:3]


def blocked_scripts(obs: Observations, *phases: str) -> list[str]:
    """Scripts of the Messenger a policy blocked (in these phases, or in any): why it never loaded."""
    return blocked_lines(block for block in messenger_blocks(obs, phases or None) if block.script)


def blocked_others(obs: Observations, *phases: str) -> list[str]:
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
