"""Shared test helpers: fixture apps copied into tmp dirs (as git repos), the CLI, tree snapshots."""

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from intercom_wizard.cli import app

REPO = Path(__file__).resolve().parents[1]
FIXTURES = {
    "flask_notes": REPO / "src/intercom_wizard/samples/flask_notes",
    "flask_login_app": REPO / "tests/fixtures/flask_login_app",
    "django_site": REPO / "tests/fixtures/django_site",
    "express_app": REPO / "tests/fixtures/express_app",
    "static_site": REPO / "tests/fixtures/static_site",
}
SECRET = "test-identity-secret-3f9c2a7b1d-0c6e5a94f81b"
WORKSPACE_ID = "abc12345"
IGNORED = ("__pycache__", "instance", "node_modules", ".pytest_cache", "db.sqlite3")


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.email=test@example.com", "-c", "user.name=Test", *args],
        cwd=root, check=True, capture_output=True, text=True,
    ).stdout


def copy_app(name: str, destination: Path, *, commit: bool = True) -> Path:
    target = destination / name
    shutil.copytree(FIXTURES[name], target, ignore=shutil.ignore_patterns(*IGNORED))
    if commit:
        git(target, "init", "-q")
        git(target, "add", "-A")
        git(target, "commit", "-qm", "fixture")
    return target


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(root).parts and not set(path.relative_to(root).parts) & set(IGNORED)
    }


@pytest.fixture
def app_copy(tmp_path: Path) -> Callable[..., Path]:
    return lambda name, **kwargs: copy_app(name, tmp_path, **kwargs)


@pytest.fixture
def cli() -> Callable[..., object]:
    runner = CliRunner()

    def run(*args: str, secret: str | None = SECRET, input: str | None = None):  # type: ignore[no-untyped-def]
        env = {"INTERCOM_IDENTITY_SECRET": secret or ""}
        return runner.invoke(app, list(args), env=env, input=input, catch_exceptions=False)

    return run
