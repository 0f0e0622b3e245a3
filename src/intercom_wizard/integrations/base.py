"""What every integration shares: its detection result, the planning context, the page host."""

from dataclasses import dataclass, field
from typing import Any, Protocol

from intercom_wizard.builder import PlanBuilder
from intercom_wizard.csp import NonceSource
from intercom_wizard.options import InstallOptions
from intercom_wizard.tree import ProjectTree


@dataclass(frozen=True)
class Detection:
    name: str
    role: str  # "frontend" | "backend"
    root: str  # folder of that app inside the project ("" = the project root)
    evidence: tuple[str, ...]
    details: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    supported: bool = True

    def summary(self) -> dict[str, Any]:
        return {"name": self.name, "root": self.root or ".", "evidence": list(self.evidence), "supported": self.supported}


@dataclass(frozen=True)
class PageHost:
    """Where a server-rendered or static site takes the Messenger script, decided by its back end."""

    static_dir: str  # folder the script file is written to
    script_src: str  # what goes in src="...": a URL or the template engine's static-URL expression
    layouts: tuple[str, ...]  # templates / pages that get the script tag before </body>
    template_prelude: str | None = None  # a line the layout needs first, e.g. Django's {% load static %}
    unsupported_layouts: tuple[str, ...] = ()  # layouts in an engine we cannot edit (e.g. Pug)
    # Template code writing the signed-in user's attributes into a JS object: only for --insecure.
    user_settings: str | None = None
    csp_nonce: NonceSource | None = None  # the app's own per-request CSP nonce, when it makes one
    csp_nonce_help: str = ""  # how this back end's pages get a nonce, for when the app makes none


@dataclass
class PlanContext:
    tree: ProjectTree
    options: InstallOptions
    builder: PlanBuilder
    secret: str | None
    # The app has no sign-in at all: no token endpoint, no token fetch, no login/logout hooks.
    anonymous_only: bool = False


class BackendIntegration(Protocol):
    NAME: str

    def detect(self, tree: ProjectTree) -> list[Detection]: ...

    def plan(self, context: PlanContext, detection: Detection) -> None:
        """The token endpoint, its wiring, its dependency and the secret."""

    def page_host(self, context: PlanContext, detection: Detection) -> PageHost | None:
        """Where the front-end script goes on this back end's pages."""
