"""Content Security Policy violations that concern the Messenger: the wording on hand-made
observations, then a real page on 127.0.0.1 whose policy blocks the Messenger (or allows it)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from conftest import SECRET, WORKSPACE_ID, threaded_server
from verify_support import require_chromium

from intercom_wizard.integrations.frontends.html import script_source
from intercom_wizard.options import InstallOptions, Region, parse_workspace_id
from intercom_wizard.verify import Logout, SignIn, Status, VerifyOptions, launched_browser, run_verification
from intercom_wizard.verify.checks import check_anonymous, check_loader, check_signed_in, csp_notes, evaluate
from intercom_wizard.verify.observe import Call, Observations, PageState, Violation
from intercom_wizard.verify.violations import messenger_blocks

PAGE = "http://127.0.0.1:5000/"
WIDGET = f"https://widget.intercom.io/widget/{WORKSPACE_ID}"
SCRIPT = "/static/intercom-messenger.js"
NONCE_FIX = "`intercom-wizard install --csp-nonce`"
WIDGET_FIX = f"fix: add https://widget.intercom.io to script-src, or use a nonce with 'strict-dynamic' — {NONCE_FIX}"
BOOT = {"app_id": WORKSPACE_ID, "api_base": "https://api-iam.eu.intercom.io"}


def observations(*, signed_in: bool = False) -> Observations:
    sign_in = SignIn(login_url="/login", username="bob", password="pw") if signed_in else SignIn()
    return Observations(VerifyOptions(url=PAGE, workspace_id=WORKSPACE_ID, secret=SECRET, region=Region.EU, sign_in=sign_in, logout=Logout()))


def violation(blocked: str, directive: str = "script-src-elem", policy: str = "script-src 'self'", **changes: Any) -> Violation:
    fields: dict[str, Any] = {
        "phase": "anonymous",
        "load_id": "l1",
        "blocked": blocked,
        "effective_directive": directive,
        "violated_directive": directive,
        "disposition": "enforce",
        "source_file": PAGE.rstrip("/") + SCRIPT,
        "line": 61,
        "policy": policy,
        "page_url": PAGE,
    }
    return Violation(**(fields | changes))


def loaded_page(phase: str = "anonymous") -> PageState:
    """What a page looks like when the Messenger script is in place (whether or not it was allowed to run)."""
    return PageState(phase, PAGE, "l1", "function", [WIDGET], [SCRIPT], 1, [], True)


def booted(obs: Observations, phase: str = "anonymous") -> Observations:
    obs.pages.append(loaded_page(phase))
    obs.calls.append(Call(phase, "l1", 0, "boot", dict(BOOT), [], 0.0, PAGE))
    return obs


def test_a_blocked_messenger_script_fails_the_loader_check_with_the_directive_and_the_fix() -> None:
    obs = booted(observations())
    assert check_loader(obs).status is Status.PASS
    obs.violations.append(violation(WIDGET))
    result = check_loader(obs)
    assert result.status is Status.FAIL
    assert result.evidence[:3] == [
        f"CSP blocked {WIDGET} (script-src) on / (anonymous)",
        WIDGET_FIX,
        "the page's Content-Security-Policy: script-src 'self'",
    ]


def test_the_same_block_on_several_pages_is_one_problem() -> None:
    obs = booted(observations())
    obs.violations += [violation(WIDGET), violation(WIDGET), violation(WIDGET, phase="signed-in", load_id="l2", page_url=PAGE + "notes")]
    lines = [line for line in check_loader(obs).evidence if line.startswith("CSP")]
    assert lines == [f"CSP blocked {WIDGET} (script-src) on /, /notes (anonymous, signed-in)"]


def test_report_only_violations_are_notes_not_failures() -> None:
    obs = booted(observations())
    obs.violations.append(violation(WIDGET, disposition="report"))
    assert check_loader(obs).status is Status.PASS
    assert csp_notes(obs) == [
        (
            f"CSP (report-only) would block {WIDGET} (script-src) on / (anonymous); before enforcing that policy, "
            f"add https://widget.intercom.io to script-src, or use a nonce with 'strict-dynamic' — {NONCE_FIX}"
        )
    ]


@pytest.mark.parametrize(
    "unrelated",
    [
        violation("https://www.googletagmanager.com/gtag/js?id=G-1"),
        violation("https://cdn.example.com/app.js"),
        violation("inline"),  # an inline script that has nothing to do with Intercom
        violation("https://fonts.googleapis.com/css", "style-src-elem"),
        violation("eval", "script-src", source_file="https://cdn.example.com/lib.js"),
        violation("http://127.0.0.1:4000/v1/users", "connect-src", "connect-src 'self'"),  # the app's own API, not its token
    ],
)
def test_violations_of_other_resources_are_ignored(unrelated: Violation) -> None:
    obs = booted(observations())
    obs.violations.append(unrelated)
    assert messenger_blocks(obs) == [] and csp_notes(obs) == []
    assert check_loader(obs).status is Status.PASS
    assert not any("CSP" in line for result in evaluate(obs) for line in result.evidence)


@pytest.mark.parametrize(
    ("blocked", "changes", "described", "fix"),
    [
        (
            "https://api-iam.eu.intercom.io/messenger/web/ping",
            {"effective_directive": "connect-src", "violated_directive": "connect-src", "policy": "default-src 'self'"},
            "CSP blocked https://api-iam.eu.intercom.io/messenger/web/ping (connect-src)",
            (
                "add https://api-iam.eu.intercom.io to connect-src (the policy has no connect-src, so default-src decides: "
                "a new connect-src must also list what default-src allows)"
            ),
        ),
        (
            WIDGET,
            {"policy": "script-src 'nonce-r4nd0m' 'strict-dynamic'"},
            f"CSP blocked {WIDGET} (script-src)",
            (
                "'strict-dynamic' makes browsers ignore the hosts in script-src: load the Messenger from a script that carries "
                f"the request's nonce (scripts it adds are then trusted) — {NONCE_FIX}"
            ),
        ),
        (
            WIDGET,
            {"policy": "script-src 'self'; script-src-elem 'self'"},
            f"CSP blocked {WIDGET} (script-src-elem)",
            f"add https://widget.intercom.io to script-src-elem, or use a nonce with 'strict-dynamic' — {NONCE_FIX}",
        ),
        (
            PAGE.rstrip("/") + SCRIPT,
            {"policy": "script-src 'nonce-r4nd0m'", "source_file": PAGE},
            f"CSP blocked {PAGE.rstrip('/')}{SCRIPT} (script-src)",
            f"give the <script> tag of {SCRIPT} the request's nonce — {NONCE_FIX}",
        ),
        (
            PAGE + "api/intercom-jwt",
            {"effective_directive": "connect-src", "violated_directive": "connect-src", "policy": "connect-src 'none'"},
            f"CSP blocked {PAGE}api/intercom-jwt (connect-src)",
            "add 'self' to connect-src: the Messenger script fetches the signed-in user's token from /api/intercom-jwt",
        ),
        (
            "http://127.0.0.1:4000/v1/api/intercom-jwt",
            {"effective_directive": "connect-src", "violated_directive": "connect-src", "policy": "connect-src 'self'"},
            "CSP blocked http://127.0.0.1:4000/v1/api/intercom-jwt (connect-src)",
            "add http://127.0.0.1:4000 to connect-src: the Messenger script fetches the signed-in user's token from /v1/api/intercom-jwt",
        ),
        (
            "inline",
            {"policy": "script-src 'nonce-r4nd0m'", "source_file": PAGE, "mentions_intercom": True},
            "CSP blocked an inline <script> that loads the Messenger (script-src)",
            f"give that <script> the request's nonce, or load the Messenger from a file and use a nonce with 'strict-dynamic' — {NONCE_FIX}",
        ),
        (
            "inline",
            {"effective_directive": "style-src-attr", "violated_directive": "style-src-attr", "policy": "style-src 'self' 'nonce-r4nd0m'", "source_file": WIDGET},
            "CSP blocked the Messenger's inline styles (style-src)",
            "add 'unsafe-inline' to style-src (browsers ignore 'unsafe-inline' next to a nonce or hash in the same directive)",
        ),
        (
            "wss://nexus-websocket-a.intercom.io/pubsub/5-abc",
            {"effective_directive": "connect-src", "violated_directive": "connect-src", "policy": "connect-src 'self'", "source_file": WIDGET},
            "CSP blocked wss://nexus-websocket-a.intercom.io/pubsub/5-abc (connect-src)",
            "add wss://nexus-websocket-a.intercom.io to connect-src",
        ),
    ],
    ids=[
        "ping under default-src",
        "strict-dynamic without the nonce",
        "script-src-elem",
        "our script without the nonce",
        "token endpoint",
        "token endpoint on the API's origin",
        "inline loader",
        "inline styles",
        "websocket",
    ],
)
def test_each_kind_of_block_names_its_directive_and_fix(blocked: str, changes: dict[str, Any], described: str, fix: str) -> None:
    obs = booted(observations())
    obs.violations.append(violation(blocked, **changes))
    [block] = messenger_blocks(obs)
    assert block.describe() == described + " on / (anonymous)"
    assert block.fix == fix


def test_what_the_running_messenger_needs_fails_the_check_of_its_phase() -> None:
    obs = booted(observations(signed_in=True), "signed-in")
    ping = violation("https://api-iam.eu.intercom.io/messenger/web/ping", "connect-src", "connect-src 'self'", phase="signed-in", source_file=WIDGET)
    obs.violations.append(ping)
    signed_in = check_signed_in(obs)
    assert signed_in.status is Status.FAIL
    assert "CSP blocked https://api-iam.eu.intercom.io/messenger/web/ping (connect-src) on / (signed-in)" in signed_in.evidence
    assert "fix: add https://api-iam.eu.intercom.io to connect-src" in signed_in.evidence
    assert not any("CSP" in line for line in check_loader(obs).evidence + check_anonymous(obs).evidence)


def test_a_page_whose_messenger_script_was_refused_says_why_it_never_booted() -> None:
    obs = observations()
    obs.pages.append(PageState("anonymous", PAGE, "l1", "undefined", [], [], None, [], False))
    obs.violations.append(violation(PAGE.rstrip("/") + SCRIPT, policy="script-src 'nonce-r4nd0m'", source_file=PAGE))
    anonymous = check_anonymous(obs)
    assert anonymous.evidence[0] == "no boot on the anonymous visit"
    assert f"CSP blocked {PAGE.rstrip('/')}{SCRIPT} (script-src) on / (anonymous)" in anonymous.evidence
    assert check_loader(obs).evidence[0] == "window.Intercom is undefined, not a function, on / (anonymous)"
    assert f"fix: give the <script> tag of {SCRIPT} the request's nonce — {NONCE_FIX}" in check_loader(obs).evidence


# -- in Chromium --------------------------------------------------------------------------------

NONCE = "cmVxdWVzdC1ub25jZQ"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require_chromium()
    with launched_browser() as launched:
        yield launched


@contextmanager
def page_with_policy(header: str, policy: str, token_url: str = "/api/intercom-jwt") -> Iterator[str]:
    """A page with the generated Messenger script (tag carrying a nonce) and `header: policy`; the script
    asks its token at `token_url` (a whole URL: an API on another origin, as an SPA builds it at run time)."""
    options = InstallOptions(workspace=parse_workspace_id(WORKSPACE_ID), region=Region.EU)
    script = script_source(options, token_url=token_url).encode()
    html = f'<!doctype html><html><head><title>csp</title><script nonce="{NONCE}" src="{SCRIPT}"></script></head><body><p>page</p></body></html>'.encode()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def answer(self, status: int, content_type: str, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for name, value in {"Content-Type": content_type, "Content-Length": str(len(body)), **headers}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            if self.path == "/":
                self.answer(200, "text/html; charset=utf-8", html, {header: policy})
            elif self.path == SCRIPT:
                self.answer(200, "application/javascript", script, {})
            elif self.path == "/api/intercom-jwt":
                self.answer(401, "application/json", b'{"error": "not signed in"}', {"Cache-Control": "no-store"})
            else:
                self.answer(404, "text/plain", b"not found", {})

    with threaded_server(Handler) as base:
        yield base + "/"


def test_a_policy_without_intercom_fails_check_1_with_the_explanation(browser: Any) -> None:
    with page_with_policy("Content-Security-Policy", "script-src 'self'") as url:
        report = run_verification(url, workspace_id=WORKSPACE_ID, secret=SECRET, region=Region.EU, browser=browser)
    loader = report.check("loader")
    assert report.checks[0] is loader and loader.status is Status.FAIL, report.dumps()
    assert f"CSP blocked {WIDGET} (script-src) on / (anonymous)" in loader.evidence, report.dumps()
    assert WIDGET_FIX in loader.evidence
    assert "the page's Content-Security-Policy: script-src 'self'" in loader.evidence


def test_a_nonce_with_strict_dynamic_lets_the_messenger_load(browser: Any) -> None:
    with page_with_policy("Content-Security-Policy", f"script-src 'nonce-{NONCE}' 'strict-dynamic'; object-src 'none'") as url:
        report = run_verification(url, workspace_id=WORKSPACE_ID, secret=SECRET, region=Region.EU, browser=browser)
    assert report.passed, report.dumps()
    assert report.check("loader").status is report.check("anonymous").status is Status.PASS
    assert not any("CSP" in line for check in report.checks for line in check.evidence + report.notes)


def test_a_report_only_policy_is_a_note(browser: Any) -> None:
    with page_with_policy("Content-Security-Policy-Report-Only", "script-src 'self'") as url:
        report = run_verification(url, workspace_id=WORKSPACE_ID, secret=SECRET, region=Region.EU, browser=browser)
    assert report.passed, report.dumps()
    assert f"CSP (report-only) would block {WIDGET} (script-src) on / (anonymous); before enforcing that policy, {WIDGET_FIX[5:]}" in report.notes


def test_a_blocked_token_request_to_the_apis_own_origin_is_the_messengers(browser: Any) -> None:
    """The install records only the endpoint's path; an SPA builds the token URL from its API base at run
    time (another origin, a path prefix). A policy that refuses that request is the Messenger's problem,
    though the URL is not the configured endpoint on the page's origin."""
    with threaded_server(BaseHTTPRequestHandler) as api:
        token_url = f"{api}/v1/api/intercom-jwt"
        policy = "connect-src 'self' https://api-iam.eu.intercom.io"
        with page_with_policy("Content-Security-Policy", policy, token_url=token_url) as url:
            report = run_verification(url, workspace_id=WORKSPACE_ID, secret=SECRET, region=Region.EU, browser=browser)
    anonymous = report.check("anonymous")
    assert anonymous.status is Status.FAIL, report.dumps()
    assert f"CSP blocked {token_url} (connect-src) on / (anonymous)" in anonymous.evidence, report.dumps()
    assert f"fix: add {api} to connect-src: the Messenger script fetches the signed-in user's token from /v1/api/intercom-jwt" in anonymous.evidence
