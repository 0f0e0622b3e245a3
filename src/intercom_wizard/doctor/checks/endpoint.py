"""The token endpoint, read from the code that signs Intercom JWTs.

For each signing call in server code (one that is about Intercom: the file mentions it or the
payload has `user_id`):
- who may get a token: the handler (with its decorators, route middleware, class-level guards and
  the same-file helpers it calls) must look at the signed-in user or answer 401/403, and `user_id`
  must not come from the request;
- `Cache-Control: no-store` on the response;
- `exp`: present, in seconds, in the future, at most 24 hours away.
"""

import re
from collections.abc import Iterable, Iterator

from ast_grep_py import SgNode

from intercom_wizard.astgrep import field_text, required_field
from intercom_wizard.doctor.checks.context import StaticContext
from intercom_wizard.doctor.expiry import MAX_LIFETIME_SECONDS, Expiry, ExpiryKind, expiry_of, lifetime_option
from intercom_wizard.doctor.findings import Finding, Severity
from intercom_wizard.doctor.handlers import request_handler
from intercom_wizard.doctor.signing import SigningCall, signing_calls
from intercom_wizard.doctor.sources import CodeUnit
from intercom_wizard.doctor.syntax import (
    CALL_KINDS,
    FUNCTION_KINDS,
    MAPPING_KINDS,
    STRING_KINDS,
    bindings,
    call_parts,
    class_body,
    enclosing_class,
    find_kinds,
    inside,
    key_text,
    literal_text,
    mapping_entries,
    name_tokens,
    resolve,
)

AUTH_NAME = re.compile(
    r"^(\w*(current_?user|authenticat|logged_?in|signed_?in|login_?required|jwt_?required|auth_?required|"
    r"require_?(auth|login|user)|ensure_?auth|get_?jwt_?identity|verify_?jwt|server_?session|get_?session|"
    r"unauthori[sz]ed|forbidden|permission_?denied|is_?auth)\w*[!?]?|auth|_SESSION|withAuth)$",
    re.IGNORECASE,
)
AUTH_MEMBER = re.compile(
    r"^((req|request|g|ctx|ctx\.state|this\.request|self\.request)\.(user|session|auth|isAuthenticated)\b|"
    r"\$request->user|auth\(\)->|Auth::(user|check|id)|session\[|\$_SESSION|g\.get\b)"
)
REQUEST_INPUT = re.compile(
    r"^((req|request|ctx\.request|ctx|self\.request)\.(query|params|body|args|form|values|json|get_json|GET|POST|"
    r"data|query_params|cookies|headers|searchParams)\b|\$_(GET|POST|REQUEST|COOKIE)\b|params(\[|\.)|"
    r"\$request->(input|query|get|all|post)\b|(url\.)?searchParams\b)"
)
MEMBER_KINDS = ("member_expression", "attribute", "subscript", "subscript_expression", "element_reference", "member_access_expression")
NUMBER_KINDS = ("integer", "number")
NO_STORE_NAMES = frozenset({"never_cache", "no_store", "nocache", "noStore", "expires_now"})
EXP_EXAMPLE = {
    "python": "int(time.time()) + 2 * 60 * 60",
    "javascript": "Math.floor(Date.now() / 1000) + 2 * 60 * 60",
    "php": "time() + 2 * 60 * 60",
    "ruby": "Time.now.to_i + 2 * 60 * 60",
}
EXP_EXAMPLE["typescript"] = EXP_EXAMPLE["tsx"] = EXP_EXAMPLE["javascript"]


def check_token_endpoints(context: StaticContext) -> Iterable[Finding]:
    for unit in context.sources.backend():
        for signing in signing_calls(unit):
            if not signing.is_for_intercom:
                continue
            handler = request_handler(unit, signing.call)
            if handler is not None:  # a helper that signs is judged where it is called from
                yield from _who_gets_a_token(signing, handler)
                yield from _caching(signing, handler)
            yield from _expiry(signing, context.now)


# --- authentication -------------------------------------------------------------------------------


def _who_gets_a_token(signing: SigningCall, handler: SgNode) -> Iterator[Finding]:
    unit = signing.unit
    from_request = _identity_from_request(signing)
    if from_request is not None:
        yield Finding(
            "endpoint-unauthenticated",
            Severity.ERROR,
            f"The token's user_id comes from the request ({from_request.text()[:60]}), not from the session.",
            "Anyone can ask for a token for any user_id and be let into that user's conversations: "
            "this is exactly the impersonation identity verification exists to stop.",
            "Take user_id from the signed-in user your framework's authentication gives you (current_user, "
            "request.user, req.user, auth()->user() ...) and answer 401 when nobody is signed in.",
            unit.path,
            unit.line_of(from_request),
        )
        return
    if not _checks_the_user(unit, handler):
        yield Finding(
            "endpoint-unauthenticated",
            Severity.ERROR,
            "The token endpoint signs a token without checking that anyone is signed in.",
            "Whoever calls it gets a valid identity token, so anyone can be identified as the user it names.",
            "Look up the signed-in user with the app's authentication and return 401 when there is none "
            "(`intercom-wizard install` generates such an endpoint for Flask, Django and Express).",
            unit.path,
            unit.line_of(handler),
        )


def _identity_from_request(signing: SigningCall) -> SgNode | None:
    unit = signing.unit
    mapping = signing.payload_mapping()
    if mapping is not None:
        candidates = [resolve(unit, e.value) for e in mapping_entries(mapping) if e.key in ("user_id", "userId", "sub")]
    else:  # the whole payload comes from somewhere: jwt.encode(request.get_json(), ...)
        candidates = [resolve(unit, signing.payload)] if signing.payload is not None else []
    for candidate in candidates:
        for node in [candidate, *find_kinds(candidate, unit.language, *MEMBER_KINDS, *CALL_KINDS, "identifier", "variable_name")]:
            if REQUEST_INPUT.match(node.text()):
                return node
    return None


def _checks_the_user(unit: CodeUnit, handler: SgNode) -> bool:
    for node in _guard_context(unit, handler):
        for token in name_tokens(node):
            if AUTH_NAME.match(token.text().lstrip(":")):
                return True
        for member in find_kinds(node, unit.language, *MEMBER_KINDS, *CALL_KINDS):
            if AUTH_MEMBER.match(member.text()):
                return True
        if any(n.text() in ("401", "403") for n in find_kinds(node, unit.language, *NUMBER_KINDS)):
            return True
        if any(literal_text(s) in ("401", "403") for s in find_kinds(node, unit.language, *STRING_KINDS)):
            return True
    return False


def _guard_context(unit: CodeUnit, handler: SgNode) -> list[SgNode]:
    """The handler plus whatever guards it: decorators, route middleware, class-level guards, helpers it calls."""
    nodes = [handler]
    parent = handler.parent()
    if parent is not None and parent.kind() == "decorated_definition":
        nodes.append(parent)
    functions = FUNCTION_KINDS.get(unit.language, frozenset())
    klass = enclosing_class(handler)
    if klass is not None:
        body = class_body(klass)
        nodes += [c for c in klass.children() if c.is_named() and c != body]  # bases: LoginRequiredMixin
        for statement in body.children():
            if statement.kind() not in functions and not find_kinds(statement, unit.language, *functions):
                nodes.append(statement)
        decorated = klass.parent()
        if decorated is not None and decorated.kind() == "decorated_definition":
            nodes.append(decorated)
    else:
        nodes.append(_route_statement(handler))
    called = {call_parts(c).method for c in find_kinds(handler, unit.language, *CALL_KINDS)}
    for function in unit.find_all(*functions):
        name = function.field("name")
        if name is not None and name.text() in called:
            nodes.append(function)
    for binding in bindings(unit):
        if binding.target in called and binding.value.kind() in functions:
            nodes.append(binding.value)
    return nodes


def _route_statement(handler: SgNode) -> SgNode:
    """The route registration the handler is passed to (`router.get(path, requireAuth, handler)`,
    `Route::get(...)->middleware('auth')`, Sinatra's `get '/x' do`), or the handler itself."""
    outermost = handler
    for ancestor in handler.ancestors():
        if ancestor.kind() not in _REGISTRATION_KINDS:
            break
        outermost = ancestor
    return outermost


_REGISTRATION_KINDS = frozenset(
    {"arguments", "argument_list", "argument", "member_expression", "await_expression", *CALL_KINDS}
)


# --- caching --------------------------------------------------------------------------------------


def _caching(signing: SigningCall, handler: SgNode) -> Iterator[Finding]:
    unit = signing.unit
    if any("no-store" in (literal_text(s) or s.text()).lower() for s in unit.find_all(*STRING_KINDS)):
        return
    if any(token.text() in NO_STORE_NAMES for token in unit.find_all("identifier", "property_identifier", "name")):
        return
    if any(symbol.text() == ":no_store" for symbol in unit.find_all("simple_symbol")):  # Sinatra: cache_control :no_store
        return
    yield Finding(
        "token-cacheable",
        Severity.WARNING,
        "The token response does not send Cache-Control: no-store.",
        "A browser or a shared proxy may keep the response and hand one user's token to the next person on the "
        "same device or network.",
        "Set `Cache-Control: no-store` on the endpoint's responses (Flask: response.headers['Cache-Control'] = "
        "'no-store'; Django: @never_cache; Express: res.set('Cache-Control', 'no-store')).",
        unit.path,
        unit.line_of(handler),
    )


# --- exp ------------------------------------------------------------------------------------------


def _expiry(signing: SigningCall, now: float) -> Iterator[Finding]:
    unit = signing.unit
    values, lifetimes = _exp_expressions(signing)
    if not values and not lifetimes:
        yield Finding(
            "exp-missing",
            Severity.WARNING,
            "The token has no `exp` claim: it never expires.",
            "A token that leaks (shared computer, logs, a browser extension) identifies the user forever.",
            f"Add an exp claim of now + 2 hours in Unix seconds ({EXP_EXAMPLE.get(unit.language, 'now + 7200')}); "
            "the front end fetches a new token before it expires.",
            unit.path,
            signing.line,
        )
        return
    for node in values:
        expiry = expiry_of(unit, node, now)
        if expiry is not None:
            yield from _judge(unit, node, expiry)
    for node in lifetimes:
        seconds = lifetime_option(unit, node)
        if seconds is not None:
            yield from _judge(unit, node, Expiry(ExpiryKind.SECONDS, seconds))


def _judge(unit: CodeUnit, node: SgNode, expiry: Expiry) -> Iterator[Finding]:
    line = unit.line_of(node)
    if expiry.kind is ExpiryKind.MILLISECONDS:
        yield Finding(
            "exp-milliseconds",
            Severity.ERROR,
            f"`exp` is computed in milliseconds ({node.text()[:60]}).",
            "JWT times are Unix seconds: a millisecond value lies tens of thousands of years ahead, and Intercom "
            "rejects the token.",
            f"Use Unix seconds: {EXP_EXAMPLE.get(unit.language, 'now_in_seconds + 7200')}.",
            unit.path,
            line,
        )
    elif expiry.lifetime is not None and expiry.lifetime <= 0:
        yield Finding(
            "exp-in-past",
            Severity.ERROR,
            f"`exp` is already in the past when the token is signed ({node.text()[:60]}).",
            "Intercom rejects an expired token immediately: every signed-in user is refused.",
            f"Set exp to now + 2 hours: {EXP_EXAMPLE.get(unit.language, 'now_in_seconds + 7200')}.",
            unit.path,
            line,
        )
    elif expiry.lifetime is not None and expiry.lifetime > MAX_LIFETIME_SECONDS:
        hours = expiry.lifetime / 3600
        yield Finding(
            "exp-too-long",
            Severity.WARNING,
            f"The token lives {hours:g} hours ({node.text()[:60]}).",
            "A leaked token can be replayed for as long as it lives; Intercom recommends short-lived tokens "
            "(2 hours), and the verifier rejects more than 24.",
            f"Use a lifetime of 2 hours ({EXP_EXAMPLE.get(unit.language, 'now + 7200')}) and let the front end fetch a "
            "fresh token before it expires.",
            unit.path,
            line,
        )


def _exp_expressions(signing: SigningCall) -> tuple[list[SgNode], list[SgNode]]:
    """(expressions assigned to `exp`, jsonwebtoken `expiresIn` values) around this signing call."""
    unit = signing.unit
    scope = signing.handler or unit.root
    values: list[SgNode] = []
    mapping = signing.payload_mapping()
    mappings = [mapping] if mapping is not None else []
    mappings += [m for m in find_kinds(scope, unit.language, *MAPPING_KINDS) if m not in mappings]
    for node in mappings:
        values += [e.value for e in mapping_entries(node) if e.key == "exp"]
    for argument in find_kinds(scope, unit.language, "keyword_argument"):
        if field_text(argument, "name") == "exp":
            values.append(required_field(argument, "value"))
    for binding in bindings(unit):
        if inside(binding.target_node, scope) and _assigns_exp(binding.target_node):
            values.append(binding.value)
    lifetimes: list[SgNode] = []
    options = signing.options_mapping()
    if options is not None:
        lifetimes = [e.value for e in mapping_entries(options) if e.key == "expiresIn"]
    return values, lifetimes


def _assigns_exp(target: SgNode) -> bool:
    """`payload.exp = ...`, `payload["exp"] = ...`, `$payload['exp'] = ...`, `payload[:exp] = ...`."""
    if target.kind() in ("member_expression", "attribute"):
        name = target.field("property") or target.field("attribute")
        return name is not None and name.text() == "exp"
    if target.kind() in ("subscript", "subscript_expression", "element_reference"):
        named = [c for c in target.children() if c.is_named()]
        return len(named) >= 2 and key_text(named[-1]) == "exp"
    return False
