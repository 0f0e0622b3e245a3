"""`install --upgrade` for react-use-intercom and the official SDK: the library is kept, booted with a JWT.

The SDK (`@intercom/messenger-js-sdk`) passes any setting through to the Messenger, so its
`Intercom({...})`/`boot({...})` statements are rewritten the same way with `intercom_user_jwt` and
without user_id/email/name/user_hash (the names it imports those two functions as are read from the
import).

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
from dataclasses import dataclass

from ast_grep_py import SgNode

from intercom_wizard.builder import PlanBuilder
from intercom_wizard.edits import indent_unit, indentation_at, insert_lines_after, last_import, line_start, parse
from intercom_wizard.integrations.backends.npm_common import package_manager
from intercom_wizard.plan import DependencyChange, Insertion
from intercom_wizard.templates import render
from intercom_wizard.tree import ProjectTree
from intercom_wizard.typescript import strip_types
from intercom_wizard.upgrade import REACT_BOOT, REACT_PACKAGE, SDK_BOOT, UpgradeStep, react_spec

JWT_RANGE = "^5.5.0"
HELPER = "intercomUserJwt"
HELPER_FUNCTION = "fetchIntercomUserJwt"
PACKAGE_REASON = "react-use-intercom 5.5.0 is the first release whose boot takes intercomUserJwt"
SDK_IMPORT = re.compile(r"""import\s+(?P<default>[\w$]+)?\s*,?\s*(?:\{(?P<named>[^}]*)\})?\s*from\s*["']@intercom/messenger-js-sdk["']""")


@dataclass(frozen=True)
class Library:
    """A Messenger library the upgrade keeps: which calls boot it and how they name the JWT."""

    name: str  # in messages
    boot_kind: str
    identity: tuple[str, ...]  # the boot properties the JWT's claims replace
    jwt: str  # the boot property that carries the JWT

    @property
    def jwt_property(self) -> str:
        """The JWT in the boot's settings. The SDK copies every key into window.intercomSettings, so a signed-out
        visitor's boot must not carry the key at all (react-use-intercom drops undefined properties itself)."""
        if self.boot_kind == REACT_BOOT:
            return self.jwt
        return f"...({self.jwt} === undefined ? {{}} : {{ {self.jwt} }})"

    def callees(self, text: str) -> set[str]:
        if self.boot_kind == REACT_BOOT:
            return {"boot"}
        names = set()
        for found in SDK_IMPORT.finditer(text):
            names |= {found.group("default")} if found.group("default") else set()
            for item in (found.group("named") or "").split(","):
                parts = item.split(" as ")
                if parts[0].strip() in ("Intercom", "boot"):
                    names.add(parts[-1].strip())
        return names


REACT_LIBRARY = Library("react-use-intercom's boot(...)", REACT_BOOT, ("userId", "email", "name", "userHash"), "intercomUserJwt")
SDK_LIBRARY = Library("the SDK's Intercom(...)", SDK_BOOT, ("user_id", "email", "name", "user_hash"), "intercom_user_jwt")


def plan_react(builder: PlanBuilder, tree: ProjectTree, steps: list[UpgradeStep], token_url: str) -> None:
    for step in steps:
        if step.kind == REACT_PACKAGE and step.action.startswith("raised"):
            _raise_range(builder, tree, step.path)
    boot_steps = [step for step in steps if step.kind in (REACT_BOOT, SDK_BOOT) and step.action.startswith("each ")]
    if not boot_steps:
        return
    typescript = boot_steps[0].path.endswith((".ts", ".tsx"))
    helper = posixpath.join(posixpath.dirname(boot_steps[0].path), HELPER + (".ts" if typescript else ".js"))
    source = render("upgrade/intercom-user-jwt.ts", token_url=token_url)
    builder.create(helper, source if typescript else strip_types(source), "fetches the Intercom JWT for your Messenger library's boot")
    for step in boot_steps:
        _rewrite_boots(builder, tree, step.path, helper, REACT_LIBRARY if step.kind == REACT_BOOT else SDK_LIBRARY)
    if any(step.kind == SDK_BOOT for step in boot_steps):
        builder.note(
            "The SDK's Intercom(...) starts the Messenger once per page load (later calls are ignored), as before the "
            "upgrade: where a user signs in or switches without a page load, call the SDK's boot({ app_id, "
            "intercom_user_jwt }) after shutdown() instead.",
        )
    if not any(re.search(r"\bshutdown\(", tree.text(step.path)) for step in boot_steps):
        builder.note(
            "shutdown() is called nowhere next to your Messenger boot: call it where your app signs the user out, or the "
            "next person on this browser sees the previous user's conversations.",
            "warning",
        )


def _raise_range(builder: PlanBuilder, tree: ProjectTree, path: str) -> None:
    text = tree.text(path)
    spec = react_spec(text)
    if spec is None:
        return
    builder.replace(path, spec.range().start.index + 1, spec.text()[1:-1], JWT_RANGE, PACKAGE_REASON)
    root = posixpath.dirname(path)
    builder.dependencies.append(DependencyChange("npm", "react-use-intercom", JWT_RANGE, path, package_manager(tree, root)))


def _rewrite_boots(builder: PlanBuilder, tree: ProjectTree, path: str, helper: str, library: Library) -> None:
    source = tree.read(path)
    text = source.text
    root = parse(text, "tsx" if path.endswith((".ts", ".tsx")) else "javascript")
    callees = library.callees(text)
    calls = [c for c in root.find_all(kind="call_expression") if (c.field("function") or c).text() in callees]
    unit = indent_unit(text)
    rewritten = 0
    for call in calls:
        if library.jwt in call.text():
            continue  # converted already (a second run of the upgrade)
        statement = call.parent()
        arguments = [a for a in (call.field("arguments") or call).children() if a.is_named()]
        if statement is None or statement.kind() != "expression_statement" or len(arguments) > 1:
            builder.manual(path, f"{library.name} at {path}:{call.range().start.line + 1} was left as it is (it is not a statement of its own): boot with `{library.jwt}: await fetchIntercomUserJwt()` and without {'/'.join(library.identity)}.", "")
            continue
        kept = _kept_properties(arguments[0] if arguments else None, library.identity)
        if kept is None:
            builder.manual(path, f"{library.name} at {path}:{call.range().start.line + 1} was left as it is (its argument is not an object literal): boot with `{library.jwt}` from fetchIntercomUserJwt() and without {'/'.join(library.identity)}.", "")
            continue
        start = statement.range().start.index
        indent = indentation_at(text, line_start(text, start))
        inner, innermost = indent + unit, indent + unit * 2
        callee = (call.field("function") or call).text()
        replacement = (
            f"void {HELPER_FUNCTION}().then(({library.jwt}) =>\n"
            f"{inner}{callee}({{\n"
            + "".join(f"{innermost}{prop},\n" for prop in kept)
            + f"{innermost}{library.jwt_property},\n{inner}}}),\n{indent});"
        )
        builder.replace(path, start, text[start : statement.range().end.index], source.native(replacement), _boot_reason(library))
        rewritten += 1
    if rewritten:
        _import_helper(builder, path, root, helper, _boot_reason(library))



def _boot_reason(library: Library) -> str:
    return f"boots {library.name.split(chr(39))[0]} with the signed JWT ({library.jwt}) instead of the user's attributes"


def _kept_properties(argument: SgNode | None, identity: tuple[str, ...]) -> list[str] | None:
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
        if name not in identity:
            kept.append(prop.text())
    return kept


def _import_helper(builder: PlanBuilder, path: str, root: SgNode, helper: str, reason: str) -> None:
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
    builder.insert(path, [insertion], reason)
