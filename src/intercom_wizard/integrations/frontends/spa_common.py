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
from intercom_wizard.errors import WizardError
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


def core_module(context: PlanContext, app: SpaApp, path: str, *, sdk_import: str = "dynamic") -> None:
    """Write the Messenger core to `path` (.ts or .js) and declare the official SDK."""
    source = core_source(context.options, anonymous_only=context.anonymous_only, sdk_import=sdk_import)
    context.builder.create(
        path,
        source if path.endswith((".ts", ".tsx")) else strip_types(source),
        "the Messenger: boots signed-in users with the server's JWT, everyone else as leads",
    )
    add_dependency(context, app.root, SDK_PACKAGE, SDK_SPEC, "the official Intercom Messenger SDK")


def core_source(options: InstallOptions, *, anonymous_only: bool = False, sdk_import: str = "dynamic") -> str:
    """The Messenger core in TypeScript, for these options (no token URL for an app without sign-in)."""
    region = options.region.sdk_region
    api_base = options.region.api_base
    bearer = options.auth is ClientAuth.BEARER and options.token_storage_key
    return render(
        CORE_TEMPLATE,
        # Only the chosen variants are written: no dead branches for the bundler to keep.
        {"auth": "bearer" if bearer else "cookie", "load": options.load.value, "sdk": sdk_import},
        workspace_id=options.workspace_id,
        token_url="null" if anonymous_only else f"'{token_url(options)}'",
        region=f"'{region}'" if region else "undefined",
        api_base=f"'{api_base}'" if api_base else "undefined",
        access_token_key=options.token_storage_key if bearer else "",
        access_token_storage=options.token_storage if bearer else "",
        access_token_field=f"'{options.token_storage_field}'" if bearer and options.token_storage_field else "null",
        auth_scheme=options.auth_scheme if bearer else "",
    )


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
    """Call intercomLogout() first thing in the app's logout, intercomLogin() where its login succeeds.

    Only a single, clearly named function is edited, and a login only where its success path is
    certain (see _success_insertions); otherwise the exact line and the file are printed for the
    user to place. Server modules ('use server') never get a hook: it would run on the server.
    """
    if context.anonymous_only:
        return  # no sign-in to hook into
    calls: dict[str, list[tuple[str, AuthFunction, str]]] = {}
    for hook, pattern, position in (("intercomLogout", LOGOUT_NAME, "first"), ("intercomLogin", LOGIN_NAME, "last")):
        call = hook_call(context.tree, likely_file, hook)
        found_functions = [f for f in find_auth_functions(context.tree, app, pattern) if not _is_server_module(context.tree, f.file)]
        candidates = _without_delegates(found_functions, pattern)
        problem = None
        if len(candidates) == 1 and position == "last":
            problem = _success_problem(context, candidates[0])
        if len(candidates) == 1 and problem is None:
            calls.setdefault(candidates[0].file, []).append((hook, candidates[0], position))
            continue
        action = "logout" if hook == "intercomLogout" else "login"
        moment = "before it clears the session" if action == "logout" else "after the user is signed in"
        if len(candidates) == 1:
            found = f"{candidates[0].name}() in {candidates[0].file} {problem}"
        elif candidates:
            found = "candidates: " + ", ".join(f"{c.name}() in {c.file}" for c in candidates)
        else:
            found = f"no function named like {action} was found under {app.source_dir or '.'}"
        # A step names a file that exists: the function's, the likely one, else the hooks' own module
        # (the likely place is still mentioned).
        likely_exists = _is_existing_file(context.tree, likely_file)
        if not candidates and not likely_exists:
            found += f"; the usual place is {likely_file}"
        target = candidates[0].file if candidates else likely_file if likely_exists else core_path
        context.builder.manual(
            target,
            f"Call the Messenger hook from your {action} code {moment} ({found}); import it from {core_path}:",
            call,
        )
    for path, hooks in calls.items():
        _wire_file(context, path, hooks, core_path)


def _is_existing_file(tree: ProjectTree, path: str) -> bool:
    try:
        return tree.resolve(path).is_file()
    except WizardError:
        return False


def _is_server_module(tree: ProjectTree, path: str) -> bool:
    """A module whose first statement is 'use server': its functions are Server Actions."""
    return re.match(r"""\s*(//[^\n]*\n\s*|/\*.*?\*/\s*)*['"]use server['"]""", tree.text(path), re.S) is not None


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


@dataclass(frozen=True)
class SuccessPoint:
    """Where a login has certainly succeeded: before `before` / after `after` (a statement), or, for
    an Observable, as one more operator of its `.pipe(...)` call (`pipe_arguments`)."""

    before: SgNode | None = None
    after: SgNode | None = None
    block: SgNode | None = None  # an empty block: the first line inside it
    pipe_arguments: SgNode | None = None


def _statements(block: SgNode) -> list[SgNode]:
    return [c for c in block.children() if c.kind() not in ("{", "}", "comment")]


def _always_returns(statement: SgNode) -> bool:
    """A statement after which nothing runs: a return/throw, or an if/else whose every branch returns."""
    kind = statement.kind()
    if kind in ("return_statement", "throw_statement"):
        return True
    if kind == "statement_block":
        inner = _statements(statement)
        return bool(inner) and _always_returns(inner[-1])
    if kind == "if_statement":
        alternative = statement.field("alternative")
        if alternative is None:
            return False
        branch = next((c for c in alternative.children() if c.kind() != "else"), None)
        consequence = statement.field("consequence")
        return consequence is not None and branch is not None and _always_returns(consequence) and _always_returns(branch)
    return False


def _catch_ends(statement: SgNode) -> bool:
    """A try statement whose catch clause returns or throws (so what follows runs only on success)."""
    handler = statement.field("handler")
    body = handler.field("body") if handler is not None else None
    return body is not None and _always_returns(body)


def _call_chain_tail(expression: SgNode) -> tuple[str, SgNode] | None:
    """For `a.b(...).then(cb)` / `x.pipe(...)`: ("then", its arguments) / ("pipe", ...) of the outermost call."""
    if expression.kind() == "await_expression":
        return None
    if expression.kind() != "call_expression":
        return None
    function = expression.field("function")
    arguments = expression.field("arguments")
    if function is None or arguments is None or function.kind() != "member_expression":
        return None
    method = function.field("property")
    if method is not None and method.text() in ("then", "pipe"):
        return method.text(), arguments
    return None


def _success_point(block: SgNode) -> SuccessPoint | str:
    """The success path's end inside a function body, or why there is no certain one."""
    statements = _statements(block)
    if not statements:
        return SuccessPoint(block=block)
    last = statements[-1]
    if last.kind() == "try_statement":
        body = last.field("body")
        # Inside try, after the awaited request: a catch that swallows the error must not sign in.
        return _success_point(body) if body is not None else "has an empty try block"
    expression = None
    if last.kind() == "return_statement":
        expression = next((c for c in last.children() if c.kind() not in ("return", ";")), None)
    elif last.kind() == "expression_statement":
        expression = last.child(0)
    if expression is not None:
        tail = _call_chain_tail(expression)
        if tail is not None:
            method, arguments = tail
            if method == "pipe":
                return SuccessPoint(pipe_arguments=arguments)
            callbacks = [c for c in arguments.children() if c.kind() not in ("(", ")", ",", "comment")]
            success = callbacks[0] if callbacks else None
            body = success.field("body") if success is not None and success.kind() in FUNCTION_VALUE_KINDS else None
            if body is not None and body.kind() == "statement_block":
                return _success_point(body)
            return "returns its request unfinished: call it where that request succeeds"
        if last.kind() == "return_statement" and expression.kind() in ("call_expression", "await_expression"):
            # `return api.post(...)` / `return await api.post(...)`: before it, nobody is signed in yet.
            return "returns its request unfinished: call it where that request succeeds"
    caught = [statement for statement in statements[:-1] if statement.kind() == "try_statement" and not _catch_ends(statement)]
    if caught:
        # Code after a try whose catch carries on runs after a failed sign-in too: inside the try.
        body = caught[-1].field("body")
        return _success_point(body) if body is not None else "has an empty try block"
    if last.kind() == "return_statement":
        return SuccessPoint(before=last)
    if _always_returns(last):
        return "ends in branches that all return: call it in the branch where the user is signed in"
    return SuccessPoint(after=last)


def _success_problem(context: PlanContext, function: AuthFunction) -> str | None:
    point = _success_point(function.body)
    return point if isinstance(point, str) else None


def _wire_file(context: PlanContext, path: str, hooks: list[tuple[str, AuthFunction, str]], core_path: str) -> None:
    names = sorted(hook for hook, _, _ in hooks)
    specifier = alias_specifier(context.tree, path, core_path) or import_path(path, core_path)
    statement = in_file_style(context.tree, path, f"import {{ {', '.join(names)} }} from '{specifier}';")
    imported = _import_insertion(context, path, hooks[0][1].offset, statement)
    calls = [insertion for hook, function, position in hooks for insertion in _call_insertions(context, function, hook, position)]
    if imported is None:
        lines = "\n".join(f"{hook}() in {function.name}()" for hook, function, _ in hooks)
        context.builder.manual(path, f"Import the Messenger hooks at the top of the file and call {lines}:", statement)
        return
    context.builder.insert(path, [imported, *calls], "calls the Messenger's login/logout hooks from the app's own")


def _call_insertions(context: PlanContext, function: AuthFunction, hook: str, position: str) -> list[Insertion]:
    source = context.tree.read(function.file)
    text = source.text
    call = hook_call(context.tree, function.file, hook)
    if position == "first":
        statements = [c for c in function.body.children() if c.kind() not in ("{", "}")]
        if statements:
            first = function.offset + statements[0].range().start.index
            return [Insertion(line_start(text, first), source.native(f"{indentation_at(text, first)}{call}\n"))]
        point = SuccessPoint(block=function.body)
    else:
        found = _success_point(function.body)
        assert not isinstance(found, str), "wire_auth_hooks only wires functions with a success point"
        point = found
    if point.pipe_arguments is not None:
        return _tap_insertions(context, function, point.pipe_arguments, hook)
    if point.block is not None:
        brace = function.offset + point.block.range().start.index
        indent = indentation_at(text, brace) + indent_unit(text)
        return [Insertion(text.find("\n", brace) + 1, source.native(f"{indent}{call}\n"))]
    if point.before is not None:
        start = function.offset + point.before.range().start.index
        return [Insertion(line_start(text, start), source.native(f"{indentation_at(text, start)}{call}\n"))]
    assert point.after is not None
    start = function.offset + point.after.range().start.index
    end = text.find("\n", function.offset + point.after.range().end.index)
    return [Insertion(len(text) if end == -1 else end + 1, source.native(f"{indentation_at(text, start)}{call}\n"))]


def _tap_insertions(context: PlanContext, function: AuthFunction, arguments: SgNode, hook: str) -> list[Insertion]:
    """`.pipe(map(...))` -> `.pipe(map(...), tap(() => void intercomLogin()))`, importing rxjs' tap."""
    source = context.tree.read(function.file)
    operands = [c for c in arguments.children() if c.kind() not in ("(", ")", ",", "comment")]
    closing = function.offset + arguments.range().end.index - 1
    operator = f"tap(() => void {hook}())"
    added = Insertion(closing, f", {operator}" if operands else operator)
    if re.search(r"import\s*\{[^}]*\btap\b[^}]*\}\s*from\s*['\"]rxjs(/operators)?['\"]", source.text):
        return [added]
    root = parse(source.text, language_of(function.file))
    for statement in root.find_all(kind="import_statement"):
        module = statement.field("source")
        named = statement.find(kind="named_imports")
        # rxjs/operators has tap in rxjs 6 and 7 (plain 'rxjs' only from 7.2).
        if module is not None and module.text().strip("'\"") == "rxjs/operators" and named is not None:
            specifiers = named.find_all(kind="import_specifier")
            if specifiers:
                return [Insertion(specifiers[-1].range().end.index, ", tap"), added]
    statement = in_file_style(context.tree, function.file, "import { tap } from 'rxjs/operators';")
    imported = _import_insertion(context, function.file, function.offset, statement)
    return [imported, added] if imported is not None else [added]


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
