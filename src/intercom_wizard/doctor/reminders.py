"""What doctor cannot see from here, said every time (severity info)."""

from intercom_wizard.doctor.findings import Finding, Severity
from intercom_wizard.options import Region

APP_HOSTS = {Region.US: "app.intercom.com", Region.EU: "app.eu.intercom.com", Region.AU: "app.au.intercom.com"}


def settings_url(page: str, workspace_id: str | None, region: Region | None) -> str:
    """A Messenger settings page; `_` stands for "your current workspace" when the id is unknown."""
    host = APP_HOSTS[region or Region.US]
    return f"https://{host}/a/apps/{workspace_id or '_'}/settings/channels/messenger/{page}"


def reminders(workspace_id: str | None, region: Region | None) -> list[Finding]:
    security = settings_url("security", workspace_id, region)
    install = settings_url("install", workspace_id, region)
    return [
        Finding(
            "enforce-identity-verification",
            Severity.INFO,
            f"Make sure identity verification is enforced on the Messenger Security page: {security}",
            "Until it is enforced, signing tokens is optional for Intercom: anyone can still boot the Messenger "
            "from the browser console as another user. Enforcement makes Intercom accept only server-signed identities.",
            "On that page, turn on identity verification for web, choose JWT, mark identifying attributes (email, "
            "name) as protected, then enforce it once the signed tokens are live.",
        ),
        Finding(
            "identity-verification-plan",
            Severity.INFO,
            "Identity verification is a paid feature on some Intercom plans.",
            "If the Messenger Security page shows no identity verification secret, the workspace's plan does not "
            "include it, and tokens cannot be verified.",
            f"Check the plan on {security} and upgrade if needed. The only alternative is an insecure installation "
            "(user attributes unsigned), which needs your explicit acknowledgement that anyone can impersonate users.",
        ),
        Finding(
            "code-free-install",
            Severity.INFO,
            "Intercom can also be installed without code: WordPress, Shopify, Google Tag Manager, Segment.",
            "For a site built on one of those, the official integration may be simpler to maintain than code.",
            f"Follow the instructions for your platform on the Messenger install page: {install}",
        ),
    ]
