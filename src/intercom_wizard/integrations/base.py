"""What every integration shares: its detection result, the planning context, the page host."""

from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from intercom_wizard.builder import PlanBuilder
from intercom_wizard.csp import NonceSource
from intercom_wizard.options import InstallOptions
from intercom_wizard.support import SupportTable
from intercom_wizard.tree import ProjectTree

# TokenAuth.kind of an app's own middleware around jsonwebtoken's jwt.verify (no auth library).
HAND_WRITTEN_JWT = "jwt.verify middleware"


@dataclass(frozen=True)
class TokenAuth:
    """The back end authenticates API calls with an Authorization header instead of a cookie."""

    kind: str  # "drf", "flask-jwt-extended", "express-jwt", "sanctum", "fastapi-users", ...
    scheme: str | None = None  # the header scheme the app declares ("Token", "JWT"); None = "Bearer"
    # Why the token's own identity is not an evidenced user id (file:line each); empty = it is.
    identity_refused: tuple[str, ...] = ()


@dataclass(frozen=True)
class StaticMount:
    """A folder the back end serves as static files."""

    dir: str  # the folder, relative to the project root
    path: str  # the URL path it is served at, e.g. "/static"


@dataclass(frozen=True, kw_only=True)
class BackendDetails:
    """What shared code (planner, sign-in evidence, `detect`) reads of any back end's detection.

    Each back end subclasses it (frozen, kw_only) with the fields only its own planning reads.
    """

    entry_file: str | None = None  # the app's main file, named by manual steps
    app_var: str = "app"  # the variable holding the app object, where the language has one
    sign_in: str | None = None  # the recognised sign-in kind ("flask-login", "devise", ...); None = none
    sign_in_name: str | None = None  # the name `detect` shows beside the kind (a function, a guard)
    token_auth: TokenAuth | None = None
    static: StaticMount | None = None


@dataclass(frozen=True, kw_only=True)
class FrontendDetails:
    """Base of every front end's detection result (frozen, kw_only subclasses per front end)."""

    typescript: bool = False


# An integration's own details type; `Detection[Any]` where shared code holds any integration's.
DetailsT = TypeVar("DetailsT")


@dataclass(frozen=True)
class Detection(Generic[DetailsT]):
    """One integration found in the project: where, on what evidence, and its own details."""

    name: str
    role: str  # "frontend" | "backend"
    root: str  # folder of that app inside the project ("" = the project root)
    evidence: tuple[str, ...]
    details: DetailsT = field(compare=False, hash=False)

    def summary(self) -> dict[str, Any]:
        return {"name": self.name, "root": self.root or ".", "evidence": list(self.evidence)}


@dataclass(frozen=True)
class PageHost:
    """Where a server-rendered or static site takes the Messenger script, decided by its back end."""

    static_dir: str  # folder the script file is written to
    script_src: str  # what goes in src="...": a URL or the template engine's static-URL expression
    layouts: tuple[str, ...]  # templates / pages that get the script tag before </body>
    template_prelude: str | None = None  # a line the layout needs first, e.g. Django's {% load static %}
    unsupported_layouts: tuple[str, ...] = ()  # layouts in an engine we cannot edit
    # A site rendered by its own build script (Pug sources): False when no step of that build copies
    # static_dir into its output, so the script file would never reach the built pages (a manual step).
    copied_by_build: bool = True
    build_script: str | None = None
    # Pages whose output is a whole document printed without <body> (browsers supply it): the tag ends
    # the file, which ends the output. Each with the text that must come first (PHP's closing `?>`).
    output_end_pages: tuple[tuple[str, str], ...] = ()
    # Template code writing the signed-in user's attributes into a JS object: only for --insecure.
    user_settings: str | None = None
    csp_nonce: NonceSource | None = None  # the app's own per-request CSP nonce, when it makes one
    csp_nonce_help: str = ""  # how this back end's pages get a nonce, for when the app makes none


@dataclass(frozen=True)
class PlanContext:
    """What every integration plans with. Frozen: the planner settles the options (client auth
    included) before any integration plans; only the builder, which collects the plan, changes."""

    tree: ProjectTree
    options: InstallOptions
    builder: PlanBuilder
    secret: str | None
    # The app has no sign-in at all: no token endpoint, no token fetch, no login/logout hooks.
    anonymous_only: bool = False
    # The folder of the back end planned beside a framework front end (its endpoint signs tokens), if any.
    backend_root: str | None = None


class FrontendIntegration(Protocol):
    """What a front end module (`integrations/frontends/<name>`) declares at module level.

    The registry lists the modules; shared tables (which package.json dependency makes which
    framework, which file kinds hold front-end code) are derived from these declarations, and
    tests/test_registry_contract.py fails when one is missing or of the wrong type. The pages front
    end (`html`) is planned through the back end's `PageHost` (`html.plan(context, host, token_url=...)`);
    every other front end is planned through `plan(context, detection)`.
    """

    NAME: str  # the --frontend value and the key in the registry
    SUPPORTED: SupportTable  # the versions it generates code for (support.py)
    # The package.json dependencies that identify it, most specific first ("next" before "react"
    # is decided by the registry's order; within one framework, its own order). () for html.
    PACKAGES: tuple[str, ...]
    # File kinds of its own beyond plain JavaScript/TypeScript and HTML, e.g. (".vue",): files every
    # shared scanner (formatting, sign-in evidence, existing Intercom code, doctor) must read.
    SOURCE_SUFFIXES: tuple[str, ...]
    DOC: str | None  # its page under docs/ ("docs/frontends-vue.md"), None when it has none

    def detect(self, tree: ProjectTree) -> list[Detection[Any]]:
        """Every app of this framework in the project (one Detection per app root)."""

    def plan(self, context: PlanContext, detection: Detection[Any]) -> None:
        """Its client module and the glue that loads it, through `context.builder`."""


class BackendIntegration(Protocol):
    """What a back end module (`integrations/backends/<name>`) declares at module level (see
    FrontendIntegration; tests/test_registry_contract.py holds every registered one to it)."""

    NAME: str  # the --backend value and the key in the registry
    SUPPORTED: SupportTable
    # The packages / gems / Composer names that identify it ("flask", "rails", "laravel/framework");
    # () when it is recognised by its files alone (plain PHP).
    PACKAGES: tuple[str, ...]
    DOC: str | None  # its page under docs/, None when it has none

    def detect(self, tree: ProjectTree) -> list[Detection[Any]]:
        """Every app of this framework in the project, its details a `BackendDetails` (subclass)."""

    def plan(self, context: PlanContext, detection: Detection[Any]) -> None:
        """The token endpoint, its wiring, its dependency and the secret."""

    def page_host(self, context: PlanContext, detection: Detection[Any]) -> PageHost | None:
        """Where the front-end script goes on this back end's pages."""
