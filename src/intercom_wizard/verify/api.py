"""The seed's API check: Intercom itself knows the signed-in user as a `user` contact.

Uses the official `python-intercom` SDK when it is installed (it is optional: the check needs
network access to Intercom and an access token, which CI never has). It only means something
in --live mode: offline, the stand-in, not Intercom, received the boot.
"""

from __future__ import annotations

from itertools import islice
from typing import Any

import jwt

from intercom_wizard.options import Region
from intercom_wizard.verify.observe import Observations
from intercom_wizard.verify.report import CheckResult, Status

TITLE = "Intercom API: the user exists as a contact with role user"


def signed_in_user_id(obs: Observations) -> str | None:
    """The user_id the page booted with (from its JWT), or the endpoint's token's."""
    tokens = [call.jwt for call in obs.in_phase("signed-in") if call.command == "boot" and call.jwt]
    probe = obs.probe("signed-in")
    if probe is not None and probe.token:
        tokens.append(probe.token)
    for token in tokens:
        try:
            user_id = jwt.decode(token, options={"verify_signature": False}).get("user_id")
        except jwt.InvalidTokenError:
            continue
        if user_id:
            return str(user_id)
    return None


def _client(token: str, region: Region) -> Any:
    from intercom import Intercom
    from intercom.environment import IntercomEnvironment

    environment = {Region.US: IntercomEnvironment.US_PRODUCTION, Region.EU: IntercomEnvironment.EU_PRODUCTION, Region.AU: IntercomEnvironment.AU_PRODUCTION}[region]
    return Intercom(token=token, environment=environment, timeout=20)


def check_api(obs: Observations) -> CheckResult:
    options = obs.options
    if not options.api_token:
        return CheckResult("api", TITLE, Status.SKIPPED, ["pass --api-token (or set INTERCOM_ACCESS_TOKEN) with --live to look the user up in Intercom"])
    if not options.live:
        return CheckResult("api", TITLE, Status.SKIPPED, ["needs --live: offline, the Messenger stand-in received the boot, so Intercom cannot know the user"])
    user_id = signed_in_user_id(obs)
    if user_id is None:
        return CheckResult("api", TITLE, Status.SKIPPED, ["no signed-in user_id to look up (sign in with --login-url, --cookie or --storage-state)"])
    try:
        from intercom.types import SingleFilterSearchRequest

        client = _client(options.api_token, options.region)
    except ImportError:
        return CheckResult("api", TITLE, Status.SKIPPED, ["the python-intercom package is not installed: pip install python-intercom"])
    try:
        found = client.contacts.search(query=SingleFilterSearchRequest(field="external_id", operator="=", value=user_id))
        contacts = list(islice(found, 5))
    except Exception as error:  # the SDK raises ApiError, httpx errors, ...: all are the evidence
        return CheckResult("api", TITLE, Status.FAIL, [f"searching contacts with external_id {user_id!r} in the {options.region.value.upper()} region failed: {error}"])
    if not contacts:
        return CheckResult("api", TITLE, Status.FAIL, [f"no contact with external_id {user_id!r}: the boot did not reach Intercom, or identity verification refused it"])
    roles = sorted({str(contact.role) for contact in contacts})
    if "user" not in roles:
        return CheckResult("api", TITLE, Status.FAIL, [f"external_id {user_id!r} exists with role {', '.join(roles)}, not user"])
    contact = next(contact for contact in contacts if contact.role == "user")
    return CheckResult("api", TITLE, Status.PASS, [f"contact {contact.id} has external_id {user_id!r} and role user"])
