"""Tier 2 for `install --upgrade`: each variant's real server (PHP's built-in server, Django's runserver,
Sinatra under Ruby, Express rendering EJS, Rails 6.1) before and after the upgrade. Before, the page carries the user's email and a
user_hash its own HMAC code computed; after, two users' JWTs verify with the secret, and no page, script
or token answer carries user_hash or the email, while the user's Messenger settings are still in the page."""

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from conftest import SECRET, WORKSPACE_ID
from identity_checks import AppUser, check_two_users
from upgrade_variants import KEPT_SETTINGS, VARIANTS

from intercom_wizard.localserver import BrowserlessClient, free_port, running_server

PY = sys.executable
OLD_SECRET = "old-hmac-secret-from-the-messenger-security-page"


@dataclass(frozen=True)
class Run:
    variant: str
    command: Callable[[int], list[str]]
    sign_in: Callable[[BrowserlessClient, AppUser], object]
    sign_out: Callable[[BrowserlessClient], object]
    users: tuple[AppUser, AppUser]
    script: str  # where the Messenger script is served
    prepare: list[list[str]] = field(default_factory=list)
    page: str = "/"  # the page with the snippet
    install: tuple[str, ...] = ("--no-install",)
    start_timeout: float = 60  # seconds for the server to answer (Rails boots slowly)  # Python, PHP, Ruby run with what is installed; npm installs jsonwebtoken


def rails_token(page: str) -> str:
    match = re.search(r'name="authenticity_token" value="([^"]+)"', page)
    assert match, "the form carries Rails' CSRF token"
    return match.group(1)


RUNS = [
    Run(
        "php",
        lambda port: ["php", "-S", f"127.0.0.1:{port}", "-t", "."],
        lambda c, u: c.post_form("/login.php", {"email": u.login, "password": u.password}, csrf_from="/login.php"),
        lambda c: c.post_form("/logout.php", {}, csrf_from="/"),
        (AppUser("ada@example.com", "correct-horse-battery", "ada@example.com", "Ada Lovelace"),
         AppUser("grace@example.com", "tardis-blue-box", "grace@example.com", "Grace Hopper")),
        "/intercom-messenger.js",
    ),
    Run(
        "django",
        lambda port: [PY, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        lambda c, u: c.post_form("/accounts/login/", {"username": u.login, "password": u.password}, csrf_from="/accounts/login/"),
        lambda c: c.post_form("/accounts/logout/", {}, csrf_from="/"),
        (AppUser("carol", "pass-carol-123", "carol@example.com", "Carol Danvers"),
         AppUser("monica", "pass-monica-456", "monica@example.com", "Monica Rambeau")),
        "/static/intercom-messenger.js",
        prepare=[[PY, "manage.py", "migrate", "-v", "0"]],
    ),
    Run(
        "sinatra",
        lambda port: ["ruby", "app.rb", "-o", "127.0.0.1", "-p", str(port)],
        lambda c, u: c.post_form("/login", {"email": u.login, "password": u.password}),
        lambda c: c.post_form("/logout", {}),
        (AppUser("frank@example.com", "rum-ham", "frank@example.com", "Frank Reynolds"),
         AppUser("dee@example.com", "bird-of-prey", "dee@example.com", "Dee Reynolds")),
        "/intercom-messenger.js",
    ),
    Run(
        "express-ejs",
        lambda port: ["node", "server.js"],
        lambda c, u: c.post_form("/login", {"email": u.login, "password": u.password}),
        lambda c: c.post_form("/logout", {}),
        (AppUser("dave@example.com", "smeghead", "dave@example.com", "Dave Lister"),
         AppUser("kryten@example.com", "series-4000", "kryten@example.com", "Kryten")),
        "/intercom-messenger.js",
        prepare=[["npm", "install", "--no-audit", "--no-fund", "--silent"]],
        page="/account",
        install=(),
    ),
    Run(
        "rails",
        lambda port: ["ruby", "bin/rails", "server", "-b", "127.0.0.1", "-p", str(port)],
        lambda c, u: c.request("/login", {"authenticity_token": rails_token(c.get("/login").body), "email": u.login, "password": u.password}),
        # button_to renders a form with _method=delete and its own authenticity token.
        lambda c: c.request("/logout", {"_method": "delete", "authenticity_token": rails_token(c.get("/").body)}),
        (AppUser("erin@example.com", "paper-company", "erin@example.com", "Erin Hannon"),
         AppUser("oscar@example.com", "accounting-1", "oscar@example.com", "Oscar Martinez")),
        "/intercom-messenger.js",
        prepare=[["ruby", "bin/rails", "db:setup"]],
        start_timeout=120,
    ),
]


@pytest.mark.parametrize("run", RUNS, ids=lambda r: r.variant)
def test_upgraded_server_signs_two_users_and_no_page_carries_identity(run: Run, tmp_path, cli):
    if run.variant == "express-ejs" and shutil.which("npm") is None:
        pytest.skip("needs Node.js and npm")
    root = VARIANTS[run.variant].make(tmp_path)
    for command in run.prepare:
        subprocess.run(command, cwd=root, check=True)
    first, second = run.users
    env = {"APP_ENV": "development", "RAILS_ENV": "development", "SESSION_SECRET": "s" * 64, "HOST": "127.0.0.1"}

    port = free_port()
    with running_server(run.command(port), root, port, {**env, "PORT": str(port), "INTERCOM_SECRET_KEY": OLD_SECRET}, timeout=run.start_timeout):
        client = BrowserlessClient(f"http://127.0.0.1:{port}")
        run.sign_in(client, first)
        home = client.get(run.page).body
        assert first.email in home and 'user_hash: "' in home and 'user_hash: ""' not in home  # what the upgrade takes away

    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--upgrade", *run.install)
    assert result.exit_code == 0, result.stderr
    port = free_port()
    with running_server(run.command(port), root, port, {**env, "PORT": str(port), "INTERCOM_IDENTITY_SECRET": SECRET}, timeout=run.start_timeout):  # nothing reads the old secret
        base = f"http://127.0.0.1:{port}"
        a, b = check_two_users(base, SECRET, first, second, run.sign_in, run.sign_out)
        assert a["user_id"] != b["user_id"]
        client = BrowserlessClient(base)
        run.sign_in(client, first)
        token_reply = client.get("/api/intercom-jwt", headers={"Accept": "application/json"}).body
        assert set(json.loads(token_reply)) == {"token"}
        replies = {run.page: client.get(run.page).body, run.script: client.get(run.script).body, "/api/intercom-jwt": token_reply}
        for path, body in replies.items():
            for leaked in ("user_hash", first.email, "intercomSettings =", "widget.intercom.io/widget/abc12345"):
                assert leaked not in body, f"{path} carries {leaked}"
        for kept in KEPT_SETTINGS:
            assert kept in replies[run.page], kept
        assert "window.intercomMessengerSettings = {" in replies[run.page]
