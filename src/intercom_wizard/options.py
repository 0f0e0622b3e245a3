"""Validated user inputs: workspace id, region, endpoint path, install mode."""

import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from enum import Enum
from urllib.parse import SplitResult, urlsplit

from intercom_wizard.errors import BadInput

_WORKSPACE_ID = re.compile(r"[a-z0-9]{6,12}")
# Intercom's own web app hosts, by region: a workspace URL anywhere else is not one.
WORKSPACE_HOSTS = {"app.intercom.com": None, "app.eu.intercom.com": "eu", "app.au.intercom.com": "au"}
# Patterns kept as text are compiled on first use (re's own cache): a run that never needs them skips the compile (start-up time, issue 14).
_WORKSPACE_PATH = r"/a/apps/(?P<id>[^/]+)(?:/.*)?"
_ENDPOINT_SEGMENT = re.compile(r"[A-Za-z0-9_~-][A-Za-z0-9._~-]*")
_HOSTNAME = r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*"
_STORAGE_KEY = r"[A-Za-z0-9_.:@/-]{1,100}"


class Region(str, Enum):
    US = "us"
    EU = "eu"
    AU = "au"

    @property
    def api_base(self) -> str | None:
        """The `api_base` the loader snippet needs; None where the default (US) applies."""
        return {Region.US: None, Region.EU: "https://api-iam.eu.intercom.io", Region.AU: "https://api-iam.au.intercom.io"}[self]

    @property
    def sdk_region(self) -> str | None:
        """The `region` of @intercom/messenger-js-sdk: Australia is 'ap' there."""
        return {Region.US: None, Region.EU: "eu", Region.AU: "ap"}[self]


@dataclass(frozen=True)
class Workspace:
    """The Intercom workspace (app) id, and the region its URL named, if any."""

    id: str
    region_hint: Region | None = None

    @property
    def security_settings_url(self) -> str:
        return f"https://app.intercom.com/a/apps/{self.id}/settings/channels/messenger/security"


def parse_workspace_id(value: str) -> Workspace:
    """Accept `abc12345`, or a URL of the workspace on Intercom's own hosts (app[.eu|.au].intercom.com/a/apps/<id>/...)."""
    candidate = value.strip()
    region_hint = None
    if "/" in candidate or ":" in candidate:
        candidate, region_hint = _workspace_from_url(value, candidate)
    if not _WORKSPACE_ID.fullmatch(candidate):
        raise BadInput(
            f"{value!r} is not an Intercom workspace id.",
            hint="A workspace id (app id) is a short lowercase alphanumeric string like abc12345; "
            "it is the part after /a/apps/ in the URL of your Intercom workspace.",
        )
    return Workspace(candidate, region_hint)


def _workspace_from_url(value: str, candidate: str) -> tuple[str, Region | None]:
    url = urlsplit(candidate if "://" in candidate else f"https://{candidate}")
    try:
        port = url.port
    except ValueError:
        port = -1
    host = (url.hostname or "").lower()
    path = re.fullmatch(_WORKSPACE_PATH, url.path)
    if url.scheme != "https" or host not in WORKSPACE_HOSTS or url.username or url.password or port is not None or path is None:
        raise BadInput(
            f"{value!r} is not an Intercom workspace id.",
            hint="Give the id (like abc12345), or a URL of your workspace on Intercom's own hosts: "
            f"https://{{{', '.join(WORKSPACE_HOSTS)}}}/a/apps/<id>/...",
        )
    region = WORKSPACE_HOSTS[host]
    return path.group("id"), Region(region) if region else None


def parse_endpoint(value: str) -> str:
    """An absolute, normalised URL path of at least one segment: no '.'/'..', '//', query, fragment or spaces."""
    problem = _endpoint_problem(value)
    if problem:
        raise BadInput(
            f"{value!r} is not a usable endpoint path: {problem}.",
            hint="Use an absolute path such as /api/intercom-jwt (segments of letters, digits, '-', '_', '.', '~').",
        )
    return value


@dataclass(frozen=True)
class Endpoint:
    """The token endpoint's URL path, validated when it is made (exit 2 on a bad one); every
    integration reads the shape it needs from here instead of reshaping the string itself."""

    path: str  # "/api/intercom-jwt": absolute, no trailing slash
    # "https://api.example.com" when --endpoint was a full URL: the front end calls that origin, the
    # back end in this project serves `path` (str() stays the path: it is the route back ends declare).
    origin: str | None = None

    def __post_init__(self) -> None:
        parse_endpoint(self.path)

    def __str__(self) -> str:
        return self.path

    @classmethod
    def parse(cls, value: str) -> "Endpoint":
        """--endpoint: a path (/api/intercom-jwt) or a full URL (https://api.example.com/api/intercom-jwt)."""
        if "://" not in value:
            return cls(value)
        url = urlsplit(value)
        problem = _url_problem(value, url)
        if problem:
            raise BadInput(
                f"{value!r} is not a usable endpoint URL: {problem}.",
                hint="Use a path such as /api/intercom-jwt, or a full URL such as https://api.example.com/api/intercom-jwt.",
            )
        return cls(url.path, origin=f"{url.scheme}://{url.netloc.lower()}")

    @property
    def url(self) -> str:
        """What the front end requests: the full URL when one was given, else the same-origin path."""
        return f"{self.origin}{self.path}" if self.origin else self.path

    @property
    def relative(self) -> str:
        """Without the leading slash: "api/intercom-jwt" (Django's path(), Rails-style route files)."""
        return self.path.lstrip("/")

    @property
    def segments(self) -> tuple[str, ...]:
        return tuple(self.relative.split("/"))

    def below(self, prefix: str) -> str | None:
        """The path below a mount prefix ("/api" or "api" -> "intercom-jwt"), None when it is not below it."""
        mount = "/" + prefix.strip("/")
        return self.path[len(mount) + 1 :] if self.path.startswith(mount + "/") else None


def _url_problem(value: str, url: SplitResult) -> str | None:
    if url.scheme not in ("http", "https"):
        return "only http:// and https:// URLs are allowed"
    if url.username is not None or url.password is not None:
        return "credentials do not belong in the URL (it is written into front-end code)"
    try:
        url.port  # noqa: B018 - raises ValueError for a port out of range or not a number
    except ValueError:
        return "the port is not a number from 0 to 65535"
    if not url.hostname:
        return "it has no host"
    if "?" in value or "#" in value:  # an empty `?` or `#` too: urlsplit drops those
        return "a query or fragment is not part of an endpoint"
    return _endpoint_problem(url.path or "/")


def _endpoint_problem(value: str) -> str | None:
    if not value.startswith("/"):
        return "it must start with /"
    if value == "/":
        return "/ is the site's home page"
    if any(char.isspace() for char in value):
        return "it contains whitespace"
    if "?" in value or "#" in value:
        return "a query or fragment is not part of a path"
    if "//" in value:
        return "it contains an empty segment (//)"
    if value.endswith("/"):
        return "it ends with /"
    segments = value[1:].split("/")
    if any(segment in (".", "..") for segment in segments):
        return "'.' and '..' segments are not allowed"
    bad = next((segment for segment in segments if not _ENDPOINT_SEGMENT.fullmatch(segment)), None)
    if bad is not None:
        return f"the segment {bad!r} holds characters other than letters, digits, '-', '_', '.', '~'"
    return None


DEFAULT_ENDPOINT = Endpoint("/api/intercom-jwt")


def parse_secret(value: str) -> str:
    """The identity secret as typed or exported: one line of printable characters.

    A newline would start a second variable in the env file, NUL ends the string in C-based readers,
    and other control characters are invisible in every place the secret is pasted.
    """
    bad = next((char for char in value if unicodedata.category(char) == "Cc"), None)
    if bad is not None:
        raise BadInput(
            f"The identity secret contains a control character ({_describe(bad)}); it was not used.",
            hint="Copy the secret again from the Messenger Security page: it is one line of printable characters.",
        )
    return value


def _describe(char: str) -> str:
    return {"\n": "a newline", "\r": "a carriage return", "\0": "NUL", "\t": "a tab"}.get(char, f"U+{ord(char):04X}")


class TokenEncoding(str, Enum):
    """How the app writes its access token into storage (and so how it must be read back)."""

    RAW = "raw"  # the token (or JSON holding it) as is
    BASE64 = "base64"  # btoa(token) / Buffer.from(token).toString('base64'): decoded with atob before use


class ClientAuth(str, Enum):
    """How the front end proves who is signed in when it calls the API."""

    COOKIE = "cookie"  # the session cookie travels with the request
    BEARER = "bearer"  # an access token kept by the front end, sent in the Authorization header


def parse_folder(value: str, option: str = "--frontend-root") -> str:
    """A folder inside the project as detection names it: relative, `/`-separated, "" for the root."""
    parts = [part for part in value.strip().replace("\\", "/").split("/") if part not in ("", ".")]
    if value.strip().startswith("/") or ".." in parts:
        raise BadInput(f"{option} {value!r} is not a folder inside the project.", hint="Give it relative to the project, e.g. apps/web.")
    return "/".join(parts)


def parse_origin(value: str) -> str:
    """A browser origin: scheme, host and port only; https unless the host is this machine. Normalised
    (lowercase, default port dropped), because CORS compares it with the Origin header byte for byte."""
    origin = value.strip()
    url = urlsplit(origin)
    try:
        port = url.port
    except ValueError:
        port = -1
    host = url.hostname or ""
    problem = None
    if any(char.isspace() for char in value.strip()) or url.scheme not in ("http", "https") or not url.netloc:
        problem = "give scheme and host, e.g. https://app.example.com"
    elif url.username is not None or url.password is not None:
        problem = "an origin carries no user name or password"
    elif url.path or url.query or url.fragment or origin.endswith(("?", "#")):
        problem = "an origin has no path, query or fragment (not even a final /)"
    elif port == -1 or port == 0:
        problem = "the port must be a number from 1 to 65535"
    elif not (re.fullmatch(_HOSTNAME, host) or _is_ip_literal(host)):
        problem = f"{host!r} is not a host name"
    elif url.scheme == "http" and not _is_loopback(host):
        problem = "plain http is only accepted for this machine (localhost, 127.0.0.1, [::1]); use https"
    if problem:
        raise BadInput(
            f"{value!r} is not an origin: {problem}.",
            hint="Give scheme, host and optional port only, e.g. https://app.example.com or http://localhost:5173.",
        )
    default_port = {"http": 80, "https": 443}[url.scheme]
    shown_host = f"[{host}]" if ":" in host else host
    return f"{url.scheme}://{shown_host}" + ("" if port in (None, default_port) else f":{port}")


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_storage_key(value: str) -> str:
    if not re.fullmatch(_STORAGE_KEY, value):
        raise BadInput(f"{value!r} is not a usable localStorage key.", hint="Use the key your app stores its access token under, e.g. access_token.")
    return value


class LoadStrategy(str, Enum):
    """When the Messenger loads: at once, when the page is idle, or on the first interaction."""

    IMMEDIATE = "immediate"
    IDLE = "idle"
    INTERACTION = "interaction"


class AuthMode(str, Enum):
    SECURE = "secure"
    INSECURE = "insecure"


@dataclass(frozen=True)
class InstallOptions:
    """Everything the user chose for `install`, validated; the planner settles what is left open."""

    workspace: Workspace
    region: Region = Region.US
    endpoint: Endpoint = DEFAULT_ENDPOINT  # validated when made (Endpoint(...) raises BadInput)
    mode: AuthMode = AuthMode.SECURE
    frontend: str | None = None
    backend: str | None = None
    # The folder of the app chosen when several were found (set by the interactive choice, which knows
    # each candidate's root); None: --frontend/--backend alone, by name.
    frontend_root: str | None = None
    backend_root: str | None = None
    frontend_origin: str | None = None  # set when the pages are served from another origin than the API
    auth: ClientAuth | None = None  # None: decided from what the project uses
    token_storage_key: str | None = None
    # Where and how the app keeps its access token: window.localStorage or sessionStorage, the raw
    # token or a JSON object with the token under this field (`{"token": ...}` saved under `user`).
    token_storage: str = "localStorage"
    token_storage_field: str | None = None
    token_storage_encoding: TokenEncoding | None = None  # None: detected next to the key (raw if nothing says otherwise)
    auth_scheme: str = "Bearer"
    # The token lives only in memory, on axios' default headers: the member the core reads it from,
    # "defaults.headers.common" or "defaults.headers" (integrations/frontends/axios_header.py).
    token_axios_headers: str | None = None
    load: LoadStrategy = LoadStrategy.IMMEDIATE
    csp_nonce: bool = False  # the page sends a nonce-based Content Security Policy: our script tag must carry it
    upgrade: bool = False  # convert a hand-written Intercom installation in place (install --upgrade)

    @property
    def workspace_id(self) -> str:
        return self.workspace.id
