"""Check 6: no response carries the secret or user_hash; no boot identifies a user without a JWT."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

from intercom_wizard.verify.checks.common import (
    boots_in,
    verdict,
)
from intercom_wizard.verify.observe import Call, Observations
from intercom_wizard.verify.report import CheckResult

# A user_hash given a value (an HMAC is 40 or 64 hex digits) in a script or JSON: the hash reached the browser.
HASH_WITH_VALUE = re.compile(rb"""user_hash["']?\s*[:=]\s*["'][0-9a-fA-F]{32,}["']""")


def secret_forms(secret: str) -> list[bytes]:
    """The secret as it could appear in a body: raw, URL-encoded, JSON-escaped."""
    forms = {secret, quote(secret, safe=""), json.dumps(secret)[1:-1]}
    return [form.encode() for form in forms if form]


def check_no_secrets(obs: Observations) -> CheckResult:
    title = "No secret, no user_hash, no insecure boot"
    problems: list[str] = []
    forms = secret_forms(obs.options.secret)
    bodies = [(f"{item.url} ({item.phase})", item.body, item.from_intercom, _is_script(item.url, item.content_type, item.phase)) for item in obs.responses]
    bodies += [(f"{probe.url} ({probe.phase})", probe.body.encode(), False, False) for probe in obs.probes]
    named_only: set[str] = set()
    for where, body, from_intercom, script in bodies:
        if any(form in body for form in forms):
            problems.append(f"the identity secret is in the response of {where}")
        if from_intercom or b"user_hash" not in body:
            continue
        if script and not HASH_WITH_VALUE.search(body):
            # A library's settings table (react-use-intercom maps userHash to user_hash) names the key without
            # ever holding a hash; what a boot really sends is checked on the calls below.
            named_only.add(where.split(" (")[0])
            continue
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
        f"{len(boots_in(obs.calls))} boot(s): none with user attributes but no JWT",
    ]
    evidence += [f"{url} names user_hash without a value (a library's settings mapping); no boot sent one" for url in sorted(named_only)]
    if len(obs.options.secret) < 12:
        evidence.append("the secret is short: a leak scan for it may report false positives")
    return verdict("no-secrets", title, sorted(set(problems), key=problems.index), [] if problems else evidence)


def _is_script(url: str, content_type: str, phase: str) -> bool:
    return phase == "source-map" or "javascript" in content_type or url.split("?")[0].endswith((".js", ".mjs", ".map"))


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
