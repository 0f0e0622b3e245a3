"""Bearer tokens the app stores base64-encoded (`localStorage.setItem('token', btoa(token))`, `window.btoa`,
`Buffer.from(token).toString('base64')`, read back with `atob(...)`): detected next to the key, and the
Messenger decodes before sending the Authorization header; `--token-storage-encoding base64|raw` overrides.

Sites of our own, a few files each (the runtime decode is proven in tests/test_client_contract.py).
"""

from pathlib import Path

import pytest
from conftest import WORKSPACE_ID, git, write_files

from intercom_wizard.integrations.frontends.client_auth import find_token_storage
from intercom_wizard.tree import ProjectTree

SERVER = """\
const express = require('express');
const { expressjwt } = require('express-jwt');

const app = express();
app.use(express.static('public'));
app.use('/api', expressjwt({ secret: process.env.JWT_SECRET, algorithms: ['HS256'] }));
module.exports = app;
"""
API_JS = """\
function authHeaders() {
  return { Authorization: 'Bearer ' + atob(localStorage.getItem('session')) };
}
"""
RAW_API_JS = "function authHeaders() {\n  return { Authorization: 'Bearer ' + localStorage.getItem('session') };\n}\n"
LOGIN_SHAPES = {
    "btoa": "async function saved(token) {\n  localStorage.setItem('session', btoa(token));\n}\n",
    "window.btoa": "async function saved(token) {\n  localStorage.setItem('session', window.btoa(token));\n}\n",
    "Buffer": "const KEY = 'session';\nfunction saved(token) {\n  localStorage.setItem(KEY, Buffer.from(token).toString('base64'));\n}\n",
}


def _site(root: Path, files: dict[str, str]) -> Path:
    write_files(root, {
        "package.json": '{\n  "dependencies": {\n    "express": "^4.21.0",\n    "express-jwt": "^8.4.1"\n  }\n}\n',
        "server.js": SERVER,
        "public/index.html": '<!doctype html>\n<html>\n<body>\n<script src="/api.js"></script>\n</body>\n</html>\n',
        **files,
    })
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "site")
    return root


@pytest.mark.parametrize("shape", list(LOGIN_SHAPES))
def test_a_base64_write_next_to_the_key_is_detected(tmp_path: Path, shape: str) -> None:
    _site(tmp_path, {"public/api.js": RAW_API_JS, "public/login.js": LOGIN_SHAPES[shape]})
    [found] = find_token_storage(ProjectTree(tmp_path))
    assert (found.key, found.encoding) == ("session", "base64")


def test_an_atob_read_is_detected(tmp_path: Path) -> None:
    _site(tmp_path, {"public/api.js": API_JS})
    [found] = find_token_storage(ProjectTree(tmp_path))
    assert (found.key, found.encoding) == ("session", "base64")


def test_a_plain_token_stays_raw(tmp_path: Path) -> None:
    _site(tmp_path, {"public/api.js": RAW_API_JS, "public/login.js": "function saved(t) {\n  localStorage.setItem('session', t);\n}\n"})
    [found] = find_token_storage(ProjectTree(tmp_path))
    assert found.encoding == "raw"


def _install(cli, root: Path, *extra: str):  # type: ignore[no-untyped-def]
    return cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install", *extra)


DECODE = "stored = stored ? window.atob(stored) : stored;"


def test_install_decodes_a_base64_token(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _site(tmp_path, {"public/api.js": RAW_API_JS, "public/login.js": LOGIN_SHAPES["btoa"]})
    result = _install(cli, root)
    assert result.exit_code == 0, result.output
    script = (root / "public/intercom-messenger.js").read_text()
    assert "var ACCESS_TOKEN_KEY = 'session';" in script and DECODE in script


def test_the_option_overrides_the_detection(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _site(tmp_path, {"public/api.js": RAW_API_JS, "public/login.js": LOGIN_SHAPES["btoa"]})
    result = _install(cli, root, "--token-storage-encoding", "raw")
    assert result.exit_code == 0, result.output
    assert DECODE not in (root / "public/intercom-messenger.js").read_text()


def test_the_option_asks_for_base64_on_a_raw_site(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _site(tmp_path, {"public/api.js": RAW_API_JS})
    result = _install(cli, root, "--token-storage-encoding", "base64")
    assert result.exit_code == 0, result.output
    assert DECODE in (root / "public/intercom-messenger.js").read_text()


def test_an_unknown_encoding_is_bad_input(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _site(tmp_path, {"public/api.js": RAW_API_JS})
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".git" not in p.parts}
    result = _install(cli, root, "--token-storage-encoding", "hex")
    assert result.exit_code == 2
    assert "hex" in result.output and "Traceback" not in result.output
    assert before == {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".git" not in p.parts}
