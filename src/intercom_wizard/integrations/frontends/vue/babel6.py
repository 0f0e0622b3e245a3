"""Vue apps still compiled by Babel 6 (`babel-core` 6, webpack 4; the corpus app vue2-role-auth).

Babel 6 cannot parse the core's ES2019/ES2020 syntax (`catch {`, `?.`, `??`), cannot subclass
`Error` (its classes call the built-in as a function, so `instanceof` the subclass is false), and
compiles each
`async function` declaration to a `regeneratorRuntime.mark(...)` call that its module transform
hoists above the file's own imports, so it runs when the module loads and needs a global
`regeneratorRuntime` that nothing defines. For such an app the core is written in JavaScript with
those constructs spelled the ES5/ES2017 way (`downlevel`; an `Error` subclass as a constructor
function, templates/vue/babel6-error-subclass.js), the SDK imported statically, and the
entry's first line imports `regenerator-runtime/runtime` (declared as a dependency), which webpack
evaluates before any module that imports the core.
"""

from ast_grep_py import SgNode

from intercom_wizard.edits import parse
from intercom_wizard.integrations.backends.npm_common import add_dependency
from intercom_wizard.integrations.base import PlanContext
from intercom_wizard.integrations.frontends.spa_common import SpaApp
from intercom_wizard.integrations.frontends.spa_common.core import SDK_PACKAGE, SDK_SPEC, chosen_api_base, core_source
from intercom_wizard.plan import Insertion
from intercom_wizard.templates import render
from intercom_wizard.tree import ProjectTree
from intercom_wizard.typescript import strip_types
from intercom_wizard.versions import npm_version

RUNTIME_PACKAGE = "regenerator-runtime"
RUNTIME_SPEC = "^0.13.11"
RUNTIME_IMPORT = "import 'regenerator-runtime/runtime';"
ERROR_SUBCLASS_TEMPLATE = "vue/babel6-error-subclass.js"


def uses_babel_6(tree: ProjectTree, root: str, app: SpaApp) -> bool:
    babel = npm_version(tree, root, "babel-core")
    return not app.typescript and babel is not None and babel.below(7, 0)


def babel6_core_module(context: PlanContext, app: SpaApp, path: str) -> None:
    """The core as JavaScript Babel 6 compiles, and the SDK and regenerator runtime as dependencies."""
    app_api = chosen_api_base(context, app)  # its API on another origin (webpack externals, say), as in core_module
    source = core_source(context.options, anonymous_only=context.anonymous_only, sdk_import="static", app_api=app_api, module_file=path)
    context.builder.create(
        path,
        downlevel(strip_types(source)),
        "the Messenger: boots signed-in users with the server's JWT, everyone else as leads (ES2017 syntax for Babel 6)",
    )
    add_dependency(context, app.root, SDK_PACKAGE, SDK_SPEC, "the official Intercom Messenger SDK")
    add_dependency(context, app.root, RUNTIME_PACKAGE, RUNTIME_SPEC, "the runtime Babel 6 compiles async functions to")


def import_runtime_first(context: PlanContext, entry: str) -> None:
    """`import 'regenerator-runtime/runtime';` as the entry's first line, before any module loads."""
    source = context.tree.read(entry)
    context.builder.insert(entry, [Insertion(0, source.native(RUNTIME_IMPORT + "\n"))], "defines regeneratorRuntime before the Messenger's core loads (Babel 6)")


def downlevel(javascript: str) -> str:
    """`catch {`, `x?.m(...)`, `a ?? 'literal'` and `class X extends Error {}` in the syntax Babel 6
    compiles correctly; an optional chain or `??` of another shape is an error."""
    root = parse(javascript, "javascript")
    edits: list[tuple[int, int, str]] = []
    for clause in root.find_all(kind="catch_clause"):
        if clause.field("parameter") is None:
            body = clause.field("body")
            assert body is not None
            edits.append((body.range().start.index, body.range().start.index, "(_error) "))
    for chain in root.find_all(kind="optional_chain"):
        edits.append(_optional_call(chain))
    for binary in root.find_all(kind="binary_expression"):
        operator = binary.field("operator")
        if operator is not None and operator.text() == "??":
            edits.append(_nullish(binary))
    for declaration in root.find_all(kind="class_declaration"):
        if _empty_error_subclass(declaration):
            name = declaration.field("name")
            assert name is not None
            text = render(ERROR_SUBCLASS_TEMPLATE, class_name=name.text()).rstrip("\n")
            edits.append((declaration.range().start.index, declaration.range().end.index, text))
    for start, end, text in sorted(edits, reverse=True):
        javascript = javascript[:start] + text + javascript[end:]
    return javascript


def _empty_error_subclass(declaration: SgNode) -> bool:
    heritage = declaration.find(kind="class_heritage")
    body = declaration.field("body")
    return heritage is not None and heritage.text() == "extends Error" and body is not None and body.text().replace(" ", "") == "{}"


def _optional_call(chain: SgNode) -> tuple[int, int, str]:
    """`sdk?.update(x)` as `(sdk == null ? undefined : sdk.update(x))` (an identifier receiver only)."""
    member = chain.parent()
    call = member.parent() if member is not None else None
    receiver = member.field("object") if member is not None else None
    prop = member.field("property") if member is not None else None
    if call is None or call.kind() != "call_expression" or receiver is None or receiver.kind() != "identifier" or prop is None:
        raise ValueError(f"no ES2017 form for the optional chain in {call.text() if call else chain.text()!r}")
    arguments = call.field("arguments")
    name = receiver.text()
    text = f"({name} == null ? undefined : {name}.{prop.text()}{arguments.text() if arguments else '()'})"
    return call.range().start.index, call.range().end.index, text


def _nullish(binary: SgNode) -> tuple[int, int, str]:
    """`a ?? ''` as `(function (value) { return value == null ? '' : value; })(a)` (a literal fallback only)."""
    left, right = binary.field("left"), binary.field("right")
    if left is None or right is None or right.kind() not in ("string", "number", "null", "true", "false"):
        raise ValueError(f"no ES2017 form for {binary.text()!r}")
    text = f"(function (value) {{ return value == null ? {right.text()} : value; }})({left.text()})"
    return binary.range().start.index, binary.range().end.index, text
