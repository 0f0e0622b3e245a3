"""A front end on another origin: its credentialed fetch (and any preflight) must be allowed for that
origin exactly, with credentials; `*` is never valid with credentials."""

from collections.abc import Iterator

from intercom_wizard.doctor.findings import Finding, Severity
from intercom_wizard.doctor.live.http import JSON, HttpReply, Unreachable, send
from intercom_wizard.doctor.live.options import LiveOptions


def cors(options: LiveOptions, url: str) -> Iterator[Finding]:
    origin = options.origin or ""
    cookie = "; ".join(f"{name}={value}" for name, value in options.cookies)
    try:
        preflight = send(
            "OPTIONS",
            url,
            {"Origin": origin, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization"},
            timeout=options.timeout,
        )
        actual = send("GET", url, {**JSON, "Origin": origin, **({"Cookie": cookie} if cookie else {})}, timeout=options.timeout)
    except Unreachable as error:
        yield Finding("live-unreachable", Severity.ERROR, f"No answer from {url} ({error}).", "The app stopped answering.", "Check that the app is still running.", url)
        return
    problem = _problem(actual, origin)
    if problem is not None:
        finding_id, message = problem
        yield Finding(
            finding_id,
            Severity.ERROR,
            f"A credentialed GET from {origin}: {message}",
            "The browser blocks the response, so the front end on that origin never gets a token (the console "
            "shows an Access-Control-Allow-Origin error) and nobody is identified.",
            f"Allow exactly that origin with credentials on the token endpoint: Access-Control-Allow-Origin: {origin} "
            f"and Access-Control-Allow-Credentials: true (Express: cors({{ origin: '{origin}', credentials: true }}); "
            "Flask: flask-cors with supports_credentials=True; Django: django-cors-headers with CORS_ALLOW_CREDENTIALS). Never '*'.",
            url,
        )
    refused = _problem(preflight, origin) if 200 <= preflight.status < 300 else ("cors-preflight-rejected", f"HTTP {preflight.status}.")
    if refused is None or (refused[0] == "cors-wildcard" and problem is not None and problem[0] == "cors-wildcard"):
        return
    wildcard = refused[0] == "cors-wildcard"
    yield Finding(
        "cors-wildcard" if wildcard else "cors-preflight-rejected",
        Severity.ERROR if wildcard else Severity.WARNING,
        f"The CORS preflight (OPTIONS) from {origin} is refused: {refused[1]}",
        "A fetch that adds a non-simple header must pass a preflight first: a front end that sends its API token "
        "(Authorization) is blocked; one that relies on cookies alone is not affected.",
        "Answer OPTIONS on the endpoint with 204 and the same Access-Control-Allow-Origin / -Credentials headers, "
        "plus Access-Control-Allow-Headers: Authorization if the front end sends it.",
        url,
    )


def _problem(reply: HttpReply, origin: str) -> tuple[str, str] | None:
    allowed = (reply.header("access-control-allow-origin") or "").strip()
    credentials = (reply.header("access-control-allow-credentials") or "").strip().lower()
    if not allowed:
        return "cors-rejected", "no Access-Control-Allow-Origin header in the answer."
    if allowed == "*":
        return "cors-wildcard", "Access-Control-Allow-Origin is '*', which browsers refuse for requests with credentials."
    if allowed.rstrip("/") != origin:
        return "cors-rejected", f"Access-Control-Allow-Origin is {allowed}, another origin."
    if credentials != "true":
        return "cors-no-credentials", "Access-Control-Allow-Credentials: true is missing, so the browser drops the answer to a fetch with credentials."
    return None
