"""Ambiguity is data (errors.Candidate): the CLI lists the candidates and applies the one the answer
names, by number or by name, and parses nothing back out of the text it showed."""

from pathlib import Path

import pytest
from conftest import WORKSPACE_ID, copy_app, snapshot

from intercom_wizard.errors import Ambiguous, Candidate, ExitCode

FLASK_A = Candidate("backend", "flask", "a", "flask in a")
FLASK_B = Candidate("backend", "flask", "b", "flask in b")
DJANGO = Candidate("backend", "django", "", "django in .")


@pytest.fixture
def interactive(monkeypatch: pytest.MonkeyPatch) -> None:
    import intercom_wizard.cli as cli_module

    monkeypatch.setattr(cli_module, "is_interactive", lambda yes: not yes)


def _two_apps(tmp_path: Path, first: str, second: str) -> Path:
    for folder, name in (("a", first), ("b", second)):
        (tmp_path / folder).mkdir()
        copy_app(name, tmp_path / folder, commit=False)
    return tmp_path


def test_an_answer_names_a_candidate_by_number_display_or_unique_name() -> None:
    ambiguous = Ambiguous("backend", [FLASK_A, FLASK_B, DJANGO], "Found more than one backend.")
    assert ambiguous.choice("2") == FLASK_B
    assert ambiguous.choice(" flask in a ") == FLASK_A
    assert ambiguous.choice("django") == DJANGO
    assert ambiguous.choice("flask") is None, "two candidates have that name: the number or the folder decides"
    assert ambiguous.choice("4") is None and ambiguous.choice("0") is None and ambiguous.choice("rails") is None


def test_two_apps_of_one_framework_are_told_apart_by_their_folder(tmp_path, cli, interactive):
    root = _two_apps(tmp_path, "flask_login_app", "flask_login_app")
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--dry-run", input="2\n")
    assert result.exit_code == 0, result.stderr
    output = result.stdout + result.stderr
    assert "  1. flask in a/flask_login_app\n  2. flask in b/flask_login_app\n" in output
    assert "Which backend? (flask)" in output
    assert "b/b/flask_login_app/intercom_jwt.py" in result.stdout
    assert "a/flask_login_app" not in result.stdout


def test_the_answer_may_be_the_framework_name(tmp_path, cli, interactive):
    root = _two_apps(tmp_path, "flask_login_app", "django_site")
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--dry-run", input="django\n")
    assert result.exit_code == 0, result.stderr
    assert "Which backend? (flask, django)" in result.stdout + result.stderr
    assert "b/b/django_site/mysite/intercom_jwt.py" in result.stdout


def test_an_answer_that_names_no_candidate_is_bad_input_and_changes_nothing(tmp_path, cli, interactive):
    root = _two_apps(tmp_path, "flask_login_app", "django_site")
    before = snapshot(root)
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", input="rails\n")
    assert result.exit_code == ExitCode.NOTHING_DETECTED, "--yes never asks"
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, input="rails\n")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "'rails' is not one of the backend choices listed" in result.stderr
    assert snapshot(root) == before


def test_without_a_terminal_the_ambiguity_lists_each_app_and_exits_3(tmp_path, cli):
    root = _two_apps(tmp_path, "flask_login_app", "django_site")
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes")
    assert result.exit_code == ExitCode.NOTHING_DETECTED
    assert "Found more than one backend: flask in a/flask_login_app; django in b/django_site." in result.stderr


def test_a_front_end_chosen_from_the_list_is_planned_in_its_own_folder(tmp_path, cli, interactive):
    """Choosing by name used to plan a stand-in app at the project root; the candidate's root is kept now."""
    root = _two_apps(tmp_path, "next_app_no_sign_in", "vite_react_no_sign_in")
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--dry-run", "--backend", "none", input="2\n")
    assert result.exit_code == 0, result.stderr
    assert "  1. nextjs in a/next_app_no_sign_in\n  2. react in b/vite_react_no_sign_in\n" in result.stdout + result.stderr
    created = [line.split()[1] for line in result.stderr.splitlines() if line.startswith("  create ")]
    assert created and all(path.startswith("b/vite_react_no_sign_in/") or path == ".intercom-wizard.json" for path in created), created
