"""The front end never waits forever: in Chromium, a token endpoint that answers 404 or a page that is
not JSON makes every client template (the plain script, its modern-syntax variant and the single-page
core, its JavaScript form) boot the visitor anonymously after the bounded retries, with exactly one console warning that
names the endpoint. A 500 stays a failure: nobody is booted (never a boot without a proven identity).

The widget is never loaded here: the plain script's calls stay in its `Intercom.q` queue, and the
single-page core imports a recording stand-in for `@intercom/messenger-js-sdk` through an import map.
Chromium's clock is driven by Playwright, so the 1 s + 3 s + 10 s of retries take no real time.
"""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from conftest import WORKSPACE_ID, threaded_server
from verify_support import require_chromium

from intercom_wizard.integrations.frontends.html import script_source
from intercom_wizard.integrations.frontends.spa_common import core_source
from intercom_wizard.options import Endpoint, InstallOptions, parse_workspace_id
from intercom_wizard.typescript import strip_types
from intercom_wizard.verify.browser import launched_browser

ENDPOINT = "/api/intercom-jwt"
SDK_STANDIN = b"""
window.sdkCalls = [];
export function Intercom(settings) { window.sdkCalls.push(['load', settings]); }
export default Intercom;
export function boot(settings) { window.sdkCalls.push(['boot', settings]); }
export function shutdown() { window.sdkCalls.push(['shutdown']); }
export function update(settings) { window.sdkCalls.push(['update', settings]); }
"""
SPA_PAGE = b"""<!doctype html><html><head>
<script type="importmap">{"imports": {"@intercom/messenger-js-sdk": "/sdk.js"}}</script>
<script type="module">import { startIntercomMessenger } from '/core.js'; startIntercomMessenger();</script>
</head><body><p>spa</p></body></html>"""
PLAIN_PAGE = b'<!doctype html><html><head><script src="/intercom-messenger.js" defer></script></head><body><p>page</p></body></html>'
MODERN_PAGE = PLAIN_PAGE.replace(b"intercom-messenger.js", b"intercom-messenger.modern.js")
PAGES = {"plain script": "/", "modern plain script": "/modern", "single-page core": "/spa"}
ANSWERS = {
    "404": (404, "text/html", b"<!doctype html><h1>Not Found</h1>"),
    "not JSON": (200, "text/html; charset=utf-8", b"<!doctype html><html><body>the app's own page</body></html>"),
    "500": (500, "application/json", b'{"error": "boom"}'),
}


def _options() -> InstallOptions:
    return InstallOptions(workspace=parse_workspace_id(WORKSPACE_ID), endpoint=Endpoint(ENDPOINT))


def _plain_script(modern: bool = False) -> bytes:
    return script_source(_options(), token_url=ENDPOINT, modern=modern).encode()


def _spa_core() -> bytes:
    return strip_types(core_source(_options())).encode()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require_chromium()
    with launched_browser() as launched:
        yield launched


def _serve(answer: tuple[int, str, bytes], requests: list[str]):  # type: ignore[no-untyped-def]
    files = {
        "/": (200, "text/html", PLAIN_PAGE),
        "/modern": (200, "text/html", MODERN_PAGE),
        "/spa": (200, "text/html", SPA_PAGE),
        "/intercom-messenger.js": (200, "text/javascript", _plain_script()),
        "/intercom-messenger.modern.js": (200, "text/javascript", _plain_script(modern=True)),
        "/core.js": (200, "text/javascript", _spa_core()),
        "/sdk.js": (200, "text/javascript", SDK_STANDIN),
        ENDPOINT: answer,
    }

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            requests.append(self.path)
            status, content_type, body = files.get(self.path, (404, "text/plain", b"no"))
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return threaded_server(Handler)


def _run(browser: Any, base: str, path: str) -> tuple[list[str], Any]:
    """Open the page, let every retry run on Chromium's fake clock; the warnings and the recorded calls."""
    context = browser.new_context()
    context.route("**/widget.intercom.io/**", lambda route: route.abort())  # the widget stays a queue
    page = context.new_page()
    warnings: list[str] = []
    page.on("console", lambda message: warnings.append(message.text) if message.type == "warning" else None)
    page.clock.install()
    page.goto(base + path)
    for _ in range(6):  # each retry waits on a timer, then on a real request
        page.wait_for_timeout(300)
        page.clock.run_for(11_000)
    page.wait_for_timeout(300)
    # The SPA core imports the SDK only when it boots, so a page that never boots may have no SDK at all.
    calls = page.evaluate("window.sdkCalls || Array.from((window.Intercom && window.Intercom.q) || [], (args) => Array.from(args))")
    context.close()
    return warnings, calls


@pytest.mark.parametrize("answer", ["404", "not JSON"])
@pytest.mark.parametrize("client", list(PAGES))
def test_missing_endpoint_boots_anonymously_with_one_warning(browser, client, answer):
    requests: list[str] = []
    with _serve(ANSWERS[answer], requests) as base:
        warnings, calls = _run(browser, base, PAGES[client])
    assert requests.count(ENDPOINT) == 4, requests  # the first request and the three bounded retries
    assert len(warnings) == 1, warnings
    assert ENDPOINT in warnings[0] and "anonymously" in warnings[0]
    boots = [c[1] for c in calls if c[0] in ("boot", "load")]
    assert len(boots) == 1 and boots[0]["app_id"] == WORKSPACE_ID and "intercom_user_jwt" not in boots[0], calls


@pytest.mark.parametrize("client", list(PAGES))
def test_server_error_still_never_boots(browser, client):
    """The control: a 500 is not a missing endpoint; after the retries nobody is booted."""
    requests: list[str] = []
    with _serve(ANSWERS["500"], requests) as base:
        warnings, calls = _run(browser, base, PAGES[client])
    assert requests.count(ENDPOINT) == 4, requests
    assert len(warnings) == 1 and "not started" in warnings[0], warnings
    assert not [c for c in calls if c[0] in ("boot", "load")], calls
