"""Check 7: two users get different, stable user_ids, with a shutdown between their sessions."""

from __future__ import annotations

import json

import jwt

from intercom_wizard.tokens import check as check_token
from intercom_wizard.verify.checks.common import (
    boots_in,
    verdict,
)
from intercom_wizard.verify.observe import Call, Observations
from intercom_wizard.verify.report import CheckResult, Status


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
        identified = [boot for boot in boots_in(obs.in_phase(phase)) if boot.jwt]
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
    return verdict("identity", title, problems, evidence)
