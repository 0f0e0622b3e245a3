"""`install --upgrade` of react-use-intercom, for real (issue 16): tests/fixtures/react_use_intercom_router_app
(Vite 5.4.8 + React 18.3.1 + react-router-dom 6.28.0, react-use-intercom booted with userId/email/name on page
load and on login, shutdown then an anonymous boot on logout, its own Express back end with two users) is
installed from npm and built with Vite before the wizard touches it; `install --upgrade` (the package manager
runs: jsonwebtoken, react-use-intercom ^5.5.0) converts it; the app is built again, served by its own
server.js, and `verify` with two users passes in Chromium: anonymous boot, JWT boot, the route-change update
the upgrade added, shutdown on logout, no user_hash and no boot with user attributes outside the JWT, and
distinct, stable user_ids (fry 21, bender 22) with a shutdown between them. Uninstall restores the app.

One npm install and two builds for the whole module (skipped without npm or Chromium, required in CI).
"""

import json
import os
import shutil

import pytest
from conftest import SECRET, WORKSPACE_ID, copy_app, git
from test_react import _npm, _own_output, _scaffold_files, _tools_missing, _wizard

from intercom_wizard.localserver import free_port, running_server

FIXTURE = "react_use_intercom_router_app"
USERS = ("fry@example.com:slurm", "bender@example.com:bite-my-shiny")


@pytest.fixture(scope="module")
def upgraded_app(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    missing = _tools_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing} (required in CI)")
        pytest.skip(missing)
    app = copy_app(FIXTURE, tmp_path_factory.mktemp("upgrade-react-router"), commit=False)
    _npm(app, "install", "--no-audit", "--no-fund", "--prefer-offline")
    _npm(app, "run", "build")  # the app builds before the wizard touches it
    shutil.rmtree(app / "dist")
    git(app, "init", "-q")
    git(app, "add", "-A")
    git(app, "commit", "-qm", "react-use-intercom app")
    before = _scaffold_files(app)
    upgraded = _wizard("install", str(app), "--workspace-id", WORKSPACE_ID, "--upgrade", "--yes")
    build = _npm(app, "run", "build")
    return app, before, upgraded, build


def _verify(app, *extra: str):  # type: ignore[no-untyped-def]
    port = free_port()
    with running_server(["node", "server.js"], app, port, {"PORT": str(port), "INTERCOM_IDENTITY_SECRET": SECRET}):
        arguments = ["verify", f"http://127.0.0.1:{port}/", "--workspace-id", WORKSPACE_ID, "--login-url", "/login",
                     "--logout-selector", "#logout", "--navigate", "/about", "--json", *extra]
        for user in USERS:
            arguments += ["--user", user]
        return _wizard(*arguments)


def test_upgrade_installs_the_jwt_release_and_builds(upgraded_app) -> None:  # type: ignore[no-untyped-def]
    app, _, upgraded, build = upgraded_app
    assert upgraded.returncode == 0, upgraded.stdout + upgraded.stderr
    assert upgraded.stderr.rstrip().endswith("result: complete"), upgraded.stderr
    version = json.loads((app / "node_modules/react-use-intercom/package.json").read_text())["version"]
    assert tuple(int(part) for part in version.split(".")[:2]) >= (5, 5)
    assert (app / "node_modules/jsonwebtoken/package.json").exists()
    assert "error" not in _own_output(build).lower(), _own_output(build)
    for path in [*(app / "dist").rglob("*"), *(app / "src").rglob("*")]:
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path


def test_upgraded_app_passes_verify_with_two_users_in_chromium(upgraded_app) -> None:  # type: ignore[no-untyped-def]
    app, _, _, _ = upgraded_app
    result = _verify(app)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    checks = {check["id"]: check["status"] for check in report["checks"]}
    assert checks == {"loader": "pass", "anonymous": "pass", "signed-in": "pass", "navigation": "pass", "logout": "pass",
                      "no-secrets": "pass", "identity": "pass", "page-visits": "skipped", "api": "skipped"}
    evidence = {check["id"]: "\n".join(check["evidence"]) for check in report["checks"]}
    assert '"user_id": "21"' in evidence["identity"] and '"user_id": "22"' in evidence["identity"]
    assert "shutdown between fry@example.com's boot and bender@example.com's" in evidence["identity"]
    assert "update call(s), first on /about" in evidence["navigation"]


def test_uninstall_restores_the_app(upgraded_app) -> None:  # type: ignore[no-untyped-def]
    app, before, _, _ = upgraded_app
    again = _wizard("install", str(app), "--workspace-id", WORKSPACE_ID, "--upgrade", "--yes")
    assert again.returncode == 0 and "Nothing to do" in again.stdout + again.stderr, again.stdout + again.stderr
    removed = _wizard("uninstall", str(app), "--yes")
    assert removed.returncode == 0, removed.stdout + removed.stderr
    # The lockfile is npm's: installing from the restored package.json gives back the locked tree.
    _npm(app, "install", "--no-audit", "--no-fund", "--prefer-offline")
    assert _scaffold_files(app) == before
