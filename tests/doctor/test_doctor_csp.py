"""doctor --url: the page's Content-Security-Policy header against the sources the Messenger needs.

The matching rules on policies alone, then a tiny http.server on 127.0.0.1 sending the header."""

from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler

import pytest
from conftest import threaded_server
from doctor_support import SECRET, with_id

from intercom_wizard.csp import intercom_sources
from intercom_wizard.doctor.findings import Finding
from intercom_wizard.doctor.live import LiveOptions, live_findings
from intercom_wizard.doctor.live.csp import missing_sources
from intercom_wizard.options import Region

ENDPOINT = "/api/intercom-jwt"
EU_SCRIPTS = ["https://app.intercom.io", "https://widget.intercom.io", "https://js.intercomcdn.com"]


def full_policy(region: Region) -> str:
    return "; ".join(f"{directive} 'self' {' '.join(sources)}" for directive, sources in intercom_sources(region).items())


@pytest.mark.parametrize(
    "policy",
    [
        "",
        "frame-ancestors 'none'; upgrade-insecure-requests",
        "script-src 'nonce-r4nd0m' 'strict-dynamic'; object-src 'none'; base-uri 'none'",
        "default-src * data: blob: 'unsafe-inline'; form-action *",
        "default-src 'self' https: wss: data: blob: 'unsafe-inline'",
        (
            "script-src *.intercom.io https://js.intercomcdn.com; connect-src https://*.intercom.io wss://*.intercom.io https://*.intercom-messenger.com "
            "wss://*.intercom-messenger.com https://uploads.intercomusercontent.com https://*.intercomcdn.eu https://*.eu.intercomcdn.com"
        ),
        full_policy(Region.EU),
    ],
    ids=["none", "unrelated directives", "nonce and strict-dynamic", "wildcard", "scheme sources", "wildcard hosts", "Intercom's list"],
)
def test_policies_that_allow_the_messenger(policy: str) -> None:
    assert missing_sources(policy, Region.EU) == {}


def test_missing_sources_per_directive_with_the_directive_that_decides() -> None:
    missing = missing_sources("default-src 'self'; script-src 'self' https://widget.intercom.io; img-src *", Region.EU)
    assert missing["script-src"] == ("script-src", ["https://app.intercom.io", "https://js.intercomcdn.com"])
    assert missing["connect-src"][0] == "default-src" and "https://api-iam.eu.intercom.io" in missing["connect-src"][1]
    assert missing["img-src"] == ("img-src", ["blob:", "data:"])  # * never covers data: or blob:
    assert missing["style-src"] == ("default-src", ["'unsafe-inline'"])
    assert "form-action" not in missing  # default-src does not apply to form-action


def test_the_finer_points_of_matching() -> None:
    assert missing_sources("script-src-elem 'self'; script-src *", Region.US)["script-src"] == ("script-src-elem", EU_SCRIPTS)
    assert missing_sources("script-src 'nonce-r4nd0m'", Region.US)["script-src"] == ("script-src", EU_SCRIPTS)  # no 'strict-dynamic'
    assert missing_sources("style-src 'unsafe-inline' 'nonce-r4nd0m'", Region.US)["style-src"] == ("style-src", ["'unsafe-inline'"])
    assert missing_sources("script-src https://widget.intercom.io:8443 app.intercom.io js.intercomcdn.com", Region.US)["script-src"] == (
        "script-src",
        ["https://widget.intercom.io"],
    )
    connect = missing_sources("connect-src http://*.intercom.io ws://*.intercom.io https://*.intercom-messenger.com", Region.US)["connect-src"][1]
    assert "https://api-iam.intercom.io" not in connect and "wss://nexus-websocket-a.intercom.io" not in connect  # secure upgrades
    assert "wss://*.intercom-messenger.com" in connect


@contextmanager
def serve_page(headers: dict[str, str], *, redirect: bool = False) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def answer(self, status: int, sent: dict[str, str], body: bytes) -> None:
            self.send_response(status)
            for name, value in {**sent, "Content-Length": str(len(body))}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            if self.path == ENDPOINT:
                self.answer(401, {"Content-Type": "application/json"}, b'{"error": "Not signed in"}')
            elif self.path == "/" and redirect:
                self.answer(302, {"Location": "/home"}, b"")
            elif self.path == ("/home" if redirect else "/"):
                self.answer(200, {"Content-Type": "text/html", **headers}, b"<!doctype html><title>app</title>")
            else:
                self.answer(404, {"Content-Type": "text/html", **headers}, b"<h1>Not found</h1>")

    with threaded_server(Handler) as base:
        yield base + "/"


def check(headers: dict[str, str], *, region: Region | None = Region.EU, redirect: bool = False) -> list[Finding]:
    with serve_page(headers, redirect=redirect) as url:
        return live_findings(LiveOptions(url, ENDPOINT, secret=SECRET, timeout=5, region=region))


def test_a_policy_without_intercom_is_an_error_with_the_header_and_the_fix() -> None:
    [finding] = with_id(check({"Content-Security-Policy": "script-src 'self'; connect-src 'self'"}), "csp-blocks-intercom")
    assert finding.severity.value == "error" and finding.line is None and finding.file and finding.file.endswith("/")
    assert f"script-src lacks {' '.join(EU_SCRIPTS)}" in finding.message
    assert "connect-src lacks https://via.intercom.io" in finding.message and "https://api-iam.eu.intercom.io" in finding.message
    assert "(EU-hosted workspace)" in finding.message and finding.message.endswith("Header: script-src 'self'; connect-src 'self'")
    assert "'strict-dynamic'" in finding.fix and "intercom-wizard install --csp-nonce" in finding.fix


def test_only_images_and_fonts_missing_is_a_warning_and_a_redirect_is_followed() -> None:
    [finding] = with_id(check({"Content-Security-Policy": "img-src 'self'; font-src 'self'"}, redirect=True), "csp-blocks-intercom")
    assert finding.severity.value == "warning" and finding.file and finding.file.endswith("/home")
    assert finding.message.startswith(
        "The page's Content-Security-Policy leaves out what the Messenger needs (EU-hosted workspace): "
        "font-src lacks https://js.intercomcdn.com https://fonts.intercomcdn.com; img-src lacks blob: data: https://js.intercomcdn.com"
    )


def test_report_only_is_info_and_an_unknown_region_says_so() -> None:
    findings = check({"Content-Security-Policy-Report-Only": "default-src 'self'"}, region=None)
    [finding] = with_id(findings, "csp-report-only-blocks-intercom")
    assert finding.severity.value == "info" and not with_id(findings, "csp-blocks-intercom")
    assert "US hosts: the workspace's region is unknown, pass --region" in finding.message
    assert "connect-src (default-src applies) lacks" in finding.message


def test_a_policy_that_allows_intercom_has_no_finding() -> None:
    findings = check({"Content-Security-Policy": "script-src 'nonce-r4nd0m' 'strict-dynamic'; object-src 'none'"})
    assert not [f for f in findings if f.id.startswith("csp-")]
