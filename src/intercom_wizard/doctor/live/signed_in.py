"""With a session (--cookie): a 200 {"token"} that Intercom would accept.

HS256, a string user_id, exp in seconds, in the future and at most 24 h away, no-store, and a
signature that verifies with INTERCOM_IDENTITY_SECRET (a mismatch is the seed's "Identity
verification failed").
"""

import warnings
from collections.abc import Iterator

import jwt

from intercom_wizard.doctor.expiry import MAX_LIFETIME_SECONDS, MILLISECONDS_THRESHOLD
from intercom_wizard.doctor.findings import Finding, Severity
from intercom_wizard.doctor.live.http import HttpReply
from intercom_wizard.doctor.live.replies import server_error, server_time, token_in


def signed_in(reply: HttpReply, url: str, secret: str | None, now: float) -> Iterator[Finding]:
    if reply.status in (401, 403) or 300 <= reply.status < 400:
        yield Finding(
            "session-rejected",
            Severity.WARNING,
            f"With the --cookie given, GET {url} still answers HTTP {reply.status}: the session was not accepted.",
            "The signed-in checks (secret, exp, algorithm) need a real session.",
            "Sign in again and copy the current session cookie (name and value) from the browser.",
            url,
        )
        return
    if reply.status >= 500:
        yield server_error(reply, url)
        return
    token = token_in(reply)
    if reply.status != 200 or token is None:
        yield Finding(
            "token-malformed",
            Severity.ERROR,
            f"Signed in, GET {url} answers HTTP {reply.status} without a {{\"token\": ...}} JSON body.",
            "The front end boots with the `token` field of a 200 JSON answer.",
            "Answer 200 with {\"token\": \"<jwt>\"} for a signed-in user.",
            url,
        )
        return
    if "no-store" not in (reply.header("cache-control") or "").lower():
        yield Finding(
            "token-cacheable",
            Severity.WARNING,
            f"The token response has Cache-Control: {reply.header('cache-control') or '(none)'}, not no-store.",
            "A browser or shared proxy may keep it and give one user's token to the next.",
            "Send Cache-Control: no-store with the token.",
            url,
        )
    yield from _token(token, url, secret, now, reply)


def _token(token: str, url: str, secret: str | None, now: float, reply: HttpReply) -> Iterator[Finding]:
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError as error:
        yield Finding("token-malformed", Severity.ERROR, f"The token is not a JWT ({error}).", "Intercom cannot read it.", "Sign it with a JWT library (HS256).", url)
        return
    if header.get("alg") != "HS256":
        yield Finding(
            "token-claims",
            Severity.ERROR,
            f"The token is signed with {header.get('alg')!r}, not HS256.",
            "Intercom verifies identity tokens with HS256 and the workspace's secret only.",
            "Sign with algorithm='HS256'.",
            url,
        )
    user_id = claims.get("user_id")
    if not isinstance(user_id, str) or not user_id:
        yield Finding(
            "token-claims",
            Severity.ERROR,
            f"The token's user_id is {'missing' if user_id is None else 'not a non-empty string'}.",
            "user_id is the one required claim: without it (or with an ambiguous one) Intercom rejects the token or "
            "merges users.",
            "Put the user's stable id in user_id, as a string.",
            url,
        )
    yield from _expiry(claims.get("exp"), url, now, reply)
    yield from _signature(token, header.get("alg") or "HS256", url, secret)


def _expiry(exp: object, url: str, now: float, reply: HttpReply) -> Iterator[Finding]:
    if exp is None:
        yield Finding("exp-missing", Severity.WARNING, "The token has no exp: it never expires.", "A leaked token identifies the user forever.", "Add exp = now + 2 hours, in Unix seconds.", url)
        return
    if not isinstance(exp, (int, float)):
        yield Finding("token-claims", Severity.ERROR, f"exp is {type(exp).__name__}, not a number.", "Intercom cannot read it.", "exp is a Unix time in seconds.", url)
        return
    if exp >= MILLISECONDS_THRESHOLD:
        yield Finding(
            "exp-milliseconds",
            Severity.ERROR,
            "The token's exp is in milliseconds.",
            "JWT times are Unix seconds; Intercom rejects the token.",
            "Divide by 1000: Math.floor(Date.now() / 1000) + 7200.",
            url,
        )
    elif exp <= now:
        server = server_time(reply)
        skew = f" (the server's clock says {server - now:+.0f} s from ours)" if server is not None else ""
        yield Finding(
            "exp-in-past",
            Severity.ERROR,
            f"The token expired {now - exp:.0f} s before it arrived{skew}.",
            "Intercom rejects an expired token immediately.",
            "Set exp = now + 2 hours, and check the server's clock (date; enable NTP).",
            url,
        )
    elif exp - now > MAX_LIFETIME_SECONDS:
        yield Finding(
            "exp-too-long",
            Severity.WARNING,
            f"The token lives {(exp - now) / 3600:.0f} hours.",
            "A leaked token can be replayed as long as it lives; keep it short (2 hours).",
            "Use exp = now + 2 hours and refresh from the front end.",
            url,
        )


def _signature(token: str, algorithm: str, url: str, secret: str | None) -> Iterator[Finding]:
    if secret is None:
        yield Finding(
            "secret-not-checked",
            Severity.INFO,
            "The token's signature was not checked: INTERCOM_IDENTITY_SECRET is not set here.",
            "A token signed with another secret than the workspace's is rejected by Intercom (identity verification failed).",
            "export INTERCOM_IDENTITY_SECRET=... (from the Messenger Security page) and run doctor again.",
            url,
        )
        return
    try:
        with warnings.catch_warnings():  # PyJWT warns about short keys; the key length is Intercom's choice
            warnings.simplefilter("ignore")
            jwt.decode(token, secret, algorithms=[algorithm], options={"verify_exp": False, "verify_iat": False, "verify_nbf": False})
    except jwt.InvalidSignatureError:
        yield Finding(
            "secret-mismatch",
            Severity.ERROR,
            "The token does not verify with INTERCOM_IDENTITY_SECRET: the server signs with another secret.",
            "Intercom rejects it (\"Identity verification failed\"), so the user is not identified.",
            "Copy the secret again from the Messenger Security page of this workspace and set it in the server's "
            "environment; check that staging and production do not mix up workspaces.",
            url,
        )
    except jwt.InvalidTokenError:
        pass  # not about the secret: the claims checks above report it
