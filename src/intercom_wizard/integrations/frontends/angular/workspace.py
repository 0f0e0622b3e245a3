"""The Angular workspace: what `detect` reads of angular.json (the first application's name, source
root and browser entry point), the facts the plan needs about the installed Angular (its major
version, whether the router is provided, the entry file), and the one angular.json edit: listing
the CommonJS SDK in `allowedCommonJsDependencies`.
"""

import json
import posixpath
import re
from dataclasses import dataclass

from intercom_wizard.edits import indent_unit, parse
from intercom_wizard.errors import BadInput
from intercom_wizard.integrations.base import FrontendDetails, PlanContext
from intercom_wizard.integrations.frontends.spa_common import SDK_PACKAGE, SpaApp
from intercom_wizard.jsonedit import append_item, insert_member, members, object_at, value_of
from intercom_wizard.tree import ProjectTree, join

FIRST_WITH_PROVIDE_APP_INITIALIZER = 19


@dataclass(frozen=True)
class AngularWorkspace:
    """The first application project of angular.json (all defaults when there is none)."""

    project: str | None = None  # its name; None = no application project was found
    source_root: str = "src"  # relative to the app's root
    main: str | None = None  # the build's `browser` (or older `main`) entry point
    nx: bool = False  # read from an Nx app's project.json (its paths are relative to the Nx workspace)

    @property
    def config_file(self) -> str:
        return "project.json" if self.nx else "angular.json"


@dataclass(frozen=True, kw_only=True)
class AngularDetails(FrontendDetails):
    workspace: AngularWorkspace = AngularWorkspace()


def read_workspace(tree: ProjectTree, root: str) -> AngularWorkspace:
    """sourceRoot and the browser entry point of the first application in angular.json."""
    path = join(root, "angular.json")
    if not tree.exists(path):
        return _nx_project(tree, root) if tree.exists(join(root, "project.json")) else AngularWorkspace()
    try:
        config = json.loads(tree.text(path))
    except ValueError:
        return AngularWorkspace()
    projects = config.get("projects") if isinstance(config, dict) else None
    for name, project in (projects or {}).items():
        if not isinstance(project, dict) or project.get("projectType", "application") != "application":
            continue
        source_root = project.get("sourceRoot")
        options = ((project.get("architect") or project.get("targets") or {}).get("build") or {}).get("options") or {}
        entry = options.get("browser") or options.get("main")
        return AngularWorkspace(
            project=name,
            source_root=posixpath.normpath(source_root) if isinstance(source_root, str) else "src",
            main=entry if isinstance(entry, str) else None,
        )
    return AngularWorkspace()


def _nx_project(tree: ProjectTree, root: str) -> AngularWorkspace:
    """An Nx app's project.json: the same facts, its paths relative to the Nx workspace's root."""
    try:
        config = json.loads(tree.text(join(root, "project.json")))
    except ValueError:
        return AngularWorkspace()
    if not isinstance(config, dict) or config.get("projectType", "application") != "application":
        return AngularWorkspace()

    def below_root(value: object) -> str | None:
        if not isinstance(value, str):
            return None
        path = posixpath.normpath(value)
        return path[len(root) + 1 :] if root and path.startswith(f"{root}/") else path

    options = ((config.get("targets") or {}).get("build") or {}).get("options") or {}
    name = config.get("name")
    return AngularWorkspace(
        project=name if isinstance(name, str) else posixpath.basename(root),
        source_root=below_root(config.get("sourceRoot")) or "src",
        main=below_root(options.get("browser") or options.get("main")),
        nx=True,
    )


def allow_commonjs_sdk(context: PlanContext, path: str, project: str, nx: bool = False) -> None:
    """The SDK ships CommonJS only: list it in `allowedCommonJsDependencies`, as Angular's docs advise,
    so the build does not warn about it (in angular.json, or an Nx app's project.json)."""
    source = context.tree.read(path)
    steps: tuple[str | tuple[str, ...], ...] = ("targets", "build", "options") if nx else ("projects", project, ("architect", "targets"), "build", "options")
    node = object_at(source.text, *steps)
    if node is None:
        context.builder.note(
            f"{SDK_PACKAGE} is a CommonJS package: add it to allowedCommonJsDependencies in {path} to silence the build's warning."
        )
        return
    entry = json.dumps(SDK_PACKAGE)
    reason = "lets the build accept the SDK's CommonJS"
    listed = value_of(node, "allowedCommonJsDependencies")
    if listed is not None:
        items = [c for c in listed.children() if c.is_named()]
        if listed.kind() != "array" or any(json.loads(c.text()) == SDK_PACKAGE for c in items if c.kind() == "string"):
            return
        context.builder.insert(path, [append_item(source, listed, entry)], reason)
        return
    if not members(node):
        return
    member = f'"allowedCommonJsDependencies": [\n{indent_unit(source.text)}{entry}\n]'
    context.builder.insert(path, [insert_member(source, node, member, default_indent=indent_unit(source.text))], reason)


def indentation(text: str, offset: int) -> str:
    """The whitespace that starts the line `offset` is on."""
    start = text.rfind("\n", 0, offset) + 1
    line = text[start:]
    return line[: len(line) - len(line.lstrip(" \t"))]


def main_file(tree: ProjectTree, app: SpaApp, workspace: AngularWorkspace) -> str:
    candidates = [join(app.root, workspace.main)] if workspace.main is not None else []
    for candidate in [*candidates, join(app.source_dir, "main.ts")]:
        if tree.exists(candidate):
            return candidate
    raise BadInput(f"The Angular app's entry point (main.ts) was not found in {app.root or '.'}.", hint="Check angular.json's build options.")


def angular_major(tree: ProjectTree, app: SpaApp) -> int:
    """The installed @angular/core's major version, else the one package.json asks for (newest when unclear)."""
    installed = tree.resolve(join(app.root, "node_modules/@angular/core/package.json"))
    if installed.is_file():
        try:
            return int(str(json.loads(installed.read_text(encoding="utf-8")).get("version", "")).split(".")[0])
        except ValueError:
            pass
    for section in ("dependencies", "devDependencies", "peerDependencies"):
        spec = (app.manifest.get(section) or {}).get("@angular/core")
        match = re.search(r"\d+", spec) if isinstance(spec, str) else None
        if match:
            return int(match.group(0))
    return FIRST_WITH_PROVIDE_APP_INITIALIZER


def uses_router(tree: ProjectTree, app: SpaApp) -> bool:
    """True when the app provides the router (a dependency alone does not make Router injectable)."""
    if not app.depends_on("@angular/router"):
        return False
    for path in tree.glob(".ts", under=app.source_dir):
        if ".spec." in path or "intercom" in path.lower():
            continue
        text = tree.text(path)
        if "provideRouter" not in text and "RouterModule" not in text:
            continue
        root = parse(text, "typescript")
        if root.find(pattern="provideRouter($$$)") or root.find(pattern="RouterModule.forRoot($$$)"):
            return True
    return False
