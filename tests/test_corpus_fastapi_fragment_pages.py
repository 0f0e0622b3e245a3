"""FastAPI Jinja pages that are all fragments (the h10fastapi round).

Seen on fastapi-cookie-bearer-pages: no template has `<html>`/`<body>` or extends a layout; each page
prints a fragment and ends with `{% include '_site_map.html' %}`, and the browser supplies `<body>`.
No layout was found, so no page carried the Messenger. Now the tag goes into the partial that every
template the app renders (`TemplateResponse(...)`) includes outside any condition; without such a
partial, a manual step names each rendered template. Fixtures of our own writing (the app of
test_corpus_fastapi_cookie_two_deep, with fragment pages and no StaticFiles mount).
"""

import json
import sys

from conftest import SECRET, WORKSPACE_ID, install_and_check_uninstall, install_quietly
from test_corpus_fastapi_cookie_two_deep import _project
from test_corpus_fastapi_pages_no_mount import NO_MOUNT

from intercom_wizard.localserver import BrowserlessClient, free_port, running_server

PY = sys.executable
TAG = '<script src="/intercom-messenger.js" defer></script>'
FRAGMENTS = {
    **{path: text for path, text in NO_MOUNT.items() if not path.startswith("pages/")},
    "main.py": NO_MOUNT["main.py"]
    + """

    @app.get("/about")
    def about(request: Request):
        return pages.TemplateResponse(request, "about.html", {})
""",
    "pages/home.html": """
        <h1>{% if member %}Hello {{ member.username }}{% else %}Hello visitor{% endif %}</h1>
        {% include "_links.html" %}
    """,
    "pages/about.html": """
        <h1>About the club</h1>
        {% include "_links.html" %}
    """,
    "pages/_links.html": """
        <a href="/">Home</a> | <a href="/about">About</a> | <a href="/sign-out">Sign out</a>
    """,
}


def test_the_partial_every_rendered_page_includes_carries_the_script(tmp_path, cli):
    root = _project(tmp_path / "club", FRAGMENTS)
    _, files = install_and_check_uninstall(cli, root, exit_code=0)  # was exit 4: no page carried the script
    assert files["pages/_links.html"].rstrip().endswith(TAG)
    assert TAG not in files["pages/home.html"] and TAG not in files["pages/about.html"]

    assert install_quietly(cli, root).exit_code == 0
    port = free_port()
    command = [PY, "-m", "uvicorn", "main:app", "--host", "127.0.0.1", "--port", str(port)]
    with running_server(command, root, port, {"INTERCOM_IDENTITY_SECRET": SECRET}):
        client = BrowserlessClient(f"http://127.0.0.1:{port}")
        bodies = [client.get(path).body for path in ("/", "/about")]
        assert client.get("/intercom-messenger.js").status == 200
    assert all(body.count(TAG) == 1 for body in bodies)


def test_a_partial_one_page_includes_only_conditionally_is_not_proof(tmp_path, cli):
    files = dict(FRAGMENTS)
    files["pages/about.html"] = """
        <h1>About the club</h1>
        {% if member %}{% include "_links.html" %}{% endif %}
    """
    root = _project(tmp_path / "club", files)
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install", "--json")
    assert result.exit_code == 4, result.stderr
    assert TAG not in (root / "pages/_links.html").read_text()
    named = {step["file"] for step in json.loads(result.stdout)["manual_steps"] if "Messenger script" in step["instruction"]}
    assert named == {"pages/about.html", "pages/home.html"}
