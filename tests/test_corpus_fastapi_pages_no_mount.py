"""FastAPI Jinja pages with no StaticFiles mount (the h10fastapi round).

Seen on fastapi-cookie-bearer-pages: `Jinja2Templates(directory="templates")` and no `app.mount(...)`.
fastapi/pages.py gave up ("no StaticFiles mount for the Messenger script, so no page was changed"),
so no page carried the Messenger. Now the wizard's own token router serves the script file written
beside it (a plain route, cacheable), the layout loads it, and uninstall removes both exactly.
Fixtures of our own writing (the app of test_corpus_fastapi_cookie_two_deep without its mount).
"""

import json
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


def test_without_sign_in_the_pages_load_the_script_from_a_folder_the_step_mounts(tmp_path, cli):
    """No sign-in: no token router is written to serve the script. Before: no page changed and the install
    said anonymous-only (exit 0); now the layout loads /static/intercom-messenger.js and one step names the
    mount (exit 4); done as written, the page and the script are served."""
    files = {
        "requirements.txt": "fastapi\nuvicorn\njinja2\n",
        "main.py": """
            from fastapi import FastAPI, Request
            from fastapi.templating import Jinja2Templates

            app = FastAPI()
            pages = Jinja2Templates(directory="pages")


            @app.get("/")
            def home(request: Request):
                return pages.TemplateResponse(request, "home.html", {})
        """,
        "pages/home.html": "<!DOCTYPE html>\n<html><body>\n<h1>Club news</h1>\n</body></html>\n",
    }
    root = _project(tmp_path / "news", files)
    _, installed = install_and_check_uninstall(cli, root, exit_code=4)
    assert '<script src="/static/intercom-messenger.js" defer></script>' in installed["pages/home.html"]
    assert "static/intercom-messenger.js" in installed

    result = install_quietly(cli, root, "--json")
    assert result.exit_code == 4, result.stderr
    [step] = json.loads(result.stdout)["manual_steps"]
    assert step["file"] == "main.py"
    assert 'app.mount("/static", StaticFiles(directory="static"), name="static")' in step["snippet"]
    main = root / "main.py"
    main.write_text(main.read_text().replace("app = FastAPI()\n", "app = FastAPI()\n" + step["snippet"] + "\n"))
    port = free_port()
    command = [PY, "-m", "uvicorn", "main:app", "--host", "127.0.0.1", "--port", str(port)]
    with running_server(command, root, port, {}):
        client = BrowserlessClient(f"http://127.0.0.1:{port}")
        page, script = client.get("/"), client.get("/static/intercom-messenger.js")
    assert page.status == 200 and '<script src="/static/intercom-messenger.js" defer></script>' in page.body
    assert script.status == 200 and script.body == (root / "static/intercom-messenger.js").read_text()
