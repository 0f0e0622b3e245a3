"""Express with a hand-written JWT middleware (issue 10, vue3-express-prisma's shape): a function
`(req, res, next)` that runs `jwt.verify` on the Authorization header (or a cookie) and sets
`req.userId = decoded.uid`, used on routes by name.

Fixture `express_verify_token_api` (ours): the login signs `{ uid: member.id }`, `requireToken` in
`middleware/auth.js` verifies it and sets `req.userId`; the page keeps the token in localStorage
`accessToken`. Before: not recognised, the route got the fail-closed adapter and a manual step
suggesting `req.session.userId` (a session the app does not have).
"""

import json
import shutil

import jwt
import pytest
from conftest import SECRET, WORKSPACE_ID, copy_app, install_and_check_uninstall

from intercom_wizard.localserver import BrowserlessClient, free_port, running_server

APP = "express_verify_token_api"
MIDDLEWARE = "middleware/auth.js"


def _install(cli, root, *extra):  # type: ignore[no-untyped-def]
    return cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install", "--json", *extra)


def test_the_route_runs_behind_the_apps_middleware_and_reads_req_user_id(tmp_path, cli):
    root = copy_app(APP, tmp_path)
    install_and_check_uninstall(cli, root, exit_code=0)
    result = _install(cli, root)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["result"] == "complete"
    route = (root / "intercom-jwt.js").read_text()
    assert "const auth = require('./middleware/auth');\n" in route
    assert "router.get('/api/intercom-jwt', auth, (req, res) => {" in route
    assert "  return req.userId != null ? { id: req.userId } : null;\n" in route
    assert "req.session" not in route
    # Bearer mode, from the key the page's own header is built from.
    assert "var ACCESS_TOKEN_KEY = 'accessToken';" in (root / "public/intercom-messenger.js").read_text()


def test_a_member_export_is_required_by_its_name(tmp_path, cli):
    root = copy_app(APP, tmp_path)
    middleware = root / MIDDLEWARE
    middleware.write_text(middleware.read_text().replace("module.exports = requireToken;", "module.exports = { requireToken };"))
    routes = root / "routes/api.js"
    routes.write_text(routes.read_text().replace("const requireToken = require('../middleware/auth');", "const { requireToken } = require('../middleware/auth');"))
    result = _install(cli, root, "--allow-dirty")
    assert result.exit_code == 0, result.stderr
    assert "const auth = require('./middleware/auth').requireToken;\n" in (root / "intercom-jwt.js").read_text()


def test_a_claim_not_signed_from_the_id_is_incomplete_naming_the_middleware(tmp_path, cli):
    root = copy_app(APP, tmp_path)
    routes = root / "routes/api.js"
    routes.write_text(routes.read_text().replace("jwt.sign({ uid: member.id }", "jwt.sign({ uid: member.id, who: member.name }"))
    middleware = root / MIDDLEWARE
    middleware.write_text(middleware.read_text().replace("req.userId = decoded.uid;", "req.userName = decoded.who;"))
    result = _install(cli, root, "--allow-dirty")
    assert result.exit_code == 4, result.stderr
    route = (root / "intercom-jwt.js").read_text()
    assert "  // No evidence of the signed-in user's id: see the manual step.\n  return null;\n" in route
    assert "const auth = require('./middleware/auth');\n" in route  # still behind it, for the adapter to read
    [step] = [s for s in json.loads(result.stdout)["manual_steps"] if s["file"] == "intercom-jwt.js"]
    line = middleware.read_text().splitlines().index("  jwt.verify(token, ACCESS_SECRET, (err, decoded) => {") + 1
    assert f"requireToken() at {MIDDLEWARE}:{line} puts the token's claim 'who' on req.userName" in step["instruction"]
    assert "routes/api.js:25: the access token's who is assigned member.name, which is not an id" in step["instruction"]
    assert f"requireToken() at {MIDDLEWARE}:{line} verifies" in step["snippet"]
    assert "req.session" not in step["snippet"]


def test_a_token_read_from_a_cookie_is_cookie_auth(tmp_path, cli):
    root = copy_app(APP, tmp_path)
    middleware = root / MIDDLEWARE
    text = middleware.read_text().replace("const header = req.headers.authorization || '';\n  const token = header.startsWith('Bearer ') ? header.slice(7) : '';", "const token = req.cookies.access || '';")
    middleware.write_text(text.replace("decoded.uid", "decoded.uid"))
    (root / "public/app.js").write_text("fetch('/api/me', { credentials: 'include' });\n")
    result = _install(cli, root, "--allow-dirty")
    assert result.exit_code == 0, result.stderr
    route = (root / "intercom-jwt.js").read_text()
    assert "const auth = require('./middleware/auth');\n" in route and "return req.userId != null" in route
    assert "credentials: 'include'" in (root / "public/intercom-messenger.js").read_text()


def test_a_token_the_page_keeps_where_the_messenger_cannot_read_it_is_incomplete(tmp_path, cli):
    """vue3-express-prisma: the token in a js-cookie cookie sent as a raw header. Cookies are sent, the
    route still reads req.userId, and the step says the Messenger needs the app's token (exit 4, not 3)."""
    root = copy_app(APP, tmp_path)
    (root / "public/app.js").write_text("const token = Cookies.get('token');\nfetch('/api/me', { headers: { Authorization: token } });\n")
    result = _install(cli, root, "--allow-dirty")
    assert result.exit_code == 4, result.stderr
    [step] = json.loads(result.stdout)["manual_steps"]
    assert step["file"] == "server.js"
    assert "(jwt.verify middleware)" in step["instruction"] and "no localStorage/sessionStorage key" in step["instruction"]
    assert "return req.userId != null" in (root / "intercom-jwt.js").read_text()


def test_runtime_two_members_get_their_own_tokens(tmp_path, cli):
    if shutil.which("npm") is None:
        pytest.skip("needs Node.js and npm")
    root = copy_app(APP, tmp_path)
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes")  # npm installs express and jsonwebtoken
    assert result.exit_code == 0, result.stderr
    port = free_port()
    with running_server(["node", "server.js"], root, port, {"PORT": str(port), "INTERCOM_IDENTITY_SECRET": SECRET}):
        client = BrowserlessClient(f"http://127.0.0.1:{port}")
        assert client.get("/api/intercom-jwt").status == 401
        assert client.get("/api/intercom-jwt", headers={"Authorization": "Bearer not-a-token"}).status == 401
        ids = []
        for email, password in (("gina@example.com", "nine-nine"), ("hitch@example.com", "scully-pal"), ("gina@example.com", "nine-nine")):
            login = client.request("/api/login", headers={"Content-Type": "application/json"}, body=json.dumps({"email": email, "password": password}).encode())
            access = json.loads(login.body)["token"]
            reply = client.get("/api/intercom-jwt", headers={"Authorization": f"Bearer {access}"})
            assert reply.status == 200, reply.body
            assert "no-store" in reply.headers["Cache-Control"]
            ids.append(jwt.decode(json.loads(reply.body)["token"], SECRET, algorithms=["HS256"])["user_id"])
    assert ids == ["501", "502", "501"]
    assert cli("uninstall", str(root), "--yes").exit_code == 0


def test_an_exports_member_assigned_a_function_is_followed(tmp_path, cli):
    root = copy_app(APP, tmp_path)
    middleware = root / MIDDLEWARE
    text = middleware.read_text().replace("const requireToken = (req, res, next) => {", "exports.requireToken = (req, res, next) => {")
    middleware.write_text(text.replace("\nmodule.exports = requireToken;\n", "\n"))
    routes = root / "routes/api.js"
    routes.write_text(routes.read_text().replace("const requireToken = require('../middleware/auth');", "const { requireToken } = require('../middleware/auth');"))
    result = _install(cli, root, "--allow-dirty")
    assert result.exit_code == 0, result.stderr
    assert "const auth = require('./middleware/auth').requireToken;\n" in (root / "intercom-jwt.js").read_text()


def test_an_es_module_server_keeps_a_step_that_names_the_middleware(tmp_path, cli):
    """The route module is written with imports there: mounting the app's middleware stays by hand (exit 4)."""
    root = copy_app(APP, tmp_path)
    manifest = root / "package.json"
    manifest.write_text(manifest.read_text().replace('"private": true,', '"private": true,\n  "type": "module",'))
    middleware = root / MIDDLEWARE
    text = middleware.read_text().replace("const jwt = require('jsonwebtoken');", "import jwt from 'jsonwebtoken';")
    middleware.write_text(text.replace("module.exports = requireToken;", "export default requireToken;"))
    routes = root / "routes/api.js"
    text = routes.read_text().replace("const crypto = require('crypto');", "import crypto from 'crypto';").replace("const express = require('express');", "import express from 'express';")
    text = text.replace("const jwt = require('jsonwebtoken');", "import jwt from 'jsonwebtoken';").replace("const requireToken = require('../middleware/auth');", "import requireToken from '../middleware/auth.js';")
    routes.write_text(text.replace("module.exports = router;", "export default router;"))
    server = root / "server.js"
    text = server.read_text().replace("const path = require('path');", "import path from 'path';").replace("const express = require('express');", "import express from 'express';")
    server.write_text(text.replace("const apiRoutes = require('./routes/api');", "import apiRoutes from './routes/api.js';"))
    result = _install(cli, root, "--allow-dirty")
    assert result.exit_code == 4, result.stderr
    [step] = [s for s in json.loads(result.stdout)["manual_steps"] if s["file"] == "intercom-jwt.js"]
    assert f"requireToken() at {MIDDLEWARE}:" in step["instruction"] and "req.session" not in step["snippet"]
    assert f"requireToken() at {MIDDLEWARE}:" in step["snippet"]
