"""What to verify and how to sign in and out, validated before any browser starts.

Bad input is reported as BadInput (exit code 2) here, so that a typo never costs a browser run and
never turns into a misleading "check failed".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from intercom_wizard.errors import BadInput
from intercom_wizard.options import Region, parse_workspace_id
from intercom_wizard.verify.recorded_endpoint import RecordedEndpoint

SECRET_ENV = "INTERCOM_IDENTITY_SECRET"
ACCESS_TOKEN_ENV = "INTERCOM_ACCESS_TOKEN"


def _is_http_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def parse_cookie(value: str) -> tuple[str, str]:
    """`NAME=VALUE`, as given to --cookie."""
    name, sep, cookie_value = value.partition("=")
    if not sep or not name.strip():
        raise BadInput(f"--cookie {value!r} is not NAME=VALUE.", hint="For example: --cookie sessionid=abc123 (repeat for more cookies).")
    return name.strip(), cookie_value


def parse_user(value: str) -> tuple[str, str]:
    """`NAME:PASSWORD`, as given to --user (the password may contain colons; the name may not).
    `NAME:` (an empty password) is a sign-in form with a name field only (iron-session's examples)."""
    name, sep, password = value.partition(":")
    if not sep or not name.strip():
        raise BadInput(
            f"--user {value.split(':', 1)[0]!r}... is not NAME:PASSWORD.",
            hint="For example: --user alice:wonderland --user bob:builder (NAME: with nothing after the colon for a form with no password field)",
        )
    return name.strip(), password


@dataclass(frozen=True)
class SignIn:
    """One way to become a signed-in user: a login form, cookies, or a saved Playwright storage state."""

    login_url: str | None = None
    username: str | None = None
    password: str | None = None
    username_selector: str | None = None
    password_selector: str | None = None
    submit_selector: str | None = None
    cookies: tuple[tuple[str, str], ...] = ()
    storage_state: Path | None = None

    def __post_init__(self) -> None:
        if self.login_url is not None and (self.username is None or self.password is None):
            raise BadInput("--login-url needs --username and --password.", hint="Or sign in with --cookie NAME=VALUE or --storage-state FILE.")
        if self.login_url is None and (self.username is not None or self.password is not None):
            raise BadInput("--username/--password need --login-url (the page with the login form).")
        if self.storage_state is not None and not self.storage_state.is_file():
            raise BadInput(f"--storage-state {self.storage_state} is not a file.", hint="Save one with Playwright: context.storage_state(path=...).")

    @property
    def name_only(self) -> bool:
        """An empty password: the login form has a name field and no password field (none is filled)."""
        return self.login_url is not None and self.password == ""

    @property
    def name_values(self) -> tuple[str, ...]:
        """What a name-only form's text fields get, in order: NAME split at `|` (`ann@example.com|Ann`)."""
        name = self.username or ""
        return tuple(value.strip() for value in name.split("|")) if self.name_only else (name,)

    @property
    def is_empty(self) -> bool:
        return self.login_url is None and not self.cookies and self.storage_state is None

    def describe(self) -> str:
        if self.login_url is not None:
            return f"login form at {self.login_url} as {self.username}"
        if self.storage_state is not None:
            return f"storage state {self.storage_state}"
        return "cookies " + ", ".join(name for name, _ in self.cookies)


@dataclass(frozen=True)
class Logout:
    # Both given: the URL is a sign-out confirmation page (django-allauth's, say) and the selector its
    # button: open the page, then click. Several selectors are clicked in order: an account menu that
    # must be opened first, then its sign-out item (Wagtail's admin sidebar, which signs out by POST only).
    url: str | None = None
    selectors: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return self.url is None and not self.selectors


@dataclass(frozen=True)
class VerifyOptions:
    url: str
    workspace_id: str
    secret: str
    region: Region = Region.US
    endpoint: str = "/api/intercom-jwt"
    # No --endpoint: what the install recorded in the project (the receipt, the core's API base and the
    # project's value for it), which the probes use when the page itself shows no token request.
    recorded: RecordedEndpoint | None = None
    sign_in: SignIn = field(default_factory=SignIn)
    logout: Logout = field(default_factory=Logout)
    navigate: str | None = None
    # The app keeps its sign-in only in memory (a Vuex store, React state, axios' default headers): a page
    # load signs it out, so after each form sign-in the signed-in state is checked on the page the sign-in
    # left (calls from the submission on count as signed in) instead of loading the page under test again.
    no_reload: bool = False
    # Pages to reach by clicking their links, as a person would on a Turbo/htmx/Inertia/Livewire app.
    visits: tuple[str, ...] = ()
    live: bool = False
    api_token: str | None = None
    screenshot: Path | None = None
    # Every user to sign in as (the first is `sign_in`); with two, the `identity` check signs in as
    # A, out, in as B, out, and in as A again, and compares the tokens' user_id.
    users: tuple[SignIn, ...] = ()
    # How long to wait for the Messenger to boot on each page; a page that never boots fails. Longer than
    # the clients' retry budget (1 + 3 + 10 s, RETRY_DELAYS_MS) plus the page's own start and the SDK's
    # load, after which a missing token endpoint still ends in an anonymous boot: the report then names
    # the endpoint, not a page that never booted (16 s was measured too short on vue3-pinia-login).
    boot_timeout: float = 20.0
    # An anonymous-only install (no sign-in in the app): no token endpoint is expected, none may be asked.
    anonymous_only: bool = False

    def __post_init__(self) -> None:
        if not _is_http_url(self.url):
            raise BadInput(f"{self.url!r} is not an http(s) URL.", hint="For example: intercom-wizard verify http://127.0.0.1:5000/ ...")
        # Accept a workspace URL too, as install does; keep only the id.
        object.__setattr__(self, "workspace_id", parse_workspace_id(self.workspace_id).id)
        if not self.secret:
            raise BadInput(
                f"{SECRET_ENV} is not set: the verifier checks every token against it, as Intercom would.",
                hint=f"export {SECRET_ENV}=... (the identity verification secret of the Messenger Security page).",
            )
        if not (self.endpoint.startswith("/") or _is_http_url(self.endpoint)):
            raise BadInput(f"--endpoint {self.endpoint!r} is neither a path nor an http(s) URL.", hint="For example: /api/intercom-jwt")
        if self.navigate is not None and not (self.navigate.startswith("/") or self.navigate.startswith("#") or _is_http_url(self.navigate)):
            raise BadInput(f"--navigate {self.navigate!r} is not a path.", hint="For example: --navigate /about")
        if self.navigate is not None and _is_http_url(self.navigate) and _origin(self.navigate) != _origin(self.url):
            raise BadInput("--navigate must stay on the site being verified (client-side navigation cannot change origin).")
        if self.anonymous_only and not (self.sign_in.is_empty and not self.users):
            raise BadInput("--anonymous-only is for sites without sign-in: drop the sign-in options (or --anonymous-only).")
        if len(self.users) > 1 and self.logout.is_empty:
            raise BadInput(
                "Two --user accounts are compared by signing out between them: pass --logout-url URL or --logout-selector CSS.",
            )
        if len({user.username for user in self.users}) < len(self.users):
            raise BadInput("The --user accounts must be different users.", hint="For example: --user alice:wonderland --user bob:builder")
        for value in self.visits:
            if not value.startswith("/"):
                raise BadInput(f"--visit {value!r} is not a path on this site.", hint="For example: --visit /notes --visit /about")
        for url in (self.sign_in.login_url, self.logout.url):
            if url is not None and not (url.startswith("/") or _is_http_url(url)):
                raise BadInput(f"{url!r} is neither a path nor an http(s) URL.")

    def resolve(self, path: str) -> str:
        return urljoin(self.url, path)

    @property
    def endpoint_url(self) -> str:
        return self.resolve(self.endpoint)

    @property
    def endpoint_is_url(self) -> bool:
        """--endpoint gave the whole URL: probe exactly there, wherever the page asks."""
        return _is_http_url(self.endpoint)

    @property
    def origin(self) -> str:
        return _origin(self.url)


def is_token_path(path: str, endpoint: str) -> bool:
    """The token endpoint's path, or the same path below the API base's own prefix (`/v1/api/intercom-jwt`):
    the install records only the path, and an SPA builds the URL from its API base at run time."""
    path, endpoint = path.rstrip("/"), endpoint.rstrip("/")
    return path == endpoint or path.endswith(endpoint)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def first_line(error: BaseException) -> str:
    """An error's first line (Playwright's messages go on with a call log), or its type's name."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def url_path(url: str) -> str:
    """A URL's path, query and fragment: how the report names a page of the app."""
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")
