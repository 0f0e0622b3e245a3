"""What the Node back ends (and later the npm front ends) share: package.json and package managers."""

import posixpath
from typing import Any

from intercom_wizard.integrations.base import PlanContext
from intercom_wizard.integrations.package_json import manifest_folder, read_package_json
from intercom_wizard.jsonedit import insert_into_section, member_entry
from intercom_wizard.plan import DependencyChange
from intercom_wizard.tree import ProjectTree, join, manifest_outside

LOCKFILES = (
    ("pnpm-lock.yaml", "pnpm"),
    ("yarn.lock", "yarn"),
    ("bun.lockb", "bun"),
    ("bun.lock", "bun"),
    ("package-lock.json", "npm"),
)


def package_manager(tree: ProjectTree, root: str) -> str:
    """The package's own manager, else its workspace's: a workspace member (npm/yarn/pnpm workspaces,
    Turborepo, Nx) has no lockfile of its own; the workspace root's decides. A package whose
    dependencies use the `workspace:` protocol is never npm's (npm refuses it: EUNSUPPORTEDPROTOCOL),
    whatever stale package-lock.json lies beside it (iron-session's examples/next)."""
    not_npm = _uses_workspace_protocol(tree, root)
    folder: str | None = root
    while folder is not None:
        manifest = read_package_json(tree, join(folder, "package.json")) if tree.exists(join(folder, "package.json")) else {}
        found = _declared_manager(manifest) or _lockfile_manager(tree, folder)
        if found is None and tree.exists(join(folder, "pnpm-workspace.yaml")):
            found = "pnpm"
        if found is not None and not (not_npm and found == "npm"):
            return found
        folder = None if not folder else posixpath.dirname(folder)
    enclosing = _enclosing_workspace_manager(tree)
    if not_npm and enclosing in (None, "npm"):
        return "pnpm"  # the protocol's own manager (yarn and bun, which also read it, name themselves by lockfile)
    return enclosing or "npm"


# What each manager leaves in the node_modules it installed (npm's hidden lockfile, pnpm's store links, yarn 1).
INSTALLED_BY = (("pnpm", ".pnpm"), ("npm", ".package-lock.json"), ("yarn", ".yarn-integrity"))


def _lockfile_manager(tree: ProjectTree, folder: str) -> str | None:
    """The manager of the folder's lockfile; with several (react-fastapi-jwt-memory ships package-lock.json and
    pnpm-lock.yaml, its README says `npm install`), the one whose mark is in the folder's installed node_modules."""
    managers = [manager for lockfile, manager in LOCKFILES if tree.exists(join(folder, lockfile))]
    if len(set(managers)) > 1:
        installed = tree.root / folder / "node_modules"
        marked = [manager for manager, mark in INSTALLED_BY if manager in managers and (installed / mark).exists()]
        if len(marked) == 1:
            return marked[0]
    return managers[0] if managers else None


def _uses_workspace_protocol(tree: ProjectTree, root: str) -> bool:
    path = join(root, "package.json")
    manifest = read_package_json(tree, path) if tree.exists(path) else {}
    return any(
        isinstance(section, dict) and any(isinstance(spec, str) and spec.startswith("workspace:") for spec in section.values())
        for section in (manifest.get("dependencies"), manifest.get("devDependencies"))
    )


def _enclosing_workspace_manager(tree: ProjectTree) -> str | None:
    """The manager of the workspace the project itself is a package of (the wizard run on
    `packages/test-app` of a pnpm workspace): its lockfile and manifest sit above the project."""
    workspace = tree.enclosing_workspace
    if workspace is None:
        return None
    declared = _declared_manager(manifest_outside(workspace / "package.json"))
    if declared is not None:
        return declared
    for lockfile, manager in LOCKFILES:
        if (workspace / lockfile).is_file():
            return manager
    return "pnpm" if (workspace / "pnpm-workspace.yaml").is_file() else None


def _declared_manager(manifest: dict[str, Any]) -> str | None:
    """package.json's `"packageManager": "pnpm@10.34.3"` (Corepack), when it names one we know."""
    declared = manifest.get("packageManager")
    name = declared.split("@")[0] if isinstance(declared, str) else None
    return name if name in {"npm", "yarn", "pnpm", "bun"} else None


def add_dependency(context: PlanContext, root: str, package: str, spec: str, reason: str) -> None:
    """Insert `"package": "spec"` into dependencies, in npm's alphabetical order, keeping the indentation
    (into the workspace root's package.json for an app that has none of its own)."""
    tree = context.tree
    root = manifest_folder(tree, root)
    path = join(root, "package.json")
    manifest = read_package_json(tree, path)
    context.builder.dependencies.append(DependencyChange("npm", package, spec, path, package_manager(tree, root)))
    section = manifest.get("dependencies")
    if isinstance(section, dict) and package in section:
        return
    entry = member_entry(package, spec)
    # npm keeps dependencies in alphabetical order
    insertion = insert_into_section(tree.read(path), "dependencies", entry, default_indent="  ", goes_before=lambda key: key > package)
    if insertion is None:
        context.builder.manual(path, "Add this to dependencies:", entry)
        return
    context.builder.insert(path, [insertion], reason)
