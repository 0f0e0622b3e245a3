"""Nx integrated repositories: apps described by a `project.json` only.

In an integrated repo (nx.json at the root) an app has no package.json of its own: the root
package.json declares every dependency (and is where npm installs go), `project.json` names the
project's targets, and shared code lives in libraries (`"projectType": "library"`, under `libs/`),
which are never apps. An application is told apart by what serves it, read from its targets'
executors (the `<plugin>:<executor>` names of Nx's and Angular's own plugins):

- a front end builds for the browser (`@nx/webpack:webpack`, `@nx/vite:build`, `@nx/next:build`,
  `@nx/angular:application`, `@angular-devkit/build-angular:browser`, ...); which framework it is
  comes from the executor's plugin, else from its sources (`.vue` files, `.tsx`/`.jsx` for React);
- a Node server runs a build with `@nx/js:node` (`@nx/node:node` and `@nrwl/*` before Nx 16), or
  builds with `"target": "node"`.

Nx 18+ may infer targets from config files (an empty `targets`): `"projectType": "application"`
alone then makes the project an app, classified by its sources.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass
from typing import Any

from intercom_wizard.tree import ProjectTree, folder_of, join

# A project's executors name their plugin before the colon; @nrwl/* is the same plugin before Nx 16.
ANGULAR_PLUGINS = ("@nx/angular", "@nrwl/angular", "@angular-devkit/build-angular", "@angular/build")
NEXT_PLUGINS = ("@nx/next", "@nrwl/next")
VUE_PLUGINS = ("@nx/vue", "@nrwl/vue")
REACT_PLUGINS = ("@nx/react", "@nrwl/react")
NODE_RUNNERS = frozenset({"@nx/js:node", "@nrwl/js:node", "@nx/node:node", "@nrwl/node:node", "@nrwl/node:execute"})
FRONTEND_SOURCES = (".tsx", ".jsx", ".vue")


@dataclass(frozen=True)
class NxProject:
    """One project.json of an integrated repo."""

    folder: str  # the project's root (apps/web)
    workspace: str  # the folder holding nx.json and the package.json of every dependency
    application: bool
    executors: tuple[str, ...]
    node_server: bool  # served by Node (an API), not built for the browser
    main: str | None  # the build's entry file, when a target names it

    @property
    def project_json(self) -> str:
        return join(self.folder, "project.json")

    def plugin_is(self, plugins: tuple[str, ...]) -> bool:
        return any(executor.split(":", 1)[0] in plugins for executor in self.executors)


def workspace_of(tree: ProjectTree, folder: str) -> str | None:
    """The nearest folder above `folder` (or itself) holding nx.json."""
    current: str | None = folder
    while current is not None:
        if tree.exists(join(current, "nx.json")):
            return current
        current = None if not current else posixpath.dirname(current)
    return None


def nx_projects(tree: ProjectTree) -> list[NxProject]:
    """Every project.json of an Nx workspace whose folder has no package.json of its own (a
    package.json beside it makes the project a workspace package, read the package.json way)."""
    projects = []
    for path in tree.named("project.json"):
        folder = folder_of(path)
        if tree.exists(join(folder, "package.json")):
            continue
        workspace = workspace_of(tree, folder)
        if workspace is None or not tree.exists(join(workspace, "package.json")):
            continue
        config = _read(tree, path)
        if config is not None:
            projects.append(_project(folder, workspace, config))
    return projects


def nx_applications(tree: ProjectTree, workspace: str | None = None) -> list[NxProject]:
    """The applications (never the libraries), of one workspace when `workspace` is given."""
    return [p for p in nx_projects(tree) if p.application and (workspace is None or p.workspace == workspace)]


def declares_apps_below(tree: ProjectTree, folder: str, applications: list[NxProject]) -> bool:
    """`folder` is an integrated repo's root whose package.json only declares its apps' dependencies:
    Nx applications live below it, and its own project.json (if any) is no application (a root
    project for workspace tasks such as a local registry; a standalone Nx app says "application")."""
    if not any(app.workspace == folder for app in applications):
        return False
    config = _read(tree, join(folder, "project.json")) if tree.exists(join(folder, "project.json")) else None
    return config is None or config.get("projectType") != "application"


def frontend_framework(tree: ProjectTree, project: NxProject) -> str | None:
    """Which single-page framework an application is built with; None for a Node server."""
    if project.node_server:
        return None
    if project.plugin_is(ANGULAR_PLUGINS):
        return "angular"
    if project.plugin_is(NEXT_PLUGINS) or any(tree.exists(join(project.folder, f"next.config{suffix}")) for suffix in (".js", ".mjs", ".ts")):
        return "nextjs"
    sources = tree.glob(*FRONTEND_SOURCES, under=project.folder)
    if project.plugin_is(VUE_PLUGINS) or any(path.endswith(".vue") for path in sources):
        return "vue"
    if project.plugin_is(REACT_PLUGINS) or sources:
        return "react"
    return None


def _read(tree: ProjectTree, path: str) -> dict[str, Any] | None:
    try:
        data = json.loads(tree.text(path))
    except (OSError, ValueError):
        return None  # an unreadable project.json is no evidence (Nx itself would refuse it)
    return data if isinstance(data, dict) else None


def _project(folder: str, workspace: str, config: dict[str, Any]) -> NxProject:
    targets = config.get("targets")
    targets = targets if isinstance(targets, dict) else {}
    executors: list[str] = []
    node_server = False
    main = None
    for target in targets.values():
        if not isinstance(target, dict) or not isinstance(target.get("executor"), str):
            continue
        executor = target["executor"]
        executors.append(executor)
        declared = target.get("options")
        options: dict[str, Any] = declared if isinstance(declared, dict) else {}
        node_server = node_server or executor in NODE_RUNNERS or options.get("target") == "node"
        if main is None and isinstance(options.get("main"), str):
            main = posixpath.normpath(options["main"])
    project_type = config.get("projectType")
    # Older workspaces put apps under apps/ without projectType; a serving target says the same.
    application = project_type == "application" or (project_type is None and (node_server or any(e.endswith((":dev-server", ":browser", ":application", ":build")) for e in executors)))
    return NxProject(folder, workspace, application, tuple(executors), node_server, main)
