"""Checks against the running app (`--url`): the token endpoint as the Messenger's front end meets it.

signed_out.py  without a session: 401, not a token, a redirect, a 404 or a 500
signed_in.py   with --cookie: the token (HS256, user_id, exp, no-store, the secret)
clock.py       the server's Date against local time
cors.py        from --origin: the credentialed GET and the preflight
csp.py         the page's Content-Security-Policy header against the hosts the Messenger needs
"""

import time
from collections.abc import Callable

from intercom_wizard.doctor.findings import Finding, Severity
from intercom_wizard.doctor.live.clock import clock_skew
from intercom_wizard.doctor.live.cors import cors
from intercom_wizard.doctor.live.csp import page_policy
from intercom_wizard.doctor.live.http import JSON, Unreachable, send
from intercom_wizard.doctor.live.options import LiveOptions, parse_cookie, parse_origin, parse_url, same_origin
from intercom_wizard.doctor.live.signed_in import signed_in
from intercom_wizard.doctor.live.signed_out import signed_out

__all__ = ["LiveOptions", "live_findings", "parse_cookie", "parse_origin", "parse_url"]


def live_findings(options: LiveOptions, *, now: Callable[[], float] = time.time) -> list[Finding]:
    url = options.token_url
    try:
        anonymous = send("GET", url, JSON, timeout=options.timeout)
    except Unreachable as error:
        return [_unreachable(url, error)]
    findings = [*clock_skew(anonymous, url), *signed_out(anonymous, url)]
    if options.cookies:
        cookie = "; ".join(f"{name}={value}" for name, value in options.cookies)
        try:
            reply = send("GET", url, {**JSON, "Cookie": cookie}, timeout=options.timeout)
        except Unreachable as error:
            return [*findings, _unreachable(url, error)]
        findings += signed_in(reply, url, options.secret, now())
    else:
        findings.append(
            Finding(
                "live-token-not-checked",
                Severity.INFO,
                "The token itself was not checked: no signed-in session was given.",
                "A secret mismatch, exp in milliseconds or the wrong algorithm only show on a real token.",
                "Sign in with a browser, copy the session cookie and pass it: --cookie NAME=VALUE (repeatable).",
                url,
            )
        )
    if options.origin is not None and not same_origin(url, options.origin):
        findings += cors(options, url)
    findings += page_policy(options)
    return findings


def _unreachable(url: str, error: Unreachable) -> Finding:
    return Finding(
        "live-unreachable",
        Severity.ERROR,
        f"No answer from {url} ({error}).",
        "The live checks need the app running and reachable from here.",
        "Start the app, check the --url (scheme, host, port) and --endpoint, and run doctor again.",
        url,
    )
