"""What the Node back ends (and later the npm front ends) share: package.json and package managers."""

import fnmatch
import json
import posixpath
import re
from pathlib import Path
from typing import Any

from intercom_wizard.integrations.base import PlanContext
from intercom_wizard.integrations.package_json import manifest_folder, read_package_json
from intercom_wizard.jsonedit import insert_into_section, member_entry
from intercom_wizard.plan import DependencyChange
from intercom_wizard.tree import ProjectTree, join

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
    whatever stale package-lock.json lies beside it."""
    uses_workspace_protocol = _uses_workspace_protocol(tree.root / root / "package.json")
    folder: str | None = root
    while folder is not None:
        manifest = read_package_json(tree, join(folder, "package.json")) if tree.exists(join(folder, "package.json")) else {}
        found = _declared_or_locked(manifest, {name for name, _ in LOCKFILES if tree.exists(join(folder, name))})
        if found is None and tree.exists(join(folder, "pnpm-workspace.yaml")):
            found = "pnpm"
        if found is not None and not (found == "npm" and uses_workspace_protocol):
            return found
        folder = None if not folder else posixpath.dirname(folder)
    return _enclosing_workspace_manager(tree.root / root) or ("pnpm" if uses_workspace_protocol else "npm")


def _declared_or_locked(manifest: dict[str, Any], lockfiles: set[str]) -> str | None:
    """`packageManager` in the manifest, else the lockfile beside it (`lockfiles`: those present)."""
    declared = manifest.get("packageManager")
    if isinstance(declared, str) and declared.split("@")[0] in {"npm", "yarn", "pnpm", "bun"}:
        return declared.split("@")[0]
    return next((manager for lockfile, manager in LOCKFILES if lockfile in lockfiles), None)


def _uses_workspace_protocol(manifest_path: Path) -> bool:
    manifest = _read_json(manifest_path)
    return any(
        isinstance(section, dict) and any(isinstance(spec, str) and spec.startswith("workspace:") for spec in section.values())
        for section in (manifest.get("dependencies"), manifest.get("devDependencies"))
    )


def _enclosing_workspace_manager(project: Path) -> str | None:
    """The manager of a workspace that encloses the project folder from above (the wizard run inside a
    member, e.g. `examples/next` of a pnpm workspace): the nearest ancestor whose pnpm-workspace.yaml
    or package.json `workspaces` globs name the folder, by its `packageManager` or lockfile."""
    for ancestor in project.parents:
        member = project.relative_to(ancestor).as_posix()
        manifest = _read_json(ancestor / "package.json")
        workspaces = manifest.get("workspaces")
        globs = workspaces.get("packages") if isinstance(workspaces, dict) else workspaces
        pnpm_globs = _pnpm_workspace_globs(ancestor / "pnpm-workspace.yaml")
        listed = [glob for glob in [*(globs if isinstance(globs, list) else []), *pnpm_globs] if isinstance(glob, str)]
        if any(fnmatch.fnmatchcase(member, glob.rstrip("/")) for glob in listed):
            found = _declared_or_locked(manifest, {name for name, _ in LOCKFILES if (ancestor / name).is_file()})
            return found or ("pnpm" if pnpm_globs else None)
    return None


def _read_json(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _pnpm_workspace_globs(path: Path) -> list[str]:
    """The `packages:` globs of a pnpm-workspace.yaml (a YAML list of strings, quoted or not)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    block = re.search(r"^packages:\s*\n((?:[ \t]+-[^\n]*\n?|[ \t]*#[^\n]*\n?|[ \t]*\n)*)", text, re.MULTILINE)
    items = re.findall(r"^[ \t]+-[ \t]*['\"]?([^'\"#\n]+?)['\"]?[ \t]*(?:#.*)?$", block.group(1), re.MULTILINE) if block else []
    return [item for item in items if not item.startswith("!")]


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
