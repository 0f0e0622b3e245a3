"""The honest result: every install ends `complete` (exit 0), `incomplete` (exit 4: each missing
part a manual step naming an existing file) or `anonymous-only` (exit 0: an app without sign-in),
printed as the last line and given in --json as "result"; --dry-run reports the same result.

Fixtures of our own:
- vite_react_no_sign_in, next_app_no_sign_in: fresh create-vite / create-next-app shapes, no sign-in
  -> anonymous-only: no token endpoint, no token request, no login/logout steps, no JWT library.
- express_brochure_no_sign_in: a server-rendered site nobody signs in to -> anonymous-only.
- fastapi_html_response_app: pages are HTMLResponse strings -> the tag goes into the string, the
  script is served from the app's StaticFiles mount, and two members get their own ids (TestClient);
  without a static mount the result is incomplete, with the exact mount line for main.py.
- express_send_html_app: pages sent with res.send('<html>...') -> the tag goes into each string.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import jwt
import pytest
from conftest import FIXTURES, SECRET, WORKSPACE_ID, copy_app, install_and_check_uninstall, install_quietly

PY = sys.executable


def last_line(result) -> str:  # type: ignore[no-untyped-def]
    return result.stderr.rstrip().splitlines()[-1]


def every_step_names_an_existing_file(root: Path, steps: list[dict]) -> None:
    for step in steps:
        assert (root / step["file"]).is_file(), f"manual step names {step['file']!r}, which does not exist"
        assert "your base layout" not in step["file"] and step["snippet"].strip()


# -- anonymous-only --------------------------------------------------------------------------------


def test_vite_react_scaffold_without_sign_in_is_anonymous_only(tmp_path, cli):
    root = copy_app("vite_react_no_sign_in", tmp_path)
    result, after = install_and_check_uninstall(cli, root, exit_code=0)
    assert result.exit_code == 0, result.stderr
    assert last_line(result) == "result: anonymous-only - the app has no sign-in, so every visitor is a lead."
    core = after["src/intercom/messenger.ts"]
    assert "const TOKEN_URL: string | null = null" in core  # written in the scaffold's style (no semicolons)
    assert "intercomLogin" not in after["src/main.tsx"] and "manual step" not in result.stderr
    assert '"@intercom/messenger-js-sdk"' in after["package.json"] and "jsonwebtoken" not in after["package.json"]
    assert "add sign-in to the app, then run `intercom-wizard uninstall` and install again" in result.stderr


def test_next_app_scaffold_without_sign_in_has_no_token_route(tmp_path, cli):
    root = copy_app("next_app_no_sign_in", tmp_path)
    result, after = install_and_check_uninstall(cli, root, exit_code=0)
    assert result.exit_code == 0, result.stderr
    assert last_line(result).startswith("result: anonymous-only")
    assert not [path for path in after if "intercom-jwt" in path or path.endswith("route.ts")]
    assert '"jose"' not in after["package.json"] and ".env.local" not in after
    assert "const TOKEN_URL: string | null = null;" in after["lib/intercom-messenger.ts"]
    assert "<IntercomMessenger />" in after["app/layout.tsx"]


def test_server_rendered_site_without_sign_in_is_anonymous_only(tmp_path, cli):
    root = copy_app("express_brochure_no_sign_in", tmp_path)
    before = (root / "server.js").read_text()
    result, after = install_and_check_uninstall(cli, root, exit_code=0)
    assert result.exit_code == 0, result.stderr
    assert last_line(result).startswith("result: anonymous-only")
    assert after["server.js"] == before and "intercom-jwt.js" not in after
    assert "var TOKEN_URL = null;" in after["public/intercom-messenger.js"]
    assert '<script src="/intercom-messenger.js" defer></script>\n</body>' in after["views/index.ejs"]
    json_result = install_quietly(cli, copy_app("express_brochure_no_sign_in", tmp_path / "again"), "--json")
    assert json.loads(json_result.stdout)["result"] == "anonymous-only" and json_result.exit_code == 0


# -- pages returned as strings ---------------------------------------------------------------------


def test_fastapi_html_response_pages_get_the_script_and_sign_two_members(tmp_path, cli):
    pytest.importorskip("multipart")
    pytest.importorskip("itsdangerous")
    root = copy_app("fastapi_html_response_app", tmp_path)
    result, after = install_and_check_uninstall(cli, root, exit_code=0)
    assert result.exit_code == 0, result.stderr
    assert last_line(result) == "result: complete"
    assert "<script src=/assets/intercom-messenger.js defer></script></body>" in after["main.py"]
    assert "static/intercom-messenger.js" in after
    install_quietly(cli, root)
    program = """
import json
from fastapi.testclient import TestClient
import main
result = {}
for email, password in (("pam@example.com", "art-school"), ("jim@example.com", "big-tuna")):
    client = TestClient(main.app)
    page = client.get("/").text
    result["page"] = page
    result["script"] = client.get("/assets/intercom-messenger.js").status_code
    result["signed_out"] = client.get("/api/intercom-jwt").status_code
    client.post("/login", data={"email": email, "password": password})
    result[email] = client.get("/api/intercom-jwt").json()["token"]
print(json.dumps(result))
"""
    completed = subprocess.run(
        [PY, "-c", program], cwd=root, capture_output=True, text=True, timeout=120, env={"INTERCOM_IDENTITY_SECRET": SECRET, "PATH": "/usr/bin:/bin"}
    )
    assert completed.returncode == 0, completed.stderr
    seen = json.loads(completed.stdout.strip().splitlines()[-1])
    assert "<script src=/assets/intercom-messenger.js defer></script></body>" in seen["page"]
    assert seen["script"] == 200 and seen["signed_out"] == 401
    pam = jwt.decode(seen["pam@example.com"], SECRET, algorithms=["HS256"])
    jim = jwt.decode(seen["jim@example.com"], SECRET, algorithms=["HS256"])
    assert (pam["user_id"], jim["user_id"]) == ("21", "22")


def test_fastapi_html_response_without_a_static_mount_is_incomplete(tmp_path, cli):
    root = copy_app("fastapi_html_response_app", tmp_path, commit=False)
    main = root / "main.py"
    mount = 'app.mount("/assets", StaticFiles(directory=os.path.join(os.path.dirname(__file__), "static")), name="assets")\n'
    assert mount in main.read_text()
    main.write_text(main.read_text().replace(mount, ""))
    result = install_quietly(cli, root, "--json")
    assert result.exit_code == 4, result.stderr
    report = json.loads(result.stdout)
    assert report["result"] == "incomplete"
    every_step_names_an_existing_file(root, report["manual_steps"])
    assert [step["file"] for step in report["manual_steps"]] == ["main.py"]
    assert 'app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")' in report["manual_steps"][0]["snippet"]
    assert "<script src=/static/intercom-messenger.js defer></script></body>" in main.read_text()


def test_express_res_send_pages_get_the_script(tmp_path, cli):
    root = copy_app("express_send_html_app", tmp_path)
    result, after = install_and_check_uninstall(cli, root, exit_code=0)
    assert result.exit_code == 0, result.stderr
    assert last_line(result) == "result: complete"
    server = after["server.js"]
    assert "'<script src=/intercom-messenger.js defer></script></body></html>'" in server  # the layout() string
    assert "<script src=/intercom-messenger.js defer></script></body>\n</html>`);" in server  # the login page
    assert "public/intercom-messenger.js" in after and "intercom-jwt.js" in after
    if shutil.which("node"):
        (tmp_path / "check.js").write_text(server)
        assert subprocess.run(["node", "--check", str(tmp_path / "check.js")], capture_output=True).returncode == 0


# -- incomplete ------------------------------------------------------------------------------------


def _without_static_folder(root: Path, *, es_module: bool) -> None:
    """express_send_html_app without its express.static(); as an ES module (no `__dirname` for the token
    route's module to serve the script from), the script cannot be served without a manual step."""
    server = root / "server.js"
    text = server.read_text().replace("app.use(express.static('public'));\n", "")
    if es_module:
        for name, module in (("crypto", "crypto"), ("express", "express"), ("session", "express-session")):
            text = text.replace(f"const {name} = require('{module}');", f"import {name} from '{module}';")
        manifest = root / "package.json"
        manifest.write_text(manifest.read_text().replace('"private": true,', '"private": true,\n  "type": "module",'))
    server.write_text(text)


def test_page_not_served_by_a_common_js_app_is_served_by_the_token_route(tmp_path, cli):
    """express_send_html_app without its express.static(): the token route's module serves the script."""
    root = copy_app("express_send_html_app", tmp_path, commit=False)
    _without_static_folder(root, es_module=False)
    result = install_quietly(cli, root, "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["manual_steps"] == []
    assert "router.get('/intercom-messenger.js'" in (root / "intercom-jwt.js").read_text()


def test_page_not_served_by_the_app_is_incomplete_and_names_the_server_file(tmp_path, cli):
    """express_send_html_app without its express.static(), as an ES module: the script could not be served."""
    root = copy_app("express_send_html_app", tmp_path, commit=False)
    _without_static_folder(root, es_module=True)
    result = install_quietly(cli, root, "--json")
    assert result.exit_code == 4, result.stderr
    report = json.loads(result.stdout)
    assert report["result"] == "incomplete"
    every_step_names_an_existing_file(root, report["manual_steps"])
    assert "express.static" in report["manual_steps"][0]["snippet"]


def test_dry_run_reports_the_result_the_install_would_have(tmp_path, cli):
    root = copy_app("express_send_html_app", tmp_path, commit=False)
    _without_static_folder(root, es_module=True)
    text = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--dry-run")
    assert text.exit_code == 4 and last_line(text).startswith("result: would be incomplete - 1 part left to do by hand")
    as_json = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--dry-run", "--json")
    assert as_json.exit_code == 4 and json.loads(as_json.stdout)["result"] == "incomplete"
    complete = cli("install", str(copy_app("express_send_html_app", tmp_path / "b")), "--workspace-id", WORKSPACE_ID, "--dry-run")
    assert complete.exit_code == 0 and last_line(complete) == "result: would be complete"


def test_cookies_to_an_api_that_reads_an_authorization_header_is_incomplete(tmp_path, cli):
    root = copy_app("flask_jwt_api", tmp_path, commit=False)
    result = install_quietly(cli, root, "--auth", "cookie", "--json")
    assert result.exit_code == 4, result.stderr
    report = json.loads(result.stdout)
    assert report["result"] == "incomplete"
    every_step_names_an_existing_file(root, report["manual_steps"])
    assert any("--auth bearer" in step["snippet"] for step in report["manual_steps"])


def test_a_package_manager_failure_is_incomplete(tmp_path, cli, monkeypatch):
    import intercom_wizard.packages as packages

    monkeypatch.setattr(packages, "run_install", lambda root, change: (False, "npm ERR! 404 Not Found"))
    root = copy_app("express_send_html_app", tmp_path)
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes")
    assert result.exit_code == 4, result.stderr
    assert "result: incomplete" in last_line(result)
    assert "package.json: npm install failed" in result.stderr
    skipped = cli("install", str(copy_app("express_send_html_app", tmp_path / "b")), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install")
    assert skipped.exit_code == 0 and last_line(skipped) == "result: complete"


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_every_manual_step_names_a_file_of_the_project(name, tmp_path, cli):
    """Whatever a fixture needs by hand, the step names a file that exists (or that the install writes)."""
    root = copy_app(name, tmp_path, commit=False)
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--dry-run", "--json")
    if result.exit_code not in (0, 4):
        pytest.skip(f"{name} is not installable as it is (exit {result.exit_code}): {result.stderr.strip()[:200]}")
    report = json.loads(result.stdout)
    created = {change["path"] for change in report["changes"] if change["action"] == "create"}
    for step in report["manual_steps"]:
        assert (root / step["file"]).is_file() or step["file"] in created, step
    assert result.exit_code == (4 if report["result"] == "incomplete" else 0)
    assert report["result"] == ("incomplete" if report["manual_steps"] else report["result"])


def test_auth_option_says_the_app_signs_in_where_no_evidence_was_found(tmp_path, cli):
    """--auth overrides the evidence search: the endpoint is planned, and as no sign-in is recognised
    its user lookup is a fail-closed adapter to fill in, so the result is incomplete."""
    root = copy_app("express_brochure_no_sign_in", tmp_path, commit=False)
    result = install_quietly(cli, root, "--auth", "cookie", "--json")
    assert result.exit_code == 4, result.stderr
    report = json.loads(result.stdout)
    assert report["result"] == "incomplete"
    assert "intercom-jwt.js" in {change["path"] for change in report["changes"]}
    every_step_names_an_existing_file(root, report["manual_steps"])


def test_static_pages_with_a_login_form_and_no_back_end_are_incomplete(tmp_path, cli):
    """The sign-in happens on a server this project does not contain: nobody could be identified."""
    root = copy_app("static_site", tmp_path, commit=False)
    page = root / "index.html"
    page.write_text(page.read_text().replace("</body>", '<form action="/session" method="post"><input type="password" name="pw"></form>\n</body>', 1))
    result = install_quietly(cli, root, "--json")
    assert result.exit_code == 4, result.stderr
    report = json.loads(result.stdout)
    assert report["result"] == "incomplete"
    assert [step["file"] for step in report["manual_steps"]] == ["index.html"]
    assert "var TOKEN_URL = null;" in (root / "intercom-messenger.js").read_text()
