"""What every single-page front end shares: the Messenger core module, the SDK dependency, and
wiring the app's own login/logout code to the Messenger.

The core (`templates/spa/intercom-messenger.ts`, plain JS for JavaScript projects) is framework
agnostic: each framework module only adds the idiomatic glue (a React component, a Vue plugin, an
Angular service, an Ember service, a Next.js client component) that calls its four functions:
`startIntercomMessenger`, `intercomPageChanged`, `intercomLogin`, `intercomLogout`.
"""

import posixpath
import re
from dataclasses import dataclass
from typing import Any

from ast_grep_py import SgNode

from intercom_wizard.edits import indent_unit, indentation_at, insert_lines_after, last_import, line_start, parse
from intercom_wizard.integrations.backends.npm_common import add_dependency
from intercom_wizard.integrations.base import Detection, PlanContext
from intercom_wizard.integrations.package_json import dependencies_of, read_package_json
from intercom_wizard.options import ClientAuth, InstallOptions
from intercom_wizard.plan import Insertion
from intercom_wizard.style import alias_specifier, infer_js_style, js_language
from intercom_wizard.templates import render
from intercom_wizard.tree import ProjectTree, join
from intercom_wizard.typescript import strip_types

SDK_PACKAGE = "@intercom/messenger-js-sdk"
SDK_SPEC = "^0.0.20"
CORE_TEMPLATE = "spa/intercom-messenger.ts"
SOURCE_SUFFIXES = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".vue")
# logout, logOut, log_out, signout, signOut, sign_out (not SignOut: that is a component).
LOGOUT_NAME = re.compile(r"^(log|sign)_?[oO]ut$")
LOGIN_NAME = re.compile(r"^(log|sign)_?[iI]n$")
FUNCTION_KINDS = ("function_declaration", "method_definition", "variable_declarator", "pair")
CLASS_FIELD_KIND = {"javascript": "field_definition", "typescript": "public_field_definition", "tsx": "public_field_definition"}
FUNCTION_VALUE_KINDS = ("arrow_function", "function_expression", "function")


@dataclass(frozen=True)
class SpaApp:
    root: str  # the folder holding package.json
    source_dir: str  # where the app's own code lives ("src" unless the framework says otherwise)
    typescript: bool
    manifest: dict[str, Any]

    @property
    def extension(self) -> str:
        return ".ts" if self.typescript else ".js"

    def depends_on(self, package: str) -> bool:
        return package in dependencies_of(self.manifest)


def spa_app(tree: ProjectTree, detection: Detection, source_dir: str = "src") -> SpaApp:
    root = detection.root
    manifest = read_package_json(tree, join(root, "package.json"))
    typescript = tree.exists(join(root, "tsconfig.json")) or "typescript" in dependencies_of(manifest)
    return SpaApp(root, join(root, source_dir), typescript, manifest)


def token_url(options: InstallOptions) -> str:
    return options.endpoint


def core_module(context: PlanContext, app: SpaApp, path: str) -> None:
    """Write the Messenger core to `path` (.ts or .js) and declare the official SDK."""
    options = context.options
    region = options.region.sdk_region
    api_base = options.region.api_base
    bearer = options.auth is ClientAuth.BEARER and options.token_storage_key
    source = render(
        CORE_TEMPLATE,
        workspace_id=options.workspace_id,
        token_url=token_url(options),
        region=f"'{region}'" if region else "undefined",
        api_base=f"'{api_base}'" if api_base else "undefined",
        access_token_key=f"'{options.token_storage_key}'" if bearer else "null",
        auth_scheme=options.auth_scheme,
        load=options.load.value,
    )
    context.builder.create(
        path,
        source if path.endswith((".ts", ".tsx")) else strip_types(source),
        "the Messenger: boots signed-in users with the server's JWT, everyone else as leads",
    )
    add_dependency(context, app.root, SDK_PACKAGE, SDK_SPEC, "the official Intercom Messenger SDK")


def import_path(from_file: str, module_file: str) -> str:
    """The relative specifier a bundler resolves: './intercom/messenger' (no extension)."""
    relative = posixpath.relpath(posixpath.splitext(module_file)[0], posixpath.dirname(from_file) or ".")
    return relative if relative.startswith(".") else f"./{relative}"


def add_import(context: PlanContext, path: str, statement: str, reason: str) -> None:
    """Place an import, quoted like the file's own, after its last import (or first thing, below
    any directive such as 'use client')."""
    statement = in_file_style(context.tree, path, statement)
    insertion = _import_insertion(context, path, 0, statement)
    if insertion is None:
        context.builder.manual(path, "Add this import at the top of the file:", statement)
        return
    context.builder.insert(path, [insertion], reason)


def in_file_style(tree: ProjectTree, path: str, statement: str) -> str:
    """The import statement quoted like the file's own imports (create-next-app writes double quotes)."""
    first = parse(tree.text(path), language_of(path)).find(kind="import_statement")
    source = first.field("source") if first is not None else None
    if source is not None and source.text().startswith('"'):
        return statement.replace("'", '"')
    if source is None and infer_js_style(tree, path).quote == '"':
        return statement.replace("'", '"')
    return statement


def hook_call(tree: ProjectTree, path: str, hook: str) -> str:
    """The statement calling a Messenger hook: login starts a request nobody waits for (see JsStyle.floating_call)."""
    if hook == "intercomLogout":
        return f"{hook}();"
    return infer_js_style(tree, path).floating_call(f"{hook}()")


@dataclass(frozen=True)
class AuthFunction:
    file: str
    name: str
    body: SgNode  # its statement block
    offset: int  # where the file's parsed text starts inside the file (a .vue <script> block)


def find_auth_functions(tree: ProjectTree, app: SpaApp, pattern: re.Pattern[str]) -> list[AuthFunction]:
    """Functions and methods named like logout/signOut (or login/signIn) in the app's own code."""
    found = []
    for path in tree.glob(*SOURCE_SUFFIXES, under=app.source_dir):
        if "intercom" in path.lower() or ".spec." in path or ".test." in path:
            continue
        for text, offset, language in _scripts(tree.text(path), path):
            if not re.search(r"(?i)(log|sign)_?(out|in)", text):
                continue
            kinds = (*FUNCTION_KINDS, CLASS_FIELD_KIND[language])
            for node in parse(text, language).find_all(any=[{"kind": kind} for kind in kinds]):
                name, body = _named_body(node)
                if name and body is not None and pattern.match(name):
                    found.append(AuthFunction(path, name, body, offset))
    return found


def language_of(path: str) -> str:
    """The ast-grep grammar for a source file: JavaScript's reads JSX too, TypeScript's does not."""
    return js_language(path) or "javascript"


def _scripts(text: str, path: str) -> list[tuple[str, int, str]]:
    """The JS/TS to parse in a file: the file itself, or a Vue component's <script> blocks."""
    if not path.endswith(".vue"):
        return [(text, 0, language_of(path))]
    blocks = []
    for script in parse(text, "html").find_all(kind="script_element"):
        raw = next((c for c in script.children() if c.kind() == "raw_text"), None)
        if raw is not None:
            blocks.append((raw.text(), raw.range().start.index, "typescript"))
    return blocks


def _named_body(node: SgNode) -> tuple[str | None, SgNode | None]:
    kind = node.kind()
    if kind in ("function_declaration", "method_definition"):
        name, body = node.field("name"), node.field("body")
        return (name.text() if name else None), body
    value = node.field("value")
    key = {"variable_declarator": "name", "public_field_definition": "name", "field_definition": "property"}.get(kind, "key")
    key = node.field(key)
    if value is None or key is None or value.kind() not in FUNCTION_VALUE_KINDS:
        return None, None
    body = value.field("body")
    return key.text().strip("'\""), body if body is not None and body.kind() == "statement_block" else None


def wire_auth_hooks(context: PlanContext, app: SpaApp, core_path: str, *, likely_file: str) -> None:
    """Call intercomLogout() first thing in the app's logout, intercomLogin() at the end of its login.

    Only a single, clearly named function is edited; otherwise the exact line and the likely file
    are printed for the user to place.
    """
    calls: dict[str, list[tuple[str, AuthFunction, str]]] = {}
    for hook, pattern, position in (("intercomLogout", LOGOUT_NAME, "first"), ("intercomLogin", LOGIN_NAME, "last")):
        call = hook_call(context.tree, likely_file, hook)
        candidates = _without_delegates(find_auth_functions(context.tree, app, pattern), pattern)
        if len(candidates) == 1 and not (position == "last" and _returns_pending_call(candidates[0])):
            calls.setdefault(candidates[0].file, []).append((hook, candidates[0], position))
            continue
        action = "logout" if hook == "intercomLogout" else "login"
        moment = "before it clears the session" if action == "logout" else "after the user is signed in"
        if len(candidates) == 1:
            found = f"{candidates[0].name}() in {candidates[0].file} returns its request unfinished: call it where that request succeeds"
        elif candidates:
            found = "candidates: " + ", ".join(f"{c.name}() in {c.file}" for c in candidates)
        else:
            found = "no such function was found"
        context.builder.manual(
            candidates[0].file if candidates else likely_file,
            f"Call the Messenger hook from your {action} code {moment} ({found}); import it from {core_path}:",
            call,
        )
    for path, hooks in calls.items():
        _wire_file(context, path, hooks, core_path)


def _without_delegates(candidates: list[AuthFunction], pattern: re.Pattern[str]) -> list[AuthFunction]:
    """Drop functions whose whole body hands over to another such function (a component's
    `logout() { this.auth.logout(); }`): the real work, and the hook, belong in the one they call."""
    if len(candidates) < 2:
        return candidates
    def delegates(function: AuthFunction) -> bool:
        statements = [c for c in function.body.children() if c.kind() not in ("{", "}", "comment")]
        if len(statements) != 1:
            return False
        calls = statements[0].find_all(kind="call_expression")
        return any(pattern.match(call.field("function").text().rsplit(".", 1)[-1]) for call in calls if call.field("function"))
    kept = [c for c in candidates if not delegates(c)]
    return kept or candidates


def _returns_pending_call(function: AuthFunction) -> bool:
    """`return http.post(...)`: the sign-in has not happened yet where a call could be put before it."""
    statements = [c for c in function.body.children() if c.kind() not in ("{", "}", "comment")]
    if not statements or statements[-1].kind() != "return_statement":
        return False
    returned = [c for c in statements[-1].children() if c.kind() not in ("return", ";")]
    return bool(returned) and returned[0].kind() == "call_expression"


def _wire_file(context: PlanContext, path: str, hooks: list[tuple[str, AuthFunction, str]], core_path: str) -> None:
    names = sorted(hook for hook, _, _ in hooks)
    specifier = alias_specifier(context.tree, path, core_path) or import_path(path, core_path)
    statement = in_file_style(context.tree, path, f"import {{ {', '.join(names)} }} from '{specifier}';")
    imported = _import_insertion(context, path, hooks[0][1].offset, statement)
    calls = [_call_insertion(context, function, hook, position) for hook, function, position in hooks]
    if imported is None:
        lines = "\n".join(f"{hook}() in {function.name}()" for hook, function, _ in hooks)
        context.builder.manual(path, f"Import the Messenger hooks at the top of the file and call {lines}:", statement)
        return
    context.builder.insert(path, [imported, *calls], "calls the Messenger's login/logout hooks from the app's own")


def _call_insertion(context: PlanContext, function: AuthFunction, hook: str, position: str) -> Insertion:
    source = context.tree.read(function.file)
    text = source.text
    call = hook_call(context.tree, function.file, hook)
    statements = [c for c in function.body.children() if c.kind() not in ("{", "}")]
    brace = function.offset + function.body.range().start.index
    if not statements:
        indent = indentation_at(text, brace) + indent_unit(text)
        return Insertion(text.find("\n", brace) + 1, source.native(f"{indent}{call}\n"))
    if position == "first":
        first = function.offset + statements[0].range().start.index
        return Insertion(line_start(text, first), source.native(f"{indentation_at(text, first)}{call}\n"))
    last = statements[-1]
    last_start = function.offset + last.range().start.index
    indent = indentation_at(text, last_start)
    if last.kind() == "return_statement":
        return Insertion(line_start(text, last_start), source.native(f"{indent}{call}\n"))
    return Insertion(text.find("\n", function.offset + last.range().end.index) + 1, source.native(f"{indent}{call}\n"))


def _import_insertion(context: PlanContext, path: str, offset: int, statement: str) -> Insertion | None:
    """After the last import of the script at `offset`; at its top (below any directive) if it has none."""
    source = context.tree.read(path)
    for text, script_offset, language in _scripts(source.text, path):
        if script_offset != offset:
            continue
        root = parse(text, language)
        anchor = last_import(root, language)
        if anchor is None:
            directives = [c for c in root.children() if c.kind() == "expression_statement" and c.child(0) is not None and c.child(0).kind() == "string"]
            if directives:  # 'use client', 'use strict'
                return insert_lines_after(source, script_offset + directives[-1].range().end.index, "\n" + statement)
            at = text_line_after(source.text, script_offset) if path.endswith(".vue") else script_offset
            return Insertion(at, source.native(statement + "\n\n"))
        return insert_lines_after(source, script_offset + anchor.range().end.index, statement)
    return None


def text_line_after(text: str, offset: int) -> int:
    """The start of the line after the one `offset` is on (a Vue <script> tag's own line)."""
    newline = text.find("\n", offset)
    return len(text) if newline == -1 else newline + 1
