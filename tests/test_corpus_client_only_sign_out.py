"""A single-page app whose sign-out never reaches its API's own sign-out route (vite-react-passport-sqlite's
shape, docs/corpus.md): the API declares `POST /logout` (passport's `req.logout()`), the SPA's sign-out
handler only clears local state. The server session outlives it, so after the install the token endpoint
would keep answering 200 for the signed-out user and the next page load would boot the Messenger with
their identity. The install wires the logout hook as before, and ends `incomplete` (exit 4) with a step
naming both places (file:line); an app whose sign-out does call the route stays `complete` (exit 0).
An API with no sign-out route that signs in with an HttpOnly cookie none of its code ever clears
(vue3-fastapi-cookie-jwt) gets the step to add one; an API that clears it in a route the store calls does not.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import git, install_quietly, line_of, snapshot, write_files

LOGOUT_ROUTE = "app.post('/logout'"  # the API's sign-out route in SERVER
SERVER = """\
const express = require('express');
const session = require('express-session');
const passport = require('passport');
const LocalStrategy = require('passport-local');

const members = [{ id: 11, username: 'ida', password: 'pw' }];

passport.use(new LocalStrategy((username, password, done) => {
  done(null, members.find((m) => m.username === username && m.password === password) || false);
}));
passport.serializeUser((member, done) => done(null, { id: member.id, username: member.username }));
passport.deserializeUser((member, done) => done(null, member));

const app = express();
app.use(express.json());
app.use(session({ secret: 'dev', resave: false, saveUninitialized: false }));
app.use(passport.authenticate('session'));

app.post('/session/new', passport.authenticate('local'), (req, res) => {
  res.json({ name: req.user.username });
});

app.post('/logout', (req, res, next) => {
  req.logout((err) => (err ? next(err) : res.json({})));
});

app.listen(4300);
"""

CLIENT_HTTP = """\
import axios from "axios";

export default axios.create({ baseURL: "http://localhost:4300/", withCredentials: true });
"""

CLIENT_SESSION = """\
import http from "./http";

export async function login(form) {
  const { data } = await http.post("session/new", form);
  return data;
}
"""

# The sign-out handler only forgets the user on the client; `key="logout"` names a menu entry, not a URL.
CLIENT_HEADER = """\
import { useNavigate } from "react-router-dom";

export default function Header() {
  const navigate = useNavigate();

  const handleSignOut = () => {
    localStorage.clear();
    navigate("/login", { replace: true });
  };

  return (
    <ul>
      <li key="logout" onClick={handleSignOut}>Sign out</li>
    </ul>
  );
}
"""

MAIN = """\
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router-dom";
import Header from "./Header";

createRoot(document.getElementById("root")).render(
  <BrowserRouter>
    <Header />
  </BrowserRouter>
);
"""


def _app(root: Path, header: str) -> Path:
    write_files(root, {
        "server/package.json": json.dumps({"name": "server", "private": True, "main": "app.js",
                                           "dependencies": {"express": "^4.21.0", "express-session": "^1.18.0", "passport": "^0.7.0", "passport-local": "^1.0.0"}}, indent=2) + "\n",
        "server/app.js": SERVER,
        "ui/package.json": json.dumps({"name": "ui", "private": True, "type": "module",
                                       "dependencies": {"axios": "^1.7.0", "react": "^18.3.1", "react-dom": "^18.3.1", "react-router-dom": "^6.26.0"},
                                       "devDependencies": {"vite": "^5.4.0"}}, indent=2) + "\n",
        "ui/index.html": '<!doctype html>\n<html>\n  <body>\n    <div id="root"></div>\n    <script type="module" src="/src/main.jsx"></script>\n  </body>\n</html>\n',
        "ui/src/main.jsx": MAIN,
        "ui/src/http.js": CLIENT_HTTP,
        "ui/src/session.js": CLIENT_SESSION,
        "ui/src/Header.jsx": header,
    })
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "app")
    return root


def test_a_sign_out_that_never_calls_the_servers_logout_route_is_a_step_naming_both_places(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _app(tmp_path / "app", CLIENT_HEADER)
    before = snapshot(root)
    result = install_quietly(cli, root, "--json")
    assert result.exit_code == 4, result.output
    report = json.loads(result.stdout)
    assert report["result"] == "incomplete"
    [step] = report["manual_steps"]
    assert step["file"] == "ui/src/Header.jsx"
    # the lines as the install wrote them (the hook's import above the handler, the token route above the route)
    assert f"handleSignOut() (ui/src/Header.jsx:{line_of((root / 'ui/src/Header.jsx').read_text(), 'const handleSignOut')})" in step["instruction"]
    assert f"POST /logout (server/app.js:{line_of((root / 'server/app.js').read_text(), LOGOUT_ROUTE)})" in step["instruction"]
    assert step["snippet"] == "POST /logout"
    # The hook is wired all the same: the Messenger forgets the user even before the app is fixed.
    header = (root / "ui/src/Header.jsx").read_text()
    assert header.index("intercomLogout()") < header.index("localStorage.clear()")
    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert snapshot(root) == before


def test_a_sign_out_that_calls_the_route_through_the_apps_client_is_complete(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    calling = CLIENT_HEADER.replace(
        "  const handleSignOut = () => {\n", '  const handleSignOut = async () => {\n    await http.post("/logout");\n'
    ).replace('import { useNavigate } from "react-router-dom";\n', 'import { useNavigate } from "react-router-dom";\nimport http from "./http";\n')
    root = _app(tmp_path / "app", calling)
    result = install_quietly(cli, root, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["manual_steps"] == []


def test_a_sign_out_url_kept_in_a_constant_counts_as_calling_it(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """Any mention of the path where a request could use it counts: the check never guesses a leak."""
    root = _app(tmp_path / "app", CLIENT_HEADER)
    (root / "ui/src/urls.js").write_text('export const SIGN_OUT_URL = "http://localhost:4300/logout?next=/";\n')
    git(root, "add", "-A")
    git(root, "commit", "-qm", "urls")
    assert install_quietly(cli, root).exit_code == 0


def test_a_bearer_token_app_is_not_asked_to_end_a_server_session(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """With --auth bearer the Messenger's identity lives in the token the sign-out discards."""
    root = _app(tmp_path / "app", CLIENT_HEADER)
    result = install_quietly(cli, root, "--json", "--auth", "bearer", "--token-storage-key", "token")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["manual_steps"] == []


# vue3-fastapi-cookie-jwt's shape: the API signs in by setting an HttpOnly cookie (JavaScript cannot remove
# it) and has no sign-out route at all; the store's logOut action only clears the store.
COOKIE_LOGIN = '''

@app.post("/login")
def login():
    response = JSONResponse({"ok": True})
    response.set_cookie(
        "member",
        value="cookie-1",
        httponly=True,
        samesite="Lax",
    )
    return response
'''

COOKIE_LOGOUT = '''

@app.post("/logout")
def logout():
    response = JSONResponse({})
    response.delete_cookie("member")
    return response
'''


def _cookie_app(root: Path, *, server_logout: bool, client_logout: bool) -> Path:
    from test_corpus_vuex_axios_defaults import SERVER as VUEX_SERVER
    from test_corpus_vuex_axios_defaults import STORE
    from test_corpus_vuex_axios_defaults import _app as vuex_app

    vuex_app(root)
    server = VUEX_SERVER.replace("from fastapi.middleware.cors", "from fastapi.responses import JSONResponse\nfrom fastapi.middleware.cors")
    (root / "backend/main.py").write_text(server + COOKIE_LOGIN + (COOKIE_LOGOUT if server_logout else ""))
    if client_logout:
        store = STORE.replace('  async logOut({ commit }) {\n', '  async logOut({ commit }) {\n    await axios.post("logout");\n')
        (root / "frontend/src/store/index.js").write_text(store)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "cookie sign-in")
    return root


def test_an_httponly_cookie_no_code_of_the_api_ever_clears_is_a_step(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _cookie_app(tmp_path / "app", server_logout=False, client_logout=False)
    before = snapshot(root)
    result = install_quietly(cli, root, "--frontend-origin", "http://localhost:8080", "--json")
    assert result.exit_code == 4, result.output
    [step] = json.loads(result.stdout)["manual_steps"]
    assert step["file"] == "frontend/src/store/index.js"
    assert "the HttpOnly cookie 'member' it sets at backend/main.py:25" in step["instruction"]
    assert f"logOut() (frontend/src/store/index.js:{line_of((root / 'frontend/src/store/index.js').read_text(), 'async logOut(')})" in step["instruction"]
    assert step["snippet"] == 'response.delete_cookie("member")'
    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert snapshot(root) == before


def test_an_api_that_clears_its_cookie_in_a_sign_out_route_the_store_calls_is_complete(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _cookie_app(tmp_path / "app", server_logout=True, client_logout=True)
    result = install_quietly(cli, root, "--frontend-origin", "http://localhost:8080", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["manual_steps"] == []


def test_the_apis_own_route_declaration_inside_the_spas_folder_is_no_call_of_the_spa(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """The SPA at the repository's root, its API in server/ below it: the API's `app.post('/logout', ...)`
    names the path, but it is not the SPA's code."""
    root = tmp_path / "app"
    write_files(root, {
        "package.json": json.dumps({"name": "ui", "private": True, "type": "module",
                                    "dependencies": {"axios": "^1.7.0", "react": "^18.3.1", "react-dom": "^18.3.1", "react-router-dom": "^6.26.0"},
                                    "devDependencies": {"vite": "^5.4.0"}}, indent=2) + "\n",
        "index.html": '<!doctype html>\n<html>\n  <body>\n    <div id="root"></div>\n    <script type="module" src="/src/main.jsx"></script>\n  </body>\n</html>\n',
        "src/main.jsx": MAIN,
        "src/http.js": CLIENT_HTTP,
        "src/session.js": CLIENT_SESSION,
        "src/Header.jsx": CLIENT_HEADER,
        "server/package.json": json.dumps({"name": "server", "private": True, "main": "app.js",
                                           "dependencies": {"express": "^4.21.0", "express-session": "^1.18.0", "passport": "^0.7.0", "passport-local": "^1.0.0"}}, indent=2) + "\n",
        "server/app.js": SERVER,
    })
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "app")
    result = install_quietly(cli, root, "--json")
    assert result.exit_code == 4, result.output
    [step] = json.loads(result.stdout)["manual_steps"]
    assert f"POST /logout (server/app.js:{line_of((root / 'server/app.js').read_text(), LOGOUT_ROUTE)})" in step["instruction"]
