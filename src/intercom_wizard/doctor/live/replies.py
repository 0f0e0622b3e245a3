"""Reading the endpoint's answers: the token, the server's time, a server error."""

import json
from email.utils import parsedate_to_datetime

from intercom_wizard.doctor.findings import Finding, Severity
from intercom_wizard.doctor.live.http import HttpReply


def token_in(reply: HttpReply) -> str | None:
    try:
        body = json.loads(reply.body)
    except ValueError:
        return None
    token = body.get("token") if isinstance(body, dict) else None
    return token if isinstance(token, str) and token else None


def server_time(reply: HttpReply) -> float | None:
    date = reply.header("date")
    if not date:
        return None
    try:
        return parsedate_to_datetime(date).timestamp()
    except (TypeError, ValueError):
        return None


def server_error(reply: HttpReply, url: str) -> Finding:
    about_secret = any(word in reply.body.lower() for word in ("intercom_identity_secret", "not configured", "secret"))
    return Finding(
        "secret-unset" if about_secret else "endpoint-error",
        Severity.ERROR,
        f"GET {url} answers HTTP {reply.status}"
        + (": the server says identity verification is not configured." if about_secret else "."),
        "The endpoint fails, so the Messenger never gets a token and nobody is identified.",
        "Set INTERCOM_IDENTITY_SECRET in the environment the server runs in (the process that serves this "
        "URL, not your shell), restart it, and check the server log; a missing JWT library gives the same symptom.",
        url,
    )
