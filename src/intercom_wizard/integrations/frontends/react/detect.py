"""React detection: the app's package.json says `react` (and not a framework built on it), where its
own code lives and which React Router package it uses, if any."""

from dataclasses import dataclass, replace
from typing import Any

from intercom_wizard.integrations.base import Detection, FrontendDetails
from intercom_wizard.integrations.frontends.spa import detect_framework
from intercom_wizard.integrations.frontends.spa_common import spa_app
from intercom_wizard.tree import ProjectTree, join

NAME = "react"
SOURCE_SUFFIXES: tuple[str, ...] = (".tsx", ".jsx", ".ts", ".js", ".mjs")
ROUTER_PACKAGES = ("react-router-dom", "react-router")  # the one a v6 app imports from comes first


@dataclass(frozen=True, kw_only=True)
class ReactDetails(FrontendDetails):
    source_dir: str = "src"  # the app's own code, relative to its package.json: src/, else app/
    router_package: str | None = None  # the React Router package it depends on, None without one


def detect(tree: ProjectTree) -> list[Detection[ReactDetails]]:
    return [replace(found, details=details_of(tree, found)) for found in detect_framework(tree, NAME)]


def details_of(tree: ProjectTree, detection: Detection[Any]) -> ReactDetails:
    """The typed details of a React app at `detection.root`; also what a `--frontend react` detection
    (made by the planner, without details of ours) is read as."""
    if isinstance(detection.details, ReactDetails):
        return detection.details
    source_dir = source_folder(tree, detection.root)
    app = spa_app(tree, detection, source_dir=source_dir)
    router = next((package for package in ROUTER_PACKAGES if app.depends_on(package)), None)
    return ReactDetails(typescript=app.typescript, source_dir=source_dir, router_package=router)


def source_folder(tree: ProjectTree, root: str) -> str:
    """Where the app's own code lives: src/, else app/ (react-boilerplate's layout)."""
    for folder in ("src", "app"):
        if tree.glob(*SOURCE_SUFFIXES, under=join(root, folder)):
            return folder
    return "src"
