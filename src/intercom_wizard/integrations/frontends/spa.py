"""Single-page front ends recognised from package.json: which framework an app is, and whether a
workspace package is an app that something serves.

Each SPA integration's `detect()` builds its own typed details from the `FrameworkApp`s found here.
Which dependency makes which framework is not listed here: each front end declares its PACKAGES,
and the registry derives the table (`registry.spa_packages()`, most specific framework first).
"""

import posixpath
import re
from dataclasses import dataclass
from typing import Any

from intercom_wizard.integrations.nx import NxProject, declares_apps_below, frontend_framework, nx_applications
from intercom_wizard.integrations.package_json import dependencies_of, read_package_json
from intercom_wizard.tree import WORKSPACE_MARKERS, ProjectTree, folder_of, join


def framework_of(manifest: dict[str, Any]) -> tuple[str, str] | None:
    """The single-page framework a package.json declares, with the dependency that says so."""
    # Imported here: the registry imports every front end, and they import this module.
    from intercom_wizard.integrations.registry import spa_packages

    dependencies = dependencies_of(manifest)
    return next(((name, package) for package, name in spa_packages() if package in dependencies), None)


# A framework's own dev server or build: what makes a workspace package an app that is served.
SERVING_TOOLS = re.compile(
    r"(^|[\s;&|(/])(next|vite|react-scripts|craco|ng|ember|vue-cli-service|webpack(-dev-server)?|parcel|rsbuild|rspack|"
    r"nuxt|remix|react-router|gatsby|astro|expo|umi|turbopack)(\s|$)"
)


def is_workspace_member(tree: ProjectTree, folder: str) -> bool:
    """A package inside an npm/yarn/pnpm workspace, a Turborepo or an Nx repository."""
    parent = folder
    while parent:
        parent = posixpath.dirname(parent)
        manifest_path = join(parent, "package.json")
        if tree.exists(manifest_path) and "workspaces" in read_package_json(tree, manifest_path):
            return True
        if any(tree.exists(join(parent, marker)) for marker in WORKSPACE_MARKERS):
            return True
    return False


def is_served(tree: ProjectTree, folder: str, manifest: dict[str, Any]) -> bool:
    """Something serves the package as an app: a framework's dev server or build in its scripts, or
    an index.html page. A workspace's component library or email templates have neither."""
    scripts = manifest.get("scripts")
    if isinstance(scripts, dict) and any(isinstance(command, str) and SERVING_TOOLS.search(command) for command in scripts.values()):
        return True
    return any(tree.exists(join(folder, page)) for page in ("index.html", "public/index.html", "src/index.html", "app/index.html"))


@dataclass(frozen=True)
class FrameworkApp:
    """A package.json that makes its folder an app of one single-page framework."""

    folder: str  # the folder holding package.json ("" = the project root)
    manifest_path: str
    package: str  # the dependency that identified the framework
    manifest: dict[str, Any]  # the parsed package.json (read once here, for the details)
    nx_project: str | None = None  # an Nx app's project.json, when the manifest is its workspace's

    @property
    def evidence(self) -> tuple[str, ...]:
        declared = f"{self.manifest_path}: depends on {self.package}"
        return (declared,) if self.nx_project is None else (f"{self.nx_project}: an Nx application", declared)


def framework_apps(tree: ProjectTree, name: str) -> list[FrameworkApp]:
    """Apps whose package.json makes them `name` apps (most specific framework first); in a
    workspace, only the packages that something serves."""
    found = []
    nx_apps = nx_applications(tree)
    for path in tree.named("package.json"):
        manifest = read_package_json(tree, path)
        framework = framework_of(manifest)
        if framework is None or framework[0] != name:
            continue
        folder = folder_of(path)
        if folder and is_workspace_member(tree, folder) and not is_served(tree, folder, manifest):
            continue
        if declares_apps_below(tree, folder, nx_apps):
            continue  # an Nx integrated repo's root: it declares its apps' dependencies, its apps are below
        found.append(FrameworkApp(folder, path, framework[1], manifest))
    return found + _nx_framework_apps(tree, name, nx_apps)


def _nx_framework_apps(tree: ProjectTree, name: str, nx_apps: list[NxProject]) -> list[FrameworkApp]:
    """Nx applications (project.json only) built with `name`; the workspace root's package.json
    declares the framework and stands as their manifest."""
    # Imported here for the same reason as in framework_of.
    from intercom_wizard.integrations.registry import spa_packages

    found = []
    for project in nx_apps:
        if frontend_framework(tree, project) != name:
            continue
        manifest_path = join(project.workspace, "package.json")
        manifest = read_package_json(tree, manifest_path)
        dependencies = dependencies_of(manifest)
        package = next((package for package, framework in spa_packages() if framework == name and package in dependencies), None)
        if package is not None:
            found.append(FrameworkApp(project.folder, manifest_path, package, manifest, project.project_json))
    return found


def uses_typescript(tree: ProjectTree, folder: str, manifest: dict[str, Any]) -> bool:
    """The app is written in TypeScript: a tsconfig.json beside package.json, or the compiler as a dependency."""
    return tree.exists(join(folder, "tsconfig.json")) or "typescript" in dependencies_of(manifest)


