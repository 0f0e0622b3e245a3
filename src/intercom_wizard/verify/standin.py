"""Offline Intercom: the routes that put the stand-in in place of the Messenger's hosts.

- https://widget.intercom.io/widget/* answers with standin.js (the command API, see there);
- https://js.intercomcdn.com/* answers with an empty 200 (the real widget's lazy chunks);
- https://api-iam*.intercom.io/** (US, EU, AU) is answered by `judge`, which checks the JWT of
  each ping exactly as Intercom does once identity verification is enforced: HS256, signed with
  the workspace's secret, `user_id` present, `exp` in the future and in seconds;
- any other Intercom host gets an empty 404, so nothing leaves the machine.

In --live mode none of this is routed; `observe_live_pings` reads the real widget's pings and
judges them the same way, locally, as evidence.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import jwt

from intercom_wizard.options import Region
from intercom_wizard.tokens import check
from intercom_wizard.verify.observe import JWT_KEY, Observations, Ping

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Request, Route

WIDGET_URL = "https://widget.intercom.io/widget/**"
CDN_URL = "https://js.intercomcdn.com/**"
API_URL = re.compile(r"^https://api-iam[^/]*\.intercom\.io/")
OTHER_INTERCOM_URL = re.compile(r"^https?://([^/]*\.)?(intercom\.io|intercomcdn\.com|intercomassets\.com|intercom\.com)(:\d+)?/")
DEFAULT_API_HOST = "api-iam.intercom.io"
SESSION_PREFIX = "standin-session:"


def standin_script() -> str:
    return resources.files("intercom_wizard.verify").joinpath("standin.js").read_text(encoding="utf-8")


def expected_api_host(region: Region) -> str:
    return urlsplit(region.api_base).netloc if region.api_base else DEFAULT_API_HOST


def parse_ping(url: str, post_data: str | None) -> tuple[str, str, dict[str, Any], str]:
    """(source, app_id, user_data, session) from the Messenger's form-encoded ping."""
    form = {key: values[0] for key, values in parse_qs(post_data or "", keep_blank_values=True).items()}
    try:
        user_data = json.loads(form.get("user_data") or "{}")
    except ValueError:
        user_data = {}
    return form.get("source", urlsplit(url).path), form.get("app_id", ""), user_data if isinstance(user_data, dict) else {}, form.get("session", "")


def judge(phase: str, url: str, post_data: str | None, *, secret: str, workspace_id: str, region: Region) -> tuple[Ping, dict[str, Any]]:
    """Decide a ping as enforced identity verification would; returns the record and the reply body."""
    source, app_id, user_data, session = parse_ping(url, post_data)

    def verdict(kind: str, status: int, reason: str, claims: dict[str, Any] | None = None, reply: dict[str, Any] | None = None) -> tuple[Ping, dict[str, Any]]:
        ping = Ping(phase, url, source, app_id, user_data, session, kind, reason, status, claims)
        if reply is None:
            reply = {"type": "error.list", "errors": [{"code": kind, "message": reason}]}
        return ping, reply

    if app_id != workspace_id:
        return verdict("wrong-app", 404, f"app_id {app_id!r} is not workspace {workspace_id}")
    host = urlsplit(url).netloc
    if host != expected_api_host(region):
        return verdict("wrong-region", 404, f"sent to {host}, but a {region.value.upper()} workspace is served by {expected_api_host(region)}")
    if "user_hash" in user_data:
        return verdict("rejected", 401, "user_hash (HMAC identity verification) is not accepted once JWT identity verification is enforced")
    if JWT_KEY in user_data:
        token = user_data[JWT_KEY]
        if not isinstance(token, str) or not token:
            return verdict("rejected", 401, f"{JWT_KEY} is {json.dumps(token)}, not a token")
        try:
            claims = check(token, secret)
        except jwt.InvalidTokenError as error:
            return verdict("rejected", 401, f"the JWT does not verify: {error}")
        session_id = SESSION_PREFIX + str(claims["user_id"])
        reply = {"type": "ping", "user": {"role": "user", "user_id": claims["user_id"]}, "session": session_id}
        return verdict("verified", 200, f"JWT verified for user_id {claims['user_id']}", claims, reply)
    identifying = [key for key in ("user_id", "email") if key in user_data]
    if identifying:
        return verdict("insecure", 401, f"{' and '.join(identifying)} without {JWT_KEY}: refused while identity verification is enforced")
    if session.startswith(SESSION_PREFIX):
        # Intercom keeps a user's session cookie until shutdown: a visitor booted anonymously on the
        # same browser would still see that user's conversations.
        user_id = session[len(SESSION_PREFIX) :]
        reply = {"type": "ping", "user": {"role": "user", "user_id": user_id}, "session": session}
        return verdict("session-carried", 200, f"anonymous boot still carried user {user_id}'s Messenger session (no shutdown)", None, reply)
    return verdict("anonymous", 200, "anonymous visitor (lead)", None, {"type": "ping", "user": {"role": "lead"}})


def install_standin(context: BrowserContext, observations: Observations) -> None:
    """Route the Messenger's hosts of `context` to the stand-in (routes match last-registered first)."""
    options = observations.options
    script = standin_script()

    def other(route: Route) -> None:
        route.fulfill(status=404, body="", headers={"access-control-allow-origin": "*"})

    def widget(route: Route) -> None:
        route.fulfill(status=200, body=script, content_type="application/javascript; charset=utf-8")

    def cdn(route: Route) -> None:
        route.fulfill(status=200, body="", content_type="application/javascript")

    def api(route: Route) -> None:
        request = route.request
        cors = {"access-control-allow-origin": request.headers.get("origin", "*"), "access-control-allow-credentials": "true", "vary": "Origin"}
        if request.method == "OPTIONS":
            route.fulfill(status=204, headers=cors | {"access-control-allow-methods": "POST", "access-control-allow-headers": "content-type"})
            return
        ping, reply = judge(observations.phase, request.url, request.post_data, secret=options.secret, workspace_id=options.workspace_id, region=options.region)
        observations.pings.append(ping)
        route.fulfill(status=ping.status, body=json.dumps(reply), headers=cors, content_type="application/json")

    context.route(OTHER_INTERCOM_URL, other)
    context.route(CDN_URL, cdn)
    context.route(WIDGET_URL, widget)
    context.route(API_URL, api)


def observe_live_pings(context: BrowserContext, observations: Observations) -> None:
    """--live: judge the real widget's pings locally (best effort: their format is Intercom's)."""
    options = observations.options

    def on_request(request: Request) -> None:
        if request.method != "POST" or not API_URL.match(request.url) or "/ping" not in request.url:
            return
        try:
            post_data = request.post_data
        except Exception:  # a binary or multipart body: not a ping we can read
            return
        ping, _ = judge(observations.phase, request.url, post_data, secret=options.secret, workspace_id=options.workspace_id, region=options.region)
        observations.pings.append(ping)

    context.on("request", on_request)
