"""What the Node back ends (and later the npm front ends) share: package.json and package managers."""

import json
import posixpath

from ast_grep_py import SgNode

from intercom_wizard.astgrep import required_field
from intercom_wizard.edits import parse
from intercom_wizard.integrations.base import PlanContext
from intercom_wizard.integrations.package_json import read_package_json
from intercom_wizard.plan import DependencyChange, Insertion
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
    Turborepo, Nx) has no lockfile of its own; the workspace root's decides."""
    folder: str | None = root
    while folder is not None:
        manifest = read_package_json(tree, join(folder, "package.json")) if tree.exists(join(folder, "package.json")) else {}
        declared = manifest.get("packageManager")
        if isinstance(declared, str) and declared.split("@")[0] in {"npm", "yarn", "pnpm", "bun"}:
            return declared.split("@")[0]
        for lockfile, manager in LOCKFILES:
            if tree.exists(join(folder, lockfile)):
                return manager
        if tree.exists(join(folder, "pnpm-workspace.yaml")):
            return "pnpm"
        folder = None if not folder else posixpath.dirname(folder)
    return "npm"


def add_dependency(context: PlanContext, root: str, package: str, spec: str, reason: str) -> None:
    """Insert `"package": "spec"` into dependencies, in npm's alphabetical order, keeping the indentation."""
    path = join(root, "package.json")
    tree = context.tree
    manifest = read_package_json(tree, path)
    context.builder.dependencies.append(DependencyChange("npm", package, spec, path, package_manager(tree, root)))
    section = manifest.get("dependencies")
    if isinstance(section, dict) and package in section:
        return
    source = tree.read(path)
    text = source.text
    document = parse(text, "json").find(kind="object")
    entry = f"{json.dumps(package)}: {json.dumps(spec)}"
    if document is None:
        context.builder.manual(path, "Add this to dependencies:", entry)
        return
    dependencies = _pair_value(document, "dependencies")
    if dependencies is None:
        pairs = _pairs(document)
        indent = _indent_of(text, pairs[0]) if pairs else "  "
        block = f'"dependencies": {{\n{indent * 2}{entry}\n{indent}}}'.replace("\n", source.newline)
        if pairs:
            insertion = Insertion(pairs[-1].range().end.index, f",{source.newline}{indent}{block}")
        else:
            insertion = Insertion(document.range().start.index + 1, f"{source.newline}{indent}{block}{source.newline}")
        context.builder.insert(path, [insertion], reason)
        return
    pairs = _pairs(dependencies)
    if not pairs:
        closing = dependencies.range().end.index - 1
        parent = dependencies.parent()
        outer = _indent_of(text, parent) if parent is not None else ""
        unit = outer or "  "
        insertion = Insertion(closing, f"{source.newline}{outer}{unit}{entry}{source.newline}{outer}")
        context.builder.insert(path, [insertion], reason)
        return
    indent = _indent_of(text, pairs[0])
    following = next((p for p in pairs if json.loads(required_field(p, "key").text()) > package), None)
    if following is not None:
        insertion = Insertion(following.range().start.index, f"{entry},{source.newline}{indent}")
    else:
        insertion = Insertion(pairs[-1].range().end.index, f",{source.newline}{indent}{entry}")
    context.builder.insert(path, [insertion], reason)


def _pairs(node: SgNode) -> list[SgNode]:
    return [child for child in node.children() if child.kind() == "pair"]


def _pair_value(node: SgNode, key: str) -> SgNode | None:
    for pair in _pairs(node):
        if json.loads(required_field(pair, "key").text()) == key:
            value = pair.field("value")
            return value if value is not None and value.kind() == "object" else None
    return None


def _indent_of(text: str, node: SgNode) -> str:
    start = text.rfind("\n", 0, node.range().start.index) + 1
    prefix = text[start : node.range().start.index]
    return prefix if not prefix.strip() else "  "
