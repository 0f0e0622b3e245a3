"""Next.js 11 for real: the fixture next11_pages_app (Pages Router, our own writing) on next 11.1.4,
react/react-dom 17.0.2, with jose 4.15.9 and the SDK the wizard declares. It builds before the
install; after it (`useIntercomMessenger()` in pages/_app.js, the API route with jose 4) `next build`
passes, the served app boots the Messenger anonymously in Chromium (no navigation check: see the test)
and the route answers 401 to nobody; uninstall restores every byte. Then, with the fail-closed adapter filled in as its manual
step says, the route signs a token that PyJWT verifies with the secret (HS256, 2 h). Next.js 11's
webpack 5 hashes with MD4: on Node 17+ its own build and server need NODE_OPTIONS=--openssl-legacy-provider
(the app's environment, not the wizard's). Pins are in docs/versions.md."""

import json
import os
import shutil
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import jwt
import pytest
from conftest import SECRET, WORKSPACE_ID, copy_app, snapshot
from nextjs_support import registered
from rich.console import Console

from intercom_wizard.localserver import free_port, running_server
from intercom_wizard.verify import run_verification

TIMEOUT = 900
NODE_ENV = {**os.environ, "NODE_OPTIONS": "--openssl-legacy-provider", "NEXT_TELEMETRY_DISABLED": "1", "CI": "1"}
# The fail-closed adapter takes none of the (req, res) it is called with (an unused parameter fails a
# strict no-unused-vars lint)...
ADAPTER = "const getSignedInUser = async () => null;"
ADAPTER_CALL = "await getSignedInUser(req, res);"
# ...so the manual step is done as an app would: the signed-in user from its own cookie, taking `req`.
FILLED_ADAPTER = (
    "const getSignedInUser = async (req) => {\n  const id = req.cookies.session;\n"
    "  return id ? { id, email: `${id}@example.com`, name: 'Grace' } : null;\n};"
)


@pytest.fixture(autouse=True)
def _registered():  # type: ignore[no-untyped-def]
    with registered():
        yield


def _run(command: list[str], cwd: Path) -> str:
    result = subprocess.run(command, cwd=cwd, env=NODE_ENV, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return result.stdout + result.stderr


def _files(app: Path) -> dict[str, bytes]:
    return {path: data for path, data in snapshot(app).items() if not path.startswith((".next/", ".server.log"))}


def _get(url: str, cookie: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture(scope="module")
def next_11_app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("npm") is None or not Path("/usr/bin/chromium").exists():
        if os.environ.get("CI"):
            pytest.fail("needs npm and /usr/bin/chromium (required in CI)")
        pytest.skip("needs npm and /usr/bin/chromium")
    app = copy_app("next11_pages_app", tmp_path_factory.mktemp("next-11"))
    _run(["npm", "install", "--no-audit", "--no-fund", "--prefer-offline"], app)
    subprocess.run(["git", "add", "-A"], cwd=app, check=True)
    subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=T", "commit", "-qm", "lockfile"], cwd=app, check=True)
    assert json.loads((app / "node_modules/next/package.json").read_text())["version"] == "11.1.4"
    _run(["npx", "next", "build"], app)  # it builds before the wizard touches it
    return app


def test_next_11_builds_boots_and_uninstalls(next_11_app: Path, cli) -> None:  # type: ignore[no-untyped-def]
    app = next_11_app
    before = _files(app)
    installed = cli("install", str(app), "--workspace-id", WORKSPACE_ID, "--yes", "--auth", "cookie")
    assert installed.exit_code == 4, installed.output  # the fail-closed adapter is the one manual step
    assert json.loads((app / "node_modules/jose/package.json").read_text())["version"].startswith("4.")
    assert "useIntercomMessenger();" in (app / "pages/_app.js").read_text()
    log = _run(["npx", "next", "build"], app)
    assert "/api/intercom-jwt" in log, log[-2000:]
    assert not [p for p in (app / ".next/static").rglob("*") if p.is_file() and SECRET.encode() in p.read_bytes()]
    port = free_port()
    with running_server(["node_modules/.bin/next", "start", "-H", "127.0.0.1", "-p", str(port)], app, port,
                        {"INTERCOM_IDENTITY_SECRET": SECRET, "NODE_OPTIONS": "--openssl-legacy-provider"}):
        assert _get(f"http://127.0.0.1:{port}/api/intercom-jwt")[0] == 401
        # No `navigate`: verify's pushState + popstate carries no Next.js router state (`__N`), which the
        # Pages Router's popstate handler ignores, so only a click on a <Link> would change its route.
        report = run_verification(f"http://127.0.0.1:{port}/", workspace_id=WORKSPACE_ID, secret=SECRET)
    console = Console(width=160, record=True)
    report.render(console)
    assert report.exit_code == 0, console.export_text()
    assert cli("uninstall", str(app), "--yes").exit_code == 0
    _run(["npm", "install", "--no-audit", "--no-fund", "--prefer-offline"], app)  # npm prunes the SDK and jose
    after = _files(app)
    assert after == before, sorted(k for k in set(after) | set(before) if after.get(k) != before.get(k))


def test_next_11_route_signs_with_jose_4_once_the_adapter_is_filled(next_11_app: Path, cli) -> None:  # type: ignore[no-untyped-def]
    app = next_11_app
    installed = cli("install", str(app), "--workspace-id", WORKSPACE_ID, "--yes", "--auth", "cookie")
    assert installed.exit_code == 4, installed.output
    route = app / "pages/api/intercom-jwt.js"
    text = route.read_text()
    assert text.count(ADAPTER) == 1 and text.count(ADAPTER_CALL) == 1, text
    route.write_text(text.replace(ADAPTER, FILLED_ADAPTER))
    _run(["npx", "next", "build"], app)
    port = free_port()
    with running_server(["node_modules/.bin/next", "start", "-H", "127.0.0.1", "-p", str(port)], app, port,
                        {"INTERCOM_IDENTITY_SECRET": SECRET, "NODE_OPTIONS": "--openssl-legacy-provider"}):
        status, body = _get(f"http://127.0.0.1:{port}/api/intercom-jwt", cookie="session=u-1906")
        anonymous = _get(f"http://127.0.0.1:{port}/api/intercom-jwt")[0]
    assert status == 200, body
    assert anonymous == 401
    claims = jwt.decode(json.loads(body)["token"], SECRET, algorithms=["HS256"])
    assert claims["user_id"] == "u-1906" and claims["email"] == "u-1906@example.com"
    assert claims["exp"] - claims["iat"] == 2 * 60 * 60
