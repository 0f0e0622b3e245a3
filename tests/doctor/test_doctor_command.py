"""The `doctor` command: exit codes, JSON, the table, bad input, reminders, and a clean bill of health
for every fixture app after a programmatic install."""

import json

import pytest
import typer
from doctor_support import FIXTURE_APPS, REMINDERS, SECRET, WORKSPACE_ID, installed_copy, write
from typer.testing import CliRunner

from intercom_wizard.doctor.command import doctor
from intercom_wizard.options import Region

app = typer.Typer()
app.command("doctor")(doctor)


@app.command()
def other() -> None:  # a second command, so `doctor` stays a named subcommand as in the real CLI
    """Unused."""


def run(*args: str, secret: str | None = None):
    env = {"INTERCOM_IDENTITY_SECRET": secret or "", "COLUMNS": "200"}
    return CliRunner().invoke(app, ["doctor", *args], env=env, catch_exceptions=False)


@pytest.mark.parametrize("name", sorted(FIXTURE_APPS))
def test_installed_fixture_apps_have_no_error(name, tmp_path):
    root = installed_copy(name, tmp_path)
    result = run(str(root), "--workspace-id", WORKSPACE_ID, "--json", secret=SECRET)
    report = json.loads(result.stdout)
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    assert errors == [] and result.exit_code == 0 and report["ok"] is True
    assert {f["id"] for f in report["findings"]} >= REMINDERS
    assert SECRET not in result.stdout + result.stderr


def test_errors_exit_1_and_json_has_every_field(tmp_path):
    root = write(tmp_path, {"static/intercom.js": "window.intercomSettings = { app_id: 'abc12345', email: user.email };\n"})
    result = run(str(root), "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False and report["summary"]["error"] == 1
    [finding] = [f for f in report["findings"] if f["id"] == "insecure-boot"]
    assert finding == {
        "id": "insecure-boot",
        "severity": "error",
        "file": "static/intercom.js",
        "line": 1,
        "message": finding["message"],
        "why": finding["why"],
        "fix": finding["fix"],
    }
    assert finding["message"] and finding["why"] and finding["fix"]


def test_table_shows_location_why_and_fix(tmp_path):
    root = write(tmp_path, {"static/intercom.js": "window.intercomSettings = { app_id: 'abc12345', email: user.email };\n"})
    result = run(str(root))
    assert result.exit_code == 1
    assert "insecure-boot" in result.stdout and "static/intercom.js:1" in result.stdout
    assert "why:" in result.stdout and "fix:" in result.stdout
    assert "Errors found." in result.stdout


def test_warnings_alone_exit_0(tmp_path):
    root = write(tmp_path, {"static/intercom.js": "window.Intercom('boot', { app_id: 'abc12345', user_id: '1', user_hash: h });\n"})
    result = run(str(root), "--json")
    report = json.loads(result.stdout)
    assert result.exit_code == 0 and report["summary"]["warning"] >= 1


def test_secret_values_never_reach_the_output(tmp_path):
    root = write(tmp_path, {"static/app.js": f"var k = '{SECRET}';\n", "app.py": f'INTERCOM_IDENTITY_SECRET = "{SECRET}"\n'})
    for args in (["--json"], []):
        result = run(str(root), *args, secret=SECRET)
        assert result.exit_code == 1
        assert SECRET not in result.stdout + result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--url", "ftp://example.com"],
        ["--url", "http://127.0.0.1:1", "--origin", "https://app.example.com/path"],
        ["--url", "http://127.0.0.1:1", "--cookie", "no-equals-sign"],
        ["--cookie", "session=abc"],
        ["--origin", "https://app.example.com"],
        ["--workspace-id", "Not An Id!"],
        ["--endpoint", "api/no-leading-slash"],
        ["--region", "mars"],
        ["--secret", "shh"],
    ],
    ids=["bad url", "origin with a path", "bad cookie", "cookie without url", "origin without url", "bad workspace", "bad endpoint", "bad region", "secret option"],
)
def test_bad_input_exits_2(args, tmp_path):
    result = run(str(tmp_path), *args)
    assert result.exit_code == 2, result.output
    assert "shh" not in result.stdout


def test_missing_project_exits_2(tmp_path):
    result = run(str(tmp_path / "nope"))
    assert result.exit_code == 2 and "does not exist" in result.stderr


def test_reminders_point_at_the_workspace_and_region(tmp_path):
    result = run(str(write(tmp_path, {"x.py": "x = 1\n"})), "--json", "--workspace-id", "https://app.eu.intercom.com/a/apps/xyz98765/home")
    findings = {f["id"]: f for f in json.loads(result.stdout)["findings"]}
    assert "https://app.eu.intercom.com/a/apps/xyz98765/settings/channels/messenger/security" in findings["enforce-identity-verification"]["message"]
    assert "paid" in findings["identity-verification-plan"]["message"]
    install = findings["code-free-install"]
    assert all(name in install["message"] for name in ("WordPress", "Shopify", "Google Tag Manager", "Segment"))
    assert "https://app.eu.intercom.com/a/apps/xyz98765/settings/channels/messenger/install" in install["fix"]
    assert all(findings[r]["severity"] == "info" for r in REMINDERS)


def test_reminders_without_a_workspace_id(tmp_path):
    result = run(str(write(tmp_path, {"x.py": "x = 1\n"})), "--json")
    findings = {f["id"]: f for f in json.loads(result.stdout)["findings"]}
    assert "https://app.intercom.com/a/apps/_/settings/channels/messenger/security" in findings["enforce-identity-verification"]["message"]


def test_installed_settings_are_the_defaults(tmp_path):
    """Without --region / --endpoint, doctor uses what the wizard installed (its receipt)."""
    root = installed_copy("flask_notes", tmp_path, region=Region.EU)
    script = root / "flaskr/static/intercom-messenger.js"
    script.write_text(script.read_text().replace("https://api-iam.eu.intercom.io", "https://api-iam.au.intercom.io"))
    report = json.loads(run(str(root), "--json").stdout)
    assert [f["id"] for f in report["findings"] if f["id"].startswith("region-")] == ["region-mismatch"]


def test_live_flags_reach_the_live_checks(tmp_path):
    """--url with nothing listening: the live check reports it (exit 1), the static ones still run."""
    root = write(tmp_path, {"x.py": "x = 1\n"})
    result = run(str(root), "--url", "http://127.0.0.1:9", "--json")
    report = json.loads(result.stdout)
    assert result.exit_code == 1
    assert report["url"] == "http://127.0.0.1:9/api/intercom-jwt"
    assert [f["id"] for f in report["findings"] if f["severity"] == "error"] == ["live-unreachable"]
