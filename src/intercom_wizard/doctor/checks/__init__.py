"""Static checks: each module reads the parsed project and reports findings; registered here."""

from intercom_wizard.doctor.checks import dependencies, endpoint, identity, installed, messenger, secrets
from intercom_wizard.doctor.checks.context import StaticCheck, StaticContext
from intercom_wizard.doctor.findings import Finding

STATIC_CHECKS: tuple[StaticCheck, ...] = (
    dependencies.check_jwt_library,
    installed.check_jwt_library_installed,
    secrets.check_secret_literals,
    secrets.check_frontend_secret_exposure,
    secrets.check_secret_files,
    endpoint.check_token_endpoints,
    identity.check_user_id_source,
    messenger.check_messenger_present,
    messenger.check_user_hash,
    messenger.check_insecure_boot,
    messenger.check_shutdown,
    messenger.check_region,
    messenger.check_workspace_id,
)


# Findings that describe one problem seen by two checks (a secret literal that is also the known value).
SAME_PROBLEM = {"secret-literal": "secret", "secret-in-frontend": "secret", "secret-in-tracked-file": "secret"}


def run_static_checks(context: StaticContext) -> list[Finding]:
    """Every check's findings, one per problem and place (the first check to report it wins)."""
    findings: list[Finding] = []
    seen: set[tuple[str, str | None, int | None]] = set()
    for check in STATIC_CHECKS:
        for finding in check(context):
            key = (SAME_PROBLEM.get(finding.id, finding.id), finding.file, finding.line)
            if key not in seen:
                seen.add(key)
                findings.append(finding)
    return findings


__all__ = ["STATIC_CHECKS", "StaticContext", "run_static_checks"]
