"""Plain HTML/JS: the Messenger script file, and one script tag before `</body>` of each layout.

The script (`intercom-messenger.js`, rendered from one template) loads the widget once, boots
signed-in users with the server's JWT and everyone else as a lead, refreshes before the token
expires, updates on client-side navigation and shuts down on sign-out. Where it is written and how
the layouts reference it is decided by the back end (its `PageHost`); a site without a back end
serves it beside its pages.

The package: `detect` (pages, `HtmlDetails`, the static site's page host), `script` (the script and
its tags), `navigation` (Turbo, htmx, Inertia, Livewire); templates in templates/html/.
"""

from intercom_wizard.integrations.frontends.html.detect import NAME, SCRIPT_NAME, HtmlDetails, detect, static_site_host
from intercom_wizard.integrations.frontends.html.script import plan, plan_insecure, script_source
from intercom_wizard.integrations.frontends.layouts import PAGE_SUFFIXES
from intercom_wizard.support import SupportTable

__all__ = [
    "DOC",
    "NAME", "PACKAGES", "SCRIPT_NAME", "SOURCE_SUFFIXES", "SUPPORTED", "HtmlDetails",
    "detect", "plan", "plan_insecure", "script_source", "static_site_host",
]

# The versions this integration generates code for (docs list the same table).
SUPPORTED: SupportTable = ()  # plain HTML: no framework version to fit
DOC: str | None = None  # its behaviour is described in docs/architecture.md and the back ends' pages
PACKAGES: tuple[str, ...] = ()  # no package makes a project plain HTML: its pages do
# The script it writes, and the layouts it edits: static pages, templates, PHP and Blade pages.
SOURCE_SUFFIXES: tuple[str, ...] = (".js", *PAGE_SUFFIXES, ".php")
