"""The Messenger stand-in, in Chromium, on small pages: the command API as the page sees it.

Pages are served by a route on a made-up origin, so these tests need no server; the Intercom
hosts are routed exactly as `verify` routes them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from conftest import SECRET, WORKSPACE_ID
from verify_support import require_chromium

from intercom_wizard.options import Region
from intercom_wizard.tokens import mint
from intercom_wizard.verify import VerifyOptions, launched_browser
from intercom_wizard.verify.browser import visit_context
from intercom_wizard.verify.observe import Observations

ORIGIN = "http://app.test"
EU = "https://api-iam.eu.intercom.io"
STUB = """
(function () {
  var i = function () { i.c(arguments); };
  i.q = [];
  i.c = function (args) { i.q.push(args); };
  window.Intercom = i;
})();
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require_chromium()
    with launched_browser() as launched:
        yield launched


class Harness:
    """A page with the stub and (optionally) calls queued before the Messenger script loads."""

    def __init__(self, browser: Any) -> None:
        self.observations = Observations(VerifyOptions(url=ORIGIN + "/", workspace_id=WORKSPACE_ID, secret=SECRET, region=Region.EU))
        self._context = visit_context(browser, self.observations)
        self.context = self._context.__enter__()
        self.page = self.context.new_page()

    def open(self, before_load: str = "", *, loader: bool = True, settings: str = "") -> None:
        tag = f'<script async src="https://widget.intercom.io/widget/{WORKSPACE_ID}"></script>' if loader else ""
        html = f"<!doctype html><html><head><title>t</title><script>{settings}{STUB}{before_load}</script>{tag}</head><body><p>page</p></body></html>"
        self.context.route(ORIGIN + "/**", lambda route: route.fulfill(status=200, body=html, content_type="text/html"))
        self.page.goto(ORIGIN + "/")
        self.page.wait_for_function("() => window.__intercomStandIn && window.__intercomStandIn.ready")
        self.idle()

    def idle(self) -> None:
        self.page.wait_for_function("() => window.__intercomStandIn.pending === 0")
        self.page.wait_for_timeout(50)

    def run(self, script: str, arg: Any = None) -> Any:
        result = self.page.evaluate(script, arg)
        self.idle()
        return result

    @property
    def state(self) -> dict[str, Any]:
        return self.page.evaluate("() => JSON.parse(JSON.stringify(window.__intercomStandIn))")

    def close(self) -> None:
        self._context.__exit__(None, None, None)


@pytest.fixture
def harness(browser: Any) -> Iterator[Harness]:
    made = Harness(browser)
    yield made
    made.close()


def test_queued_calls_run_in_order_then_the_api_replaces_the_stub(harness: Harness) -> None:
    harness.open(f"Intercom('boot', {{app_id: '{WORKSPACE_ID}', api_base: '{EU}'}}); Intercom('trackEvent', 'opened-page', {{a: 1}}); Intercom('update', {{page: 1}});")
    state = harness.state
    assert [call["command"] for call in state["calls"]] == ["boot", "trackEvent", "update"]
    assert all(isinstance(call["time"], (int, float)) for call in state["calls"])
    assert harness.page.evaluate("() => typeof window.Intercom === 'function' && !('q' in window.Intercom) && window.Intercom.booted")
    assert state["launcherVisible"] is True
    assert [ping["url"] for ping in state["pings"]] == [f"{EU}/messenger/web/ping"] * 3
    assert [ping.verdict for ping in harness.observations.pings] == ["anonymous"] * 3
    assert harness.observations.pings[0].app_id == WORKSPACE_ID
    # The verifier's recorder saw the same calls, on the stub, before the Messenger loaded.
    assert [call.command for call in harness.observations.calls] == ["boot", "trackEvent", "update"]


def test_update_before_boot_is_ignored(harness: Harness) -> None:
    harness.open("Intercom('update', {page: 1});")
    state = harness.state
    assert state["calls"][0]["note"] == "ignored: the Messenger is not booted"
    assert state["pings"] == [] and state["booted"] is False and state["launcherVisible"] is False


def test_boots_from_intercom_settings_when_nothing_is_queued(harness: Harness) -> None:
    harness.open(settings=f"window.intercomSettings = {{app_id: '{WORKSPACE_ID}', api_base: '{EU}'}};")
    assert [call.command for call in harness.observations.calls] == ["boot"]
    assert harness.state["booted"] is True


def test_visitor_id_show_hide_and_callbacks(harness: Harness) -> None:
    harness.open(f"Intercom('boot', {{app_id: '{WORKSPACE_ID}', api_base: '{EU}'}});")
    harness.run(
        """() => {
          const seen = (window.__seen = []);
          Intercom('onShow', () => seen.push('show'));
          Intercom('onHide', () => seen.push('hide'));
          Intercom('onUnreadCountChange', (n) => seen.push('unread ' + n));
          Intercom('show'); Intercom('hide'); Intercom('showNewMessage', 'Hello');
          Intercom('reattach_activator');
          Intercom('update', {});
        }"""
    )
    assert harness.run("() => Intercom('getVisitorId')") == harness.run("() => Intercom('getVisitorId')")
    assert harness.page.locator(".intercom-standin-messenger").inner_text().endswith(": Hello")
    assert harness.state["messengerOpen"] is True
    # show/hide callbacks fire at once; the unread count arrives with the reply to the update's ping.
    assert harness.run("() => window.__seen") == ["show", "hide", "show", "unread 0"]
    visitor = harness.run("() => Intercom('getVisitorId')")
    harness.run("() => Intercom('shutdown')")
    assert harness.run("() => Intercom('getVisitorId')") != visitor
    assert harness.state["launcherVisible"] is False


def test_identified_boot_sets_a_session_that_only_shutdown_clears(harness: Harness) -> None:
    harness.open()
    good = mint(SECRET, "7", "bob@example.com")
    harness.run("jwt => Intercom('boot', {app_id: 'abc12345', api_base: 'https://api-iam.eu.intercom.io', intercom_user_jwt: jwt})", good)
    assert harness.observations.pings[-1].verdict == "verified"
    assert "intercom-session-abc12345" in harness.run("() => document.cookie")
    harness.run("() => Intercom('boot', {app_id: 'abc12345', api_base: 'https://api-iam.eu.intercom.io'})")
    assert harness.observations.pings[-1].verdict == "session-carried"
    assert "anonymous boot while a user was booted" in " ".join(harness.state["warnings"])
    harness.run("() => { Intercom('shutdown'); Intercom('boot', {app_id: 'abc12345', api_base: 'https://api-iam.eu.intercom.io'}); }")
    assert harness.observations.pings[-1].verdict == "anonymous"


@pytest.mark.parametrize(
    ("jwt_value", "reason"),
    [
        ("bad", "the JWT does not verify"),
        ("ms", "milliseconds"),
        ("expired", "Signature has expired"),
        ("other-secret", "Signature verification failed"),
    ],
)
def test_a_bad_token_is_refused_and_no_launcher_shows(harness: Harness, jwt_value: str, reason: str) -> None:
    now = int(time.time())
    value = {
        "bad": "not-a-jwt",
        "ms": jwt.encode({"user_id": "7", "exp": (now + 3600) * 1000}, SECRET, algorithm="HS256"),
        "expired": jwt.encode({"user_id": "7", "exp": now - 10}, SECRET, algorithm="HS256"),
        "other-secret": jwt.encode({"user_id": "7", "exp": now + 3600}, "another-secret-of-some-length-0123456789", algorithm="HS256"),
    }[jwt_value]
    harness.open()
    harness.run("jwt => Intercom('boot', {app_id: 'abc12345', api_base: 'https://api-iam.eu.intercom.io', intercom_user_jwt: jwt})", value)
    ping = harness.observations.pings[-1]
    assert ping.verdict == "rejected" and ping.status == 401
    assert reason in ping.reason
    assert harness.state["launcherVisible"] is False


def test_recorder_keeps_undefined_settings(harness: Harness) -> None:
    harness.open()
    harness.run("() => Intercom('boot', {app_id: 'abc12345', api_base: 'https://api-iam.eu.intercom.io', intercom_user_jwt: undefined})")
    call = harness.observations.calls[-1]
    assert call.undefined_keys == ["intercom_user_jwt"] and call.bad_jwt == "intercom_user_jwt is undefined"


def test_a_second_load_is_reported(harness: Harness) -> None:
    harness.open(f"Intercom('boot', {{app_id: '{WORKSPACE_ID}', api_base: '{EU}'}});")
    harness.page.add_script_tag(url=f"https://widget.intercom.io/widget/{WORKSPACE_ID}")
    harness.page.wait_for_function("() => window.__intercomStandIn.loads === 2")
    assert "loaded more than once" in harness.state["warnings"][0]


def test_us_default_api_base_and_other_intercom_hosts_stay_offline(harness: Harness) -> None:
    harness.open(f"Intercom('boot', {{app_id: '{WORKSPACE_ID}'}});")
    ping = harness.observations.pings[-1]
    assert ping.host == "api-iam.intercom.io" and ping.verdict == "wrong-region"
    status = harness.page.evaluate("() => fetch('https://js.intercomcdn.com/frame-modern.js').then(r => r.status)")
    other = harness.page.evaluate("() => fetch('https://app.intercom.com/anything').then(r => r.status)")
    assert (status, other) == (200, 404)
