"""Page navigation without full loads on server-rendered apps: Turbo Drive, htmx's hx-boost, Inertia, Livewire.

These swap the page body instead of loading a new document, which re-runs (or keeps) the scripts in
it. The Messenger script must then run once per tab: it learns which framework drives navigation
(the `NAVIGATION` list it is rendered with) and listens to that framework's visit events instead of
wrapping `history.pushState`. Its tag goes where each framework keeps such scripts: in `<head>`,
which Turbo, htmx's boost and Livewire's navigate leave in place, tracked so that a changed script
forces a full reload (`data-turbo-track="reload"`, Livewire's `data-navigate-track`). Inertia
renders its root template once, so the tag stays at the end of the body there.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from intercom_wizard.integrations.frontends.layouts import PAGE_SUFFIXES
from intercom_wizard.tree import ProjectTree

TURBO_PACKAGES = ("@hotwired/turbo", "@hotwired/turbo-rails")
# A CDN or vendored build in a layout: <script src=".../@hotwired/turbo..."> or turbo.es2017-umd.js.
# Patterns kept as text are compiled on first use (re's own cache): a run that never needs them skips the compile (start-up time, issue 14).
TURBO_SCRIPT = r"@hotwired/turbo|turbo(\.es2017-(umd|esm))?(\.min)?\.js"
HX_BOOST = r"\b(data-)?hx-boost\s*=\s*[\"']?true"
ORDER = ("turbo", "htmx", "inertia", "livewire")
TEMPLATE_SUFFIXES = (*PAGE_SUFFIXES, ".php")  # Blade templates end in .blade.php


@dataclass(frozen=True)
class Navigation:
    """The client-side navigation libraries the site uses, and its sign-out routes."""

    frameworks: tuple[str, ...] = ()
    sign_out_routes: tuple[str, ...] = ()  # the app's GET sign-out routes named unlike /logout (sign_out_routes.py)

    @property
    def script_value(self) -> str:
        """The `NAVIGATION` list for the script, e.g. ['turbo']."""
        return "[" + ", ".join(f"'{name}'" for name in self.frameworks) + "]"

    @property
    def sign_out_routes_value(self) -> str:
        """The `SIGN_OUT_ROUTES` list for the script, e.g. ['/bye'] (quote-free paths)."""
        return "[" + ", ".join(f"'{route}'" for route in self.sign_out_routes) + "]"

    @property
    def in_head(self) -> bool:
        return any(name in self.frameworks for name in ("turbo", "htmx", "livewire"))

    @property
    def tag_attributes(self) -> str:
        attributes = ""
        if "turbo" in self.frameworks:
            attributes += ' data-turbo-track="reload"'
        if "livewire" in self.frameworks:
            attributes += " data-navigate-track"
        return attributes

    def describe(self) -> str:
        names = {"turbo": "Turbo Drive", "htmx": "htmx (hx-boost)", "inertia": "Inertia", "livewire": "Livewire (wire:navigate)"}
        return ", ".join(names[name] for name in self.frameworks)


def _dependencies(tree: ProjectTree, name: str, *sections: str) -> set[str]:
    found: set[str] = set()
    for path in tree.named(name):
        try:
            data = json.loads(tree.text(path))
        except ValueError:
            continue
        for section in sections:
            value = data.get(section) if isinstance(data, dict) else None
            if isinstance(value, dict):
                found.update(value)
    return found


def _gems(tree: ProjectTree) -> str:
    return "\n".join(tree.text(path) for path in tree.named("Gemfile"))


def detect_navigation(tree: ProjectTree) -> Navigation:
    """Which of Turbo, htmx's boost, Inertia and Livewire this project uses, from its manifests and templates."""
    npm = _dependencies(tree, "package.json", "dependencies", "devDependencies")
    composer = _dependencies(tree, "composer.json", "require", "require-dev")
    gems = _gems(tree)
    importmaps = "\n".join(tree.text(path) for path in tree.named("importmap.rb"))
    found: set[str] = set()
    if npm & set(TURBO_PACKAGES) or re.search(r"""gem\s+["']turbo-rails["']""", gems) or "@hotwired/turbo" in importmaps:
        found.add("turbo")
    if any(name.startswith("@inertiajs/") for name in npm) or "inertiajs/inertia-laravel" in composer or re.search(r"""gem\s+["']inertia_rails["']""", gems):
        found.add("inertia")
    if "livewire/livewire" in composer:
        found.add("livewire")
    for path in tree.mentioning(tree.glob(*TEMPLATE_SUFFIXES), (b"hx-boost", b"turbo")):  # an ASCII template with neither word is not decoded (issue 14)
        if len(found) == len(ORDER):
            break
        text = tree.text(path)
        if "hx-boost" in text and re.search(HX_BOOST, text):
            found.add("htmx")
        if "turbo" in text and path.endswith(PAGE_SUFFIXES) and re.search(TURBO_SCRIPT, text):
            found.add("turbo")
    if not found:
        return Navigation()  # full page loads: every visit runs the script again, which asks the endpoint
    from intercom_wizard.integrations.frontends.html.sign_out_routes import find_sign_out_routes  # only here (issue 14)

    return Navigation(tuple(name for name in ORDER if name in found), find_sign_out_routes(tree))
