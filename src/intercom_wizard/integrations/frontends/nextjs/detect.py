"""Next.js detection: the app's package.json says `next`, and its routes say which router it uses.

Kept apart from planning because `detect` runs on every project: this module only reads the tree
(package.json, the app/ and pages/ folders, next.config) and never plans anything.
"""

import json
import posixpath
import re
from dataclasses import dataclass
from typing import Any, Literal

from intercom_wizard.astgrep import field_text
from intercom_wizard.edits import parse
from intercom_wizard.integrations.base import Detection, FrontendDetails
from intercom_wizard.integrations.frontends.spa import framework_apps, uses_typescript
from intercom_wizard.integrations.frontends.spa_common import SpaApp, spa_app
from intercom_wizard.integrations.package_json import dependencies_of
from intercom_wizard.tree import ProjectTree, join

NAME = "nextjs"
CONFIG_FILES = ("next.config.ts", "next.config.mjs", "next.config.js", "next.config.cjs", "next.config.mts")
SCRIPT_SUFFIXES = (".tsx", ".jsx", ".ts", ".js")
Router = Literal["app", "pages"]


@dataclass(frozen=True, kw_only=True)
class NextjsDetails(FrontendDetails):
    """Which router the app uses and where its routes live (None: neither app/ nor pages/ has routes)."""

    base: str | None = None  # the folder holding app/ or pages/: the app's root or its src/
    router: Router | None = None
    both_routers: bool = False  # app/ and pages/ side by side: the App Router wins


@dataclass(frozen=True)
class NextApp:
    """What planning reads of one Next.js app: its package (SpaApp) and its router."""

    spa: SpaApp
    base: str
    router: Router
    both: bool

    @property
    def ts(self) -> bool:
        return self.spa.typescript


def detect(tree: ProjectTree) -> list[Detection[NextjsDetails]]:
    return [
        Detection(NAME, "frontend", app.folder, app.evidence, _details(tree, app.folder, uses_typescript(tree, app.folder, app.manifest)))
        for app in framework_apps(tree, NAME)
    ]


def details_of(tree: ProjectTree, detection: Detection[Any]) -> NextjsDetails:
    """The typed details of the Next.js app at `detection.root` (for a detection made without them:
    the planner's own, for `--frontend nextjs`)."""
    return _details(tree, detection.root, spa_app(tree, detection).typescript)


def _details(tree: ProjectTree, root: str, typescript: bool) -> NextjsDetails:
    for base in (root, join(root, "src")):
        has_app = _has_app_router(tree, join(base, "app"))
        has_pages = _has_router_dir(tree, join(base, "pages"))
        if has_app or has_pages:
            return NextjsDetails(typescript=typescript, base=base, router="app" if has_app else "pages", both_routers=has_app and has_pages)
    return NextjsDetails(typescript=typescript)


def next_app(tree: ProjectTree, detection: Detection[NextjsDetails]) -> NextApp | None:
    """The app to plan for, or None when it has no routes. A detection made by `--frontend nextjs`
    (no details of ours) is read from the tree here."""
    details = detection.details if isinstance(detection.details, NextjsDetails) else details_of(tree, detection)
    if details.base is None or details.router is None:
        return None
    root = detection.root
    source = details.base[len(root) :].strip("/") if root else details.base
    return NextApp(spa_app(tree, detection, source_dir=source), details.base, details.router, details.both_routers)


def _has_app_router(tree: ProjectTree, folder: str) -> bool:
    """An App Router folder has routes (page/layout/route files); a Pages Router app may keep other
    modules in a folder named app (bulletproof-react's src/app/provider.tsx)."""
    return any(
        posixpath.basename(path).split(".")[0] in ("page", "layout", "route", "default", "not-found")
        for path in tree.glob(*SCRIPT_SUFFIXES, ".mdx", under=folder)
    )


def _has_router_dir(tree: ProjectTree, folder: str) -> bool:
    return bool(tree.glob(*SCRIPT_SUFFIXES, ".mdx", under=folder))


def cache_components(tree: ProjectTree, root: str) -> bool:
    """`cacheComponents: true` in next.config: segment config such as `dynamic` is an error there."""
    for name in CONFIG_FILES:
        path = join(root, name)
        if not tree.exists(path):
            continue
        for pair in parse(tree.text(path), "typescript").find_all(kind="pair"):
            key = field_text(pair, "key")
            if key is not None and key.strip("'\"") == "cacheComponents" and field_text(pair, "value") == "true":
                return True
    return False


def next_version(tree: ProjectTree, app: NextApp) -> tuple[int, int] | None:
    """(major, minor) of Next.js: the installed one, else the lowest the package.json range allows."""
    installed = join(app.spa.root, "node_modules/next/package.json")
    spec = ""
    if tree.exists(installed):
        try:
            spec = str(json.loads(tree.text(installed)).get("version", ""))
        except ValueError:
            spec = ""
    spec = spec or dependencies_of(app.spa.manifest).get("next", "")
    match = re.search(r"(\d+)(?:\.(\d+))?", spec)
    return (int(match.group(1)), int(match.group(2) or 0)) if match else None
