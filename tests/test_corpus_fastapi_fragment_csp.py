"""FastAPI fragment pages under a nonce-based Content Security Policy (issue 10 leftover, i10fastapi).

test_corpus_fastapi_fragment_pages puts the Messenger tag into the partial every rendered page includes
(pages are fragments: no layout, no `</body>`). That tag had no nonce, while every other page-tag path
prints the app's own per-request nonce (`request.state.csp_nonce` a middleware sets): under a policy
whose script-src is `'nonce-…' 'strict-dynamic'`, Chromium refused the script and the Messenger never
loaded. Now the partial's tag prints it as the layouts' does; a partial some page includes `without
context` cannot see the request, so each page is named in a manual step with the nonced tag instead.
Fixtures of our own writing (the club app of test_corpus_fastapi_fragment_pages, with a CSP middleware).
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import SECRET, WORKSPACE_ID, copy_app, git, install_and_check_uninstall, install_quietly, write_files
from test_corpus_fastapi_cookie_two_deep import _project
from test_corpus_fastapi_fragment_pages import FRAGMENTS
from test_corpus_fastapi_pages_no_mount import NO_MOUNT

from intercom_wizard import csp
from intercom_wizard.localserver import BrowserlessClient, free_port, running_server
from intercom_wizard.options import Region

sys.path.insert(0, str(Path(__file__).parent / "verify"))
from verify_support import require_chromium

PY = sys.executable
NONCED_TAG = '<script src="/intercom-messenger.js" nonce="{{ request.state.csp_nonce }}" defer></script>'
# A strict policy (Google's strict CSP: a nonce and 'strict-dynamic' in script-src), with the Messenger's
# hosts in the other directives as the install's next steps list them.
POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'nonce-{nonce}' 'strict-dynamic'",
        "object-src 'none'",
        "base-uri 'self'",
        *(f"{name} 'self' {' '.join(sources)}" for name, sources in csp.intercom_sources(Region.US).items() if name != "script-src"),
    ]
)
CSP_MIDDLEWARE = f'''

    @app.middleware("http")
    async def content_security_policy(request: Request, call_next):
        request.state.csp_nonce = secrets.token_urlsafe(16)
        response = await call_next(request)
        policy = {POLICY!r}
        response.headers["Content-Security-Policy"] = policy.replace("{{nonce}}", request.state.csp_nonce)
        return response


    @app.get("/login")
    def login_page(request: Request):
        return pages.TemplateResponse(request, "login.html", {{}})
'''
FILES = {
    **FRAGMENTS,
    "main.py": FRAGMENTS["main.py"].replace("    from dataclasses import dataclass\n", "    import secrets\n    from dataclasses import dataclass\n")
    + CSP_MIDDLEWARE,
    "pages/login.html": """
        <form method="post" action="/sign-in">
          <input name="username"> <input name="password" type="password"> <button type="submit">Sign in</button>
        </form>
        {% include "_links.html" %}
    """,
}


def test_the_partials_tag_prints_the_requests_nonce_and_matches_the_policy(tmp_path: Path, cli) -> None:
    root = _project(tmp_path / "club", FILES)
    result, files = install_and_check_uninstall(cli, root, "--csp-nonce", exit_code=0)  # was: a tag the policy refuses
    assert files["pages/_links.html"].rstrip().endswith(NONCED_TAG)
    output = " ".join(result.stderr.split())
    assert "carries the request's CSP nonce, made by request.state.csp_nonce (main.py)" in output
    assert "Content Security Policy: allow Intercom" in output

    assert install_quietly(cli, root).exit_code == 0  # without --csp-nonce too: the app makes a nonce
    port = free_port()
    command = [PY, "-m", "uvicorn", "main:app", "--host", "127.0.0.1", "--port", str(port)]
    with running_server(command, root, port, {"INTERCOM_IDENTITY_SECRET": SECRET}):
        client = BrowserlessClient(f"http://127.0.0.1:{port}")
        answers = [client.get(path) for path in ("/", "/about", "/login")]
    for answer in answers:
        nonce = re.search(r"'nonce-([^']+)'", answer.headers["Content-Security-Policy"])
        assert nonce is not None
        assert answer.body.count(f'<script src="/intercom-messenger.js" nonce="{nonce.group(1)}" defer></script>') == 1, answer.body
    assert len({answer.headers["Content-Security-Policy"] for answer in answers}) == 3  # a nonce per request


def test_a_partial_included_without_context_is_not_given_the_nonce(tmp_path: Path, cli) -> None:
    """`request` is undefined in it, so `{{ request.state.csp_nonce }}` would fail every page: each
    page (which has the request) is named, with the nonced tag; no file carries a tag that would 500."""
    files = dict(FILES)
    for page in ("pages/home.html", "pages/about.html", "pages/login.html"):
        files[page] = files[page].replace('{% include "_links.html" %}', '{% include "_links.html" without context %}')
    root = _project(tmp_path / "club", files)
    result = install_quietly(cli, root, "--json")
    assert result.exit_code == 4, result.stderr
    assert "intercom-messenger.js" not in (root / "pages/_links.html").read_text()
    steps = [step for step in json.loads(result.stdout)["manual_steps"] if "Messenger script" in step["instruction"]]
    assert {step["file"] for step in steps} == {"pages/about.html", "pages/home.html", "pages/login.html"}
    assert all(step["snippet"] == NONCED_TAG for step in steps)


def test_without_a_nonce_the_partials_tag_stays_plain(tmp_path: Path, cli) -> None:
    """The control: the same pages with no middleware making a nonce keep the tag as before."""
    root = _project(tmp_path / "club", FRAGMENTS)
    _, files = install_and_check_uninstall(cli, root, exit_code=0)
    assert files["pages/_links.html"].rstrip().endswith('<script src="/intercom-messenger.js" defer></script>')


# --- the policy enforced by a real browser ----------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from intercom_wizard.verify import launched_browser

    require_chromium()
    with launched_browser() as launched:
        yield launched


def _verify_club(root: Path, browser: object, *, signed_in: bool = True) -> Any:
    """verify: signed out, then (`signed_in`) carol and dave signed in, navigating and signing out."""
    from intercom_wizard.verify import Logout, SignIn, run_verification

    users = (SignIn(login_url="/login", username="carol", password="pw-carol-123"), SignIn(login_url="/login", username="dave", password="pw-dave-123"))
    port = free_port()
    command = [PY, "-m", "uvicorn", "main:app", "--host", "127.0.0.1", "--port", str(port)]
    with running_server(command, root, port, {"INTERCOM_IDENTITY_SECRET": SECRET}):
        return run_verification(
            f"http://127.0.0.1:{port}/",
            workspace_id=WORKSPACE_ID,
            secret=SECRET,
            browser=browser,
            users=users if signed_in else (),
            logout=Logout(url="/sign-out") if signed_in else None,
            navigate="/about" if signed_in else None,
        )


def test_the_policy_enforced_in_chromium_lets_the_messenger_load_and_sign_in(tmp_path: Path, cli, browser: object) -> None:
    root = _project(tmp_path / "club", FILES)
    assert install_quietly(cli, root, "--csp-nonce").exit_code == 0
    report = _verify_club(root, browser)
    assert report.passed, report.dumps()


def test_the_same_policy_blocks_the_partials_tag_without_its_nonce(tmp_path: Path, cli, browser: object) -> None:
    """The control: the tag as the fragment path wrote it before (no nonce). Chromium refuses it."""
    root = _project(tmp_path / "club", FILES)
    assert install_quietly(cli, root).exit_code == 0
    partial = root / "pages/_links.html"
    partial.write_text(partial.read_text().replace(' nonce="{{ request.state.csp_nonce }}"', ""))
    report = _verify_club(root, browser, signed_in=False)  # the first page decides: no sign-in to wait through
    assert "loader" in report.failed_checks, report.dumps()
    loader = "\n".join(report.check("loader").evidence)
    assert "CSP blocked" in loader and "/intercom-messenger.js" in loader and "nonce" in loader, loader


# --- the same rule on plain PHP's output-end pages (the shared tag path) ---------------------------


def test_php_pages_that_end_their_output_print_the_nonce_in_their_scope(tmp_path: Path, cli) -> None:
    """index.php requires the bootstrap that makes $cspNonce, so the tag ending its output prints it;
    signup.php has no nonce in scope and keeps the plain tag (before: both plain)."""
    if shutil.which("php") is None:
        pytest.skip("needs php")
    files = {
        "bootstrap.php": "<?php\n$cspNonce = base64_encode(random_bytes(16));\nsession_start();\n",
        "index.php": "<?php\nrequire_once 'bootstrap.php';\nif (isset($_SESSION['member_id'])) {\n    include 'views/home.php';\n}"
        " else {\n    include('views/login.php');\n}\n",
        "signup.php": "<?php\nsession_start();\n?>\n<form method=\"post\"><input name=\"email\"></form>\n",
        "pages/login.php": "<?php\nfunction sign_in($db, $email, $password) {\n    $member = $db->query('SELECT id, email FROM members')->fetch();\n"
        "    if ($member && password_verify($password, 'x')) {\n        $_SESSION['member_id'] = $member['id'];\n    }\n}\n",
        "views/home.php": "<h1>Hello</h1>\n",
        "views/login.php": "<form method=\"post\"><input name=\"email\"><input type=\"password\" name=\"password\"></form>\n",
    }
    root = _project(tmp_path / "site", files)
    _, after = install_and_check_uninstall(cli, root, exit_code=0)
    nonced = '<script src="/intercom-messenger.js" nonce="<?= htmlspecialchars($cspNonce, ENT_QUOTES) ?>" defer></script>\n'
    assert after["index.php"].endswith("}\n?>\n" + nonced)
    assert after["signup.php"].endswith('</form>\n<script src="/intercom-messenger.js" defer></script>\n')

    assert install_quietly(cli, root).exit_code == 0
    port = free_port()
    with running_server(["php", "-S", f"127.0.0.1:{port}", "-t", str(root)], root, port, {}):
        page = BrowserlessClient(f"http://127.0.0.1:{port}").get("/index.php")
    printed = re.search(r'<script src="/intercom-messenger.js" nonce="([A-Za-z0-9+/=]{24})" defer></script>', page.body)
    assert page.status == 200 and printed is not None, page.body


def test_a_haml_layouts_step_is_not_handed_the_erb_nonce(tmp_path: Path, cli) -> None:
    """Manual steps now print the app's nonce where the page's engine can: Sinatra's nonce is ERB code, so a
    Haml layout's step keeps the plain tag (ERB in Haml would print literally)."""
    root = copy_app("sinatra_classic_app", tmp_path, commit=False)
    (root / "views/layout.erb").unlink()
    write_files(root, {"csp.rb": "before do\n  @csp_nonce = SecureRandom.base64(16)\nend\n", "views/layout.haml": "%html\n  %body\n    = yield\n"})
    git(root, "init", "-q")
    result = install_quietly(cli, root, "--json")
    assert result.exit_code == 4, result.stderr
    [step] = [s for s in json.loads(result.stdout)["manual_steps"] if s["file"] == "views/layout.haml"]
    assert step["snippet"] == '<script src="/intercom-messenger.js" defer></script>'


# --- --insecure on the same shapes (seen while doing the above) ----------------------------------


def test_insecure_snippet_ends_the_fragment_pages_partial(tmp_path: Path, cli) -> None:
    """--insecure on pages that are all fragments, and on a layout with no StaticFiles mount: the inline
    snippet needs no served file. Before: no page changed, and the install said `complete`."""
    root = _project(tmp_path / "club", FILES)
    _, files = install_and_check_uninstall(cli, root, "--insecure", exit_code=0)
    partial = files["pages/_links.html"]
    assert partial.count('<script nonce="{{ request.state.csp_nonce }}">') == 2 and "widget.intercom.io/widget/" in partial
    assert not partial.endswith("\n\n")

    layout_root = _project(tmp_path / "layout", NO_MOUNT)
    _, files = install_and_check_uninstall(cli, layout_root, "--insecure", exit_code=0)
    assert "widget.intercom.io/widget/" in files["pages/base.html"] and "intercom_jwt.py" not in files
