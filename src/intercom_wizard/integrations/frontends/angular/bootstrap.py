"""What main.ts bootstraps, found with ast-grep: a standalone app's `bootstrapApplication(App,
config)` (the config object literal, or the `export const appConfig = {...}` it names, here or
imported) or an NgModule app's `platform.bootstrapModule(AppModule)` (the `@NgModule({...})`
metadata of that class). The object found is where the app initializer's provider goes.
"""

import posixpath
from dataclasses import dataclass
from typing import Literal

from ast_grep_py import SgNode

from intercom_wizard.astgrep import field_text
from intercom_wizard.edits import parse
from intercom_wizard.tree import ProjectTree, join

BootstrapKind = Literal["standalone", "module"]


@dataclass(frozen=True)
class Bootstrap:
    kind: BootstrapKind
    file: str | None  # the file holding the providers' owner (None: not found)
    providers_owner: SgNode | None  # the ApplicationConfig / @NgModule metadata object literal


def bootstrap_target(tree: ProjectTree, main: str) -> Bootstrap | None:
    """What main.ts bootstraps, and the object literal whose `providers` get the initializer."""
    root = parse(tree.text(main), "typescript")
    call = root.find(pattern="bootstrapApplication($$$ARGS)")
    if call is not None:
        arguments = _arguments(call)
        if len(arguments) < 2:
            return Bootstrap("standalone", None, None)
        return Bootstrap("standalone", *_resolve_object(tree, main, root, arguments[1]))
    call = root.find(pattern="$PLATFORM.bootstrapModule($$$ARGS)")
    if call is None:
        return None
    arguments = _arguments(call)
    if not arguments or arguments[0].kind() != "identifier":
        return Bootstrap("module", None, None)
    file = _imported_from(tree, main, root, arguments[0].text())
    if file is None:
        return Bootstrap("module", None, None)
    module_root = parse(tree.text(file), "typescript")
    for decorator in module_root.find_all(pattern="@NgModule($OBJ)"):
        class_node = decorator.parent()
        if class_node is not None and class_node.kind() == "export_statement":
            class_node = class_node.field("declaration")  # `@NgModule(...) export class ...`
        name = field_text(class_node, "name") if class_node is not None else None
        if name == arguments[0].text():
            metadata = decorator.get_match("OBJ")
            return Bootstrap("module", file, metadata if metadata is not None and metadata.kind() == "object" else None)
    return Bootstrap("module", file, None)


def _arguments(call: SgNode) -> list[SgNode]:
    args = call.field("arguments")
    return [child for child in args.children() if child.is_named() and child.kind() != "comment"] if args is not None else []


def _resolve_object(tree: ProjectTree, main: str, root: SgNode, node: SgNode) -> tuple[str | None, SgNode | None]:
    """An object literal argument, or the `export const NAME = {...}` it names (here or imported)."""
    if node.kind() == "object":
        return main, node
    if node.kind() != "identifier":
        return main, None
    name = node.text()
    local = _const_object(root, name)
    if local is not None:
        return main, local
    file = _imported_from(tree, main, root, name)
    if file is None:
        return main, None
    return file, _const_object(parse(tree.text(file), "typescript"), name)


def _const_object(root: SgNode, name: str) -> SgNode | None:
    for declarator in root.find_all(kind="variable_declarator"):
        value = declarator.field("value")
        if field_text(declarator, "name") == name and value is not None and value.kind() == "object":
            return value
    return None


def _imported_from(tree: ProjectTree, importer: str, root: SgNode, name: str) -> str | None:
    for statement in root.find_all(kind="import_statement"):
        source = field_text(statement, "source")
        if source is None or not any(s.text() == name for s in statement.find_all(kind="identifier")):
            continue
        specifier = source.strip("'\"")
        if not specifier.startswith("."):
            return None
        base = posixpath.normpath(join(posixpath.dirname(importer), specifier))
        for candidate in (f"{base}.ts", join(base, "index.ts"), base):
            if tree.exists(candidate):
                return candidate
    return None
