"""FastAPI Jinja pages with no StaticFiles mount (the h10fastapi round).

Seen on fastapi-cookie-bearer-pages: `Jinja2Templates(directory="templates")` and no `app.mount(...)`.
fastapi/pages.py gave up ("no StaticFiles mount for the Messenger script, so no page was changed"),
so no page carried the Messenger. Now the wizard's own token router serves the script file written
beside it (a plain route, cacheable), the layout loads it, and uninstall removes both exactly.
Fixtures of our own writing (the app of test_corpus_fastapi_cookie_two_deep without its mount).
"""

import sys

from conftest import SECRET, install_and_check_uninstall, install_quietly
from test_corpus_fastapi_cookie_two_deep import FILES, MAIN, _project

from intercom_wizard.localserver import BrowserlessClient, free_port, running_server

PY = sys.executable
NO_MOUNT = {
    **{path: text for path, text in FILES.items() if not path.startswith("assets/")},
    "main.py": MAIN.replace('    app.mount("/assets", StaticFiles(directory="assets"), name="assets")\n', "").replace(
        "    from fastapi.staticfiles import StaticFiles\n", ""
    ),
}


def test_the_token_router_serves_the_script_when_the_app_mounts_no_static_folder(tmp_path, cli):
    assert "StaticFiles" not in NO_MOUNT["main.py"]
    root = _project(tmp_path / "club", NO_MOUNT)
    result, files = install_and_check_uninstall(cli, root, exit_code=0)  # was exit 4: no page changed
    assert "intercom-messenger.js" in files
    assert '<script src="/intercom-messenger.js"' in files["pages/base.html"]
    module = files["intercom_jwt.py"]
    assert 'MESSENGER_SCRIPT = Path(__file__).parent / "intercom-messenger.js"' in module
    assert "no page was changed" not in result.stderr

    assert install_quietly(cli, root).exit_code == 0
    port = free_port()
    command = [PY, "-m", "uvicorn", "main:app", "--host", "127.0.0.1", "--port", str(port)]
    with running_server(command, root, port, {"INTERCOM_IDENTITY_SECRET": SECRET}):
        client = BrowserlessClient(f"http://127.0.0.1:{port}")
        page = client.get("/")
        script = client.get("/intercom-messenger.js")
    assert page.status == 200 and '<script src="/intercom-messenger.js"' in page.body
    assert script.status == 200
    assert script.body == (root / "intercom-messenger.js").read_text()
    assert SECRET not in script.body
