"""Two users signed in over HTTP: the tokens a back end signs must tell them apart, every time.

Each back end's runtime test gives how to sign in and out of its fixture app; `check_two_users`
signs in as A, then B (after signing out), then A again in a fresh client, and asserts that the
ids differ between the users and stay the same for one user, that each token verifies with the
secret, and that email and name are present when the app's user model has them.
"""

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jwt

from intercom_wizard.localserver import BrowserlessClient


@dataclass(frozen=True)
class AppUser:
    login: str
    password: str
    email: str | None = None  # expected in the token when the model has it
    name: str | None = None


SignIn = Callable[[BrowserlessClient, AppUser], None]
SignOut = Callable[[BrowserlessClient], None]


def form_sign_in_out(login: str = "/login", logout: str = "/logout", *, login_field: str = "email", csrf_from: tuple[str, str] | None = None) -> tuple[SignIn, SignOut]:
    """Sign-in by posting the app's login form (`login_field` + password), sign-out by posting to its
    logout route (the Express apps' shape: passport-local with `usernameField: 'email'`). `csrf_from`:
    the pages whose form carries the CSRF token to send back, for the login post and the logout post."""
    login_csrf, logout_csrf = csrf_from or (None, None)

    def sign_in(client: BrowserlessClient, user: AppUser) -> None:
        client.post_form(login, {login_field: user.login, "password": user.password}, csrf_from=login_csrf)

    def sign_out(client: BrowserlessClient) -> None:
        client.post_form(logout, {}, csrf_from=logout_csrf)

    return sign_in, sign_out


def token_claims(client: BrowserlessClient, secret: str, endpoint: str = "/api/intercom-jwt", headers: dict[str, str] | None = None) -> dict[str, object]:
    reply = client.get(endpoint, follow=False, headers={"Accept": "application/json", **(headers or {})})
    assert reply.status == 200, f"{reply.status}: {reply.body}"
    return jwt.decode(json.loads(reply.body)["token"], secret, algorithms=["HS256"], options={"require": ["user_id", "exp", "iat"]})


def assert_signed_out(client: BrowserlessClient, endpoint: str = "/api/intercom-jwt") -> None:
    reply = client.get(endpoint, follow=False, headers={"Accept": "application/json"})
    assert reply.status == 401, f"signed out must be 401, got {reply.status}: {reply.body}"


def check_two_users(base_url: str, secret: str, a: AppUser, b: AppUser, sign_in: SignIn, sign_out: SignOut, endpoint: str = "/api/intercom-jwt") -> tuple[dict, dict]:
    """A, sign out, B in the same browser, then A again in a new one: distinct, stable ids."""
    client = BrowserlessClient(base_url)
    assert_signed_out(client, endpoint)
    sign_in(client, a)
    first_a = token_claims(client, secret, endpoint)
    sign_out(client)
    assert_signed_out(client, endpoint)
    sign_in(client, b)
    claims_b = token_claims(client, secret, endpoint)
    again = BrowserlessClient(base_url)
    sign_in(again, a)
    second_a = token_claims(again, secret, endpoint)

    assert isinstance(first_a["user_id"], str) and first_a["user_id"] not in ("", "None", "null", "undefined", "nil")
    assert first_a["user_id"] != claims_b["user_id"], f"two users share user_id {first_a['user_id']!r}"
    assert first_a["user_id"] == second_a["user_id"], "the same user must keep the same user_id"
    for user, claims in ((a, first_a), (b, claims_b)):
        if user.email is not None:
            assert claims.get("email") == user.email, claims
        if user.name is not None:
            assert claims.get("name") == user.name, claims
    return first_a, claims_b


@dataclass(frozen=True)
class PhpPages:
    """A plain-PHP fixture's pages: where users register (and what it answers), sign in and sign out, and
    the sign-in form's field names. The signed-in page greets `Hello <login>`; a signed-out one offers `Sign in`."""

    register: str
    registered: str
    sign_in: str
    sign_out: str
    login_field: str
    password_field: str


def php_two_users(sessions: Path, root: Path, pages: PhpPages, a: AppUser, b: AppUser, secret: str) -> tuple[dict, dict]:
    """Serve `root` with `php -S` (sessions kept in `sessions`), register both users through the app's own
    page, then `check_two_users` over its sign-in and sign-out pages."""
    from intercom_wizard.localserver import free_port, running_server

    port = free_port()
    sessions.mkdir()
    command = [shutil.which("php") or "php", "-d", f"session.save_path={sessions}", "-S", f"127.0.0.1:{port}", "-t", str(root)]

    def sign_in(client: BrowserlessClient, user: AppUser) -> None:
        page = client.post_form(pages.sign_in, {pages.login_field: user.login, pages.password_field: user.password})
        assert f"Hello {user.login}" in page.body, page.body

    def sign_out(client: BrowserlessClient) -> None:
        assert "Sign in" in client.get(pages.sign_out).body

    with running_server(command, root, port, {"INTERCOM_IDENTITY_SECRET": secret}):
        base = f"http://127.0.0.1:{port}"
        for user in (a, b):
            answer = BrowserlessClient(base).post_form(pages.register, {pages.login_field: user.login, pages.password_field: user.password})
            assert pages.registered in answer.body, answer.body
        return check_two_users(base, secret, a, b, sign_in, sign_out)
