"""A single-page app and its own Express API with a cookie session, shaped like the corpus apps of the
g10new round (docs/corpus.md: angular13-express-session, django-react-cross-origin): the SPA writes
each request's whole URL out (`fetch("http://localhost:4300/api/login", { credentials: "include" })`,
Angular's `this.http.post('http://localhost:3030/api/login', body, { withCredentials: true })`), with no
`baseURL` or env base anywhere; the login route writes the session through a local name
(`const currentSession = req.session; currentSession.memberId = member.id`); and the app's own CORS
middleware for the SPA's origin is installed after the session middleware.

Before the fixes: the install was `incomplete` (exit 4, "no passport or session login was found", a
fail-closed adapter), the core asked the SPA's own origin for the token (a 404 there), and the token
route was mounted above `app.use(cors(...))`, so the browser would hide its answer from the page.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import git, install_quietly, snapshot, write_files

from intercom_wizard.integrations.backends.express.session import session_user
from intercom_wizard.integrations.frontends.api_base import find_api_base
from intercom_wizard.tree import ProjectTree

SERVER = """\
const express = require("express");
const session = require("express-session");
const cors = require("cors");

const app = express();
const members = [{ id: "m-1", password: "pw", admin: true }];

app.use(express.json());
app.use(session({ secret: "dev", resave: false, saveUninitialized: false }));
app.use(cors({ origin: "http://localhost:4200", credentials: true }));

app.post("/api/login", (req, res) => {
  const member = members.find((m) => m.id === req.body.id && m.password === req.body.password);
  if (!member) return res.status(401).json({});
  const currentSession = req.session;
  currentSession.memberId = member.id;
  currentSession.admin = member.admin;
  res.json({ ok: true });
});

app.get("/api/logout", (req, res) => {
  req.session.destroy(() => res.json({ ok: false }));
});

app.listen(4300);
"""

# Every request's URL written out in full, with the credentials flag: no base constant anywhere.
AUTH = """\
export async function login(id, password) {
  const response = await fetch("http://localhost:4300/api/login", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    credentials: "include",
    body: JSON.stringify({ id, password }),
  });
  return response.ok;
}

export async function logout() {
  await fetch("http://localhost:4300/api/logout", { credentials: "include" });
}
"""

APP = """\
import { login, logout } from "./auth";

export default function App() {
  return (
    <>
      <button onClick={() => login("m-1", "pw")}>Sign in</button>
      <button onClick={() => logout()}>Sign out</button>
    </>
  );
}
"""

MAIN = """\
import { createRoot } from "react-dom/client";
import App from "./App";

createRoot(document.getElementById("root")).render(<App />);
"""


def _app(root: Path, server: str = SERVER) -> Path:
    write_files(root, {
        "server/package.json": json.dumps({"name": "server", "private": True, "main": "index.js",
                                           "dependencies": {"cors": "^2.8.5", "express": "^4.21.0", "express-session": "^1.18.0"}}, indent=2) + "\n",
        "server/index.js": server,
        "client/package.json": json.dumps({"name": "client", "private": True, "type": "module",
                                           "dependencies": {"react": "^18.3.1", "react-dom": "^18.3.1"},
                                           "devDependencies": {"vite": "^5.4.0"}}, indent=2) + "\n",
        "client/index.html": '<!doctype html>\n<html>\n  <body>\n    <div id="root"></div>\n    <script type="module" src="/src/main.jsx"></script>\n  </body>\n</html>\n',
        "client/src/main.jsx": MAIN,
        "client/src/App.jsx": APP,
        "client/src/auth.js": AUTH,
    })
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "app")
    return root


def test_session_through_a_local_name_whole_request_urls_and_the_apps_cors_make_a_complete_install(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _app(tmp_path / "app")
    before = snapshot(root)
    result = install_quietly(cli, root)
    assert result.exit_code == 0, result.output
    route = (root / "server/intercom-jwt.js").read_text()
    assert "req.session.memberId != null ? { id: req.session.memberId } : null" in route
    server = (root / "server/index.js").read_text()
    # Below the app's own CORS middleware (which comes after the session's), so the answer reaches the page.
    assert server.index("app.use(cors(") < server.index("app.use(intercomJwt);") < server.index('app.post("/api/login"')
    core = next((root / "client/src/intercom").glob("messenger.*")).read_text()
    assert re.search(r"APP_API_BASE = ['\"]http://localhost:4300['\"];", core), core
    auth = (root / "client/src/auth.js").read_text()
    assert "intercomLogin()" in auth.split("export async function logout", 1)[0]
    assert "intercomLogout()" in auth.split("export async function logout", 1)[1]
    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert snapshot(root) == before


def test_a_flag_written_through_a_local_name_is_no_identity(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    flag_only = SERVER.replace("  currentSession.memberId = member.id;\n", "  currentSession.loggedIn = true;\n")
    root = _app(tmp_path / "app", flag_only)
    assert session_user(ProjectTree(root), "server").kind == "none"
    before = snapshot(root)
    result = install_quietly(cli, root)
    # Fail-closed: the session holds a flag and a role, not who is signed in.
    assert result.exit_code == 4, result.output
    assert "returns no user" in " ".join(result.output.split())
    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert snapshot(root) == before


def test_a_local_name_for_something_else_is_not_the_session(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "server/index.js": 'app.post("/x", (req, res) => {\n  const form = req.body;\n  form.userId = req.params.id;\n  res.end();\n});\n',
    })
    assert session_user(ProjectTree(tmp_path), "server").kind == "none"
    write_files(tmp_path, {
        "server/index.js": 'app.post("/x", (req, res) => {\n  let s = req.session;\n  s.userId = user.id;\n  res.end();\n});\n',
    })
    found = session_user(ProjectTree(tmp_path), "server")
    assert found.kind == "session-id" and "req.session.userId" in found.expression


def test_a_whole_url_is_a_base_only_in_an_authenticated_request(tmp_path: Path) -> None:
    write_files(tmp_path, {
        # Not a request: a link. And a request without credentials: a public API.
        "src/links.js": 'export const help = "https://help.example.org/start";\n',
        "src/weather.js": 'export const forecast = () => fetch("https://api.example.org/v1/forecast");\n',
    })
    assert find_api_base(ProjectTree(tmp_path), "").chosen is None
    write_files(tmp_path, {
        # Angular's HttpClient, the URL written out with withCredentials.
        "src/app/auth.service.ts": (
            "export class AuthService {\n  constructor(private http: HttpClient) {}\n"
            "  login(body: object) {\n    return this.http.post('http://localhost:3030/api/login', body, { withCredentials: true });\n  }\n}\n"
        ),
    })
    chosen = find_api_base(ProjectTree(tmp_path), "").chosen
    assert chosen is not None and chosen.expression == "'http://localhost:3030'" and chosen.file == "src/app/auth.service.ts"


# Angular's HttpClient in the corpus app's shape: the login sends the request and handles its answer in
# `.subscribe(...)`. Before the fix the hook went after that statement, which runs as soon as the
# request is sent (the user not signed in yet: the token request got 401 and the boot stayed anonymous).
SUBSCRIBED_LOGIN = """\
class AuthService {
  login(form: any) {
    this.http.post('http://localhost:3030/api/login', form, { withCredentials: true }).subscribe((data: any) => {
      this.session = data.session;
      if (data.session.userid) {
        this.router.navigate(['/']);
      }
    });
  }
  loginWithObserver(form: any) {
    this.http.post('/api/login', form).subscribe({ next: (data: any) => { this.session = data; }, error: () => {} });
  }
  loginUnobserved(form: any) {
    this.http.post('/api/login', form).subscribe();
  }
}
"""


def test_a_subscribed_login_gets_the_hook_inside_its_success_callback() -> None:
    from intercom_wizard.edits import parse
    from intercom_wizard.integrations.frontends.spa_common.success import SuccessPoint, success_point

    methods = {m.field("name").text(): m.field("body") for m in parse(SUBSCRIBED_LOGIN, "typescript").find_all(kind="method_definition")}  # type: ignore[union-attr]
    point = success_point(methods["login"])  # type: ignore[arg-type]
    assert isinstance(point, SuccessPoint) and point.after is not None
    assert point.after.text().startswith("if (data.session.userid)")
    observer = success_point(methods["loginWithObserver"])  # type: ignore[arg-type]
    assert isinstance(observer, SuccessPoint) and observer.after is not None and observer.after.text() == "this.session = data;"
    assert success_point(methods["loginUnobserved"]) == "returns its request unfinished: call it where that request succeeds"  # type: ignore[arg-type]
