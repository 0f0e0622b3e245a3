"""Without a session the endpoint must answer 401 (or 403): the front end then boots a lead."""

from collections.abc import Iterator

from intercom_wizard.doctor.findings import Finding, Severity
from intercom_wizard.doctor.live.http import HttpReply
from intercom_wizard.doctor.live.replies import server_error, token_in


def signed_out(reply: HttpReply, url: str) -> Iterator[Finding]:
    status = reply.status
    if status in (401, 403):
        return
    if status == 200 and token_in(reply) is not None:
        yield Finding(
            "endpoint-unauthenticated",
            Severity.ERROR,
            f"GET {url} without a session answers 200 with a token.",
            "Anyone, signed in or not, gets a signed identity: the endpoint hands out impersonation.",
            "Answer 401 when nobody is signed in; sign a token only for the session's user.",
            url,
        )
    elif 300 <= status < 400:
        yield Finding(
            "endpoint-redirects",
            Severity.WARNING,
            f"GET {url} without a session redirects (HTTP {status} to {reply.header('location') or '?'}).",
            "fetch() follows the redirect to a login page (HTML), so the front end cannot tell 'not signed in' "
            "from a failure and visitors are never booted as leads.",
            "Exempt the endpoint from the login redirect and answer 401 JSON instead (e.g. Django: return "
            "JsonResponse(status=401) rather than @login_required).",
            url,
        )
    elif status in (404, 405) or (status == 200 and "json" not in (reply.header("content-type") or "")):
        yield Finding(
            "endpoint-not-found",
            Severity.ERROR,
            f"GET {url} answers HTTP {status}{' with a page, not JSON' if status == 200 else ''}: there is no token endpoint there.",
            "The Messenger's front end fetches its token from this path; without it no user is identified.",
            "Check --endpoint, that the route is registered (and mounted after the session middleware), and "
            "that a catch-all route does not answer first.",
            url,
        )
    elif status >= 500:
        yield server_error(reply, url)
    else:
        yield Finding(
            "unexpected-status",
            Severity.WARNING,
            f"GET {url} without a session answers HTTP {status}.",
            "The front end boots anonymously only on 401/403; other answers count as failures.",
            "Answer 401 when nobody is signed in.",
            url,
        )
