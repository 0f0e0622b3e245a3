"""`install --upgrade` of the official SDK in a Next.js client component, for real (issue 16):
tests/fixtures/next_sdk_intercom_app (Next.js 15.5.4 App Router, next-auth 4.24.11 credentials, React 19.1.1,
@intercom/messenger-js-sdk ^0.0.14, TypeScript 5.9.3; no next/font, so the build needs no network) is
installed from npm and built with `next build` before the wizard touches it; `install --upgrade` (npm runs:
jose) converts it; `next build` type-checks and builds it again; `next start` serves it. Two members sign in
through next-auth's own endpoints and get their JWTs from the new route handler (verified with PyJWT:
31 and 32, 401 signed out, no-store), and `verify` with both in Chromium passes every check: the lead boot,
the JWT boot, the route-change update the upgrade added (usePathname), the shutdown it put before next-auth's
signOut(), no user_hash and no boot with user attributes outside the JWT, distinct and stable user_ids.
Uninstall restores the app.

One npm install and two builds for the whole module (skipped without npm or Chromium, required in CI).
"""

import json
import os
import shutil

import jwt
import pytest
from conftest import SECRET, WORKSPACE_ID, copy_app, git
from test_react import _npm, _own_output, _tools_missing, _wizard

from intercom_wizard.localserver import BrowserlessClient, free_port, running_server
from intercom_wizard.tokens import check as check_token

FIXTURE = "next_sdk_intercom_app"
MEMBERS = {"hermes@example.com": ("limbo", "31", "Hermes Conrad"), "zoidberg@example.com": ("whoop", "32", "John Zoidberg")}
BUILD_OUTPUT = (".next/", "next-env.d.ts", ".server.log")


def _app_files(root):  # type: ignore[no-untyped-def]
    from conftest import snapshot

    return {path: data for path, data in snapshot(root).items() if not path.startswith(BUILD_OUTPUT)}


@pytest.fixture(scope="module")
def upgraded_app(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    missing = _tools_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing} (required in CI)")
        pytest.skip(missing)
    os.environ.setdefault("NEXT_TELEMETRY_DISABLED", "1")
    app = copy_app(FIXTURE, tmp_path_factory.mktemp("upgrade-next-sdk"), commit=False)
    _npm(app, "install", "--no-audit", "--no-fund", "--prefer-offline")
    _npm(app, "run", "build")  # the app builds before the wizard touches it
    shutil.rmtree(app / ".next")
    git(app, "init", "-q")
    git(app, "add", "-A")
    git(app, "commit", "-qm", "next sdk app")
    before = _app_files(app)
    upgraded = _wizard("install", str(app), "--workspace-id", WORKSPACE_ID, "--upgrade", "--yes")
    build = _npm(app, "run", "build")
    return app, before, upgraded, build


@pytest.fixture(scope="module")
def served(upgraded_app):  # type: ignore[no-untyped-def]
    app = upgraded_app[0]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # .env.local (written by the upgrade) gives `next start` the identity secret; next-auth needs its own.
    env = {"NEXTAUTH_URL": base, "NEXTAUTH_SECRET": "next-auth-test-session-secret-0123456789"}
    # next's own bin, not npx: stopping the server's PID must stop the server itself (npx leaves it running).
    with running_server([str(app / "node_modules/.bin/next"), "start", "-H", "127.0.0.1", "-p", str(port)], app, port, env):
        yield base


def _sign_in(base: str, email: str) -> BrowserlessClient:
    client = BrowserlessClient(base)
    csrf = json.loads(client.get("/api/auth/csrf").body)["csrfToken"]
    answer = client.request("/api/auth/callback/credentials", {"csrfToken": csrf, "email": email, "password": MEMBERS[email][0]}, follow=False)
    assert answer.status in (302, 303), answer.body
    return client


def test_upgrade_completes_and_next_build_type_checks_it(upgraded_app) -> None:  # type: ignore[no-untyped-def]
    app, _, upgraded, build = upgraded_app
    assert upgraded.returncode == 0, upgraded.stdout + upgraded.stderr
    assert upgraded.stderr.rstrip().endswith("result: complete"), upgraded.stderr
    output = _own_output(build)
    assert "Linting and checking validity of types" in output and "/api/intercom-jwt" in output, output
    assert (app / "node_modules/jose/package.json").exists()
    for path in (app / ".next/static").rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path


def test_two_members_get_their_own_tokens_from_the_route_handler(served) -> None:  # type: ignore[no-untyped-def]
    for email, (_, user_id, name) in MEMBERS.items():
        answer = _sign_in(served, email).get("/api/intercom-jwt")
        assert answer.status == 200, answer.body
        assert "no-store" in (answer.headers.get("Cache-Control") or "")
        claims = check_token(json.loads(answer.body)["token"], SECRET)
        assert (claims["user_id"], claims["email"], claims["name"]) == (user_id, email, name)
        with pytest.raises(jwt.InvalidSignatureError):
            jwt.decode(json.loads(answer.body)["token"], "not-" + SECRET, algorithms=["HS256"])
    assert BrowserlessClient(served).get("/api/intercom-jwt").status == 401


def test_upgraded_app_passes_verify_with_two_users_in_chromium(served) -> None:  # type: ignore[no-untyped-def]
    arguments = ["verify", served + "/", "--workspace-id", WORKSPACE_ID, "--login-url", "/api/auth/signin",
                 "--logout-selector", "#logout", "--navigate", "/notes", "--json"]
    for email, (password, _, _) in MEMBERS.items():
        arguments += ["--user", f"{email}:{password}"]
    result = _wizard(*arguments)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    checks = {check["id"]: check["status"] for check in report["checks"]}
    assert checks == {"loader": "pass", "anonymous": "pass", "signed-in": "pass", "navigation": "pass", "logout": "pass",
                      "no-secrets": "pass", "identity": "pass", "page-visits": "skipped", "api": "skipped"}
    identity = "\n".join(next(check["evidence"] for check in report["checks"] if check["id"] == "identity"))
    assert '"user_id": "31"' in identity and '"user_id": "32"' in identity
    assert "shutdown between hermes@example.com's boot and zoidberg@example.com's" in identity


def test_uninstall_restores_the_app(upgraded_app) -> None:  # type: ignore[no-untyped-def]
    app, before, _, _ = upgraded_app
    again = _wizard("install", str(app), "--workspace-id", WORKSPACE_ID, "--upgrade", "--yes")
    assert again.returncode == 0 and "Nothing to do" in again.stdout + again.stderr, again.stdout + again.stderr
    removed = _wizard("uninstall", str(app), "--yes")
    assert removed.returncode == 0, removed.stdout + removed.stderr
    after = _app_files(app)
    # uninstall ran npm to prune the lockfile, and npm lays the tree out as it likes (jose 4, which next-auth
    # needs, was hoisted before and is nested twice once the upgrade's jose 6 is pruned): the same packages
    # at the same versions, and every other file byte for byte.
    assert _locked(after.pop("package-lock.json")) == _locked(before["package-lock.json"])
    assert after == {path: data for path, data in before.items() if path != "package-lock.json"}


def _locked(lockfile: bytes) -> set[tuple[str, str | None]]:
    packages = json.loads(lockfile)["packages"]
    return {(path.rpartition("node_modules/")[2], entry.get("version")) for path, entry in packages.items() if path}
