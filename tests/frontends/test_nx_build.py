"""Tier 3 for an Nx integrated repo: the fixture tests/fixtures/nx_react_express with Nx and its
plugins installed by npm (the versions its package.json pins), `nx build` of both apps before and
after the install, the built Express API run on 127.0.0.1 (sign in, token, sign out), and an
uninstall that restores every byte (package-lock.json included)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import jwt
import pytest
from conftest import SECRET, WORKSPACE_ID, snapshot

from intercom_wizard.localserver import BrowserlessClient, free_port, running_server

pytestmark = pytest.mark.skipif(shutil.which("npm") is None, reason="needs Node.js and npm")
NX_ENV = {"NX_DAEMON": "false", "NX_NO_CLOUD": "true", "NX_SKIP_NX_CACHE": "true"}


def _run(root: Path, *command: str) -> None:
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False, env={**os.environ, **NX_ENV})
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"


def _build(root: Path) -> None:
    for project in ("api", "web"):
        _run(root, "npx", "nx", "build", project, "--skip-nx-cache")


def _clean(root: Path) -> None:
    """What the builds and the server leave (all git-ignored or ours): not part of the byte comparison."""
    for generated in ("dist", ".nx"):
        shutil.rmtree(root / generated, ignore_errors=True)
    (root / ".server.log").unlink(missing_ok=True)


def test_nx_builds_before_and_after_and_the_api_signs_tokens(app_copy, cli) -> None:  # type: ignore[no-untyped-def]
    root = app_copy("nx_react_express", commit=False)
    _run(root, "npm", "install", "--no-audit", "--no-fund", "--loglevel=error")
    _build(root)
    _clean(root)
    for command in (("init", "-q"), ("add", "-A"), ("commit", "-qm", "fixture")):
        subprocess.run(["git", *command], cwd=root, check=True, capture_output=True)
    original = snapshot(root)
    # Without --no-install: npm adds jsonwebtoken and the SDK to the workspace root's node_modules.
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes")
    assert result.exit_code == 0, result.stderr
    _build(root)
    built = [path for path in (root / "dist").rglob("*") if path.is_file()]
    assert built and not [path for path in built if SECRET.encode() in path.read_bytes()]
    port = free_port()
    env = {"PORT": str(port), "HOST": "127.0.0.1", "INTERCOM_IDENTITY_SECRET": SECRET}
    with running_server(["node", "dist/apps/api/main.js"], root, port, env):
        client = BrowserlessClient(f"http://127.0.0.1:{port}")
        assert client.get("/api/intercom-jwt", follow=False).status == 401
        for email, password, user_id in (("ada@example.com", "ada-password", "1"), ("alan@example.com", "alan-password", "2")):
            login = client.request("/api/login", headers={"Content-Type": "application/json"}, body=json.dumps({"email": email, "password": password}).encode())
            assert login.status == 200, login.body
            signed_in = client.get("/api/intercom-jwt")
            assert signed_in.status == 200, signed_in.body
            assert "no-store" in signed_in.headers["Cache-Control"]
            claims = jwt.decode(json.loads(signed_in.body)["token"], SECRET, algorithms=["HS256"])
            assert claims["user_id"] == user_id
            client.request("/api/logout", headers={"Content-Type": "application/json"}, body=b"{}")
            assert client.get("/api/intercom-jwt", follow=False).status == 401
    _clean(root)
    removed = cli("uninstall", str(root), "--yes")
    assert removed.exit_code == 0, removed.stderr
    assert snapshot(root) == original
