"""Cookie auth is chosen only with evidence that the app uses cookies: a back end in this project with
session auth, or front-end calls that send them (`credentials: 'include'`, `withCredentials: true`).
A single-page app that signs users in with neither is asked; with `--yes` it is bad input (exit 2)
naming `--auth cookie|bearer`. App of our own: the vite_react_login_no_backend fixture, its login
call stripped of `credentials: 'include'`.
"""

from pathlib import Path

import pytest
from conftest import WORKSPACE_ID, copy_app, snapshot


@pytest.fixture
def interactive(monkeypatch: pytest.MonkeyPatch) -> None:
    import intercom_wizard.cli as cli_module

    monkeypatch.setattr(cli_module, "is_interactive", lambda yes: not yes)


def _without_cookie_evidence(tmp_path: Path, replacement: str = "") -> Path:
    """The fixture with its two `credentials: 'include'` calls (login, logout) stripped, or `replacement` in the login."""
    root = copy_app("vite_react_login_no_backend", tmp_path, commit=False)
    login, app = root / "src/Login.tsx", root / "src/App.tsx"
    login.write_text(login.read_text().replace("      credentials: 'include',\n", replacement))
    app.write_text(app.read_text().replace("{ method: 'POST', credentials: 'include' }", "{ method: 'POST' }"))
    return root


def test_without_evidence_yes_is_bad_input_naming_the_option(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _without_cookie_evidence(tmp_path)
    before = snapshot(root)
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install")
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    assert "nothing in this project says how its API calls prove it" in text
    assert "--auth cookie or --auth bearer" in text and "Traceback" not in text
    assert snapshot(root) == before


def test_with_credentials_is_evidence(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _without_cookie_evidence(tmp_path, "      credentials: 'include',\n")  # unchanged: the fixture's own call
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install")
    assert result.exit_code == 4, result.output  # incomplete: the API's code is elsewhere


def test_axios_with_credentials_is_evidence(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _without_cookie_evidence(tmp_path)
    (root / "src/http.ts").write_text("import axios from 'axios'\n\nexport const http = axios.create({ withCredentials: true })\n")
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install")
    assert result.exit_code == 4, result.output


def test_the_option_answers_it(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _without_cookie_evidence(tmp_path)
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install", "--auth", "cookie")
    assert result.exit_code == 4, result.output


def test_interactive_asks_and_uses_the_answer(tmp_path: Path, cli, interactive) -> None:  # type: ignore[no-untyped-def]
    root = _without_cookie_evidence(tmp_path)
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--dry-run", input="cookie\n")
    assert result.exit_code == 4, result.output
    output = " ".join((result.stdout + result.stderr).split())
    assert "1. cookie: the browser's session cookie 2. bearer: an access token the front end keeps" in output
    assert "Which auth? (cookie, bearer)" in output
    assert "credentials: 'include'" in result.stdout  # the Messenger sends cookies, as answered



def test_with_evidence_the_plan_is_cookie_mode_as_before(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """The rule changes the decision only: with the fixture's own `credentials: 'include'` calls, the
    dry run is byte-identical to the one `--auth cookie` gives, and the Messenger's token request sends cookies."""
    root = _without_cookie_evidence(tmp_path, "      credentials: 'include',\n")  # the login call keeps its evidence
    found = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--dry-run")
    told = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--dry-run", "--auth", "cookie")
    assert found.exit_code == 4 and told.exit_code == 4, found.output + told.output
    assert found.stdout == told.stdout
    client = found.stdout.split("+++ b/src/intercom/", 1)[1]
    assert "credentials: 'include'" in client and "Authorization" not in client
