"""Live checks (--url) against tiny servers on 127.0.0.1: one http.server per scenario, and the real
Flask sample app after an install."""

import json
import sys
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler

import jwt
import pytest
from conftest import threaded_server
from doctor_support import SECRET, installed_copy, problems, with_id

from intercom_wizard.doctor.live import LiveOptions, live_findings
from intercom_wizard.localserver import BrowserlessClient, free_port, running_server
from intercom_wizard.tokens import mint

ENDPOINT = "/api/intercom-jwt"
ORIGIN = "https://app.example.com"
SESSION = ("session", "signed-in")

Reply = tuple[int, dict[str, str], str]


def token_reply(token: str, cache: str | None = "no-store") -> Reply:
    headers = {"Content-Type": "application/json", **({"Cache-Control": cache} if cache else {})}
    return 200, headers, json.dumps({"token": token})


UNAUTHORIZED: Reply = (401, {"Content-Type": "application/json"}, '{"error": "Not signed in"}')


@dataclass
class Scenario:
    anonymous: Reply = UNAUTHORIZED
    signed_in: Reply = field(default_factory=lambda: token_reply(mint(SECRET, "42")))
    preflight: Reply = (204, {}, "")
    cors: dict[str, str] = field(default_factory=dict)  # added to every answer to a request with an Origin
    clock_offset: float = 0.0


@contextmanager
def serve(scenario: Scenario) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def date_time_string(self, timestamp=None):  # type: ignore[no-untyped-def]
            return formatdate(time.time() + scenario.clock_offset, usegmt=True)

        def log_message(self, *args):  # type: ignore[no-untyped-def]
            pass

        def answer(self, reply: Reply) -> None:
            status, headers, body = reply
            self.send_response(status)
            for name, value in {**headers, **(scenario.cors if self.headers.get("Origin") else {})}.items():
                self.send_header(name, value)
            data = body.encode()
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path != ENDPOINT:
                self.answer((404, {"Content-Type": "text/html"}, "<h1>Not found</h1>"))
            elif "=".join(SESSION) in (self.headers.get("Cookie") or ""):
                self.answer(scenario.signed_in)
            else:
                self.answer(scenario.anonymous)

        def do_OPTIONS(self) -> None:
            self.answer(scenario.preflight)

    with threaded_server(Handler) as base:
        yield base


def check(scenario: Scenario, *, signed_in: bool = True, secret: str | None = SECRET, origin: str | None = None, endpoint: str = ENDPOINT):
    with serve(scenario) as base:
        options = LiveOptions(base, endpoint, origin, (SESSION,) if signed_in else (), secret, timeout=5)
        return live_findings(options)


def ids(findings) -> list[str]:
    return sorted(f.id for f in problems(findings))


def test_a_good_endpoint_has_no_problems():
    findings = check(Scenario())
    assert ids(findings) == []
    assert all(f.file.endswith(ENDPOINT) for f in findings)


def test_unreachable():
    port = free_port()  # nothing listens there
    findings = live_findings(LiveOptions(f"http://127.0.0.1:{port}", timeout=2))
    assert [(f.id, f.severity.value) for f in findings] == [("live-unreachable", "error")]


@pytest.mark.parametrize(
    ("anonymous", "expected"),
    [
        (token_reply(mint(SECRET, "42")), "endpoint-unauthenticated"),
        ((500, {"Content-Type": "application/json"}, '{"error": "Identity verification is not configured"}'), "secret-unset"),
        ((500, {"Content-Type": "text/html"}, "Internal Server Error"), "endpoint-error"),
        ((302, {"Location": "/login?next=/api/intercom-jwt"}, ""), "endpoint-redirects"),
        ((200, {"Content-Type": "text/html"}, "<html>app shell</html>"), "endpoint-not-found"),
        ((418, {}, ""), "unexpected-status"),
    ],
    ids=["200 with a token", "500 secret unset", "500", "redirect to login", "SPA fallback page", "teapot"],
)
def test_signed_out_answers(anonymous, expected):
    assert ids(check(Scenario(anonymous=anonymous), signed_in=False)) == [expected]


def test_without_a_session_the_token_is_not_checked():
    findings = check(Scenario(), signed_in=False)
    assert ids(findings) == [] and [f.severity.value for f in with_id(findings, "live-token-not-checked")] == ["info"]


def test_wrong_endpoint_path_is_not_found():
    assert ids(check(Scenario(), signed_in=False, endpoint="/api/other")) == ["endpoint-not-found"]


def test_secret_mismatch_and_when_it_cannot_be_checked():
    other = Scenario(signed_in=token_reply(mint("a-different-secret-0123456789abcdef", "42")))
    [finding] = problems(check(other))
    assert (finding.id, finding.severity.value) == ("secret-mismatch", "error")
    unchecked = check(other, secret=None)
    assert ids(unchecked) == [] and with_id(unchecked, "secret-not-checked")
    assert with_id(check(Scenario(), secret=None), "secret-not-checked")


def claims_token(**claims: object) -> str:
    return jwt.encode({"user_id": "42", **claims}, SECRET, algorithm="HS256")


def hs512_token() -> str:
    with warnings.catch_warnings():  # the test secret is shorter than HS512 would like
        warnings.simplefilter("ignore")
        return jwt.encode({"user_id": "42", "exp": int(time.time()) + 3600}, SECRET, algorithm="HS512")


# Tokens are minted when each test runs (not at collection), so "now" is now.
@pytest.mark.parametrize(
    ("make_token", "expected"),
    [
        (lambda: claims_token(exp=int(time.time()) - 600), ["exp-in-past"]),
        (lambda: claims_token(exp=int(time.time() * 1000) + 7_200_000), ["exp-milliseconds"]),
        (lambda: claims_token(exp=int(time.time()) + 3 * 86400), ["exp-too-long"]),
        (lambda: claims_token(), ["exp-missing"]),
        (lambda: jwt.encode({"exp": int(time.time()) + 3600}, SECRET, algorithm="HS256"), ["token-claims"]),
        (lambda: jwt.encode({"user_id": 42, "exp": int(time.time()) + 3600}, SECRET, algorithm="HS256"), ["token-claims"]),
        (hs512_token, ["token-claims"]),
    ],
    ids=["expired", "milliseconds", "three days", "no exp", "no user_id", "numeric user_id", "HS512"],
)
def test_token_claims(make_token, expected):
    assert ids(check(Scenario(signed_in=token_reply(make_token())))) == expected


def test_token_response_must_not_be_cached():
    findings = check(Scenario(signed_in=token_reply(mint(SECRET, "42"), cache="private, max-age=600")))
    assert ids(findings) == ["token-cacheable"]


def test_session_not_accepted_and_malformed_answers():
    assert ids(check(Scenario(signed_in=UNAUTHORIZED))) == ["session-rejected"]
    assert ids(check(Scenario(signed_in=(200, {"Content-Type": "application/json"}, '{"jwt": "x"}')))) == ["token-malformed"]
    assert ids(check(Scenario(signed_in=(500, {}, "INTERCOM_IDENTITY_SECRET is not set")))) == ["secret-unset"]


@pytest.mark.parametrize(("offset", "expected"), [(300, ["clock-skew"]), (-300, ["clock-skew"]), (20, [])])
def test_clock_skew(offset, expected):
    assert ids(check(Scenario(clock_offset=offset))) == expected


GOOD_CORS = {"Access-Control-Allow-Origin": ORIGIN, "Access-Control-Allow-Credentials": "true", "Vary": "Origin"}


@pytest.mark.parametrize(
    ("cors", "preflight", "expected"),
    [
        (GOOD_CORS, (204, {}, ""), []),
        ({}, (204, {}, ""), ["cors-preflight-rejected", "cors-rejected"]),
        ({"Access-Control-Allow-Origin": "*"}, (204, {}, ""), ["cors-wildcard"]),
        ({"Access-Control-Allow-Origin": "https://other.example.com", "Access-Control-Allow-Credentials": "true"}, (204, {}, ""), ["cors-preflight-rejected", "cors-rejected"]),
        ({"Access-Control-Allow-Origin": ORIGIN}, (204, {}, ""), ["cors-no-credentials", "cors-preflight-rejected"]),
        (GOOD_CORS, (405, {}, ""), ["cors-preflight-rejected"]),
    ],
    ids=["allowed", "no CORS at all", "wildcard", "another origin", "no credentials", "preflight refused"],
)
def test_cors(cors, preflight, expected):
    findings = check(Scenario(cors=cors, preflight=preflight), origin=ORIGIN)
    assert ids(findings) == expected
    for finding in findings:
        if finding.id == "cors-preflight-rejected":
            assert finding.severity.value == "warning"


def test_same_origin_needs_no_cors():
    with serve(Scenario()) as base:
        findings = live_findings(LiveOptions(base, ENDPOINT, base, (SESSION,), SECRET, timeout=5))
    assert ids(findings) == []


# --- the real sample app --------------------------------------------------------------------------


@contextmanager
def flask_notes(tmp_path, server_secret: str | None) -> Iterator[tuple[str, tuple[tuple[str, str], ...]]]:
    """The bundled sample, installed, served on 127.0.0.1; yields its URL and a signed-in session."""
    root = installed_copy("flask_notes", tmp_path, secret=SECRET)
    (root / ".env").unlink(missing_ok=True)  # the server's secret comes from the environment below only
    port = free_port()
    command = [sys.executable, "-m", "flask", "--app", "flaskr", "run", "--host", "127.0.0.1", "--port", str(port)]
    env = {"INTERCOM_IDENTITY_SECRET": server_secret or "", "FLASK_SKIP_DOTENV": "1"}
    with running_server(command, root, port, env):
        base = f"http://127.0.0.1:{port}"
        client = BrowserlessClient(base)
        client.post_form("/auth/login", {"username": "alice", "password": "wonderland"})
        yield base, tuple((c.name, c.value or "") for c in client.cookies)


def test_installed_sample_app_passes_live(tmp_path):
    with flask_notes(tmp_path, SECRET) as (base, cookies):
        assert cookies, "signing in should set a session cookie"
        findings = live_findings(LiveOptions(base, ENDPOINT, None, cookies, SECRET))
    assert problems(findings) == []


def test_installed_sample_app_with_another_secret(tmp_path):
    with flask_notes(tmp_path, "the-server-has-another-secret") as (base, cookies):
        findings = live_findings(LiveOptions(base, ENDPOINT, None, cookies, SECRET))
    assert ids(findings) == ["secret-mismatch"]


def test_installed_sample_app_without_a_secret(tmp_path):
    with flask_notes(tmp_path, None) as (base, cookies):
        findings = live_findings(LiveOptions(base, ENDPOINT, None, cookies, SECRET))
    assert ids(findings) == ["secret-unset"]
