"""NextAuth v4 configured inline — `export default NextAuth({ ... })` in `pages/api/auth/[...nextauth]`,
or `const handler = NextAuth({ ... }); export { handler as GET, handler as POST }` in
`app/api/auth/[...nextauth]/route`, or an options object declared in that route and not exported — and its client calls `signIn`/`signOut` from `next-auth/react`.

With no exported `authOptions` the token endpoint cannot call `getServerSession(authOptions)`, but
NextAuth v4 offers `getToken({ req, secret })` from `next-auth/jwt` for exactly this: it decodes the
session cookie of the JWT strategy (the default, and the only one a Credentials provider has) with the
secret NextAuth signs it with (`secret` of the config, else `NEXTAUTH_SECRET`, which getToken reads by
default). Its cookie name follows NextAuth's own choice: `__Secure-` only when `NEXTAUTH_URL` is
https, so plain http on 127.0.0.1 reads `next-auth.session-token` like NextAuth writes it. NextAuth's
default `jwt` callback puts the provider user's id into `sub`; the id is read from there only while
the app's own `jwt` callback (if any) provably returns that token, and only when nothing changes how
the cookie is named or encoded (`cookies`, `useSecureCookies`, `jwt.encode`/`decode`), nor makes the
session a database one (`session.strategy: 'database'`, or an `adapter` without `strategy: 'jwt'`).
Otherwise the route keeps the fail-closed adapter and the step names the config file.

Sign-in and sign-out: `signIn(provider, { redirect: false })` resolves with `{ ok, error }` on the
same page (it never throws on a wrong password), so the login hook goes where the app's code has
checked success: inside `if (res?.ok) { ... }` (or `!res.error`), or after a guard on the error that
returns. `signIn(...)` with its default redirect needs no hook: the browser loads a new page, whose
Messenger asks the token endpoint again. `signOut()` gets the logout hook before it (the Messenger's
`intercomLogout()` shuts down and boots anonymously without asking for a token, so it can run before
NextAuth clears the cookie); a `signOut()` that is not a statement of its own (`onClick={() =>
signOut()}`) redirects by default and needs none either (the next page's token request answers 401,
and the Messenger shuts the old identity down there).
"""

import re
from dataclasses import dataclass

from ast_grep_py import SgNode

from intercom_wizard.astgrep import field_text
from intercom_wizard.edits import parse
from intercom_wizard.integrations.base import PlanContext
from intercom_wizard.integrations.frontends.nextjs.detect import NextApp
from intercom_wizard.integrations.frontends.spa_common.auth_functions import (
    FUNCTION_VALUE_KINDS,
    LOGIN_HANDLER_NAME,
    LOGIN_NAME,
    LOGIN_URL,
    AuthFunction,
    find_auth_functions,
    find_request_functions,
    is_server_module,
)
from intercom_wizard.integrations.frontends.spa_common.auth_hooks import hook_call
from intercom_wizard.integrations.frontends.spa_common.success import always_returns
from intercom_wizard.tree import ProjectTree, join
from intercom_wizard.versions import npm_version

SCRIPT_SUFFIXES = (".ts", ".tsx", ".js", ".jsx", ".mjs")
DEFAULT_SECRET = "process.env.NEXTAUTH_SECRET"
_ENV_READ = re.compile(r"^process\.env\.[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class InlineConfig:
    """An inline NextAuth v4 config: its file, and the secret expression getToken must use, or why the
    signed-in user's id cannot be read from its JWT (`problem`)."""

    path: str
    secret: str = DEFAULT_SECRET
    problem: str | None = None


def inline_config(tree: ProjectTree, app: NextApp) -> InlineConfig | None:
    """The `[...nextauth]` route that passes its config inline to NextAuth v4, if the app has one."""
    if not app.spa.depends_on("next-auth"):
        return None
    version = npm_version(tree, app.spa.root, "next-auth")
    if version is not None and version.at_least(5, 0):
        return None  # Auth.js v5: auth() from the module that calls NextAuth (auth.py)
    routes = [join(app.base, f"pages/api/auth/[...nextauth]{s}") for s in SCRIPT_SUFFIXES]
    routes += [join(app.base, f"app/api/auth/[...nextauth]/route{s}") for s in SCRIPT_SUFFIXES]
    for path in routes:
        if not tree.exists(path):
            continue
        config = _inline_object(parse(tree.text(path), "tsx"))
        if config is not None:
            return _judge(path, config)
    return None


def _inline_object(root: SgNode) -> SgNode | None:
    """The object literal passed to `NextAuth(...)` (default-exported or bound to the route's handler)."""
    for call in root.find_all(kind="call_expression"):
        if field_text(call, "function") != "NextAuth":
            continue
        arguments = call.field("arguments")
        values = [c for c in arguments.children() if c.kind() not in ("(", ")", ",", "comment")] if arguments else []
        if len(values) == 1 and values[0].kind() == "object":
            return values[0]
        if len(values) == 1 and values[0].kind() == "identifier":
            return _declared_object(root, values[0].text())  # `const options = {...}` kept in the route, not exported
    return None


def _declared_object(root: SgNode, name: str) -> SgNode | None:
    """The object literal a module-level `const name = {...}` (typed, or `satisfies ...`) declares."""
    for declarator in root.find_all(kind="variable_declarator"):
        value = declarator.field("value")
        if field_text(declarator, "name") != name or value is None:
            continue
        if value.kind() in ("satisfies_expression", "as_expression"):
            value = value.child(0)
        return value if value is not None and value.kind() == "object" else None
    return None


def _members(config: SgNode) -> dict[str, SgNode]:
    """The config object's own members by key (`key: value`, and methods as themselves)."""
    found: dict[str, SgNode] = {}
    for child in config.children():
        if child.kind() == "pair":
            key = field_text(child, "key")
            value = child.field("value")
            if key and value is not None:
                found[key.strip("'\"")] = value
        elif child.kind() == "method_definition":
            name = field_text(child, "name")
            if name:
                found[name] = child
        elif child.kind() == "shorthand_property_identifier":
            found[child.text()] = child
    return found


def _judge(path: str, config: SgNode) -> InlineConfig:
    members = _members(config)
    changed: list[str] = [name for name in ("cookies", "useSecureCookies") if name in members]
    jwt_options = members.get("jwt")
    if jwt_options is not None and (jwt_options.kind() != "object" or {"encode", "decode"} & set(_members(jwt_options))):
        changed.append("jwt")
    if changed:
        return InlineConfig(path, problem=f"its config sets {', '.join(changed)}, which change how the session cookie is named or encoded")
    session = members.get("session")
    strategy = _members(session).get("strategy") if session is not None and session.kind() == "object" else None
    strategy_text = strategy.text().strip("'\"") if strategy is not None else None
    if strategy_text == "database" or ("adapter" in members and strategy_text != "jwt"):
        return InlineConfig(path, problem="its sessions are kept in a database, so there is no JWT in the cookie to read")
    secret = DEFAULT_SECRET
    if "secret" in members:
        value = members["secret"]
        if value.kind() != "member_expression" or not _ENV_READ.match(value.text()):
            return InlineConfig(
                path,
                problem=(
                    "its secret is written in the code, which the token endpoint will not copy: read it from NEXTAUTH_SECRET "
                    "(`secret: process.env.NEXTAUTH_SECRET`) and run the wizard again"
                ),
            )
        secret = value.text()
    callbacks = members.get("callbacks")
    jwt_callback = _members(callbacks).get("jwt") if callbacks is not None and callbacks.kind() == "object" else None
    if jwt_callback is not None and not _keeps_sub(jwt_callback):
        return InlineConfig(path, problem="its jwt callback does not visibly return the token with NextAuth's `sub` (the user's id) in it")
    return InlineConfig(path, secret=secret)


def _keeps_sub(callback: SgNode) -> bool:
    """The app's jwt callback returns the token it was given (or a copy spreading it) on every path,
    and never reassigns `token.sub`: the id NextAuth put in `sub` at sign-in is still there."""
    function = callback if callback.kind() == "method_definition" else callback if callback.kind() in FUNCTION_VALUE_KINDS else None
    if function is None:
        return False
    parameters = function.field("parameters")
    token = _token_parameter(parameters) if parameters is not None else None
    body = function.field("body")
    if token is None or body is None:
        return False
    if re.search(rf"\b{re.escape(token)}\.sub\s*=(?!=)|\b{re.escape(token)}\[['\"]sub['\"]\]\s*=(?!=)", body.text()):
        return False
    if body.kind() != "statement_block":
        return _is_token(body, token)
    returns = [r for r in body.find_all(kind="return_statement") if _own(r, function)]
    if not returns or not always_returns(body):
        return False
    for statement in returns:
        value = next((c for c in statement.children() if c.kind() not in ("return", ";")), None)
        if value is None or not _is_token(value, token):
            return False
    return True


def _token_parameter(parameters: SgNode) -> str | None:
    """`({ token, user })` -> "token" (also `{ token: t }`); a plain first parameter is NextAuth's params object."""
    pattern = parameters.find(kind="object_pattern")
    if pattern is None:
        return None
    for node in pattern.children():
        if node.kind() == "shorthand_property_identifier_pattern" and node.text() == "token":
            return "token"
        if node.kind() == "pair_pattern" and field_text(node, "key") == "token":
            value = node.field("value")
            return value.text() if value is not None and value.kind() == "identifier" else None
    return None


def _is_token(value: SgNode, token: str) -> bool:
    while value.kind() == "parenthesized_expression":
        inner = next((c for c in value.children() if c.kind() not in ("(", ")")), None)
        if inner is None:
            return False
        value = inner
    if value.kind() == "identifier":
        return value.text() == token
    if value.kind() == "object":
        return any(c.kind() == "spread_element" and c.text() == f"...{token}" for c in value.children())
    return False


def _own(node: SgNode, function: SgNode) -> bool:
    """`node` belongs to `function` itself, not to a function nested in it."""
    for ancestor in node.ancestors():
        if ancestor == function:
            return True
        if ancestor.kind() in (*FUNCTION_VALUE_KINDS, "function_declaration", "method_definition"):
            return False
    return False


@dataclass(frozen=True)
class ClientCalls:
    """The app's next-auth/react calls that need a hook: the login and logout places found, and the
    files of redirect-less signIn calls whose success the code never checks (manual steps)."""

    login: list[AuthFunction]
    logout: list[AuthFunction]
    login_unplaced: list[str]


def client_calls(tree: ProjectTree, app: NextApp) -> ClientCalls | None:
    """Where the app calls next-auth/react's signIn/signOut (None when it never does)."""
    login: list[AuthFunction] = []
    logout: list[AuthFunction] = []
    unplaced: list[str] = []
    any_in = any_out = False
    for path in tree.glob(*SCRIPT_SUFFIXES, under=app.base or app.spa.root):
        if "node_modules/" in path or "intercom" in path.lower() or "next-auth/react" not in tree.text(path) or is_server_module(tree, path):
            continue
        root = parse(tree.text(path), "tsx")
        names = _imported(root)
        for call in root.find_all(kind="call_expression"):
            called = names.get(field_text(call, "function") or "")
            if called == "signIn":
                any_in = True
                if not _redirect_false(call):
                    continue  # the default redirect loads a new page: the Messenger asks again there
                place = _sign_in_success(path, call)
                if place is None:
                    unplaced.append(path)
                else:
                    login.append(place)
            elif called == "signOut":
                any_out = True
                place = _sign_out_statement(path, call)
                if place is not None:
                    logout.append(place)
    if not (any_in or any_out):
        return None
    return ClientCalls(login, logout, unplaced)


def _imported(root: SgNode) -> dict[str, str]:
    """Local name -> next-auth/react export, for `import { signIn, signOut as out } from 'next-auth/react'`."""
    names: dict[str, str] = {}
    for statement in root.find_all(kind="import_statement"):
        if field_text(statement, "source") not in ("'next-auth/react'", '"next-auth/react"'):
            continue
        for specifier in statement.find_all(kind="import_specifier"):
            imported = field_text(specifier, "name") or ""
            names[field_text(specifier, "alias") or imported] = imported
    return names


def _options(call: SgNode) -> SgNode | None:
    arguments = call.field("arguments")
    values = [c for c in arguments.children() if c.kind() not in ("(", ")", ",", "comment")] if arguments else []
    return next((v for v in values if v.kind() == "object"), None)


def _redirect_false(call: SgNode) -> bool:
    options = _options(call)
    value = _members(options).get("redirect") if options is not None else None
    return value is not None and value.text() == "false"


def _statement_of(call: SgNode) -> SgNode | None:
    """The statement directly inside a block that holds the call (`const res = await signIn(...)`)."""
    node = call
    for ancestor in call.ancestors():
        if ancestor.kind() in FUNCTION_VALUE_KINDS or ancestor.kind() in ("function_declaration", "method_definition"):
            return None
        if ancestor.kind() == "statement_block":
            return node
        node = ancestor
    return None


def _enclosing_name(node: SgNode) -> str:
    for ancestor in node.ancestors():
        if ancestor.kind() in ("function_declaration", "method_definition"):
            return field_text(ancestor, "name") or "a function"
        if ancestor.kind() in FUNCTION_VALUE_KINDS:
            holder = ancestor.parent()
            if holder is not None and holder.kind() == "variable_declarator":
                return field_text(holder, "name") or "a function"
            return "a callback"
    return "a function"


def _sign_in_success(path: str, call: SgNode) -> AuthFunction | None:
    """Where `const res = await signIn(..., { redirect: false })` has succeeded: the block of the
    `if (res.ok)` / `if (!res.error)` that follows it, or the rest of the function after a guard on
    the error that returns; None when the code never checks."""
    statement = _statement_of(call)
    awaited = call.parent()
    if statement is None or statement.kind() != "lexical_declaration" or awaited is None or awaited.kind() != "await_expression":
        return None
    declarator = statement.find(kind="variable_declarator")
    result = field_text(declarator, "name") if declarator is not None else None
    block = statement.parent()
    if not result or block is None:
        return None
    after = False
    for sibling in block.children():
        if sibling == statement:
            after = True
            continue
        if not after or sibling.kind() != "if_statement":
            continue
        condition = field_text(sibling, "condition") or ""
        checks = _checks(condition, result)
        if checks is None:
            continue
        consequence = sibling.field("consequence")
        if checks == "success":
            if consequence is not None and consequence.kind() == "statement_block":
                return AuthFunction(path, _enclosing_name(call), consequence, 0)
            return None
        # A guard on failure: what follows runs only on success when the guard always returns.
        if consequence is not None and always_returns(consequence) and sibling.field("alternative") is None:
            return AuthFunction(path, _enclosing_name(call), block, 0)
        alternative = sibling.field("alternative")
        branch = next((c for c in alternative.children() if c.kind() != "else"), None) if alternative is not None else None
        if branch is not None and branch.kind() == "statement_block":
            return AuthFunction(path, _enclosing_name(call), branch, 0)
        return None
    return None


def _checks(condition: str, result: str) -> str | None:
    """Returns "success" for `(res.ok)`, `(res?.ok)`, `(!res.error)`, `(!res?.error)`, `(res && !res.error)`;
    "failure" for `(res?.error)`, `(!res.ok)`, `(!res?.ok)`; None for anything else."""
    text = re.sub(r"\s+", "", condition.strip()).removeprefix("(").removesuffix(")")
    name = re.escape(result)
    if re.fullmatch(rf"{name}\??\.ok(===true)?|!{name}\??\.error|{name}&&!{name}\.error|{name}&&{name}\.ok", text):
        return "success"
    if re.fullmatch(rf"{name}\??\.error|!{name}\??\.ok|!{name}\|\|{name}\.error|!{name}\|\|!{name}\.ok", text):
        return "failure"
    return None


def _sign_out_statement(path: str, call: SgNode) -> AuthFunction | None:
    """The function around a `signOut(...)` statement: the logout hook goes first in it."""
    statement = _statement_of(call)
    if statement is None or statement.kind() != "expression_statement":
        return None
    block = statement.parent()
    return AuthFunction(path, _enclosing_name(call), block, 0) if block is not None else None


def nextauth_hook_places(context: PlanContext, app: NextApp, core_path: str) -> dict[str, list[AuthFunction]] | None:
    """wire_auth_hooks' `library_places` for a next-auth app: the success blocks of its
    `signIn(..., { redirect: false })` calls and the functions around its `signOut()` statements. A
    call with the default redirect, or NextAuth's own sign-in/out pages, load a new page (nothing to
    wire); a redirect-less signIn whose result the code never checks is a manual step in its file."""
    if not app.spa.depends_on("next-auth"):
        return None
    calls = client_calls(context.tree, app)
    if calls is None:
        return {"intercomLogin": [], "intercomLogout": []}
    # A function named like login (its handler, or one that posts to a login URL) is wired first; the library's places stand in for none.
    named = any(find_auth_functions(context.tree, app.spa, pattern) for pattern in (LOGIN_NAME, LOGIN_HANDLER_NAME)) or bool(
        find_request_functions(context.tree, app.spa, LOGIN_URL)
    )
    for path in [] if named else dict.fromkeys(calls.login_unplaced):
        context.builder.manual(
            path,
            f"signIn(..., {{ redirect: false }}) in {path} signs in without loading a new page, and the code does not check its result "
            f"(`if (res?.ok)`): call the Messenger hook where it has succeeded, importing it from {core_path}:",
            hook_call(context.tree, path, "intercomLogin"),
        )
    return {"intercomLogin": calls.login, "intercomLogout": calls.logout}
