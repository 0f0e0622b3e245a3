"""`install --upgrade` of the official SDK: shutdown before next-auth's sign-out, where the app lacks it.

next-auth's `signOut()` (next-auth/react) leaves the page (a full load of the callback URL) as soon as
the session is gone, so a `shutdown()` the app calls once it sees no session runs on the next page,
before the SDK has loaded the Messenger there: it does nothing, and the Messenger's session cookie
keeps the previous user's conversations for the next person on this browser. Our integration shuts
the Messenger down first thing in the app's logout; the upgrade does the same at each `signOut(...)`
call in a client module of the app that does not already call `shutdown` there:
- a statement (`signOut();`, `await signOut({...});`) gets `shutdown();` on the line above;
- an arrow function's expression body (`onClick={() => signOut()}`) becomes a block,
  `{ shutdown(); return signOut(); }`, by two insertions;
- any other place is a manual step with the line to add.
`shutdown` is imported from the SDK (under the name the module already imports it as, if it does).
"""

import re

from ast_grep_py import SgNode

from intercom_wizard.edits import insert_lines_before, parse
from intercom_wizard.integrations.base import PlanContext
from intercom_wizard.integrations.frontends.react.jsx import imported_names, language
from intercom_wizard.integrations.frontends.spa_common import add_import
from intercom_wizard.plan import Insertion
from intercom_wizard.sourcefile import SourceText
from intercom_wizard.upgrade import SDK, SDK_BOOT, UpgradeStep

AUTH_PACKAGES = ("next-auth/react",)
REASON = "shuts the Messenger down before next-auth's signOut() leaves the page"
SOURCE_SUFFIXES = (".tsx", ".ts", ".jsx", ".js", ".mjs")


def plan_sdk_sign_out(context: PlanContext, steps: list[UpgradeStep]) -> None:
    if not any(step.kind == SDK_BOOT and step.action.startswith("each ") for step in steps):
        return
    tree = context.tree
    for path in tree.glob(*SOURCE_SUFFIXES):
        if "node_modules/" in path or "signOut" not in tree.text(path) or "'use server'" in tree.text(path) or '"use server"' in tree.text(path):
            continue
        root = parse(tree.text(path), language(path))
        sign_outs = {local for local, exported in imported_names(root, AUTH_PACKAGES).items() if exported == "signOut"}
        calls = [c for c in root.find_all(kind="call_expression") if (c.field("function") or c).text() in sign_outs]
        if calls:
            _wire(context, path, root, calls)


def _wire(context: PlanContext, path: str, root: SgNode, calls: list[SgNode]) -> None:
    source = context.tree.read(path)
    sdk_names = {exported: local for local, exported in imported_names(root, (SDK,)).items()}
    name = sdk_names.get("shutdown") or ("intercomShutdown" if re.search(r"\bshutdown\b", source.text) else "shutdown")
    wired = False
    for call in calls:
        scope = _enclosing_function(call)
        if scope is not None and re.search(rf"\b{name}\(", scope.text()):
            continue  # the app shuts the Messenger down there already
        insertions = _insertions(source, call, name)
        if insertions is None:
            context.builder.manual(path, f"Call the SDK's {name}() just before signOut() at {path}:{call.range().start.line + 1}, so the Messenger forgets this user before the page changes:", f"{name}();")
            continue
        context.builder.insert(path, insertions, REASON)
        wired = True
    if wired and "shutdown" not in sdk_names:
        alias = "shutdown" if name == "shutdown" else f"shutdown as {name}"
        add_import(context, path, f"import {{ {alias} }} from '{SDK}';", REASON)


def _insertions(source: SourceText, call: SgNode, name: str) -> list[Insertion] | None:
    node = call.parent()
    while node is not None and node.kind() in ("await_expression", "parenthesized_expression"):
        node = node.parent()
    if node is not None and node.kind() == "expression_statement":
        return [insert_lines_before(source, node.range().start.index, f"{name}();")]
    parent = call.parent()
    body = parent.field("body") if parent is not None and parent.kind() == "arrow_function" else None
    start, end = call.range().start.index, call.range().end.index
    if body is not None and (body.range().start.index, body.range().end.index) == (start, end):
        return [Insertion(start, f"{{ {name}(); return "), Insertion(end, "; }")]
    return None


def _enclosing_function(node: SgNode) -> SgNode | None:
    parent = node.parent()
    while parent is not None and parent.kind() not in ("arrow_function", "function_declaration", "function_expression", "method_definition"):
        parent = parent.parent()
    return parent
