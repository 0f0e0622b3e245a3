"""React detection: the app's package.json says `react` (and not a framework built on it), where its
own code lives and which React Router package it uses, if any."""

from dataclasses import dataclass
from typing import Any

from intercom_wizard.integrations.base import Detection, FrontendDetails
from intercom_wizard.integrations.frontends.spa import framework_apps, uses_typescript
from intercom_wizard.integrations.package_json import dependencies_of, manifest_of, read_package_json
from intercom_wizard.tree import ProjectTree, join

NAME = "react"
SOURCE_SUFFIXES: tuple[str, ...] = (".tsx", ".jsx", ".ts", ".js", ".mjs")
ROUTER_PACKAGES = ("react-router-dom", "react-router")  # the one a v6 app imports from comes first


@dataclass(frozen=True, kw_only=True)
class ReactDetails(FrontendDetails):
    source_dir: str = "src"  # the app's own code, relative to its package.json: src/, else app/
    router_package: str | None = None  # the React Router package it depends on, None without one


def detect(tree: ProjectTree) -> list[Detection[ReactDetails]]:
    return [Detection(NAME, "frontend", app.folder, app.evidence, _details(tree, app.folder, app.manifest)) for app in framework_apps(tree, NAME)]


def details_of(tree: ProjectTree, detection: Detection[Any]) -> ReactDetails:
    """The typed details of a React app at `detection.root`; also what a `--frontend react` detection
    (made by the planner, without details of ours) is read as."""
    if isinstance(detection.details, ReactDetails):
        return detection.details
    return _details(tree, detection.root, read_package_json(tree, manifest_of(tree, detection.root)))


def _details(tree: ProjectTree, root: str, manifest: dict[str, Any]) -> ReactDetails:
    dependencies = dependencies_of(manifest)
    return ReactDetails(
        typescript=uses_typescript(tree, root, manifest),
        source_dir=source_folder(tree, root),
        router_package=next((package for package in ROUTER_PACKAGES if package in dependencies), None),
    )


def source_folder(tree: ProjectTree, root: str) -> str:
    """Where the app's own code lives: src/, else app/ (react-boilerplate's layout)."""
    for folder in ("src", "app"):
        if tree.glob(*SOURCE_SUFFIXES, under=join(root, folder)):
            return folder
    return "src"
