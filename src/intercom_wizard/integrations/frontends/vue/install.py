"""The one edit to the Vue app's entry: the plugin's import, and `app.use(intercomMessenger, ...)`
after the app's last `app.use(...)` (else before the mount), or as one more link of the
`createApp(...)` chain just before `.mount(...)`, in the file's own quotes and semicolons.
"""

from ast_grep_py import SgNode

from intercom_wizard.edits import insert_lines_after, insert_lines_before, last_import, starts_line
from intercom_wizard.integrations.base import PlanContext
from intercom_wizard.integrations.frontends.spa_common import import_path
from intercom_wizard.integrations.frontends.vue.entry import Mount, chain_base
from intercom_wizard.js_config import alias_specifier
from intercom_wizard.plan import Insertion
from intercom_wizard.sourcefile import SourceText
from intercom_wizard.tree import ProjectTree

PLUGIN = "intercomMessenger"


def install_plugin(context: PlanContext, mount: Mount, plugin_path: str, use_call: str) -> None:
    source = context.tree.read(mount.file)
    plugin_import, semicolon = import_plugin(source, mount.root, mount.file, plugin_path, context.tree)
    if mount.app_variable is None:
        use = _chained_use(source, mount, use_call)
    else:
        use = _statement_use(source, mount, use_call, semicolon)
    context.builder.insert(mount.file, [use, plugin_import], "installs the Messenger plugin on the Vue app before it is mounted")


def import_plugin(source: SourceText, root: SgNode, file: str, plugin_path: str, tree: ProjectTree | None = None) -> tuple[Insertion, str]:
    """The plugin's import after the file's last import, and the file's statement ending (`;` or none)."""
    # The new import follows the file's own style: its quotes and whether statements end with `;`.
    anchor = last_import(root, "typescript")
    anchor_source = anchor.field("source") if anchor is not None else None
    quote = '"' if anchor_source is not None and anchor_source.text().startswith('"') else "'"
    semicolon = ";" if anchor is not None and anchor.text().rstrip().endswith(";") else ""
    # Through the project's alias (`@/...`) where this file's own imports use it.
    specifier = (alias_specifier(tree, file, plugin_path) if tree else None) or import_path(file, plugin_path)
    statement = f"import {{ {PLUGIN} }} from {quote}{specifier}{quote}{semicolon}"
    if anchor is not None:
        return insert_lines_after(source, anchor.range().end.index, statement), semicolon
    return Insertion(0, source.native(statement + "\n")), semicolon


def _chained_use(source: SourceText, mount: Mount, use_call: str) -> Insertion:
    """`.use(intercomMessenger, { router })` just before `.mount(...)` in the chain off createApp()."""
    member = mount.call.field("function")
    assert member is not None
    receiver = member.field("object")
    prop = member.field("property")
    assert receiver is not None and prop is not None
    text = source.text
    dot = text.rfind(".", receiver.range().end.index, prop.range().start.index)
    if starts_line(text, dot):
        return insert_lines_before(source, dot, f".{use_call}")
    return Insertion(receiver.range().end.index, f".{use_call}")


def _statement_use(source: SourceText, mount: Mount, use_call: str, semicolon: str) -> Insertion:
    """`app.use(intercomMessenger, { router })` after the app's last `app.use(...)`, else before the mount."""
    statement = _top_level(mount.call)
    line = f"{mount.app_variable}.{use_call}"
    previous = None
    for node in mount.root.children():
        if node.range().start.index >= statement.range().start.index:
            break
        if node.kind() == "expression_statement" and _is_use_on(node, mount.app_variable or ""):
            previous = node
    if previous is not None:
        ends_with_semicolon = ";" if previous.text().rstrip().endswith(";") else ""
        return insert_lines_after(source, previous.range().end.index, line + ends_with_semicolon)
    ends_with_semicolon = ";" if statement.text().rstrip().endswith(";") else semicolon
    return insert_lines_before(source, statement.range().start.index, line + ends_with_semicolon)


def _is_use_on(statement: SgNode, variable: str) -> bool:
    call = statement.child(0)
    if call is None or call.kind() != "call_expression":
        return False
    function = call.field("function")
    if function is None or function.kind() != "member_expression":
        return False
    prop = function.field("property")
    base = chain_base(function.field("object"))
    return prop is not None and prop.text() == "use" and base is not None and base.text() == variable


def _top_level(node: SgNode) -> SgNode:
    while (parent := node.parent()) is not None and parent.kind() != "program":
        node = parent
    return node
