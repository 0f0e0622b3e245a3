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

from intercom_wizard.verify.checks.common import DEFAULT_API_BASE, SDK_REGIONS, csp_notes, describe_token
from intercom_wizard.verify.checks.identity import check_identity
from intercom_wizard.verify.checks.loading import check_anonymous, check_loader
from intercom_wizard.verify.checks.logout import check_logout
from intercom_wizard.verify.checks.secrets import check_no_secrets, secret_forms
from intercom_wizard.verify.checks.signed_in import check_navigation, check_signed_in, effective_api_base, expected_api_base, region_problems
from intercom_wizard.verify.observe import Observations
from intercom_wizard.verify.report import CheckResult

__all__ = [
    "DEFAULT_API_BASE",
    "SDK_REGIONS",
    "check_anonymous",
    "check_identity",
    "check_loader",
    "check_logout",
    "check_navigation",
    "check_no_secrets",
    "check_signed_in",
    "csp_notes",
    "describe_token",
    "effective_api_base",
    "evaluate",
    "expected_api_base",
    "region_problems",
    "secret_forms",
]


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
