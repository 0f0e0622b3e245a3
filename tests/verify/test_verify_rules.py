"""The verifier's rules without a browser: the JWT judge, the checks on hand-made observations,
option validation and the report's JSON."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jwt
import pytest
from conftest import SECRET, WORKSPACE_ID

from intercom_wizard.errors import BadInput
from intercom_wizard.options import Region
from intercom_wizard.tokens import mint
from intercom_wizard.verify import Logout, Report, SignIn, Status, VerifyOptions
from intercom_wizard.verify.checks import check_anonymous, check_logout, check_no_secrets, check_signed_in, evaluate
from intercom_wizard.verify.observe import Call, Observations, Probe
from intercom_wizard.verify.standin import judge

# The HS512 case signs with a key that is short for SHA-512 on purpose: the point is the refusal.
pytestmark = pytest.mark.filterwarnings("ignore:The HMAC key is")

EU_PING = "https://api-iam.eu.intercom.io/messenger/web/ping"


def ping_body(user_data: dict[str, Any], *, app_id: str = WORKSPACE_ID, session: str = "") -> str:
    return urlencode({"app_id": app_id, "source": "apiBoot", "session": session, "user_data": json.dumps(user_data)})


def decide(user_data: dict[str, Any], url: str = EU_PING, **kwargs: Any) -> Any:
    ping, reply = judge("signed-in", url, ping_body(user_data, **kwargs), secret=SECRET, workspace_id=WORKSPACE_ID, region=Region.EU)
    return ping, reply


def test_judge_accepts_a_good_token_and_opens_a_session() -> None:
    ping, reply = decide({"intercom_user_jwt": mint(SECRET, "7", "bob@example.com")})
    assert (ping.verdict, ping.status, ping.claims and ping.claims["user_id"]) == ("verified", 200, "7")
    assert reply["user"] == {"role": "user", "user_id": "7"} and reply["session"]


@pytest.mark.parametrize(
    ("claims", "header_alg", "reason"),
    [
        ({"user_id": "7", "exp": "ms"}, "HS256", "milliseconds"),
        ({"user_id": "7", "exp": -60}, "HS256", "Signature has expired"),
        ({"exp": 3600}, "HS256", 'Token is missing the "user_id" claim'),
        ({"user_id": 7, "exp": 3600}, "HS256", "user_id must be a non-empty string"),
        ({"user_id": "7", "exp": 3600}, "HS512", "expected HS256"),
    ],
)
def test_judge_refuses_tokens_as_enforced_identity_verification_does(claims: dict[str, Any], header_alg: str, reason: str) -> None:
    now = int(time.time())
    payload = dict(claims)
    if payload.get("exp") == "ms":
        payload["exp"] = (now + 3600) * 1000
    elif "exp" in payload:
        payload["exp"] = now + payload["exp"]
    token = jwt.encode(payload, SECRET, algorithm=header_alg)
    ping, reply = decide({"intercom_user_jwt": token})
    assert (ping.verdict, ping.status) == ("rejected", 401)
    assert reason in ping.reason and reply["type"] == "error.list"


def test_judge_other_refusals() -> None:
    assert decide({"user_id": "7", "email": "bob@example.com"})[0].verdict == "insecure"
    assert decide({"user_id": "7", "user_hash": "abc"})[0].verdict == "rejected"
    assert decide({"intercom_user_jwt": None})[0].reason == "intercom_user_jwt is null, not a token"
    assert decide({}, app_id="other123")[0].verdict == "wrong-app"
    assert decide({}, url="https://api-iam.intercom.io/messenger/web/ping")[0].verdict == "wrong-region"
    assert decide({})[0].verdict == "anonymous"
    assert decide({}, session="standin-session:7")[0].verdict == "session-carried"


def options(**changes: Any) -> VerifyOptions:
    base: dict[str, Any] = {
        "url": "http://127.0.0.1:5000/",
        "workspace_id": WORKSPACE_ID,
        "secret": SECRET,
        "region": Region.EU,
        "sign_in": SignIn(login_url="/login", username="bob", password="pw"),
        "logout": Logout(url="/logout"),
    }
    return VerifyOptions(**(base | changes))


def call(phase: str, command: str, settings: dict[str, Any] | None = None, *, load: str = "l1", undefined: list[str] | None = None) -> Call:
    return Call(phase, load, 0, command, settings or {}, undefined or [], 0.0, "http://127.0.0.1:5000/")


BOOT = {"app_id": WORKSPACE_ID, "api_base": "https://api-iam.eu.intercom.io"}


def test_anonymous_check_names_a_redirect_to_the_login_page() -> None:
    obs = Observations(options())
    obs.calls.append(call("anonymous", "boot", BOOT))
    obs.probes.append(Probe("anonymous", "http://127.0.0.1:5000/api/intercom-jwt", 302, {"location": "/login?next=/api/intercom-jwt"}, ""))
    result = check_anonymous(obs)
    assert result.status is Status.FAIL
    assert result.evidence[0] == "GET /api/intercom-jwt -> 302 -> /login?next=/api/intercom-jwt: a redirect (to a login page?) instead of 401; the Messenger cannot tell 'signed out' from an error"


def test_anonymous_only_site_without_an_endpoint_passes_signed_out() -> None:
    # Corpus: html5-boilerplate, a static site: install ends anonymous-only, its script boots every
    # visitor as a lead and asks no token endpoint, so the endpoint's 404 is what is expected.
    obs = Observations(options(sign_in=SignIn(), logout=Logout(), anonymous_only=True))
    obs.calls.append(call("anonymous", "boot", BOOT))
    obs.probes.append(Probe("anonymous", "http://127.0.0.1:5000/api/intercom-jwt", 404, {}, "not found"))
    result = check_anonymous(obs)
    assert result.status is Status.PASS
    assert result.evidence[-1] == "GET /api/intercom-jwt -> 404: no token endpoint, as an anonymous-only install has none"


def test_anonymous_only_page_that_asks_a_token_endpoint_fails() -> None:
    obs = Observations(options(sign_in=SignIn(), logout=Logout(), anonymous_only=True))
    obs.calls.append(call("anonymous", "boot", BOOT))
    obs.token_requests.append("anonymous")
    obs.probes.append(Probe("anonymous", "http://127.0.0.1:5000/api/intercom-jwt", 404, {}, "not found"))
    result = check_anonymous(obs)
    assert result.status is Status.FAIL
    assert "the page asked the token endpoint /api/intercom-jwt: an anonymous-only install asks none" in result.evidence
    # Without the flag a missing endpoint is a failure, asked or not.
    plain = Observations(options(sign_in=SignIn(), logout=Logout()))
    plain.calls.append(call("anonymous", "boot", BOOT))
    plain.probes.append(Probe("anonymous", "http://127.0.0.1:5000/api/intercom-jwt", 404, {}, "not found"))
    assert check_anonymous(plain).status is Status.FAIL


def test_anonymous_only_site_whose_server_answers_every_path_with_its_page_passes() -> None:
    # Corpus: react-boilerplate, whose Express server sends index.html for every GET (`app.get('*')`):
    # the endpoint's path answers 200 with the page, no token. With sign-in expected that is still a failure.
    page = Probe("anonymous", "http://127.0.0.1:3000/api/intercom-jwt", 200, {"content-type": "text/html; charset=UTF-8"}, "<!doctype html><html></html>")
    obs = Observations(options(sign_in=SignIn(), logout=Logout(), anonymous_only=True))
    obs.calls.append(call("anonymous", "boot", BOOT))
    obs.probes.append(page)
    result = check_anonymous(obs)
    assert result.status is Status.PASS, result.evidence
    assert result.evidence[-1] == (
        "GET /api/intercom-jwt -> 200 with no token (text/html; charset=UTF-8): no token endpoint, as an anonymous-only install has none"
    )
    plain = Observations(options(sign_in=SignIn(), logout=Logout()))
    plain.calls.append(call("anonymous", "boot", BOOT))
    plain.probes.append(page)
    assert check_anonymous(plain).status is Status.FAIL
    # A token handed out is a failure either way.
    handing = Observations(options(sign_in=SignIn(), logout=Logout(), anonymous_only=True))
    handing.calls.append(call("anonymous", "boot", BOOT))
    handing.probes.append(Probe("anonymous", page.url, 200, {"content-type": "application/json"}, '{"token": "a.b.c"}'))
    assert "the endpoint hands out tokens without authentication" in " ".join(check_anonymous(handing).evidence)


def test_anonymous_only_refuses_sign_in_options() -> None:
    with pytest.raises(BadInput, match="--anonymous-only is for sites without sign-in"):
        options(anonymous_only=True)


def test_logout_url_and_selector_together_are_a_confirmation_page_and_its_button() -> None:
    # Corpus: django-allauth asks "Are you sure you want to sign out?" on GET /accounts/logout/.
    logout = Logout(url="/accounts/logout/", selectors=("form[action='/accounts/logout/'] button[type=submit]",))
    assert not logout.is_empty
    assert options(logout=logout).logout == logout


def test_signed_in_check_wants_no_store_and_a_token_body() -> None:
    obs = Observations(options())
    obs.calls.append(call("signed-in", "boot", BOOT | {"intercom_user_jwt": mint(SECRET, "7")}))
    obs.probes.append(Probe("signed-in", "http://127.0.0.1:5000/api/intercom-jwt", 200, {"cache-control": "max-age=60"}, '{"jwt": "x"}'))
    result = check_signed_in(obs)
    assert result.status is Status.FAIL
    assert "a token response must be no-store" in result.evidence[0]
    assert 'the body is not {"token": "..."}' in result.evidence[1]


def test_logout_check_wants_shutdown_before_the_anonymous_boot() -> None:
    obs = Observations(options())
    obs.calls += [call("logout", "boot", BOOT, load="l2"), call("logout", "shutdown", load="l2")]
    result = check_logout(obs)
    assert result.status is Status.FAIL
    assert result.evidence[0] == "no anonymous boot after the shutdown"
    obs.calls = [call("logout", "shutdown", load="l2"), call("logout", "boot", BOOT, load="l2")]
    assert check_logout(obs).status is Status.PASS


def test_no_secrets_check_finds_insecure_boots_and_user_hash() -> None:
    obs = Observations(options())
    obs.calls += [
        call("anonymous", "boot", BOOT | {"user_id": "7", "email": "bob@example.com"}),
        call("signed-in", "boot", BOOT | {"user_hash": "abc", "intercom_user_jwt": "x"}),
    ]
    evidence = check_no_secrets(obs).evidence
    assert any(line.startswith("insecure boot(") and "user_id, email without intercom_user_jwt" in line for line in evidence)
    assert any("uses user_hash (deprecated)" in line for line in evidence)


def test_user_hash_in_a_response_fails_unless_a_script_only_names_the_key() -> None:
    """react-use-intercom's bundle maps userHash to user_hash (a settings table, no hash): not a leak; a page
    naming it, or a script or JSON answer holding a hash value, is."""
    from intercom_wizard.verify.observe import Delivered

    library = Delivered("anonymous", "http://127.0.0.1:5000/assets/index.js", 200, "text/javascript", b"{user_hash:e.userHash,intercom_user_jwt:e.intercomUserJwt}")
    obs = Observations(options())
    obs.responses.append(library)
    result = check_no_secrets(obs)
    assert result.status is Status.PASS, result.evidence
    assert any("index.js names user_hash without a value" in line for line in result.evidence)
    hashed = b'{"id": 7, "user_hash": "' + b"9f" * 32 + b'"}'
    for leak in (
        Delivered("signed-in", "http://127.0.0.1:5000/api/login", 200, "application/json", hashed),
        Delivered("signed-in", "http://127.0.0.1:5000/assets/app.js", 200, "text/javascript", b"boot({user_hash:'" + b"ab" * 32 + b"'})"),
        Delivered("signed-in", "http://127.0.0.1:5000/", 200, "text/html", b"<script>window.intercomSettings = { user_hash: hash };</script>"),
    ):
        obs = Observations(options())
        obs.responses.append(leak)
        result = check_no_secrets(obs)
        assert result.status is Status.FAIL and any(f"user_hash in {leak.url}" in line for line in result.evidence), leak.url


def test_checks_that_do_not_apply_are_skipped_and_the_report_serialises() -> None:
    obs = Observations(options(sign_in=SignIn(), logout=Logout()))
    results = {result.id: result.status for result in evaluate(obs)}
    assert results["signed-in"] is results["navigation"] is results["logout"] is Status.SKIPPED
    report = Report("http://127.0.0.1:5000/", WORKSPACE_ID, "eu", "offline", evaluate(obs))
    data = json.loads(report.dumps())
    assert data["passed"] is False and data["checks"][0] == {"id": "loader", "title": data["checks"][0]["title"], "status": "fail", "evidence": ["no page could be inspected"]}
    assert report.exit_code == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"url": "127.0.0.1:5000"}, "is not an http(s) URL"),
        ({"workspace_id": "Not An Id"}, "is not an Intercom workspace id"),
        ({"secret": ""}, "INTERCOM_IDENTITY_SECRET is not set"),
        ({"endpoint": "api/jwt"}, "neither a path nor an http(s) URL"),
        ({"navigate": "https://elsewhere.example/"}, "must stay on the site"),
    ],
)
def test_bad_options_are_bad_input(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(BadInput, match=message.replace("(", r"\(").replace(")", r"\)")):
        options(**changes)


def test_bad_sign_in_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="needs --username and --password"):
        SignIn(login_url="/login")
    with pytest.raises(BadInput, match="is not a file"):
        SignIn(storage_state=tmp_path / "missing.json")
