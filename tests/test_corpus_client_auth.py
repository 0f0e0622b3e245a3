"""Client auth shapes seen in the real-app corpus (docs/corpus.md), as small apps of our own.

The login saves the whole API response as JSON (`localStorage.setItem('user', JSON.stringify(user))`)
and another module builds `Authorization: 'Bearer ' + user.token` from it; a raw token in
sessionStorage. The Messenger script must read the token the same way; checked by running the
generated reader in Node against each stored shape.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import WORKSPACE_ID, git, write_files

from intercom_wizard.integrations.frontends.html import script_source
from intercom_wizard.options import ClientAuth, InstallOptions, parse_workspace_id

SERVER = """\
const express = require('express');
const { expressjwt } = require('express-jwt');

const app = express();
app.use(express.static('public'));
app.use('/api', expressjwt({ secret: process.env.JWT_SECRET, algorithms: ['HS256'] }));
module.exports = app;
"""

LOGIN_JS = """\
async function login(email, password) {
  const response = await fetch('/api/login', { method: 'POST', body: JSON.stringify({ email, password }) });
  const user = await response.json();
  localStorage.setItem('user', JSON.stringify(user));
}
"""

API_JS = """\
// Every API call sends the signed-in user's token.
function authHeader() {
  const user = JSON.parse(localStorage.getItem('user'));
  return user && user.token ? { Authorization: 'Bearer ' + user.token } : {};
}
const settings = JSON.parse(localStorage.getItem('settings')) || {};
"""


def _site(root: Path, files: dict[str, str]) -> Path:
    write_files(root, {
        "package.json": '{\n  "dependencies": {\n    "express": "^4.21.0",\n    "express-jwt": "^8.4.1"\n  }\n}\n',
        "server.js": SERVER,
        "public/index.html": '<!doctype html>\n<html>\n<body>\n<script src="/login.js"></script>\n</body>\n</html>\n',
        **files,
    })
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "site")
    return root


def _script(cli, root: Path) -> str:  # type: ignore[no-untyped-def]
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install")
    assert result.exit_code == 0, result.output
    assert "token_storage_key" not in result.output
    return (root / "public/intercom-messenger.js").read_text()


def test_json_object_under_user_with_the_header_built_elsewhere(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    script = _script(cli, _site(tmp_path, {"public/login.js": LOGIN_JS, "public/api.js": API_JS}))
    assert "var ACCESS_TOKEN_KEY = 'user';" in script
    assert "var ACCESS_TOKEN_STORAGE = 'localStorage';" in script
    assert "var ACCESS_TOKEN_FIELD = 'token';" in script
    assert "var AUTH_SCHEME = 'Bearer';" in script


def test_raw_token_in_session_storage(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    api = "function headers() {\n  return { Authorization: `Token ${sessionStorage.getItem('access')}` };\n}\n"
    script = _script(cli, _site(tmp_path, {"public/api.js": api}))
    assert "var ACCESS_TOKEN_KEY = 'access';" in script
    assert "var ACCESS_TOKEN_STORAGE = 'sessionStorage';" in script
    assert "var ACCESS_TOKEN_FIELD = null;" in script
    assert "var AUTH_SCHEME = 'Token';" in script


def _reader(field: str | None, storage: str) -> str:
    """The generated script's readAccessToken() on its own, with its settings."""
    options = InstallOptions(
        workspace=parse_workspace_id(WORKSPACE_ID), auth=ClientAuth.BEARER, token_storage_key="user", token_storage=storage, token_storage_field=field
    )
    script = script_source(options, token_url="/api/intercom-jwt")
    start = script.index("  function readAccessToken() {")
    end = script.index("\n  }\n", start) + len("\n  }\n")
    settings = [line for line in script.splitlines() if line.strip().startswith(("var ACCESS_TOKEN_KEY", "var ACCESS_TOKEN_STORAGE", "var ACCESS_TOKEN_FIELD"))]
    return "\n".join(settings) + "\n" + script[start:end]


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")
@pytest.mark.parametrize(
    ("field", "storage", "stored", "expected"),
    [
        (None, "localStorage", "raw-token", "raw-token"),
        ("token", "localStorage", json.dumps({"id": 7, "token": "json-token"}), "json-token"),
        ("auth.accessToken", "sessionStorage", json.dumps({"auth": {"accessToken": "nested"}}), "nested"),
        ("token", "localStorage", json.dumps({"id": 7}), None),
        ("token", "localStorage", "not json", None),
        ("token", "localStorage", None, None),
    ],
)
def test_the_generated_reader_returns_the_token_the_app_sends(field: str | None, storage: str, stored: str | None, expected: str | None) -> None:
    program = (
        f"const values = {{ user: {json.dumps(stored)} }};\n"
        "const store = { getItem: (key) => (values[key] === undefined ? null : values[key]) };\n"
        f"const window = {{ {storage}: store }};\n"
        + _reader(field, storage)
        + "\nprocess.stdout.write(JSON.stringify(readAccessToken()));\n"
    )
    completed = subprocess.run(["node", "-e", program], capture_output=True, text=True, check=True)
    assert json.loads(completed.stdout) == expected
