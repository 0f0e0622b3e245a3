"""The app's own login and logout functions: functions, methods, object members and class fields
named like logout/signOut or login/signIn, in .ts/.js files and Vue components' <script> blocks;
failing those, the functions that send the request to a login/logout URL (a form's `submit`
handler that posts to `/auth/login`).
"""

import re
from dataclasses import dataclass

from ast_grep_py import SgNode

from intercom_wizard.astgrep import field_text
from intercom_wizard.edits import parse
from intercom_wizard.integrations.frontends.spa_common.core import SpaApp
from intercom_wizard.integrations.frontends.spa_common.imports import scripts
from intercom_wizard.tree import ProjectTree

SCRIPT_SUFFIXES = (".ts", ".tsx", ".js", ".jsx", ".mjs")


def source_suffixes() -> tuple[str, ...]:
    """Scripts, and the front ends' own component files (".vue", declared by the Vue integration)."""
    # Imported here: the registry imports every front end, and they import this module.
    from intercom_wizard.integrations.registry import component_suffixes

    return SCRIPT_SUFFIXES + component_suffixes()


# logout, logOut, log_out, signout, signOut, sign_out (not SignOut: that is a component).
LOGOUT_NAME = re.compile(r"^(log|sign)_?[oO]ut$")
LOGIN_NAME = re.compile(r"^(log|sign)_?[iI]n$")
# A component's event handler for it (handleSignOut, onLogout): asked only when no function has the
# plain name, since a handler usually calls that function and would make two candidates.
LOGOUT_HANDLER_NAME = re.compile(r"^(handle|on)_?(Log|Sign)_?[oO]ut$")
LOGIN_HANDLER_NAME = re.compile(r"^(handle|on)_?(Log|Sign)_?[iI]n$")
FUNCTION_KINDS = ("function_declaration", "generator_function_declaration", "method_definition", "variable_declarator", "pair")
CLASS_FIELD_KIND = {"javascript": "field_definition", "typescript": "public_field_definition", "tsx": "public_field_definition"}
FUNCTION_VALUE_KINDS = ("arrow_function", "function_expression", "function", "generator_function")


@dataclass(frozen=True)
class AuthFunction:
    file: str
    name: str
    body: SgNode  # its statement block
    offset: int  # where the file's parsed text starts inside the file (a .vue <script> block)


def find_auth_functions(tree: ProjectTree, app: SpaApp, pattern: re.Pattern[str]) -> list[AuthFunction]:
    """Functions and methods named like logout/signOut (or login/signIn) in the app's own code."""
    found = []
    for path in tree.glob(*source_suffixes(), under=app.source_dir):
        if "intercom" in path.lower() or ".spec." in path or ".test." in path:
            continue
        for text, offset, language in scripts(tree.text(path), path):
            if not re.search(r"(?i)(log|sign)_?(out|in)", text):
                continue
            kinds = (*FUNCTION_KINDS, CLASS_FIELD_KIND[language])
            for node in parse(text, language).find_all(any=[{"kind": kind} for kind in kinds]):
                name, body = _named_body(node)
                if name and _in_context_default(node):
                    continue
                if name and body is not None and pattern.match(name):
                    found.append(AuthFunction(path, name, body, offset))
                elif name and body is not None and _hook_of(name, pattern):
                    callback = mutation_success_callback(body)
                    if callback is not None:
                        found.append(AuthFunction(path, name, callback, offset))
    return found


def _in_context_default(node: SgNode) -> bool:
    """A member of React's `createContext({ login: async () => ..., logout: () => {} })` default value:
    used only where no provider is rendered, never the app's sign-in (its provider's functions are)."""
    for ancestor in node.ancestors():
        if ancestor.kind() == "call_expression" and (field_text(ancestor, "function") or "").split(".")[-1] == "createContext":
            return True
    return False


# A React Query / tRPC mutation hook: `useSignIn`, `useLogout` ... (`use` + a login/logout name).
MUTATION_HOOK_NAME = re.compile(r"^use((?:Log|Sign)_?(?:In|Out))$")


# The last path segment of a sign-in (sign-out) URL: /auth/login, /api/sign-in, /users/signin ...,
# or of an endpoint that hands out the API's token for a password: DRF's /api-token-auth/, SimpleJWT's
# /api/token/, djoser's /jwt/create/, OAuth2's /token, /authenticate (a refresh URL ends otherwise).
LOGIN_URL = re.compile(r"/(?:(?:log|sign)[-_]?in|(?:api[-_])?token[-_]auth|tokens?|jwt/create|authenticate)/?$", re.IGNORECASE)
LOGOUT_URL = re.compile(r"/(?:log|sign)[-_]?out/?$", re.IGNORECASE)
URL_ARGUMENT_KINDS = ("string", "template_string")
# A call that sends a request (not `navigate('/login')` or `router.push('/login')`, which only move).
REQUEST_CALLEE = re.compile(r"(?:^|\.)(?:fetch|axios|ajax|request|post|get|put|patch|delete)$")


def find_request_functions(tree: ProjectTree, app: SpaApp, url_pattern: re.Pattern[str]) -> list[AuthFunction]:
    """Functions of any name whose own body (not a nested function's) sends a request to a URL
    matching `url_pattern` as its first argument: `api.post("/auth/login", ...)`, `fetch('/api/login')`.

    The fallback when no function is named like login/logout: a component's `submit` handler is
    where that app signs in, and its success path is found like a named login's."""
    found: dict[tuple[str, int], AuthFunction] = {}
    for path in tree.glob(*source_suffixes(), under=app.source_dir):
        if "intercom" in path.lower() or ".spec." in path or ".test." in path:
            continue
        for text, offset, language in scripts(tree.text(path), path):
            if not re.search(r"(?i)(log|sign)[-_]?(out|in)", text):
                continue
            for call in parse(text, language).find_all(kind="call_expression"):
                if not REQUEST_CALLEE.search(field_text(call, "function") or ""):
                    continue
                arguments = call.field("arguments")
                first = next((c for c in arguments.children() if c.kind() not in ("(", ")", ",", "comment")), None) if arguments else None
                if first is None or first.kind() not in URL_ARGUMENT_KINDS or not url_pattern.search(first.text().strip("'\"`")):
                    continue
                function = _enclosing_function(call)
                if function is None:
                    continue
                name, body = _named_body(function)
                if name and body is not None:
                    found.setdefault((path, body.range().start.index), AuthFunction(path, name, body, offset))
    return list(found.values())


def _enclosing_function(node: SgNode) -> SgNode | None:
    """The declaration (function, method, `const name = () => {}`, object member, class field) of the
    innermost function around `node`; None when that function is anonymous (a callback)."""
    for ancestor in node.ancestors():
        kind = ancestor.kind()
        if kind in ("function_declaration", "generator_function_declaration", "method_definition"):
            return ancestor
        if kind in FUNCTION_VALUE_KINDS:
            holder = ancestor.parent()
            if holder is not None and holder.kind() in ("variable_declarator", "pair", "public_field_definition", "field_definition"):
                return holder
            return None
    return None


def _hook_of(name: str, pattern: re.Pattern[str]) -> bool:
    matched = MUTATION_HOOK_NAME.match(name)
    return matched is not None and pattern.match(matched.group(1)[0].lower() + matched.group(1)[1:]) is not None


def mutation_success_callback(body: SgNode) -> SgNode | None:
    """The body of `onSuccess` in the hook's `useMutation({ ... })` (React Query, tRPC's
    `trpc.auth.signIn.useMutation`): it runs once the request has succeeded, wherever the hook is used."""
    for call in body.find_all(kind="call_expression"):
        function = field_text(call, "function") or ""
        arguments = call.field("arguments")
        if not function.endswith("useMutation") or arguments is None:
            continue
        for pair in arguments.find_all(kind="pair"):
            value = pair.field("value")
            if field_text(pair, "key") == "onSuccess" and value is not None and value.kind() in FUNCTION_VALUE_KINDS:
                callback = value.field("body")
                if callback is not None and callback.kind() == "statement_block":
                    return callback
    return None


def without_unused(tree: ProjectTree, app: SpaApp, candidates: list[AuthFunction]) -> list[AuthFunction]:
    """Drop exported functions that nothing imports or calls (a fetch helper left beside the mutation
    hook the components use): a hook there would never run. Only module-level exports are judged
    (methods are reached through objects); kept as they are when that would drop them all."""
    if len(candidates) < 2:
        return candidates
    texts = {path: tree.text(path) for path in tree.glob(*source_suffixes(), under=app.source_dir) if "intercom" not in path.lower()}

    def unused(function: AuthFunction) -> bool:
        name = re.escape(function.name)
        if not re.search(rf"export\s+(?:const|let|(?:async\s+)?function)\s+{name}\b", texts.get(function.file, "")):
            return False
        # Its own module refers to it (not as `x.name` or a `name:` key) beyond the declaration.
        if len(re.findall(rf"(?<![.\w$]){name}\b(?!\s*:)", texts[function.file])) > 1:
            return False
        imported = re.compile(rf"\bimport\s[^;]*?\b{name}\b[^;]*?\bfrom\b|\brequire\(")
        return not any(imported.search(text) for path, text in texts.items() if path != function.file)

    kept = [c for c in candidates if not unused(c)]
    return kept or candidates


def _named_body(node: SgNode) -> tuple[str | None, SgNode | None]:
    kind = node.kind()
    if kind in ("function_declaration", "generator_function_declaration", "method_definition"):
        name, body = node.field("name"), node.field("body")
        return (name.text() if name else None), body
    value = node.field("value")
    key_field = {"variable_declarator": "name", "public_field_definition": "name", "field_definition": "property"}.get(kind, "key")
    key = node.field(key_field)
    if value is None or key is None or value.kind() not in FUNCTION_VALUE_KINDS:
        return None, None
    body = value.field("body")
    return key.text().strip("'\""), body if body is not None and body.kind() == "statement_block" else None


# Imports that only server code can make (Next.js refuses them in a client component): a module that
# reads the request's cookies through `next/headers`, or is marked `server-only`, runs on the server.
SERVER_ONLY_IMPORT = re.compile(r"""^\s*import\b[^;]*?['"](?:next/headers|server-only)['"]""", re.M)


def is_server_module(tree: ProjectTree, path: str) -> bool:
    """A module whose first statement is 'use server' (its functions are Server Actions), or one that
    imports server-only modules (`next/headers`, `server-only`): a hook there would run on the server."""
    text = tree.text(path)
    if re.match(r"""\s*(//[^\n]*\n\s*|/\*.*?\*/\s*)*['"]use server['"]""", text, re.S) is not None:
        return True
    return SERVER_ONLY_IMPORT.search(text) is not None


def without_delegates(candidates: list[AuthFunction], pattern: re.Pattern[str]) -> list[AuthFunction]:
    """Drop functions whose whole body hands over to another such function (a component's
    `logout() { this.auth.logout(); }`): the real work, and the hook, belong in the one they call."""
    if len(candidates) < 2:
        return candidates
    def delegates(function: AuthFunction) -> bool:
        if _dispatches_store_action(function, pattern):
            return True
        statements = [c for c in function.body.children() if c.kind() not in ("{", "}", "comment")]
        if len(statements) != 1:
            return False
        calls = statements[0].find_all(kind="call_expression")
        called = [field_text(call, "function") for call in calls]
        return any(pattern.match(name.rsplit(".", 1)[-1]) for name in called if name)
    kept = [c for c in candidates if not delegates(c)]
    return kept or candidates


def _dispatches_store_action(function: AuthFunction, pattern: re.Pattern[str]) -> bool:
    """A component method that dispatches the store's own action for it (`this.$store.dispatch('logOut')`,
    `store.dispatch('auth/logout')`): the action does the work (and is what the app's other callers,
    an HTTP interceptor's 401 handler, dispatch too), so the hook belongs there."""
    for call in function.body.find_all(kind="call_expression"):
        callee = field_text(call, "function") or ""
        arguments = call.field("arguments")
        first = next((a for a in arguments.children() if a.kind() not in ("(", ")", ",")), None) if arguments is not None else None
        if callee.endswith("dispatch") and first is not None and first.kind() == "string":
            if pattern.match(first.text().strip("'\"`").rsplit("/", 1)[-1]):
                return True
    return False


def without_store_mutations(candidates: list[AuthFunction]) -> list[AuthFunction]:
    """Drop Vuex mutations (`const mutations = { logout(state) {...} }`, or a store's `mutations:`):
    synchronous state setters the app's actions commit, never where a sign-in or sign-out happens."""
    def mutation(function: AuthFunction) -> bool:
        member = function.body.parent()
        holder = member.parent() if member is not None else None
        owner = holder.parent() if holder is not None and holder.kind() == "object" else None
        if owner is None:
            return False
        name = owner.field("name") if owner.kind() == "variable_declarator" else owner.field("key") if owner.kind() == "pair" else None
        return name is not None and name.text().strip("'\"") == "mutations"
    kept = [c for c in candidates if not mutation(c)]
    return kept or candidates
