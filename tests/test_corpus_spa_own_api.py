"""A single-page app and its own API in one repository (client/ + server/), shaped like the corpus
apps of the f10new2 round (docs/corpus.md): the API client is `axios.create` with an absolute URL
literal as its `baseURL` and `withCredentials: true` (the API on another port), and the sign-in is a
form's generically named submit handler that posts to `/auth/login` (no function named like login).

Before the fix the install was `incomplete` (exit 4, "no function named like login") and the core
asked the pages' own origin for the token (a 404 on the SPA's server); now the handler gets the
login hook after its awaited request, and the core builds the token URL on the literal's origin.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import git, install_quietly, snapshot, write_files

from intercom_wizard.integrations.frontends.api_base import find_api_base
from intercom_wizard.tree import ProjectTree

SERVER = """\
const express = require("express");
const session = require("express-session");
const cors = require("cors");

const app = express();
app.use(express.json());
app.use(cors({ origin: "http://localhost:4173", credentials: true }));
app.use(session({ secret: "dev", resave: false, saveUninitialized: false }));

const accounts = [{ id: 7, email: "ann@example.com", password: "pw" }];

app.post("/api/auth/login", (req, res) => {
  const account = accounts.find((a) => a.email === req.body.email && a.password === req.body.password);
  if (!account) return res.status(400).json({ error: "no" });
  req.session.user = { id: account.id, email: account.email };
  res.json({ user: req.session.user });
});

app.post("/api/auth/logout", (req, res) => {
  req.session.destroy(() => res.json({}));
});

app.listen(4100);
"""

API_CLIENT = """\
import axios from "axios";

const http = axios.create({
  baseURL: "http://localhost:4100/api",
  withCredentials: true,
});

export default http;
"""

SIGN_IN_PAGE = """\
import { useState } from "react";
import { useNavigate } from "react-router-dom";
import http from "./http";

export default function SignInPage({ onUser }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const navigate = useNavigate();

  const handleSubmit = async (event) => {
    event.preventDefault();
    try {
      const response = await http.post("/auth/login", { email, password });
      onUser(response.data.user);
      navigate("/");
    } catch (error) {
      console.error(error);
    }
  };

  return (
    <form onSubmit={handleSubmit}>
      <input value={email} onChange={(e) => setEmail(e.target.value)} />
      <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} />
      <button type="submit">Sign in</button>
    </form>
  );
}
"""

# `toSignIn` only moves to the sign-in page (navigate('/login')): it sends no request, so it is
# no sign-in code; `logout` is named like one and gets the logout hook.
APP = """\
import { Routes, Route, useNavigate } from "react-router-dom";
import { useState } from "react";
import http from "./http";
import SignInPage from "./SignInPage";

export default function App() {
  const [user, setUser] = useState(null);
  const navigate = useNavigate();

  const toSignIn = () => {
    navigate("/login");
  };

  const logout = async () => {
    await http.post("/auth/logout");
    setUser(null);
  };

  return (
    <>
      {user ? <button onClick={logout}>Sign out</button> : <button onClick={toSignIn}>Sign in</button>}
      <Routes>
        <Route path="/login" element={<SignInPage onUser={setUser} />} />
        <Route path="/" element={<h1>Home</h1>} />
      </Routes>
    </>
  );
}
"""

MAIN = """\
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router-dom";
import App from "./App";

createRoot(document.getElementById("root")).render(
  <BrowserRouter>
    <App />
  </BrowserRouter>
);
"""


def _app(root: Path) -> Path:
    write_files(root, {
        "server/package.json": json.dumps({"name": "server", "private": True, "main": "index.js",
                                           "dependencies": {"cors": "^2.8.5", "express": "^4.21.0", "express-session": "^1.18.0"}}, indent=2) + "\n",
        "server/index.js": SERVER,
        "client/package.json": json.dumps({"name": "client", "private": True, "type": "module",
                                           "dependencies": {"axios": "^1.7.0", "react": "^18.3.1", "react-dom": "^18.3.1", "react-router-dom": "^6.26.0"},
                                           "devDependencies": {"vite": "^5.4.0"}}, indent=2) + "\n",
        "client/index.html": '<!doctype html>\n<html>\n  <body>\n    <div id="root"></div>\n    <script type="module" src="/src/main.jsx"></script>\n  </body>\n</html>\n',
        "client/src/main.jsx": MAIN,
        "client/src/App.jsx": APP,
        "client/src/http.js": API_CLIENT,
        "client/src/SignInPage.jsx": SIGN_IN_PAGE,
    })
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "app")
    return root


def test_submit_handler_that_posts_to_the_login_url_gets_the_hook_and_the_token_url_follows_the_literal_base(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _app(tmp_path / "app")
    before = snapshot(root)
    result = install_quietly(cli, root)
    assert result.exit_code == 0, result.output
    page = (root / "client/src/SignInPage.jsx").read_text()
    # After the awaited request and the app's own success statements, inside try (not after catch).
    success = page.index('navigate("/");')
    assert success < page.index("intercomLogin()") < page.index("} catch (error)")
    app = (root / "client/src/App.jsx").read_text()
    assert "intercomLogout()" in app.split("const logout = async () => {", 1)[1].split("};", 1)[0]
    assert "intercomLogin" not in app
    core = next((root / "client/src/intercom").glob("messenger.*")).read_text()
    assert "http://localhost:4100/api" in core
    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert snapshot(root) == before


def test_a_url_literal_is_a_base_only_for_an_authenticated_client(tmp_path: Path) -> None:
    write_files(tmp_path, {
        # No credentials and no Authorization header: a public API, not the one the user signs in to.
        "src/weather.js": 'import axios from "axios";\nexport default axios.create({ baseURL: "https://api.example.org/v1" });\n',
        # A link, not a request base, in an authenticated module.
        "src/links.js": 'export const help = "https://help.example.org";\nfetch("/me", { credentials: "include" });\n',
    })
    assert find_api_base(ProjectTree(tmp_path), "").chosen is None
    write_files(tmp_path, {"src/http.js": API_CLIENT})
    chosen = find_api_base(ProjectTree(tmp_path), "").chosen
    assert chosen is not None and chosen.expression == "'http://localhost:4100/api'" and chosen.file == "src/http.js"


# A Next.js App Router app that keeps its session in a jose-signed cookie, with login/logout in a
# module that reads the cookies through `next/headers` (shape of next14-jose-login): those functions
# run on the server only (called from inline 'use server' form actions), so a Messenger hook there is
# dead code. Before the fix the wizard wired both hooks into that module.
NEXT_SESSION_MODULE = """\
import { SignJWT } from 'jose'
import { cookies } from 'next/headers'

const key = new TextEncoder().encode('dev')

export async function login(formData: FormData) {
  const user = { email: String(formData.get('email')) }
  const session = await new SignJWT({ user }).setProtectedHeader({ alg: 'HS256' }).sign(key)
  cookies().set('session', session, { httpOnly: true })
}

export async function logout() {
  cookies().set('session', '', { expires: new Date(0) })
}
"""

NEXT_LOGIN_PAGE = """\
import { redirect } from 'next/navigation'
import { login } from '@/session'

export default function Page() {
  return (
    <form
      action={async (formData) => {
        'use server'
        await login(formData)
        redirect('/')
      }}
    >
      <input type='email' name='email' />
      <button type='submit'>Login</button>
    </form>
  )
}
"""


def test_login_in_a_module_that_imports_next_headers_gets_no_hook(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    write_files(tmp_path, {
        "package.json": json.dumps({"name": "site", "private": True,
                                    "dependencies": {"jose": "^5.2.4", "next": "14.1.4", "react": "^18", "react-dom": "^18"}}, indent=2) + "\n",
        "tsconfig.json": json.dumps({"compilerOptions": {"paths": {"@/*": ["./*"]}}}) + "\n",
        "app/layout.tsx": "export default function RootLayout({ children }: { children: React.ReactNode }) {\n  return (\n    <html lang=\"en\">\n      <body>{children}</body>\n    </html>\n  )\n}\n",
        "app/page.tsx": "export default function Page() {\n  return <h1>Hi</h1>\n}\n",
        "app/login/page.tsx": NEXT_LOGIN_PAGE,
        "session.ts": NEXT_SESSION_MODULE,
    })
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "app")
    before = snapshot(tmp_path)
    result = install_quietly(cli, tmp_path)
    # Incomplete: the session keeps no id (the route's adapter), and the hooks have no client-side place.
    assert result.exit_code == 4, result.output
    assert (tmp_path / "session.ts").read_text() == NEXT_SESSION_MODULE
    output = " ".join(result.output.split())
    assert "Call the Messenger hook from your login code" in output and "Call the Messenger hook from your logout code" in output
    assert cli("uninstall", str(tmp_path), "--yes").exit_code == 0
    assert snapshot(tmp_path) == before


# An SPA and its passport API (shape of vite-react-passport-sqlite): the session strategy is installed
# app-wide with `app.use(passport.authenticate('session'))` and the login route is passport's own
# `passport.authenticate('local')` (no req.login() in the app's code): before the fix no sign-in was
# recognised ("auth": "none", a fail-closed adapter). The client signs out in a component handler
# named `handleSignOut` (no function named logout): before the fix, a manual step.
PASSPORT_SERVER = """\
var express = require('express');
var session = require('express-session');
var passport = require('passport');
var LocalStrategy = require('passport-local');

var people = [{ id: 3, username: 'ann', password: 'pw' }];

passport.use(new LocalStrategy(function verify(username, password, cb) {
  var person = people.find(function (p) { return p.username === username && p.password === password; });
  return cb(null, person || false);
}));
passport.serializeUser(function (user, cb) { cb(null, { id: user.id, username: user.username }); });
passport.deserializeUser(function (user, cb) { cb(null, user); });

var app = express();
app.use(express.json());
app.use(session({ secret: 'dev', resave: false, saveUninitialized: false }));
app.use(passport.authenticate('session'));

app.post('/login', passport.authenticate('local'), function (req, res) {
  res.json({ user: req.user.username });
});

module.exports = app;
app.listen(4200);
"""

PASSPORT_CLIENT_AUTH = """\
import http from "./http";

export async function login(details) {
  const { data } = await http.post("login", details);
  return data;
}
"""

PASSPORT_CLIENT_MENU = """\
import { useNavigate } from "react-router-dom";

export default function Menu() {
  const navigate = useNavigate();

  const handleSignOut = () => {
    localStorage.clear();
    navigate("/login", { replace: true });
  };

  return <button onClick={handleSignOut}>Sign out</button>;
}
"""


def test_passport_session_strategy_app_wide_and_a_sign_out_handler(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "app"
    write_files(root, {
        "api/package.json": json.dumps({"name": "api", "private": True, "main": "app.js",
                                        "dependencies": {"express": "^4.21.0", "express-session": "^1.18.0", "passport": "^0.7.0", "passport-local": "^1.0.0"}}, indent=2) + "\n",
        "api/app.js": PASSPORT_SERVER,
        "web/package.json": json.dumps({"name": "web", "private": True, "type": "module",
                                        "dependencies": {"axios": "^1.7.0", "react": "^18.3.1", "react-dom": "^18.3.1", "react-router-dom": "^6.26.0"},
                                        "devDependencies": {"vite": "^5.4.0"}}, indent=2) + "\n",
        "web/index.html": '<!doctype html>\n<html>\n  <body>\n    <div id="root"></div>\n    <script type="module" src="/src/main.jsx"></script>\n  </body>\n</html>\n',
        "web/src/main.jsx": MAIN.replace("./App", "./Menu").replace("<App />", "<Menu />").replace("import App", "import Menu"),
        "web/src/http.js": API_CLIENT.replace("http://localhost:4100/api", "http://localhost:4200/"),
        "web/src/auth.js": PASSPORT_CLIENT_AUTH,
        "web/src/Menu.jsx": PASSPORT_CLIENT_MENU,
    })
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "app")
    detected = json.loads(cli("detect", str(root), "--json").stdout)
    assert [backend["auth"] for backend in detected["backends"]] == ["passport"]
    before = snapshot(root)
    result = install_quietly(cli, root)
    assert result.exit_code == 0, result.output
    route = (root / "api/intercom-jwt.js").read_text()
    assert "req.user" in route
    menu = (root / "web/src/Menu.jsx").read_text()
    assert menu.index("intercomLogout()") < menu.index("localStorage.clear()")
    auth = (root / "web/src/auth.js").read_text()
    assert auth.index("await http.post") < auth.index("intercomLogin()") < auth.index("return data")
    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert snapshot(root) == before
