"""What the live checks are told: the app's URL, the endpoint, the front end's origin, a session."""

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from intercom_wizard.errors import BadInput
from intercom_wizard.options import Region


@dataclass(frozen=True)
class LiveOptions:
    url: str  # where the app is served
    endpoint: str = "/api/intercom-jwt"
    origin: str | None = None  # the front end's origin, when it differs from the app's
    cookies: tuple[tuple[str, str], ...] = ()  # a signed-in session
    secret: str | None = None  # INTERCOM_IDENTITY_SECRET, from the environment only
    timeout: float = 10.0
    region: Region | None = None  # which Intercom hosts the page's Content Security Policy must allow

    @property
    def token_url(self) -> str:
        return urljoin(self.url, self.endpoint)


def parse_url(value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadInput(f"{value!r} is not an http(s) URL.", hint="Pass the app's address, e.g. --url http://127.0.0.1:5000")
    return value.strip()


def parse_origin(value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/") or parts.query:
        raise BadInput(f"{value!r} is not an origin.", hint="An origin is scheme://host[:port], e.g. --origin https://app.example.com")
    return f"{parts.scheme}://{parts.netloc}"


def parse_cookie(value: str) -> tuple[str, str]:
    name, separator, cookie = value.partition("=")
    if not separator or not name.strip() or any(c in name for c in ";, \t"):
        raise BadInput(f"{value.split('=')[0]!r}: a cookie is given as NAME=VALUE.", hint="Copy it from the browser's devtools after signing in.")
    return name.strip(), cookie.strip()


def same_origin(url: str, origin: str) -> bool:
    a, b = urlsplit(url), urlsplit(origin)
    default = {"http": 80, "https": 443}
    return (a.scheme, a.hostname, a.port or default.get(a.scheme)) == (b.scheme, b.hostname, b.port or default.get(b.scheme))
