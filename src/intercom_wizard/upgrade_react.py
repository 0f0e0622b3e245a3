"""`install --upgrade` for react-use-intercom: the library is kept, booted with a JWT.

react-use-intercom passes `intercomUserJwt` to Intercom as `intercom_user_jwt` from 5.5.0 on (its
`IntercomProps`, "The JWT for authenticating users in the Messenger"). The upgrade:
- raises the package.json range to ^5.5.0 when it allows older releases (the package manager runs);
- writes `intercomUserJwt.ts` (`templates/upgrade/intercom-user-jwt.ts`; `.js` in JavaScript projects)
  next to the first file that boots, which fetches the token from the wizard's endpoint with the app's
  cookies and hands a fresh one to the Messenger before it expires;
- rewrites each `boot({...})` statement to boot once the token is there, without the identifying
  properties (userId, email, name, userHash: the JWT's claims carry them), keeping every other
  property as written; the app's own `shutdown()` on logout stays as it is.
Every edit is an insertion, a created file or a replacement the receipt records (uninstall is exact).
"""

import posixpath
import re

from ast_grep_py import SgNode

from intercom_wizard.builder import PlanBuilder
from intercom_wizard.edits import indent_unit, indentation_at, insert_lines_after, last_import, line_start, parse
from intercom_wizard.integrations.backends.npm_common import package_manager
from intercom_wizard.plan import DependencyChange, Insertion
from intercom_wizard.templates import render
from intercom_wizard.tree import ProjectTree
from intercom_wizard.typescript import strip_types
from intercom_wizard.upgrade import REACT_BOOT, REACT_PACKAGE, REACT_SPEC, UpgradeStep

JWT_RANGE = "^5.5.0"
IDENTITY_PROPS = ("userId", "email", "name", "userHash")
HELPER = "intercomUserJwt"
HELPER_FUNCTION = "fetchIntercomUserJwt"
BOOT_REASON = "boots react-use-intercom with the signed JWT (intercomUserJwt) instead of the user's attributes"
PACKAGE_REASON = "react-use-intercom 5.5.0 is the first release whose boot takes intercomUserJwt"


def plan_react(builder: PlanBuilder, tree: ProjectTree, steps: list[UpgradeStep], token_url: str) -> None:
    for step in steps:
        if step.kind == REACT_PACKAGE and step.action.startswith("raised"):
            _raise_range(builder, tree, step.path)
    boot_files = [step.path for step in steps if step.kind == REACT_BOOT]
    if not boot_files:
        return
    typescript = boot_files[0].endswith((".ts", ".tsx"))
    helper = posixpath.join(posixpath.dirname(boot_files[0]), HELPER + (".ts" if typescript else ".js"))
    source = render("upgrade/intercom-user-jwt.ts", token_url=token_url)
    builder.create(helper, source if typescript else strip_types(source), "fetches the Intercom JWT for react-use-intercom's boot")
    for path in boot_files:
        _rewrite_boots(builder, tree, path, helper)
    if not any(re.search(r"\bshutdown\(", tree.text(step.path)) for step in steps if step.kind == REACT_BOOT):
        builder.note(
            "react-use-intercom's shutdown() is called nowhere: call it where your app signs the user out, or the next "
            "person on this browser sees the previous user's conversations.",
            "warning",
        )


def _raise_range(builder: PlanBuilder, tree: ProjectTree, path: str) -> None:
    text = tree.text(path)
    spec = REACT_SPEC.search(text)
    if spec is None:
        return
    builder.replace(path, spec.start(1), spec.group(1), JWT_RANGE, PACKAGE_REASON)
    root = posixpath.dirname(path)
    builder.dependencies.append(DependencyChange("npm", "react-use-intercom", JWT_RANGE, path, package_manager(tree, root)))


def _rewrite_boots(builder: PlanBuilder, tree: ProjectTree, path: str, helper: str) -> None:
    source = tree.read(path)
    text = source.text
    root = parse(text, "tsx" if path.endswith((".ts", ".tsx")) else "javascript")
    calls = [c for c in root.find_all(kind="call_expression") if (c.field("function") or c).text() == "boot"]
    unit = indent_unit(text)
    rewritten = 0
    for call in calls:
        if "intercomUserJwt" in call.text():
            continue  # converted already (a second run of the upgrade)
        statement = call.parent()
        arguments = [a for a in (call.field("arguments") or call).children() if a.is_named()]
        if statement is None or statement.kind() != "expression_statement" or len(arguments) > 1:
            builder.manual(path, f"react-use-intercom's boot(...) at line {call.range().start.line + 1} was left as it is (it is not a statement of its own): boot with `intercomUserJwt: await fetchIntercomUserJwt()` and without userId/email/name/userHash.", "")
            continue
        kept = _kept_properties(arguments[0] if arguments else None)
        if kept is None:
            builder.manual(path, f"react-use-intercom's boot(...) at line {call.range().start.line + 1} was left as it is (its argument is not an object literal): boot with `intercomUserJwt` from fetchIntercomUserJwt() and without userId/email/name/userHash.", "")
            continue
        start = statement.range().start.index
        indent = indentation_at(text, line_start(text, start))
        inner, innermost = indent + unit, indent + unit * 2
        replacement = (
            f"void {HELPER_FUNCTION}().then((intercomUserJwt) =>\n"
            f"{inner}boot({{\n"
            + "".join(f"{innermost}{prop},\n" for prop in kept)
            + f"{innermost}intercomUserJwt,\n{inner}}}),\n{indent});"
        )
        builder.replace(path, start, text[start : statement.range().end.index], source.native(replacement), BOOT_REASON)
        rewritten += 1
    if rewritten:
        _import_helper(builder, path, root, helper)



def _kept_properties(argument: SgNode | None) -> list[str] | None:
    """The boot argument's properties without the identifying ones, as written; None when it is not an object literal."""
    if argument is None:
        return []
    if argument.kind() != "object":
        return None
    kept = []
    for prop in argument.children():
        if not prop.is_named() or prop.kind() == "comment":
            continue
        if prop.kind() == "spread_element":
            return None  # what it spreads may carry the identity: the wizard does not guess
        key = prop.field("key")
        name = (key.text() if key is not None else prop.text()).strip("'\"")
        if name not in IDENTITY_PROPS:
            kept.append(prop.text())
    return kept


def _import_helper(builder: PlanBuilder, path: str, root: SgNode, helper: str) -> None:
    module = posixpath.relpath(posixpath.splitext(helper)[0], posixpath.dirname(path) or ".")
    module = module if module.startswith(".") else "./" + module
    anchor = last_import(root, "javascript")
    quote = '"' if anchor is not None and '"' in anchor.text() and "'" not in anchor.text() else "'"
    semicolon = ";" if anchor is None or anchor.text().rstrip().endswith(";") else ""
    line = f"import {{ {HELPER_FUNCTION} }} from {quote}{module}{quote}{semicolon}\n"
    source = builder.tree.read(path)
    if anchor is not None:
        insertion = insert_lines_after(source, anchor.range().end.index, line, indent="")
    else:
        insertion = Insertion(0, source.native(line))
    builder.insert(path, [insertion], BOOT_REASON)
