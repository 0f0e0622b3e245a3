"""A fake back end's user list is not where the app keeps its access token (corpus: angular10-jwt-refresh).

The app keeps its JWT in memory (a service's current user, `Bearer ${user.jwtToken}`) and its refresh
token in a cookie; the only JSON in localStorage is its fake back end's users, with their passwords
(`JSON.parse(localStorage.getItem(usersKey)) || []`, saved back with `JSON.stringify(users)`). The
token-storage search took that single JSON key for the token's object: the install told the user to
reinstall with `--token-storage-key angular-10-jwt-refresh-token-users` (and, with an API in the
project, would have read a password list as the token). A key holding a list is now never a token's
object; the app's real JSON key beside such a list is still found.

Apps of our own: a Vite + React front end (tests/fixtures/vite_react_login_no_backend) given a fake
back end and an in-memory token, alone and with an express-jwt API beside it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import WORKSPACE_ID, git, write_files

from intercom_wizard.integrations.frontends.client_auth import find_token_storage
from intercom_wizard.tree import ProjectTree

FIXTURES = Path(__file__).parent / "fixtures"
USERS_KEY = "demo-app-users"

FAKE_BACKEND = """\
// Until the API exists, sign-in is answered here, from users kept in this browser.
const usersKey = 'demo-app-users'
const users = JSON.parse(localStorage.getItem(usersKey)) || []
if (!users.length) {
  users.push({ id: 1, username: 'ann', password: 'ann-password', refreshTokens: [] })
  localStorage.setItem(usersKey, JSON.stringify(users))
}

const realFetch = window.fetch
window.fetch = async (url, opts) => {
  const loggedIn = opts.headers['Authorization'] === 'Bearer fake-jwt-token'
  if (url.endsWith('/users/authenticate')) {
    const { username, password } = JSON.parse(opts.body)
    const user = users.find((x) => x.username === username && x.password === password)
    return new Response(JSON.stringify(user ? { id: user.id, jwtToken: 'fake-jwt-token' } : {}), { status: user ? 200 : 400 })
  }
  return loggedIn ? realFetch(url, opts) : new Response('{}', { status: 401 })
}
"""

AUTH = """\
// The signed-in user lives in memory only; a refresh-token cookie signs the user in again on reload.
export const session = { user: null }

export async function login(username, password) {
  const response = await fetch('/api/users/authenticate', {
    method: 'POST',
    credentials: 'include',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  })
  session.user = await response.json()
}

export function authHeaders() {
  const user = session.user
  return user && user.jwtToken ? { Authorization: `Bearer ${user.jwtToken}` } : {}
}
"""

API_SERVER = """\
const express = require('express');
const { expressjwt } = require('express-jwt');

const app = express();
app.use('/api', expressjwt({ secret: process.env.JWT_SECRET, algorithms: ['HS256'] }));
app.listen(4000);
"""


def _app(root: Path, extra: dict[str, str] | None = None) -> Path:
    shutil.copytree(FIXTURES / "vite_react_login_no_backend", root)
    write_files(root, {"src/fake-backend.js": FAKE_BACKEND, "src/auth.js": AUTH, **(extra or {})})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "app")
    return root


def test_a_user_list_is_never_the_token_storage(tmp_path: Path) -> None:
    assert find_token_storage(ProjectTree(_app(tmp_path / "app"))) == []


def test_a_literal_list_of_users_is_not_either(tmp_path: Path) -> None:
    literal = "const people = [{ username: 'ann', password: 'x' }]\nlocalStorage.setItem('people', JSON.stringify(people))\n"
    assert find_token_storage(ProjectTree(_app(tmp_path / "app", {"src/seed.js": literal}))) == []


def test_the_apps_own_json_key_beside_a_user_list_is_still_found(tmp_path: Path) -> None:
    """The control: the same app that also keeps the signed-in user under `currentUser`."""
    stored = "export function remember(user) {\n  localStorage.setItem('currentUser', JSON.stringify(user))\n}\n"
    [found] = find_token_storage(ProjectTree(_app(tmp_path / "app", {"src/remember.js": stored})))
    assert (found.key, found.field, found.scheme) == ("currentUser", "jwtToken", "Bearer")


def test_without_an_api_the_install_names_no_storage_key(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _app(tmp_path / "app")
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--dry-run", "--yes", "--json")
    assert result.exit_code == 4, result.output  # incomplete: no back end here to sign tokens
    report = json.loads(result.stdout)
    assert report["result"] == "incomplete"
    assert USERS_KEY not in result.output and "--token-storage-key" not in result.output


def test_with_a_bearer_api_the_token_storage_question_is_asked_not_answered_with_the_users(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _app(tmp_path / "app", {"server.js": API_SERVER})
    manifest = json.loads((root / "package.json").read_text())
    manifest["dependencies"].update({"express": "^4.21.0", "express-jwt": "^8.4.1"})
    (root / "package.json").write_text(json.dumps(manifest, indent=2) + "\n")
    git(root, "commit", "-qam", "api")
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install")
    assert result.exit_code == 3, result.output  # a question --yes cannot answer: which key (none offered)
    assert "where the front end keeps its token is unclear" in result.output
    assert USERS_KEY not in result.output
    assert git(root, "status", "--porcelain") == ""  # nothing written
