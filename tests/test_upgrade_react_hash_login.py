"""`install --upgrade` when the server hands user_hash to the client in its JSON answers (issue 16): a variant of
tests/fixtures/react_use_intercom_router_app whose Express server computes the HMAC in a helper
(`intercomUserHash(user)`, `crypto.createHmac`) and sends it as `user_hash` in the login answer and in
/api/me, and whose client feeds it to react-use-intercom's boot as `userHash`. The upgrade removes the
property from both answers, the helper and its crypto import, and userHash from the boot; the token
endpoint signs the JWT instead. The Express server runs before and after (tests/frontends holds the
browser run of the same app without the hash).
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import SECRET, copy_app, install_quietly, snapshot

from intercom_wizard.localserver import BrowserlessClient, free_port, running_server

FIXTURE = "react_use_intercom_router_app"
HMAC_HELPER = """
function intercomUserHash(user) {
  return crypto.createHmac('sha256', process.env.INTERCOM_SECRET_KEY || 'dev-only-hmac-key').update(String(user.id)).digest('hex');
}
"""


def make_app(destination: Path, *, inline: bool = False) -> Path:
    """The router app with user_hash in its JSON answers: from a helper function, or (inline) a const in the handler."""
    root = copy_app(FIXTURE, destination, commit=False)
    server = root / "server.js"
    text = server.read_text().replace("import path from 'node:path';\n", "import crypto from 'node:crypto';\nimport path from 'node:path';\n")
    if inline:
        text = text.replace(
            "  req.session.user = { id: user.id, email: user.email, name: user.name };\n  res.json(req.session.user);\n",
            "  req.session.user = { id: user.id, email: user.email, name: user.name };\n"
            "  const userHash = crypto.createHmac('sha256', process.env.INTERCOM_SECRET_KEY || 'dev-only-hmac-key').update(String(user.id)).digest('hex');\n"
            "  res.json({ ...req.session.user, user_hash: userHash });\n",
        )
    else:
        text = text.replace("\napp.post('/api/login'", HMAC_HELPER + "\napp.post('/api/login'")
        text = text.replace("  res.json(req.session.user);\n});\n\napp.get", "  res.json({ ...req.session.user, user_hash: intercomUserHash(user) });\n});\n\napp.get")
        text = text.replace(
            "  res.json(req.session.user);\n});\n\napp.post('/api/logout'",
            "  res.json({\n    ...req.session.user,\n    user_hash: intercomUserHash(req.session.user),\n  });\n});\n\napp.post('/api/logout'",
        )
    server.write_text(text)
    app = root / "src/App.tsx"
    app.write_text(
        app.read_text()
        .replace("type User = { id: number; email: string; name: string };", "type User = { id: number; email: string; name: string; user_hash: string };")
        .replace("      name: signedIn.name,\n", "      name: signedIn.name,\n      userHash: signedIn.user_hash,\n")
    )
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "app"]):
        subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=T", *command], cwd=root, check=True)
    return root


def test_without_upgrade_the_hash_in_the_answers_is_named(tmp_path, cli):
    root = make_app(tmp_path)
    before = snapshot(root)
    result = install_quietly(cli, root)
    assert result.exit_code == 7
    assert "user_hash computed with createHmac in server.js:17 → removed when nothing else uses it" in result.stderr
    assert snapshot(root) == before


def test_upgrade_takes_user_hash_out_of_the_answers_and_the_boot_and_uninstall_restores_every_byte(tmp_path, cli):
    root = make_app(tmp_path)
    before = snapshot(root)
    result = install_quietly(cli, root, "--upgrade")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.rstrip().endswith("result: complete"), result.stderr
    server = (root / "server.js").read_text()
    assert "createHmac" not in server and "intercomUserHash" not in server and "user_hash" not in server
    assert "import crypto from 'node:crypto';" not in server, "the import only the hash needed goes too"
    assert "  res.json({ ...req.session.user });\n" in server
    assert "  res.json({\n    ...req.session.user,\n  });\n" in server
    app = (root / "src/App.tsx").read_text()
    assert "userHash" not in app and "signedIn.user_hash" not in app
    subprocess.run(["node", "--check", str(root / "server.js")], check=True)

    again = install_quietly(cli, root, "--upgrade")
    assert again.exit_code == 0 and "Nothing to do" in again.stderr, again.stderr
    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert snapshot(root) == before


def test_a_hash_computed_in_the_login_handler_goes_with_its_property(tmp_path, cli):
    root = make_app(tmp_path, inline=True)
    before = snapshot(root)
    result = install_quietly(cli, root, "--upgrade")
    assert result.exit_code == 0, result.stderr
    server = (root / "server.js").read_text()
    assert "createHmac" not in server and "userHash" not in server and "user_hash" not in server
    assert "  req.session.user = { id: user.id, email: user.email, name: user.name };\n  res.json({ ...req.session.user });\n" in server
    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert snapshot(root) == before


def test_a_hash_the_server_also_uses_otherwise_stays_as_a_manual_step(tmp_path, cli):
    root = make_app(tmp_path)
    server = root / "server.js"
    server.write_text(server.read_text().replace("app.use(express.static('dist'));", "app.get('/api/hash', (req, res) => res.type('text').send(intercomUserHash(req.session.user)));\napp.use(express.static('dist'));"))
    subprocess.run(["git", "commit", "-qam", "more"], cwd=root, check=True)
    result = install_quietly(cli, root, "--upgrade", "--dry-run")
    assert result.exit_code == 4, result.stderr
    assert "intercomUserHash() or its result is used elsewhere (server.js)" in result.stderr


@pytest.mark.skipif(shutil.which("npm") is None, reason="needs Node.js and npm")
def test_the_server_sends_the_hash_before_and_a_signed_jwt_after(tmp_path, cli):
    root = make_app(tmp_path)
    subprocess.run(["npm", "install", "--omit=dev", "--no-audit", "--no-fund", "--silent"], cwd=root, check=True, timeout=300)

    def answers() -> tuple[dict[str, object], dict[str, object], int, str]:
        port = free_port()
        with running_server(["node", "server.js"], root, port, {"PORT": str(port), "INTERCOM_IDENTITY_SECRET": SECRET}):
            client = BrowserlessClient(f"http://127.0.0.1:{port}")
            body = json.dumps({"email": "fry@example.com", "password": "slurm"}).encode()
            login = client.request("/api/login", body=body, headers={"Content-Type": "application/json"}, method="POST")
            me = client.get("/api/me")
            token = client.get("/api/intercom-jwt")
            return json.loads(login.body), json.loads(me.body), token.status, token.body

    login, me, status, _ = answers()
    assert len(str(login["user_hash"])) == 64 and me["user_hash"] == login["user_hash"] and status == 404
    assert install_quietly(cli, root, "--upgrade").exit_code == 0
    subprocess.run(["npm", "install", "--omit=dev", "--no-audit", "--no-fund", "--silent"], cwd=root, check=True, timeout=300)
    login, me, status, body = answers()
    assert "user_hash" not in login and "user_hash" not in me and login["id"] == 21
    import jwt

    claims = jwt.decode(json.loads(body)["token"], SECRET, algorithms=["HS256"])
    assert status == 200 and claims["user_id"] == "21" and claims["email"] == "fry@example.com"
