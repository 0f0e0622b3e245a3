"""`verify` on plain static pages seen in the corpus (docs/corpus.md), served by a test server of our own.

MDN's beginner site prompts for a name on its first visit and prompts again until it gets one: with
Playwright's default (dismiss every dialog) the page never finished loading and verify saw no page.
Verify answers dialogs as a person would. The site has no sign-in, so the install is anonymous-only:
`--anonymous-only` expects no token endpoint.
"""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler
from typing import Any

from conftest import SECRET, WORKSPACE_ID, threaded_server
from verify_support import anonymous_messenger_script, require_chromium

from intercom_wizard.verify import Status, VerifyOptions
from intercom_wizard.verify.browser import launched_browser
from intercom_wizard.verify.runner import verify_options

PROMPTING_PAGE = b"""<!doctype html><html><head><title>Welcome</title></head><body>
<h1>Hello</h1>
<script>
  function askName() {
    var name = prompt('Please enter your name.');
    if (!name) { askName(); } else { document.querySelector('h1').textContent = 'Hello, ' + name; }
  }
  askName();
</script>
<script src="/intercom-messenger.js" defer></script>
</body></html>"""

SCRIPT = anonymous_messenger_script()


class StaticSite(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        pages = {"/": (PROMPTING_PAGE, "text/html"), "/intercom-messenger.js": (SCRIPT, "text/javascript")}
        body, kind = pages.get(self.path, (b"not found", "text/plain"))
        self.send_response(200 if self.path in pages else 404)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def test_a_page_that_prompts_until_answered_is_verified_anonymous_only() -> None:
    require_chromium()
    with threaded_server(StaticSite) as base, launched_browser() as browser:
        report = verify_options(VerifyOptions(url=base + "/", workspace_id=WORKSPACE_ID, secret=SECRET, anonymous_only=True), browser=browser)
    assert report.check("loader").status is Status.PASS, report.dumps()
    anonymous = report.check("anonymous")
    assert anonymous.status is Status.PASS, report.dumps()
    assert "GET /api/intercom-jwt -> 404: no token endpoint, as an anonymous-only install has none" in anonymous.evidence


def test_without_anonymous_only_the_missing_endpoint_fails() -> None:
    require_chromium()
    with threaded_server(StaticSite) as base, launched_browser() as browser:
        report = verify_options(VerifyOptions(url=base + "/", workspace_id=WORKSPACE_ID, secret=SECRET), browser=browser)
    assert report.check("anonymous").status is Status.FAIL
    assert any("expected 401" in line for line in report.check("anonymous").evidence)

