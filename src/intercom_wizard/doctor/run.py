"""Running doctor: static checks on the project, live checks when a URL is given, then the reminders."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from intercom_wizard.doctor.checks import StaticContext, run_static_checks
from intercom_wizard.doctor.checks.secrets import env_files_on_disk
from intercom_wizard.doctor.findings import Finding, Severity, has_errors, sort_findings
from intercom_wizard.doctor.live import LiveOptions, live_findings
from intercom_wizard.doctor.reminders import reminders
from intercom_wizard.doctor.sources import load_sources
from intercom_wizard.options import Region
from intercom_wizard.receipt import load_receipt
from intercom_wizard.tree import ProjectTree

SECRET_ENV = "INTERCOM_IDENTITY_SECRET"
DEFAULT_ENDPOINT = "/api/intercom-jwt"
MIN_SECRET_LENGTH = 8  # shorter values would match by accident


@dataclass(frozen=True)
class DoctorOptions:
    path: Path = Path(".")
    url: str | None = None
    origin: str | None = None
    workspace_id: str | None = None
    region: Region | None = None
    endpoint: str | None = None  # None: the installed one (receipt), else /api/intercom-jwt
    cookies: tuple[tuple[str, str], ...] = ()
    secret: str | None = None  # from the environment only


@dataclass
class DoctorReport:
    root: str
    url: str | None
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not has_errors(self.findings)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    def to_json(self) -> dict[str, Any]:
        return {
            "root": self.root,
            "url": self.url,
            "ok": self.ok,
            "summary": {s.value: self.count(s) for s in Severity},
            "findings": [f.to_json() for f in self.findings],
        }


def run_doctor(options: DoctorOptions) -> DoctorReport:
    tree = ProjectTree(options.path)
    receipt = load_receipt(tree)
    settings = receipt.settings if receipt is not None else {}
    workspace_id = options.workspace_id or settings.get("workspace_id")
    region = options.region or (Region(settings["region"]) if settings.get("region") in {r.value for r in Region} else None)
    context = StaticContext(
        sources=load_sources(tree),
        region=region,
        workspace_id=workspace_id,
        known_secrets=secret_values(tree, options.secret),
        ours=frozenset(receipt.created) if receipt is not None else frozenset(),
        receipt=receipt,
    )
    findings = run_static_checks(context)
    token_url = None
    if options.url is not None:
        live = LiveOptions(
            url=options.url,
            endpoint=options.endpoint or settings.get("endpoint") or DEFAULT_ENDPOINT,
            origin=options.origin,
            cookies=options.cookies,
            secret=options.secret,
            region=region,
        )
        token_url = live.token_url
        findings += live_findings(live)
    findings += reminders(workspace_id, region)
    return DoctorReport(str(tree.root), token_url, sort_findings(_unique(findings)))


def _unique(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, str | None, int | None]] = set()
    kept = []
    for finding in findings:
        key = (finding.id, finding.file, finding.line)
        if key not in seen:
            seen.add(key)
            kept.append(finding)
    return kept


def secret_values(tree: ProjectTree, from_environment: str | None) -> tuple[str, ...]:
    """The secret's value(s) to look for in files: the environment's, and the project's env files'
    (git-ignored ones included: that is where the secret belongs, and what must not leak elsewhere)."""
    values = [from_environment] if from_environment else []
    for relative in env_files_on_disk(tree):
        try:
            lines = tree.resolve(relative).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        for line in lines:
            name, separator, value = line.removeprefix("export ").partition("=")
            if separator and name.strip() == SECRET_ENV:
                values.append(value.strip().strip("'\""))
    return tuple(v for v in dict.fromkeys(values) if len(v) >= MIN_SECRET_LENGTH)
