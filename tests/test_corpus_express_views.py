"""Express shapes from the f10new corpus round (docs/corpus.md), as small fixtures of our own.

A passport-local app with no layout and no static folder (express-passport-memory): every EJS view is a
whole page printed without `<html>`/`<body>` (`res.render('login.ejs')`, the browser supplies the body),
and the server never calls `express.static`. The install used to end `incomplete` with two manual steps
(serve a `public/` folder; no layout to edit). Now the tag ends each rendered view (a view another view
includes is left alone) and the token route's own module serves the script, so the install is complete;
with an ES-module server (no `__dirname`) the static folder stays a manual step.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import SECRET, WORKSPACE_ID, git, install_and_check_uninstall, write_files
from identity_checks import AppUser, check_two_users, form_sign_in_out

from intercom_wizard.localserver import BrowserlessClient, free_port, running_server

TAG = '<script src="/intercom-messenger.js" defer></script>'

MANIFEST = (
    '{\n  "name": "members",\n  "private": true,\n  "dependencies": {\n    "ejs": "^3.1.10",\n'
    '    "express": "^4.21.2",\n    "express-session": "^1.18.1",\n    "passport": "^0.7.0",\n'
    '    "passport-local": "^1.0.0"\n  }\n}\n'
)

# Accounts live in an array filled by the register form; the views are fragments, one per page.
SERVER = """
    const express = require('express');
    const session = require('express-session');
    const passport = require('passport');
    const { Strategy } = require('passport-local');

    const members = [];
    passport.use(new Strategy({ usernameField: 'email' }, (email, password, done) => {
      const member = members.find((m) => m.email === email && m.password === password);
      return done(null, member || false);
    }));
    passport.serializeUser((member, done) => done(null, member.id));
    passport.deserializeUser((id, done) => done(null, members.find((m) => m.id === id)));

    const app = express();
    app.set('view engine', 'ejs');
    app.use(express.urlencoded({ extended: false }));
    app.use(session({ secret: process.env.SESSION_SECRET || 'dev', resave: false, saveUninitialized: false }));
    app.use(passport.initialize());
    app.use(passport.session());

    app.get('/', (req, res) => {
      if (!req.isAuthenticated()) return res.redirect('/login');
      res.render('home.ejs', { name: req.user.name });
    });
    app.get('/login', (req, res) => res.render('login.ejs'));
    app.post('/login', passport.authenticate('local', { successRedirect: '/', failureRedirect: '/login' }));
    app.post('/register', (req, res) => {
      members.push({ id: String(members.length + 7), name: req.body.name, email: req.body.email, password: req.body.password });
      res.redirect('/login');
    });
    app.post('/logout', (req, res, next) => req.logout((error) => (error ? next(error) : res.redirect('/login'))));

    app.listen(Number(process.env.PORT) || 3000, '127.0.0.1');
"""

VIEWS = {
    "views/login.ejs": """
        <h1>Members</h1>
        <form action="/login" method="POST">
          <input type="email" name="email" required>
          <input type="password" name="password" required>
          <button type="submit">Sign in</button>
        </form>
        <%- include('footer') %>
    """,
    "views/home.ejs": """
        <h1>Hello <%= name %></h1>
        <form action="/logout" method="POST"><button type="submit">Sign out</button></form>
    """,
    # Included by login.ejs: a piece of a page, not one.
    "views/footer.ejs": '<p class="footer"><a href="/">Members</a></p>\n',
}


def _app(root: Path, server: str = SERVER, manifest: str = MANIFEST) -> Path:
    write_files(root, {"package.json": manifest, "server.js": server, **VIEWS})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "fixture")
    return root


def test_whole_page_views_end_with_the_tag_and_the_route_serves_the_script(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _app(tmp_path)
    result, files = install_and_check_uninstall(cli, root, exit_code=0)
    assert "express.static" not in result.stderr, result.stderr
    for view in ("views/login.ejs", "views/home.ejs"):
        assert files[view].endswith(TAG + "\n"), files[view]
    assert TAG not in files["views/footer.ejs"]  # the partial is inside login.ejs's output
    route = files["intercom-jwt.js"]
    assert "const path = require('path');" in route
    assert "router.get('/intercom-messenger.js', (req, res) => {" in route, route
    assert "res.sendFile(path.join(__dirname, 'public', file));" in route, route
    assert "public/intercom-messenger.js" in files
    assert "express.static" not in files["server.js"]  # the app's own routes are unchanged


def test_an_app_with_a_static_folder_keeps_serving_the_script_itself(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    server = SERVER.replace(
        "    app.use(express.urlencoded", "    app.use(express.static(require('path').join(__dirname, 'assets')));\n    app.use(express.urlencoded"
    )
    root = _app(tmp_path, server)
    result, files = install_and_check_uninstall(cli, root, exit_code=0)
    assert "assets/intercom-messenger.js" in files
    assert "router.get('/intercom-messenger.js'" not in files["intercom-jwt.js"]
    assert "require('path')" not in files["intercom-jwt.js"]


def test_es_module_server_without_a_static_folder_is_a_manual_step(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    server = (
        SERVER.replace("const express = require('express');", "import express from 'express';")
        .replace("const session = require('express-session');", "import session from 'express-session';")
        .replace("const passport = require('passport');", "import passport from 'passport';")
        .replace("const { Strategy } = require('passport-local');", "import { Strategy } from 'passport-local';")
    )
    root = _app(tmp_path, server, MANIFEST.replace('"private": true,', '"private": true,\n  "type": "module",'))
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install", "--json")
    assert result.exit_code == 4, result.stdout + result.stderr
    steps = json.loads(result.stdout)["manual_steps"]
    assert [step["file"] for step in steps] == ["server.js"], steps
    assert "No express.static(...) folder" in steps[0]["instruction"]
    assert (root / "views/login.ejs").read_text().endswith(TAG + "\n")


def test_runtime_whole_page_views_and_the_served_script_with_two_users(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    if shutil.which("npm") is None or shutil.which("node") is None:
        pytest.skip("needs Node.js and npm")
    root = _app(tmp_path)
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes")  # npm installs the app and jsonwebtoken
    assert result.exit_code == 0, result.stderr
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    sign_in, sign_out = form_sign_in_out()

    ann = AppUser("ann@example.com", "pw-ann", "ann@example.com", "Ann")
    ben = AppUser("ben@example.com", "pw-ben", "ben@example.com", "Ben")
    with running_server(["node", "server.js"], root, port, {"PORT": str(port), "INTERCOM_IDENTITY_SECRET": SECRET}):
        visitor = BrowserlessClient(base)
        for user in (ann, ben):
            visitor.post_form("/register", {"name": user.name or "", "email": user.login, "password": user.password})
        script = visitor.get("/intercom-messenger.js", follow=False)
        assert script.status == 200 and "intercom_user_jwt" in script.body, script.status
        assert visitor.get("/login").body.rstrip().endswith(TAG)
        a, b = check_two_users(base, SECRET, ann, ben, sign_in, sign_out)
    assert (a["user_id"], b["user_id"]) == ("7", "8")
