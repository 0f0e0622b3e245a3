"""`verify` as a command: exit codes, --json, bad input, and a missing Chromium said plainly."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from conftest import SECRET, WORKSPACE_ID
from typer.testing import CliRunner
from verify_support import install, require_chromium, serve

from intercom_wizard.verify import browser as browser_module
from intercom_wizard.verify import runner as runner_module
from intercom_wizard.verify.command import verify

app = typer.Typer()
app.command("verify")(verify)


@app.callback()
def root() -> None:
    """Stands for the real CLI, where verify is one subcommand of several."""


def run(*args: str, secret: str = SECRET) -> object:
    return CliRunner().invoke(app, ["verify", *args], env={"INTERCOM_IDENTITY_SECRET": secret, "INTERCOM_ACCESS_TOKEN": ""}, catch_exceptions=False)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_chromium()
    root = install("flask_notes", tmp_path_factory.mktemp("cli"))
    with serve("flask_notes", root) as url:
        yield url


def test_json_report_and_exit_code_zero_when_everything_passes(served: str, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    result = run(
        served, "--workspace-id", WORKSPACE_ID, "--region", "eu", "--login-url", "/auth/login", "--username", "alice",
        "--password", "wonderland", "--navigate", "/notes/about", "--logout-url", "/auth/logout", "--json", "--screenshot", str(shot),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["passed"] is True and report["mode"] == "offline" and report["screenshot"] == str(shot)
    assert [check["status"] for check in report["checks"]] == ["pass"] * 6 + ["skipped"] * 3  # identity needs two --user accounts, page-visits --visit, api --live
    assert SECRET not in result.output


def test_exit_code_one_and_the_failed_check_in_the_table(served: str) -> None:
    result = run(served, "--workspace-id", WORKSPACE_ID, "--region", "au")
    assert result.exit_code == 1
    assert "Verification failed: signed-in" in result.stdout
    collapsed = "".join(result.stdout.replace("│", " ").split())  # the table wraps long evidence
    assert "--regionauneedshttps://api-iam.au.intercom.io" in collapsed


@pytest.mark.parametrize(
    ("args", "secret", "message"),
    [
        (["http://127.0.0.1:9/", "--workspace-id", WORKSPACE_ID], "", "INTERCOM_IDENTITY_SECRET is not set"),
        (["http://127.0.0.1:9/", "--workspace-id", "NOPE"], SECRET, "is not an Intercom workspace id"),
        (["http://127.0.0.1:9/", "--workspace-id", WORKSPACE_ID, "--login-url", "/login"], SECRET, "needs --username and --password"),
        (["http://127.0.0.1:9/", "--workspace-id", WORKSPACE_ID, "--cookie", "novalue"], SECRET, "is not NAME=VALUE"),
        (["not-a-url", "--workspace-id", WORKSPACE_ID], SECRET, "is not an http(s) URL"),
    ],
)
def test_bad_input_exits_2_before_any_browser_starts(args: list[str], secret: str, message: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner_module, "launched_browser", lambda: pytest.fail("no browser for bad input"))
    result = run(*args, secret=secret)
    assert result.exit_code == 2
    assert message in result.stderr


def test_missing_chromium_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(browser_module, "CHROMIUM", tmp_path / "no-chromium")
    result = run("http://127.0.0.1:9/", "--workspace-id", WORKSPACE_ID)
    assert result.exit_code == 1
    assert "Chromium is not installed" in result.stderr and "apt-get install -y chromium" in result.stderr
    assert "Traceback" not in result.output


def test_called_from_python_it_returns_the_exit_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INTERCOM_IDENTITY_SECRET", raising=False)
    code = verify(
        "http://127.0.0.1:9/", WORKSPACE_ID, None, "/api/intercom-jwt", None, None, None, None, None, None, None, None, None, None, None,
        False, None, False, None,
    )  # fmt: skip
    assert code == 2
