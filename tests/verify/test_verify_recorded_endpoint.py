"""verify learns a bearer single-page app's token URL from what the install recorded, without `--endpoint`.

Signed out, an SPA that proves its users with a bearer token from localStorage asks its token endpoint
nothing (no token, no request), so verify had no page request to follow and probed the pages' own
origin (a 404). The install records the endpoint's path in its receipt and writes a Messenger core that
builds the URL on the app's API base (`const APP_API_BASE = import.meta.env.VITE_API_URL`); the
project's `.env` sets that base. verify reads those (`verify/recorded_endpoint.py`) and says so.

The project: a tiny Vite + axios SPA of our own, installed by the wizard itself (`--auth bearer
--token-storage-key user`). Served: its pages on one port and its API (login + token endpoint, bearer
only, CORS for the pages) on another; the pages run the wizard's plain-JS bearer client pointed at the
same token URL, standing in for the Vite build of the installed core (no npm in the tests). Controls:
without the `.env` nothing recorded says the URL: the core then asks its own origin, so verify probes
there and its failure says why (exit 1); `--endpoint` still overrides.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from conftest import SECRET, WORKSPACE_ID, install_quietly, threaded_server, write_files
from test_verify_bearer import HOME_PAGE, LOGIN_PAGE
from typer.testing import CliRunner
from verify_support import require_chromium

from intercom_wizard.cli import app as cli_app
from intercom_wizard.integrations.frontends.html import script_source
from intercom_wizard.options import ClientAuth, InstallOptions, parse_workspace_id
from intercom_wizard.tokens import mint
from intercom_wizard.verify.recorded_endpoint import RECEIPT_PATH, recorded_endpoint

USERS = {"ann": ("ann-password", "ann@example.com", "Ann Smith", "301"), "ben": ("ben-password", "ben@example.com", "Ben Jones", "302")}
ENDPOINT = "/api/intercom-jwt"
SPA = {
    "package.json": """\
        {"name": "bearer-spa", "private": true, "type": "module", "scripts": {"build": "vite build"},
         "dependencies": {"axios": "^1.7.0", "react": "^18.3.1", "react-dom": "^18.3.1"},
         "devDependencies": {"vite": "^5.4.0"}}
        """,
    "index.html": '<!doctype html><html><body><div id="root"></div><script type="module" src="/src/main.jsx"></script></body></html>\n',
    "src/api.js": """\
        import axios from 'axios'

        export const api = axios.create({ baseURL: import.meta.env.VITE_API_URL })

        api.interceptors.request.use((config) => {
          const user = JSON.parse(localStorage.getItem('user') || 'null')
          if (user && user.token) {
            config.headers.Authorization = `Bearer ${user.token}`
          }
          return config
        })

        export async function login(username, password) {
          const response = await api.post('/users/authenticate', { username, password })
          localStorage.setItem('user', JSON.stringify(response.data))
          return response.data
        }

        export function logout() {
          localStorage.removeItem('user')
        }
        """,
    "src/main.jsx": """\
        import { createRoot } from 'react-dom/client'
        import App from './App'

        createRoot(document.getElementById('root')).render(<App />)
        """,
    "src/App.jsx": """\
        import { login, logout } from './api'

        export default function App() {
          return (
            <form onSubmit={(event) => { event.preventDefault(); login(event.target.username.value, event.target.password.value) }}>
              <input name="username" />
              <input name="password" type="password" />
              <button type="submit">Sign in</button>
              <button type="button" onClick={logout}>Sign out</button>
            </form>
          )
        }
        """,
}
@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """The SPA, installed by the wizard: its receipt and its core (which builds the URL on VITE_API_URL)."""
    root = tmp_path_factory.mktemp("bearer-spa")
    write_files(root, SPA)
    runner = CliRunner()

    def cli(*args: str, secret: str | None = SECRET, input: str | None = None) -> Any:
        return runner.invoke(cli_app, list(args), env={"INTERCOM_IDENTITY_SECRET": secret or ""}, input=input, catch_exceptions=False)

    result = install_quietly(cli, root, "--auth", "bearer", "--token-storage-key", "user")
    # No back end in this project: the install is incomplete (the token endpoint is the API's to add), and writes the client.
    assert result.exit_code == 4, result.output
    assert "APP_API_BASE = import.meta.env.VITE_API_URL" in (root / "src/intercom/messenger.js").read_text()
    return root


def api_server(access_tokens: dict[str, str]) -> Any:
    """The API on its own origin: sign-in hands out an access token; the token endpoint reads only the bearer header."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def send(self, status: int, body: bytes) -> None:
            self.send_response(status)
            origin = self.headers.get("Origin")
            headers = {"Content-Type": "application/json", "Content-Length": str(len(body)), "Cache-Control": "no-store"}
            if origin:
                headers |= {"Access-Control-Allow-Origin": origin, "Access-Control-Allow-Headers": "authorization, content-type", "Vary": "Origin"}
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def do_OPTIONS(self) -> None:
            self.send(204, b"")

        def do_GET(self) -> None:
            scheme, _, token = self.headers.get("Authorization", "").partition(" ")
            user = access_tokens.get(token) if scheme == "Bearer" else None
            if self.path != ENDPOINT:
                self.send(404, b'{"message": "no such route"}')
            elif user is None:
                self.send(401, b'{"message": "Invalid Token"}')
            else:
                _, email, name, user_id = USERS[user]
                self.send(200, json.dumps({"token": mint(SECRET, user_id, email, name)}).encode())

        def do_POST(self) -> None:
            fields = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
            name = fields.get("username", "")
            if self.path == "/users/authenticate" and name in USERS and fields.get("password") == USERS[name][0]:
                token = secrets.token_hex(16)
                access_tokens[token] = name
                self.send(200, json.dumps({"username": name, "token": token}).encode())
            else:
                self.send(400, b'{"message": "Username or password is incorrect"}')

    return threaded_server(Handler)


def pages_server(api: str) -> Any:
    """The SPA's pages; no token endpoint here (a probe of this origin would get the page: 200 without a token)."""
    options = InstallOptions(workspace=parse_workspace_id(WORKSPACE_ID), auth=ClientAuth.BEARER, token_storage_key="user", token_storage_field="token")
    script = script_source(options, token_url=api + ENDPOINT).encode()
    # The pages of test_verify_bearer's app, their sign-in sent to the API's origin.
    login_page = LOGIN_PAGE.replace(b"PAGE_SCRIPT", b"").replace(b"'/api/login'", f"'{api}/users/authenticate'".encode())
    home_page = HOME_PAGE.replace(b"PAGE_SCRIPT", b"")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            javascript = self.path == "/intercom-messenger.js"
            body = script if javascript else login_page if self.path == "/login" else home_page
            self.send_response(200)
            for name, value in {"Content-Type": "text/javascript" if javascript else "text/html", "Content-Length": str(len(body))}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

    return threaded_server(Handler)


@pytest.fixture
def served() -> Iterator[tuple[str, str]]:
    with api_server({}) as api, pages_server(api) as pages:
        yield pages, api


def _verify(pages: str, *extra: str, users: bool = False) -> tuple[int, dict[str, dict[str, Any]], str]:
    argv = ["verify", pages + "/", "--workspace-id", WORKSPACE_ID, "--json", *extra]
    if users:
        argv += ["--login-url", "/login", "--logout-selector", "#logout", "--user", "ann:ann-password", "--user", "ben:ben-password"]
    result = CliRunner().invoke(cli_app, argv, env={"INTERCOM_IDENTITY_SECRET": SECRET, "INTERCOM_ACCESS_TOKEN": ""}, catch_exceptions=False)
    checks = {check["id"]: check for check in json.loads(result.stdout)["checks"]} if result.stdout.strip().startswith("{") else {}
    return result.exit_code, checks, result.output


def test_without_endpoint_verify_probes_the_url_the_install_recorded(installed: Path, served: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    require_chromium()
    pages, api = served
    (installed / ".env").write_text(f"VITE_API_URL={api}\n")
    monkeypatch.chdir(installed)  # the folder install ran in: verify reads its receipt there by default
    exit_code, checks, output = _verify(pages, users=True)
    assert exit_code == 0, output
    anonymous = "\n".join(checks["anonymous"]["evidence"])
    assert (f"probed {api}{ENDPOINT}, read from {RECEIPT_PATH}'s settings.endpoint {ENDPOINT}, on the API base the Messenger core "
            "src/intercom/messenger.js builds it on (import.meta.env.VITE_API_URL): .env sets VITE_API_URL") in anonymous, output
    assert f"GET {ENDPOINT} -> 401 (fails closed)" in anonymous, output
    # Signed in, the page's own token request (with its bearer header) goes to the same URL, and the probe follows it.
    assert f"GET {ENDPOINT} -> 200 with Cache-Control: no-store" in "\n".join(checks["signed-in"]["evidence"]), output
    assert checks["identity"]["status"] == "pass", output
    identity = "\n".join(checks["identity"]["evidence"])
    assert '"user_id": "301"' in identity and '"user_id": "302"' in identity, output


def test_nothing_recorded_says_the_url_verify_says_so(installed: Path, served: tuple[str, str]) -> None:
    require_chromium()
    pages, api = served
    (installed / ".env").unlink(missing_ok=True)
    exit_code, checks, output = _verify(pages, "--project", str(installed))
    assert exit_code == 1, output
    assert checks["anonymous"]["status"] == "fail", output
    # An unset base makes the core ask its own origin, so that is probed, and the failure says why it was probed there.
    assert checks["anonymous"]["evidence"][:2] == [
        f"GET {ENDPOINT} -> 200 with no token (text/html), the app's page for any path?: expected 401",
        f"probed {pages}{ENDPOINT}, the pages' own origin, where the core asks when its API base is unset: the Messenger core "
        "src/intercom/messenger.js builds the token URL on import.meta.env.VITE_API_URL at run time, and no file the install can "
        "read sets it (no .env, .env.local, .env.production or .env.development file beside the app names it); pass --endpoint "
        "with the token endpoint's URL if the app asks elsewhere",
    ], output
    # --endpoint overrides what is (not) recorded.
    exit_code, checks, output = _verify(pages, "--project", str(installed), "--endpoint", api + ENDPOINT)
    assert exit_code == 0, output
    assert f"GET {ENDPOINT} -> 401 (fails closed)" in "\n".join(checks["anonymous"]["evidence"]), output


def test_a_project_without_a_receipt_is_bad_input(tmp_path: Path) -> None:
    exit_code, checks, output = _verify("http://127.0.0.1:9", "--project", str(tmp_path))
    assert exit_code == 2, output
    assert f"--project {tmp_path}: there is no {RECEIPT_PATH} (the install's receipt) in that folder." in output
    (tmp_path / RECEIPT_PATH).write_text("{not json")
    exit_code, checks, output = _verify("http://127.0.0.1:9", "--project", str(tmp_path))
    assert exit_code == 2, output
    assert "is not a receipt verify can read" in output


ANGULAR_CORE = """\
import { environment } from '../environments/environment';

const TOKEN_URL: string | null = '/api/intercom-jwt';
const APP_API_BASE: string | undefined = environment.apiUrl;
"""


def _receipt(endpoint: str, *created: str) -> str:
    return json.dumps({"settings": {"endpoint": endpoint}, "created": {path: None for path in created}})


def test_angular_environment_modules_and_the_served_build(tmp_path: Path) -> None:
    """Angular: the environment module the core imports and its per-configuration siblings; when they
    differ, the page's scripts (the served build) say which value was inlined."""
    write_files(tmp_path, {
        RECEIPT_PATH: _receipt(ENDPOINT, "src/app/intercom-messenger.service.ts"),
        "src/app/intercom-messenger.service.ts": ANGULAR_CORE,
        "src/environments/environment.ts": "export const environment = {\n  production: false,\n  apiUrl: 'http://localhost:4000'\n};\n",
        "src/environments/environment.prod.ts": "export const environment = {\n  production: true,\n  apiUrl: 'https://api.example.com/v1'\n};\n",
    })
    recorded = recorded_endpoint(tmp_path, required=True)
    assert recorded is not None and recorded.unknown is None
    assert [(c.url, c.source) for c in recorded.candidates] == [
        ("http://localhost:4000/api/intercom-jwt", "src/environments/environment.ts sets apiUrl"),
        ("https://api.example.com/api/intercom-jwt", "src/environments/environment.prod.ts sets apiUrl"),
    ]
    chosen, why = recorded.choose([b'const e={production:!0,apiUrl:"https://api.example.com/v1"}'])
    assert chosen is not None and chosen.url == "https://api.example.com/api/intercom-jwt"
    assert why == "of http://localhost:4000, https://api.example.com/v1, the page's scripts hold https://api.example.com/v1"
    chosen, why = recorded.choose([b"no base here"])
    assert chosen is None and why is not None and "the page's scripts hold none of them" in why
    # Both configurations on one API (cornflourblue's Angular examples): one candidate, both files named, no choice to make.
    (tmp_path / "src/environments/environment.prod.ts").write_text("export const environment = {\n  production: true,\n  apiUrl: 'http://localhost:4000'\n};\n")
    recorded = recorded_endpoint(tmp_path, required=True)
    assert recorded is not None and [(c.url, c.source) for c in recorded.candidates] == [
        ("http://localhost:4000/api/intercom-jwt", "src/environments/environment.ts sets apiUrl, src/environments/environment.prod.ts sets apiUrl")
    ]
    assert recorded.choose([]) == (recorded.candidates[0], None)


def test_an_endpoint_url_given_to_install_and_a_core_without_a_base(tmp_path: Path) -> None:
    (tmp_path / RECEIPT_PATH).write_text(_receipt("http://localhost:4000/api/intercom-jwt"))
    recorded = recorded_endpoint(tmp_path, required=False)
    assert recorded is not None and recorded.endpoint == "http://localhost:4000/api/intercom-jwt" and not recorded.candidates
    assert recorded.source == f"the whole URL install was given ({RECEIPT_PATH}'s settings.endpoint)"
    write_files(tmp_path, {RECEIPT_PATH: _receipt("/auth/intercom", "src/intercom/messenger.js"), "src/intercom/messenger.js": "const TOKEN_URL = '/auth/intercom';\n"})
    recorded = recorded_endpoint(tmp_path, required=False)
    assert recorded is not None and recorded.endpoint == "/auth/intercom" and not recorded.candidates and recorded.unknown is None
    (tmp_path / RECEIPT_PATH).unlink()
    assert recorded_endpoint(tmp_path, required=False) is None


def test_vite_mode_files_each_give_a_candidate(tmp_path: Path) -> None:
    """`.env.production` wins over `.env` in a build, `.env.development.local` in the dev server: one candidate each."""
    write_files(tmp_path, {
        RECEIPT_PATH: _receipt(ENDPOINT, "client/src/intercom/messenger.ts"),
        "client/src/intercom/messenger.ts": "const APP_API_BASE: string | undefined = import.meta.env.VITE_API_URL;\n",
        "client/.env": "VITE_API_URL=http://localhost:4000\n",
        "client/.env.production": "# the deployed API\nVITE_API_URL='https://api.example.com'\n",
        "client/.env.development.local": "export VITE_API_URL=http://127.0.0.1:4001 # mine\n",
    })
    recorded = recorded_endpoint(tmp_path, required=True)
    assert recorded is not None
    assert [(c.url, c.source) for c in recorded.candidates] == [
        ("https://api.example.com/api/intercom-jwt", "client/.env.production sets VITE_API_URL"),
        ("http://127.0.0.1:4001/api/intercom-jwt", "client/.env.development.local sets VITE_API_URL"),
    ]
    # One .env for both modes (react18-redux-jwt-api): one candidate, the file named once.
    for name in ("client/.env.production", "client/.env.development.local"):
        (tmp_path / name).unlink()
    recorded = recorded_endpoint(tmp_path, required=True)
    assert recorded is not None
    assert [(c.url, c.source) for c in recorded.candidates] == [("http://localhost:4000/api/intercom-jwt", "client/.env sets VITE_API_URL")]
