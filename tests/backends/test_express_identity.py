"""Express: user_id only from evidence (issue 9).

- express_app: `req.session.user = { id: user.id, ... }` (the id traced to the user); two users over
  HTTP get distinct, stable ids with their email and name.
- a session that keeps only a flag (`req.session.loggedIn = true`) and the email: incomplete (exit
  4), signedInUser() returns null, and a manual step names intercom-jwt.js, the function and its line.
- a session key assigned from the user's id beside the flag: that key is used.
"""

import json
import shutil

import pytest
from conftest import SECRET, WORKSPACE_ID, copy_app, line_of, write_files
from identity_checks import AppUser, check_two_users, form_sign_in_out

from intercom_wizard.localserver import free_port, running_server

FLAG_APP = {
    "package.json": '{"name": "flag-app", "private": true, "dependencies": {"express": "^4.19.2", "express-session": "^1.18.0"}}\n',
    "server.js": """
        const path = require('path');
        const express = require('express');
        const session = require('express-session');
        const app = express();
        app.use(session({ secret: 'dev', resave: false, saveUninitialized: false }));
        app.use(express.static(path.join(__dirname, 'public')));
        app.post('/login', (req, res) => {
          const account = findAccount(req.body.email);
          req.session.loggedIn = true;
          req.session.userEmail = account.email;
          res.redirect('/');
        });
        app.listen(3000);
    """,
    "public/index.html": "<!DOCTYPE html>\n<html><body><p>Accounts</p></body></html>\n",
}


def test_flag_only_session_is_incomplete_with_the_adapter(tmp_path, cli):
    root = tmp_path / "flag-app"
    write_files(root, FLAG_APP)
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install", "--json")
    assert result.exit_code == 4, result.stderr
    module = (root / "intercom-jwt.js").read_text()
    assert "  // No evidence of the signed-in user's id: see the manual step.\n  return null;\n" in module
    assert "loggedIn" not in module and "userEmail" not in module
    line = module.splitlines().index("function signedInUser(req) {") + 1
    [step] = [s for s in json.loads(result.stdout)["manual_steps"] if s["file"] == "intercom-jwt.js"]
    assert f"signedInUser() in intercom-jwt.js (line {line})" in step["instruction"]
    server = (root / "server.js").read_text()  # the lines as the install wrote them (the token route is mounted above the login)
    assert f"server.js:{line_of(server, 'req.session.loggedIn = true;')}: session key 'loggedIn' is a flag" in step["instruction"]
    assert f"server.js:{line_of(server, 'req.session.userEmail =')}: session key 'userEmail' holds a name or email address, not an id" in step["instruction"]
    assert "req.session.userId = user.id;" in step["snippet"]


def test_id_key_beside_the_flag_is_used(tmp_path, cli):
    root = tmp_path / "flag-app"
    write_files(root, FLAG_APP | {"server.js": FLAG_APP["server.js"].replace("req.session.loggedIn = true;", "req.session.loggedIn = true;\n  req.session.userId = account.id;")})
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install")
    assert result.exit_code == 0, result.stderr
    module = (root / "intercom-jwt.js").read_text()
    assert "  return req.session.userId != null ? { id: req.session.userId } : null;\n" in module


def test_runtime_express_app_two_users(tmp_path, cli):
    if shutil.which("npm") is None:
        pytest.skip("needs Node.js and npm")
    root = copy_app("express_app", tmp_path)
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes")  # npm install of jsonwebtoken
    assert result.exit_code == 0, result.stderr
    port = free_port()
    sign_in, sign_out = form_sign_in_out()
    dave = AppUser("dave@example.com", "smeghead", "dave@example.com", "Dave Lister")
    kryten = AppUser("kryten@example.com", "series-4000", "kryten@example.com", "Kryten")
    with running_server(["node", "server.js"], root, port, {"PORT": str(port), "HOST": "127.0.0.1", "INTERCOM_IDENTITY_SECRET": SECRET}):
        a, b = check_two_users(f"http://127.0.0.1:{port}", SECRET, dave, kryten, sign_in, sign_out)
    assert (a["user_id"], b["user_id"]) == ("42", "43")


def test_token_subject_that_is_an_email_is_no_evidence(tmp_path, cli):
    root = copy_app("express_jwt_api", tmp_path)
    server = next(p for p in root.rglob("*.js") if "jsonwebtoken.sign(" in p.read_text())
    server.write_text(server.read_text().replace("sub: String(user.id)", "sub: user.email"))
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install", "--json", "--auth", "bearer", "--frontend-origin", "http://localhost:5173", "--allow-dirty")
    assert result.exit_code == 4, result.stderr
    [step] = [s for s in json.loads(result.stdout)["manual_steps"] if s["file"].endswith("intercom-jwt.js")]
    assert "the access token's sub is assigned the user's email (user.email), not an id" in step["instruction"]
    assert "req.auth" not in next(root.rglob("intercom-jwt.js")).read_text()
