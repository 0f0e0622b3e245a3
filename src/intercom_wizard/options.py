"""Validated user inputs: workspace id, region, endpoint path, install mode."""

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum

from intercom_wizard.errors import BadInput

_WORKSPACE_ID = re.compile(r"[a-z0-9]{6,12}")
_WORKSPACE_URL = re.compile(r"app(?:\.(?P<region>eu|au))?\.intercom\.(?:com|io)/a/apps/(?P<id>[^/?#\s]+)")
_ENDPOINT = re.compile(r"/[A-Za-z0-9._~/-]*")
_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d{1,5})?")
_STORAGE_KEY = re.compile(r"[A-Za-z0-9_.:@/-]{1,100}")


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
    id: str
    region_hint: Region | None = None

    @property
    def security_settings_url(self) -> str:
        return f"https://app.intercom.com/a/apps/{self.id}/settings/channels/messenger/security"


def parse_workspace_id(value: str) -> Workspace:
    """Accept `abc12345` or any app.intercom.com/a/apps/<id>/... URL."""
    candidate = value.strip()
    region_hint = None
    match = _WORKSPACE_URL.search(candidate)
    if match:
        candidate = match.group("id")
        if match.group("region"):
            region_hint = Region(match.group("region"))
    if not _WORKSPACE_ID.fullmatch(candidate):
        raise BadInput(
            f"{value!r} is not an Intercom workspace id.",
            hint="A workspace id (app id) is a short lowercase alphanumeric string like abc12345; "
            "it is the part after /a/apps/ in the URL of your Intercom workspace.",
        )
    return Workspace(candidate, region_hint)


def parse_endpoint(value: str) -> str:
    if not _ENDPOINT.fullmatch(value) or "//" in value or value.endswith("/") and value != "/":
        raise BadInput(
            f"{value!r} is not a usable endpoint path.",
            hint="Use an absolute path such as /api/intercom-jwt (letters, digits, '-', '_', '.', '/').",
        )
    return value


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


class ClientAuth(str, Enum):
    """How the front end proves who is signed in when it calls the API."""

    COOKIE = "cookie"  # the session cookie travels with the request
    BEARER = "bearer"  # an access token kept by the front end, sent in the Authorization header


def parse_origin(value: str) -> str:
    match = _ORIGIN.fullmatch(value.strip())
    if not match:
        raise BadInput(
            f"{value!r} is not an origin.",
            hint="Give scheme, host and optional port only, e.g. https://app.example.com or http://localhost:5173.",
        )
    return value.strip()


def parse_storage_key(value: str) -> str:
    if not _STORAGE_KEY.fullmatch(value):
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
    workspace: Workspace
    region: Region = Region.US
    endpoint: str = "/api/intercom-jwt"
    mode: AuthMode = AuthMode.SECURE
    frontend: str | None = None
    backend: str | None = None
    frontend_origin: str | None = None  # set when the pages are served from another origin than the API
    auth: ClientAuth | None = None  # None: decided from what the project uses
    token_storage_key: str | None = None
    # Where and how the app keeps its access token: window.localStorage or sessionStorage, the raw
    # token or a JSON object with the token under this field (`{"token": ...}` saved under `user`).
    token_storage: str = "localStorage"
    token_storage_field: str | None = None
    auth_scheme: str = "Bearer"
    load: LoadStrategy = LoadStrategy.IMMEDIATE
    csp_nonce: bool = False  # the page sends a nonce-based Content Security Policy: our script tag must carry it

    @property
    def workspace_id(self) -> str:
        return self.workspace.id
