"""The JWT library is installed with the project's own package manager, or the install is `incomplete`.

Fixtures of our own: `flask_requirements_app` (Flask, requirements.txt, session sign-in) and
`php_composer_app` (plain PHP under Composer); Sinatra is `sinatra_classic_app` with its gem source
pointed at a closed local port, so `bundle install` fails the same way offline and online.

- a virtual environment made by `python -m venv` in the app: PyJWT is really installed into it from the
  package index (the one test that needs the registry), the result is `complete` (exit 0) and `--json`
  lists the install with its command and outcome;
- no virtual environment: exit 4, a manual step naming requirements.txt and the exact command;
- `bundle install` failing, or Bundler missing: exit 4 with the command, and Bundler's last lines;
- Composer missing: exit 4 with `composer install`;
- `--no-install`: exit 0, the install only named;
- where each tool would run (uv, Poetry, Pipenv lock files, a venv above the app), planned without running;
- the package managers never see the identity secret, and their output never shows it.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SECRET, WORKSPACE_ID, copy_app

from intercom_wizard import packages
from intercom_wizard.doctor.run import DoctorOptions, run_doctor
from intercom_wizard.plan import DependencyChange


def not_installed_findings(root: Path) -> list[tuple[str, str]]:
    """doctor's jwt-library-not-installed findings: (message, fix)."""
    findings = run_doctor(DoctorOptions(path=root)).findings
    return [(f.message, f.fix) for f in findings if f.id == "jwt-library-not-installed"]


def install(cli, root: Path, *extra: str):  # type: ignore[no-untyped-def]
    return cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", *extra)


def last_line(result) -> str:  # type: ignore[no-untyped-def]
    return result.stderr.rstrip().splitlines()[-1]


def path_without(tmp_path: Path, *tools: str) -> str:
    """A PATH with every program of this one except `tools` (linked into one folder)."""
    folder = tmp_path / f"bin-without-{'-'.join(tools)}"
    folder.mkdir()
    for directory in os.environ["PATH"].split(os.pathsep):
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue
        for entry in entries:
            link = folder / entry.name
            if entry.name in tools or os.path.lexists(link):
                continue
            link.symlink_to(entry.path)
    return str(folder)


# -- Python ---------------------------------------------------------------------------------------


def test_the_apps_own_virtual_environment_gets_pyjwt(tmp_path, cli):
    root = copy_app("flask_requirements_app", tmp_path)
    subprocess.run([sys.executable, "-m", "venv", str(root / ".venv")], check=True, timeout=300)
    result = install(cli, root, "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["result"] == "complete" and report["manual_steps"] == []
    [installed] = report["package_manager"]
    assert installed["command"] == ".venv/bin/python -m pip install 'PyJWT>=2.8'"
    assert installed["outcome"] == "installed" and installed["manifest"] == "requirements.txt"
    signed = subprocess.run(
        [str(root / ".venv/bin/python"), "-c", "import jwt; print(jwt.decode(jwt.encode({'user_id': '51'}, 'k' * 32), 'k' * 32, algorithms=['HS256']))"],
        capture_output=True, text=True, check=True,
    )
    assert signed.stdout.strip() == "{'user_id': '51'}"
    assert SECRET not in result.stdout + result.stderr
    assert not_installed_findings(root) == [], "doctor agrees: the app's environment has PyJWT"
    again = install(cli, root)
    assert again.exit_code == 0 and "Nothing to do" in again.stderr and last_line(again) == "result: complete"


def test_doctor_names_the_install_the_wizard_would_run(tmp_path, cli):
    """--no-install leaves the app's venv without PyJWT: doctor reports it, with install's own command."""
    root = copy_app("flask_requirements_app", tmp_path)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root / ".venv")], check=True, timeout=300)
    assert install(cli, root, "--no-install").exit_code == 0
    assert not_installed_findings(root) == [(
        "intercom_jwt.py uses PyJWT, which requirements.txt declares, but the app's virtual environment .venv does not have it.",
        "Install it with the project's own tool, from the project root: `.venv/bin/python -m pip install PyJWT`.",
    )]


def test_without_a_virtual_environment_the_install_is_incomplete(tmp_path, cli):
    root = copy_app("flask_requirements_app", tmp_path)
    result = install(cli, root)
    assert result.exit_code == 4, result.stderr
    assert last_line(result).startswith("result: incomplete - 1 part left to do by hand")
    text = " ".join(result.stderr.split())
    assert "requirements.txt: PyJWT is declared in requirements.txt but not installed" in text
    assert "python -m pip install -r requirements.txt" in text
    assert "PyJWT>=2.8" in (root / "requirements.txt").read_text(), "the code change stays: only the library is missing"
    assert (root / "intercom_jwt.py").is_file()
    again = install(cli, root)
    assert again.exit_code == 4 and "Nothing to do" in again.stderr, "a re-run does not forget the missing library"
    assert "python -m pip install -r requirements.txt" in again.stderr
    as_json = install(cli, copy_app("flask_requirements_app", tmp_path / "b"), "--json")
    assert as_json.exit_code == 4
    report = json.loads(as_json.stdout)
    assert report["result"] == "incomplete"
    assert [(s["file"], s["snippet"]) for s in report["manual_steps"]] == [("requirements.txt", "python -m pip install -r requirements.txt")]
    assert [(i["command"], i["outcome"]) for i in report["package_manager"]] == [("python -m pip install -r requirements.txt", "not run")]


def test_no_install_keeps_the_result(tmp_path, cli):
    root = copy_app("flask_requirements_app", tmp_path)
    result = install(cli, root, "--no-install")
    assert result.exit_code == 0, result.stderr
    assert last_line(result) == "result: complete"
    assert "Skipped the package manager (--no-install): install PyJWT with python -m pip install -r requirements.txt" in " ".join(result.stderr.split())


def test_the_nearest_environment_of_the_app_decides(tmp_path, monkeypatch):
    """Lock files of uv, Poetry and Pipenv name their tool; a venv above the app's folder is the app's."""
    monkeypatch.setenv("PATH", path_without(tmp_path, "uv", "poetry", "pipenv"))
    pyjwt = [DependencyChange("python", "PyJWT", ">=2.8", "site/requirements.txt")]
    (tmp_path / "site").mkdir()
    (tmp_path / "site/requirements.txt").write_text("flask\n")
    [job] = packages.plan_installs(tmp_path, pyjwt)
    assert job.commands == () and job.shown == "python -m pip install -r site/requirements.txt"
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (venv / "bin/python").symlink_to(sys.executable)
    [job] = packages.plan_installs(tmp_path, pyjwt)
    assert job.unavailable is None and job.shown == "venv/bin/python -m pip install 'PyJWT>=2.8'"
    assert job.commands[0][:4] == (str(venv / "bin/python"), "-m", "pip", "install")
    (tmp_path / "site/Pipfile.lock").write_text("{}")
    [job] = packages.plan_installs(tmp_path, pyjwt)
    assert job.shown == "cd site && pipenv install 'PyJWT>=2.8'" and job.unavailable == "Pipenv (`pipenv`) is not installed here"
    (tmp_path / "site/Pipfile.lock").unlink()
    (tmp_path / "uv.lock").write_text("version = 1\n")
    toml = [DependencyChange("python", "PyJWT", ">=2.8", "pyproject.toml")]
    assert packages.plan_installs(tmp_path, toml)[0].shown == "uv sync"
    (tmp_path / "uv.lock").unlink()
    (tmp_path / "poetry.lock").write_text("")
    assert packages.plan_installs(tmp_path, toml)[0].shown == "poetry lock --no-update && poetry install"
    # Poetry never installs a requirements file: PyJWT added to one goes in with the venv's pip.
    assert packages.plan_installs(tmp_path, pyjwt)[0].shown == "venv/bin/python -m pip install 'PyJWT>=2.8'"


# -- Ruby -----------------------------------------------------------------------------------------


def _sinatra_with_unreachable_gems(tmp_path: Path) -> Path:
    root = copy_app("sinatra_classic_app", tmp_path, commit=False)
    gemfile = root / "Gemfile"
    gemfile.write_text(gemfile.read_text().replace('source "https://rubygems.org"', 'source "http://127.0.0.1:9"'))
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=T", "commit", "-qm", "app"], cwd=root, check=True)
    return root


@pytest.mark.skipif(shutil.which("bundle") is None, reason="needs Bundler (Debian's ruby-bundler)")
def test_a_failing_bundle_install_is_incomplete_with_its_output(tmp_path, cli):
    root = _sinatra_with_unreachable_gems(tmp_path)
    result = install(cli, root)
    assert result.exit_code == 4, result.stderr
    text = " ".join(result.stderr.split())
    assert "bundle install: failed" in text and "127.0.0.1:9" in text, "Bundler's own last lines are shown"
    assert "Gemfile: bundle install failed (its last lines are above), so jwt is declared in Gemfile but not installed" in text
    assert '"jwt"' in (root / "Gemfile").read_text(), "the code change stays: only the library is missing"
    assert last_line(result).startswith("result: incomplete - 1 part left to do by hand")
    again = install(cli, root)
    assert again.exit_code == 4 and "Nothing to do" in again.stderr and "bundle install: failed" in again.stderr, "a re-run tries again"


def test_doctor_reads_the_gemfile_lock(tmp_path, cli):
    root = _sinatra_with_unreachable_gems(tmp_path)
    (root / "Gemfile.lock").write_text("GEM\n  remote: http://127.0.0.1:9/\n  specs:\n    sinatra (3.2.0)\n\nPLATFORMS\n  ruby\n")
    assert install(cli, root, "--no-install").exit_code == 0
    [(message, fix)] = not_installed_findings(root)
    assert message.endswith("uses jwt, which Gemfile declares, but Gemfile.lock does not have it.")
    assert fix.startswith("Install it with the project's own tool, from the project root: `bundle install`")


def test_without_bundler_the_install_is_incomplete(tmp_path, cli, monkeypatch):
    monkeypatch.setenv("PATH", path_without(tmp_path, "bundle", "bundler"))
    root = _sinatra_with_unreachable_gems(tmp_path)
    result = install(cli, root, "--json")
    assert result.exit_code == 4, result.stderr
    report = json.loads(result.stdout)
    assert [(s["file"], s["snippet"]) for s in report["manual_steps"]] == [("Gemfile", "bundle install")]
    assert "Bundler (`bundle`) is not installed here" in report["manual_steps"][0]["instruction"]
    assert [(i["ecosystem"], i["outcome"]) for i in report["package_manager"]] == [("ruby", "not run")]


# -- PHP ------------------------------------------------------------------------------------------


def test_without_composer_the_install_is_incomplete(tmp_path, cli, monkeypatch):
    monkeypatch.setenv("PATH", path_without(tmp_path, "composer"))
    root = copy_app("php_composer_app", tmp_path)
    result = install(cli, root)
    assert result.exit_code == 4, result.stderr
    text = " ".join(result.stderr.split())
    assert "composer.json: firebase/php-jwt is declared in composer.json but not installed: Composer (`composer`) is not installed here" in text
    assert "composer install --no-interaction" in text
    assert '"firebase/php-jwt"' in (root / "composer.json").read_text()
    assert "Firebase\\JWT\\JWT" in (root / "api/intercom-jwt/index.php").read_text()
    again = install(cli, root, "--json")
    assert again.exit_code == 4 and json.loads(again.stdout)["status"] == "nothing to do"
    assert [(i["command"], i["outcome"]) for i in json.loads(again.stdout)["package_manager"]] == [("composer install --no-interaction", "not run")]
    skipped = install(cli, copy_app("php_composer_app", tmp_path / "b"), "--no-install")
    assert skipped.exit_code == 0 and last_line(skipped) == "result: complete"


# -- the secret -----------------------------------------------------------------------------------


def test_package_managers_never_see_or_show_the_secret(tmp_path, monkeypatch):
    monkeypatch.setenv("INTERCOM_IDENTITY_SECRET", SECRET)
    reads_it = [sys.executable, "-c", "import os; print(os.environ.get('INTERCOM_IDENTITY_SECRET', 'absent'))"]
    ok, output = packages.run_commands(tmp_path, "", [reads_it], SECRET)
    assert ok and output == "absent"
    echoes_it = [sys.executable, "-c", f"import sys; print('token {SECRET} rejected'); sys.exit(3)"]
    ok, output = packages.run_commands(tmp_path, "", [echoes_it], SECRET)
    assert not ok and SECRET not in output and output == "token ******** rejected"
