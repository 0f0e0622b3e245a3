"""Helpers for the verify tests: Chromium or a skip (never in CI), fixture apps installed and served,
and the server side of the tiny cookie-session apps the tests write for one shape each.

Apps are installed programmatically (plan + apply) on copies in tmp dirs, then served by their own
server on 127.0.0.1 through `running_server`, which stops them when the block ends. A tiny app is a
`SessionAppHandler` subclass served by `conftest.threaded_server`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from conftest import SECRET, WORKSPACE_ID, copy_app

from intercom_wizard.apply import apply_changes
from intercom_wizard.integrations.frontends.html import script_source
from intercom_wizard.localserver import free_port, running_server
from intercom_wizard.options import InstallOptions, Region, parse_workspace_id
from intercom_wizard.planner import make_plan
from intercom_wizard.project import detect
from intercom_wizard.templates import render
from intercom_wizard.tokens import mint
from intercom_wizard.verify import Logout, SignIn, chromium_available, launched_browser

PY = sys.executable
ENDPOINT = "/api/intercom-jwt"


def anonymous_messenger_script() -> bytes:
    """The plain-JS Messenger script of an anonymous-only install (no token endpoint), for static pages."""
    return render(
        "html/intercom-messenger.js",
        {"encoding": "raw"},
        workspace_id=WORKSPACE_ID,
        token_url="null",
        api_base="null",
        access_token_key="null",
        access_token_storage="localStorage",
        access_token_field="null",
        auth_scheme="Bearer",
    ).encode()


def require_chromium() -> None:
    """Skip where Chromium is missing on a developer's machine; in CI the browser tests must run."""
    if chromium_available():
        return
    if os.environ.get("CI"):
        pytest.fail("/usr/bin/chromium is missing in CI: .ci/run must apt-get install -y chromium")
    pytest.skip("/usr/bin/chromium is missing (apt-get install -y chromium)")


def module_browser() -> Any:
    """A module-scoped `browser` fixture (`browser = module_browser()` in a test module): Chromium
    launched once for the module's tests, or a skip where it is missing."""

    @pytest.fixture(scope="module", name="browser")
    def browser() -> Iterator[Any]:
        require_chromium()
        with launched_browser() as launched:
            yield launched

    return browser


def report_evidence(report: Any) -> list[str]:
    """Every evidence line of a verify report, all checks together."""
    return [line for check in json.loads(report.dumps())["checks"] for line in check["evidence"]]


def cookie_messenger_script(token_url: str = ENDPOINT) -> bytes:
    """The plain-JS Messenger script an install renders for a cookie-session app, asking `token_url`."""
    return script_source(InstallOptions(workspace=parse_workspace_id(WORKSPACE_ID)), token_url=token_url).encode()


class SessionAppHandler(BaseHTTPRequestHandler):
    """The server side every tiny cookie-session app shares: no request log, the `sid` cookie, a reply,
    and the token endpoint's two answers. A subclass holds only the pages of its shape."""

    def log_message(self, *args: Any) -> None:
        pass

    def session_id(self) -> str | None:
        cookie = self.headers.get("Cookie", "")
        return next((part.split("=", 1)[1] for part in cookie.split("; ") if part.startswith("sid=")), None)

    def form_fields(self) -> dict[str, list[str]]:
        return parse_qs(self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode())

    def send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in {"Content-Type": content_type, "Content-Length": str(len(body)), **(headers or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str, *, status: int = 302, sid: str | None = None) -> None:
        """A redirect; `sid` starts that session in the cookie, an empty `sid` ends the session."""
        cookie = {} if sid is None else {"Set-Cookie": f"sid={sid}; Path=/; HttpOnly" if sid else "sid=; Path=/; Max-Age=0"}
        self.send(status, b"", headers={"Location": location, **cookie})

    def send_token(self, account: tuple[str, str, str, str] | None, *, user_id: str | None = None) -> None:
        """The token endpoint: 401 signed out (`account` None), else the JWT of `account`, given as the
        tests' USERS hold one, (password, email, name, user_id), `user_id` replacing its id; never cached."""
        if account is None:
            self.send(401, b'{"error": "not signed in"}', "application/json", {"Cache-Control": "no-store"})
            return
        _, email, name, own_id = account
        token = mint(SECRET, own_id if user_id is None else user_id, email, name)
        self.send(200, json.dumps({"token": token}).encode(), "application/json", {"Cache-Control": "no-store"})


@dataclass(frozen=True)
class FixtureApp:
    name: str
    command: list[str]
    sign_in: SignIn
    logout: Logout
    navigate: str
    script: str  # the generated Messenger script, relative to the app
    layout: str  # the template or page that carries the Messenger script
    prepare: list[list[str]] = field(default_factory=list)


APPS = {
    "flask_notes": FixtureApp(
        "flask_notes",
        [PY, "-m", "flask", "--app", "flaskr", "run", "--host", "127.0.0.1", "--port", "{port}"],
        SignIn(login_url="/auth/login", username="alice", password="wonderland"),
        Logout(url="/auth/logout"),
        "/notes/about",
        "flaskr/static/intercom-messenger.js",
        "flaskr/templates/base.html",
    ),
    "flask_login_app": FixtureApp(
        "flask_login_app",
        [PY, "-m", "flask", "--app", "app", "run", "--host", "127.0.0.1", "--port", "{port}"],
        SignIn(login_url="/login", username="bob@example.com", password="canwefixit"),
        Logout(url="/logout"),
        "/account",
        "static/intercom-messenger.js",
        "templates/layout.html",
    ),
    "django_site": FixtureApp(
        "django_site",
        [PY, "manage.py", "runserver", "127.0.0.1:{port}", "--noreload"],
        SignIn(login_url="/accounts/login/", username="carol", password="pass-carol-123"),
        Logout(selectors=("nav form button[type=submit]",)),
        "/about/",
        "notes/static/intercom-messenger.js",
        "templates/base.html",
        prepare=[[PY, "manage.py", "migrate", "-v", "0"]],
    ),
    "express_app": FixtureApp(
        "express_app",
        ["node", "server.js"],
        SignIn(login_url="/login.html", username="dave@example.com", password="smeghead"),
        Logout(selectors=("#logout-form button",)),
        "/about.html",
        "public/intercom-messenger.js",
        "public/index.html",
        prepare=[["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"]],
    ),
}


def install(name: str, destination: Path, *, region: Region = Region.EU) -> Path:
    """A copy of fixture `name` with the Messenger installed by the wizard, ready to serve."""
    if name == "express_app" and shutil.which("npm") is None:
        pytest.skip("needs Node.js and npm")
    root = copy_app(name, destination, commit=False)
    plan = make_plan(detect(root), InstallOptions(workspace=parse_workspace_id(WORKSPACE_ID), region=region), SECRET)
    apply_changes(detect(root).tree, plan.changes)
    for command in APPS[name].prepare:
        subprocess.run(command, cwd=root, check=True, capture_output=True)
    return root


@contextmanager
def serve(name: str, root: Path, *, secret: str = SECRET) -> Iterator[str]:
    """Run the app's own server on a free port; yields its base URL."""
    port = free_port()
    command = [part.replace("{port}", str(port)) for part in APPS[name].command]
    with running_server(command, root, port, {"PORT": str(port), "HOST": "127.0.0.1", "INTERCOM_IDENTITY_SECRET": secret}):
        yield f"http://127.0.0.1:{port}/"


def edit(path: Path, old: str, new: str) -> None:
    """Replace text that must be there: a test that edits nothing would prove nothing."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")
