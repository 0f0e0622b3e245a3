"""Helpers for the doctor tests: tiny projects written into tmp dirs, fixture apps installed on copies."""

import shutil
import subprocess
import textwrap
from pathlib import Path

from intercom_wizard.apply import apply_changes
from intercom_wizard.doctor.findings import Finding, Severity
from intercom_wizard.doctor.run import DoctorOptions, run_doctor
from intercom_wizard.options import InstallOptions, Region, parse_workspace_id
from intercom_wizard.planner import make_plan
from intercom_wizard.project import detect

REPO = Path(__file__).resolve().parents[2]
FIXTURE_APPS = {
    "flask_notes": REPO / "src/intercom_wizard/samples/flask_notes",
    "flask_login_app": REPO / "tests/fixtures/flask_login_app",
    "django_site": REPO / "tests/fixtures/django_site",
    "express_app": REPO / "tests/fixtures/express_app",
    "static_site": REPO / "tests/fixtures/static_site",
}
SECRET = "doctor-test-secret-5b1e9c0d7a-4e2f8a6c3b"
WORKSPACE_ID = "abc12345"
REMINDERS = {"enforce-identity-verification", "identity-verification-plan", "code-free-install"}


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=T", *args], cwd=root, check=True, capture_output=True)


def write(root: Path, files: dict[str, str], *, commit: bool = False) -> Path:
    """Write `files` (dedented) under `root`; with `commit`, make it a git repo and commit them."""
    root.mkdir(parents=True, exist_ok=True)
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip("\n"))
    if commit:
        git(root, "init", "-q")
        git(root, "add", "-A")
        git(root, "commit", "-qm", "fixture")
    return root


def diagnose(root: Path, **options: object) -> list[Finding]:
    return run_doctor(DoctorOptions(path=root, **options)).findings  # type: ignore[arg-type]


def with_id(findings: list[Finding], finding_id: str) -> list[Finding]:
    return [f for f in findings if f.id == finding_id]


def problems(findings: list[Finding]) -> list[Finding]:
    """Everything but info."""
    return [f for f in findings if f.severity is not Severity.INFO]


def installed_copy(name: str, destination: Path, *, region: Region = Region.US, secret: str = SECRET) -> Path:
    """A committed copy of a fixture app with the wizard's installation applied (as `install --yes` would)."""
    root = destination / name
    shutil.copytree(FIXTURE_APPS[name], root, ignore=shutil.ignore_patterns("__pycache__", "instance", "node_modules", "db.sqlite3"))
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "fixture")
    plan = make_plan(detect(root), InstallOptions(workspace=parse_workspace_id(WORKSPACE_ID), region=region), secret)
    apply_changes(detect(root).tree, plan.changes)
    return root
