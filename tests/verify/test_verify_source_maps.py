"""`verify` scans the source maps a page's JavaScript points to, external and inline.

A bundler that inlines a server-side secret into the original sources can hide it from the minified
bundle, but the map is served to anyone who asks: the leak check must read it too. A page of our own
whose bundle names a map; the map carries the secret (or not, for the control).
"""

from __future__ import annotations

import base64
import json
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from conftest import SECRET, WORKSPACE_ID, threaded_server
from verify_support import anonymous_messenger_script, require_chromium

from intercom_wizard.verify import Status, VerifyOptions
from intercom_wizard.verify.browser import launched_browser
from intercom_wizard.verify.runner import verify_options

PAGE = b"""<!doctype html><html><head><title>Maps</title></head><body>
<h1>Hello</h1>
<script src="/app.js"></script>
<script src="/intercom-messenger.js" defer></script>
</body></html>"""

MESSENGER = anonymous_messenger_script()


def source_map(original: str) -> bytes:
    return json.dumps({"version": 3, "sources": ["src/app.ts"], "sourcesContent": [original], "names": [], "mappings": "AAAA"}).encode()


def bundle(map_reference: str) -> bytes:
    return f"document.querySelector('h1').textContent = 'Hi';\n//# sourceMappingURL={map_reference}\n".encode()


def site(files: dict[str, tuple[bytes, str]]) -> type[BaseHTTPRequestHandler]:
    class Site(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body, kind = files.get(self.path, (b"not found", "text/plain"))
            self.send_response(200 if self.path in files else 404)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    return Site


LEAKY_SOURCE = f"const signingKey = '{SECRET}';\n"
CLEAN_SOURCE = "const greeting = 'Hi';\n"


def inline_reference(original: str) -> str:
    return "data:application/json;base64," + base64.b64encode(source_map(original)).decode()


@pytest.mark.parametrize(
    ("files", "leaks"),
    [
        pytest.param({"/app.js": (bundle("app.js.map"), "text/javascript"), "/app.js.map": (source_map(LEAKY_SOURCE), "application/json")}, True, id="external-map-with-secret"),
        pytest.param({"/app.js": (bundle(inline_reference(LEAKY_SOURCE)), "text/javascript")}, True, id="inline-map-with-secret"),
        pytest.param({"/app.js": (bundle("app.js.map"), "text/javascript"), "/app.js.map": (source_map(CLEAN_SOURCE), "application/json")}, False, id="external-map-clean"),
    ],
)
def test_the_secret_in_a_source_map_fails_the_leak_check(files: dict[str, tuple[bytes, str]], leaks: bool) -> None:
    require_chromium()
    served = {"/": (PAGE, "text/html"), "/intercom-messenger.js": (MESSENGER, "text/javascript"), **files}
    with threaded_server(site(served)) as base, launched_browser() as browser:
        report = verify_options(VerifyOptions(url=base + "/", workspace_id=WORKSPACE_ID, secret=SECRET, anonymous_only=True), browser=browser)
    check = report.check("no-secrets")
    if leaks:
        assert check.status is Status.FAIL, report.dumps()
        assert any("identity secret is in the response of" in line and "(source-map)" in line for line in check.evidence), report.dumps()
    else:
        assert check.status is Status.PASS, report.dumps()
        assert any("1 source maps" in line for line in check.evidence), report.dumps()
