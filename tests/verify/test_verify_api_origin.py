"""verify follows the page to its token endpoint: an SPA whose API lives on another origin (or under a
path prefix) builds the token URL from that base at run time (VITE_API_URL, environment.apiUrl), and
the install records only the endpoint's path. Before, verify probed the page's own origin (a 404) unless
`--endpoint` gave the whole URL.

A tiny app of ours serves the pages and the sign-in on one port; its token endpoint is a second server
on another port (the browser sends the session cookie to it: cookies are not per port), with CORS for
the pages' origin and credentials.
"""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from typing import Any

from conftest import SECRET, WORKSPACE_ID, threaded_server
from test_verify_identity import ENDPOINT, USERS, tiny_app
from typer.testing import CliRunner
from verify_support import require_chromium

from intercom_wizard.cli import app as cli_app
from intercom_wizard.tokens import mint


def api_server(sessions: dict[str, str], prefix: str) -> Any:
    """The token endpoint alone, at `prefix + ENDPOINT`, for the users signed in on the pages' server."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _cors(self) -> dict[str, str]:
            origin = self.headers.get("Origin")
            return {"Access-Control-Allow-Origin": origin, "Access-Control-Allow-Credentials": "true", "Vary": "Origin"} if origin else {}

        def do_OPTIONS(self) -> None:
            self.send_response(204)
            for name, value in {**self._cors(), "Access-Control-Allow-Headers": "authorization", "Content-Length": "0"}.items():
                self.send_header(name, value)
            self.end_headers()

        def do_GET(self) -> None:
            cookie = self.headers.get("Cookie", "")
            sid = next((part.split("=", 1)[1] for part in cookie.split("; ") if part.startswith("sid=")), "")
            user = sessions.get(sid)
            if self.path != prefix + ENDPOINT:
                status, body = 404, b'{"error": "no such route"}'
            elif user is None:
                status, body = 401, b'{"error": "not signed in"}'
            else:
                _, email, name, user_id = USERS[user]
                status, body = 200, json.dumps({"token": mint(SECRET, user_id, email, name)}).encode()
            self.send_response(status)
            headers = {**self._cors(), "Content-Type": "application/json", "Cache-Control": "no-store", "Content-Length": str(len(body))}
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

    return threaded_server(Handler)


def _verify(url: str, *extra: str) -> tuple[int, dict[str, dict[str, Any]], str]:
    argv = ["verify", url + "/", "--workspace-id", WORKSPACE_ID, "--login-url", "/login", "--logout-selector", "#logout button",
            "--user", "ann:ann-password", "--user", "ben:ben-password", "--json", *extra]
    result = CliRunner().invoke(cli_app, argv, env={"INTERCOM_IDENTITY_SECRET": SECRET, "INTERCOM_ACCESS_TOKEN": ""}, catch_exceptions=False)
    checks = {check["id"]: check for check in json.loads(result.stdout)["checks"]}
    return result.exit_code, checks, result.stdout


def test_the_token_endpoint_on_the_apis_origin_and_prefix_is_probed_there() -> None:
    require_chromium()
    sessions: dict[str, str] = {}
    with api_server(sessions, "/v1") as api, tiny_app(shared_user_id=False, token_url=f"{api}/v1{ENDPOINT}", sessions=sessions) as url:
        exit_code, checks, output = _verify(url)
        # The control: --endpoint as a whole URL on the pages' origin is probed exactly there (a 404).
        control_code, control_checks, control_output = _verify(url, "--endpoint", f"{url}{ENDPOINT}")
    assert exit_code == 0, output
    assert [check["id"] for check in checks.values() if check["status"] == "fail"] == [], output
    assert checks["identity"]["status"] == "pass", output
    assert f"the page asks for its token at {api}/v1{ENDPOINT} (the app's API base): probed there" in output
    assert f"GET /v1{ENDPOINT} -> 200 with Cache-Control: no-store" in output
    assert control_code == 1, control_output
    assert control_checks["signed-in"]["status"] == "fail", control_output
