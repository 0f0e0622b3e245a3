"""The router the Vue app installs: an argument of `.use(...)` on the mounted app that is bound to a
`createRouter(...)` result, in the entry itself or in a module it imports (relatively or through
the `@/` alias).
"""

import posixpath

from ast_grep_py import SgNode

from intercom_wizard.integrations.frontends.vue.entry import SCRIPT_SUFFIXES, Mount, chain_base, is_factory_call, root_of
from intercom_wizard.tree import ProjectTree

RESOLVED_SUFFIXES = ("", ".ts", ".js", ".mts", ".mjs", "/index.ts", "/index.js")


def find_router(tree: ProjectTree, mount: Mount) -> str | None:
    """The router the app installs: an argument of `.use(...)` bound to a `createRouter(...)` result."""
    for argument in _plugins_used(mount):
        if argument.kind() == "identifier" and _is_router_binding(tree, mount, argument.text()):
            return argument.text()
    return None


def _plugins_used(mount: Mount) -> list[SgNode]:
    """First arguments of `.use(...)` on the mounted app (in the mount chain or on the app variable)."""
    found = []
    for call in mount.root.find_all(kind="call_expression"):
        function = call.field("function")
        if function is None or function.kind() != "member_expression":
            continue
        prop = function.field("property")
        if prop is None or prop.text() != "use":
            continue
        base = chain_base(function.field("object"))
        if base is None:
            continue
        ours = (
            base.text() == mount.app_variable
            if mount.app_variable
            else base.kind() == "call_expression" and is_factory_call(base) and _contains(mount.call, call)
        )
        arguments = call.field("arguments")
        first = next((a for a in arguments.children() if a.kind() not in ("(", ")", ",")), None) if arguments else None
        if ours and first is not None:
            found.append(first)
    return found


def _contains(outer: SgNode, inner: SgNode) -> bool:
    return outer.range().start.index <= inner.range().start.index and inner.range().end.index <= outer.range().end.index


def _is_router_binding(tree: ProjectTree, mount: Mount, name: str) -> bool:
    for declarator in mount.root.find_all(kind="variable_declarator"):
        declared, value = declarator.field("name"), declarator.field("value")
        if declared is not None and declared.text() == name and value is not None:
            return value.find(pattern="createRouter($$$)") is not None or value.text().startswith("createRouter(")
    for statement in mount.root.find_all(kind="import_statement"):
        source = statement.field("source")
        if source is None or not any(_binds(node, name) for node in statement.find_all(kind="import_clause")):
            continue
        specifier = source.text()[1:-1]
        if not specifier.startswith(".") and not specifier.startswith("@/"):
            return False
        module = _resolve(tree, mount.file, specifier)
        return module is not None and root_of(module, tree.text(module)).find(pattern="createRouter($$$)") is not None
    return False


def _binds(clause: SgNode, name: str) -> bool:
    """Whether an import clause binds `name` (default, named, or `as` alias)."""
    for child in clause.children():
        if child.kind() == "identifier" and child.text() == name:
            return True
        if child.kind() == "named_imports":
            for specifier in child.find_all(kind="import_specifier"):
                alias = specifier.field("alias") or specifier.field("name")
                if alias is not None and alias.text() == name:
                    return True
    return False


def _resolve(tree: ProjectTree, importer: str, specifier: str) -> str | None:
    if specifier.startswith("@/"):
        base = posixpath.join("src", specifier[2:])
        folder = importer.split("src/", 1)[0] if "src/" in importer else ""
        base = posixpath.join(folder, base) if folder else base
    else:
        base = posixpath.normpath(posixpath.join(posixpath.dirname(importer), specifier))
    return next((base + suffix for suffix in RESOLVED_SUFFIXES if tree.exists(base + suffix) and (base + suffix).endswith(SCRIPT_SUFFIXES)), None)
