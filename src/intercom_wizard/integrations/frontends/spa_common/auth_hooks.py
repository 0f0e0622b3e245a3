"""Wiring the app's own login/logout code to the Messenger: `intercomLogout()` first thing in its
logout, `intercomLogin()` where its login has succeeded, or the exact line to add when that is not
certain.
"""

import re
from collections.abc import Mapping

from ast_grep_py import SgNode

from intercom_wizard.edits import indent_unit, indentation_at, line_start, parse
from intercom_wizard.errors import WizardError
from intercom_wizard.integrations.base import PlanContext
from intercom_wizard.integrations.frontends.spa_common.auth_functions import (
    LOGIN_HANDLER_NAME,
    LOGIN_NAME,
    LOGIN_URL,
    LOGOUT_HANDLER_NAME,
    LOGOUT_NAME,
    LOGOUT_URL,
    AuthFunction,
    find_auth_functions,
    find_request_functions,
    is_server_module,
    without_delegates,
    without_store_mutations,
    without_unused,
)
from intercom_wizard.integrations.frontends.spa_common.core import SpaApp, import_path
from intercom_wizard.integrations.frontends.spa_common.imports import import_insertion, in_file_style, language_of
from intercom_wizard.integrations.frontends.spa_common.sagas import saga_workers
from intercom_wizard.integrations.frontends.spa_common.server_actions import server_action_caller
from intercom_wizard.integrations.frontends.spa_common.success import SuccessPoint, success_point
from intercom_wizard.integrations.frontends.spa_common.token_write import TokenWrite, indentation_of, token_write
from intercom_wizard.js_config import alias_specifier
from intercom_wizard.plan import Insertion
from intercom_wizard.style import infer_js_style
from intercom_wizard.tree import ProjectTree


def hook_call(tree: ProjectTree, path: str, hook: str) -> str:
    """The statement calling a Messenger hook: login starts a request nobody waits for (see JsStyle.floating_call)."""
    if hook == "intercomLogout":
        return f"{hook}();"
    return infer_js_style(tree, path).floating_call(f"{hook}()")


def wire_auth_hooks(
    context: PlanContext, app: SpaApp, core_path: str, *, likely_file: str, library_places: Mapping[str, list[AuthFunction]] | None = None
) -> None:
    """Call intercomLogout() first thing in the app's logout, intercomLogin() where its login succeeds.

    Only a single, clearly named function is edited, and a login only where its success path is
    certain (see _success_insertions); otherwise the exact line and the file are printed for the
    user to place. Server modules ('use server') never get a hook: it would run on the server.
    `library_places`: when no function is named like it or sends its request, the places an auth library's own calls give
    for a hook (NextAuth's `signIn(..., { redirect: false })` success block); every one is wired, and
    an empty list means the library's calls need none (they load a new page).
    """
    if context.anonymous_only:
        return  # no sign-in to hook into
    # Imported here: the back end's sign-out route finder loads only where a logout hook is placed.
    from intercom_wizard.integrations.frontends.spa_common.server_sign_out import report_unreached_sign_out

    calls: dict[str, list[tuple[str, AuthFunction | TokenWrite, str]]] = {}
    actions = (("intercomLogout", LOGOUT_NAME, LOGOUT_HANDLER_NAME, LOGOUT_URL, "first"), ("intercomLogin", LOGIN_NAME, LOGIN_HANDLER_NAME, LOGIN_URL, "last"))
    for hook, pattern, handler, url, position in actions:
        call = hook_call(context.tree, likely_file, hook)
        # A component that only dispatches the action a redux-saga worker takes: the worker signs in (out).
        named = saga_workers(context.tree, app, find_auth_functions(context.tree, app, pattern))
        found_functions = [f for f in named if not is_server_module(context.tree, f.file)]
        server_only = [f for f in named if f not in found_functions]
        if not found_functions:
            # No function named like it: a component's handler for it (handleSignOut), else the
            # functions that send the sign-in (sign-out) request themselves.
            found_functions = [f for f in find_auth_functions(context.tree, app, handler) if not is_server_module(context.tree, f.file)]
        if not found_functions:
            found_functions = [f for f in find_request_functions(context.tree, app, url) if not is_server_module(context.tree, f.file)]
        if not found_functions and library_places is not None and hook in library_places:
            _wire_library_places(context, calls, library_places[hook], hook, position, core_path)
            continue
        candidates = without_unused(context.tree, app, without_delegates(without_store_mutations(found_functions), pattern))
        problem = None
        if len(candidates) == 1 and position == "last":
            problem = _success_problem(context, candidates[0])
        if len(candidates) == 1 and problem is None:
            calls.setdefault(candidates[0].file, []).append((hook, candidates[0], position))
            if hook == "intercomLogout":
                place = candidates[0]
                report_unreached_sign_out(context, app, place.file, f"{place.name}()", place.offset + place.body.range().start.index)
            continue
        stored = token_write(context, app, removal=hook == "intercomLogout")
        if stored is not None:
            if hook == "intercomLogout":
                report_unreached_sign_out(context, app, stored.file, stored.name, stored.statement_start)
            # No single function with a certain place, but the one statement that stores (removes) the
            # access token the Messenger sends: right after (before) it, the app is signed in (out).
            calls.setdefault(stored.file, []).append((hook, stored, "stored"))
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
        caller = server_action_caller(context.tree, app, server_only) if not candidates else None
        if caller is not None:
            # The app's own login/logout runs on the server, called from a form's server action: the hook
            # belongs in the browser, where that form is submitted.
            found = (
                f"{caller.function}() in {caller.module} runs on the server; {caller.file}:{caller.line} calls it from a server action "
                f"of a form: render that form in a client component ('use client') and call the hook there {_AFTER_ACTION[action]}"
            )
        elif not candidates and not likely_exists:
            found += f"; the usual place is {likely_file}"
        target = candidates[0].file if candidates else caller.file if caller is not None else likely_file if likely_exists else core_path
        context.builder.manual(
            target,
            f"Call the Messenger hook from your {action} code {moment} ({found}); import it from {core_path}:",
            call,
        )
    for path, hooks in calls.items():
        _wire_file(context, path, hooks, core_path)


# When the browser can tell: before a sign-out's action starts; after a sign-in's action has returned (one that
# ends in redirect() never returns to its caller, so the client navigates instead, after the hook).
_AFTER_ACTION = {
    "logout": "as the form is submitted",
    "login": "after the action has returned (an action that ends in redirect() never returns: navigate on the client after the hook instead)",
}


def _wire_library_places(
    context: PlanContext, calls: dict[str, list[tuple[str, AuthFunction | TokenWrite, str]]], places: list[AuthFunction], hook: str, position: str, core_path: str
) -> None:
    """Every place an auth library's calls give gets the hook (each is certain on its own); a login place
    without a certain success point is a manual step in its file."""
    for place in places:
        problem = _success_problem(context, place) if position == "last" else None
        if problem is None:
            calls.setdefault(place.file, []).append((hook, place, position))
            continue
        context.builder.manual(
            place.file,
            f"Call the Messenger hook where {place.name}() in {place.file} has signed the user in ({problem}); import it from {core_path}:",
            hook_call(context.tree, place.file, hook),
        )


def _is_existing_file(tree: ProjectTree, path: str) -> bool:
    try:
        return tree.resolve(path).is_file()
    except WizardError:
        return False


def _success_problem(context: PlanContext, function: AuthFunction) -> str | None:
    point = success_point(function.body)
    return point if isinstance(point, str) else None


def _wire_file(context: PlanContext, path: str, hooks: list[tuple[str, AuthFunction | TokenWrite, str]], core_path: str) -> None:
    names = sorted(hook for hook, _, _ in hooks)
    specifier = alias_specifier(context.tree, path, core_path) or import_path(path, core_path)
    statement = in_file_style(context.tree, path, f"import {{ {', '.join(names)} }} from '{specifier}';")
    imported = import_insertion(context, path, hooks[0][1].offset, statement)
    calls = [insertion for hook, function, position in hooks for insertion in _call_insertions(context, function, hook, position)]
    if imported is None:
        lines = "\n".join(f"{hook}() in {function.name}()" for hook, function, _ in hooks)
        context.builder.manual(path, f"Import the Messenger hooks at the top of the file and call {lines}:", statement)
        return
    context.builder.insert(path, [imported, *calls], "calls the Messenger's login/logout hooks from the app's own")


def _call_insertions(context: PlanContext, function: AuthFunction | TokenWrite, hook: str, position: str) -> list[Insertion]:
    source = context.tree.read(function.file)
    text = source.text
    call = hook_call(context.tree, function.file, hook)
    if isinstance(function, TokenWrite):
        if function.removal:
            return [Insertion(line_start(text, function.statement_start), source.native(f"{indentation_of(text, function)}{call}\n"))]
        end = text.find("\n", function.statement_end)
        return [Insertion(len(text) if end == -1 else end + 1, source.native(f"{indentation_of(text, function)}{call}\n"))]
    if position == "first":
        statements = [c for c in function.body.children() if c.kind() not in ("{", "}")]
        if statements:
            first = function.offset + statements[0].range().start.index
            return [Insertion(line_start(text, first), source.native(f"{indentation_at(text, first)}{call}\n"))]
        point = SuccessPoint(block=function.body)
    else:
        found = success_point(function.body)
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
    children = [c for c in arguments.children() if c.kind() != "comment"]
    if operands and len(children) >= 2 and children[-2].kind() == ",":
        # A trailing comma (`map(...),\n    )`): ours goes on its own line after it, with one of its own;
        # before `)` it would make `, ,`, a syntax error.
        comma_end = function.offset + children[-2].range().end.index
        last = function.offset + operands[-1].range().start.index
        indent = indentation_at(source.text, line_start(source.text, last))
        added = Insertion(comma_end, f"{source.newline}{indent}{operator},")
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
    tap_import = in_file_style(context.tree, function.file, "import { tap } from 'rxjs/operators';")
    imported = import_insertion(context, function.file, function.offset, tap_import)
    return [imported, added] if imported is not None else [added]


