"""Which function serves the HTTP request in which a token is signed.

A signing call inside a helper (`def mint(secret, user_id)`) is not an endpoint: its caller is. We
walk out from the signing call to the first function that looks like a request handler: it takes
the request (`request`, `req`, `ctx`, `$request`), is registered as a route (`@app.get(...)`,
`router.get(path, ..., fn)`, Sinatra's `get '/x' do`), is a controller / view method, or is a
Next.js route export. A PHP script signing at top level is its own endpoint.
"""

import re

from ast_grep_py import SgNode

from intercom_wizard.doctor.sources import CodeUnit
from intercom_wizard.doctor.syntax import CALL_KINDS, FUNCTION_KINDS, call_parts, class_body, enclosing_class, find_kinds

ROUTE_METHODS = frozenset({"route", "get", "post", "put", "patch", "delete", "all", "use", "api_route", "handle", "match", "any"})
REQUEST_PARAMETERS = frozenset({"request", "req", "ctx", "context", "event", "$request"})
ROUTE_EXPORTS = frozenset({"GET", "POST", "handler"})
VIEW_DECORATORS = frozenset({"api_view", "require_GET", "require_POST", "require_http_methods", "require_safe", "login_required", "never_cache"})
VIEW_CLASS = re.compile(r"(Controller|View|ViewSet|Resource|Handler)$")  # on class and base class names


def request_handler(unit: CodeUnit, signing_call: SgNode) -> SgNode | None:
    functions = FUNCTION_KINDS.get(unit.language, frozenset())
    enclosing = [a for a in signing_call.ancestors() if a.kind() in functions]
    for function in enclosing:
        if is_handler(unit, function):
            return function
    if not enclosing and unit.language == "php":
        return unit.root
    return None


def is_handler(unit: CodeUnit, function: SgNode) -> bool:
    return _takes_the_request(unit, function) or _is_registered_route(function) or _is_view_method(unit, function)


def _takes_the_request(unit: CodeUnit, function: SgNode) -> bool:
    parameters = function.field("parameters")
    if parameters is None:
        return False
    names = find_kinds(parameters, unit.language, "identifier", "variable_name")
    return any(name.text() in REQUEST_PARAMETERS for name in names)


def _is_registered_route(function: SgNode) -> bool:
    parent = function.parent()
    if parent is None:
        return False
    if parent.kind() == "decorated_definition":
        return any(_is_route_decorator(d) for d in parent.children() if d.kind() == "decorator")
    if parent.kind() == "export_statement":
        name = function.field("name")
        return name is not None and name.text() in ROUTE_EXPORTS
    call = parent.parent() if parent.kind() in ("arguments", "argument_list", "argument") else parent
    while call is not None and call.kind() in ("arguments", "argument_list"):
        call = call.parent()
    return call is not None and call.kind() in CALL_KINDS and call_parts(call).method in ROUTE_METHODS


def _is_route_decorator(decorator: SgNode) -> bool:
    """`@app.get("/x")`, `@bp.route(...)`, `@api_view(["GET"])`, `@login_required`."""
    expression = next((c for c in decorator.children() if c.is_named()), None)
    if expression is None:
        return False
    if expression.kind() in CALL_KINDS:
        method = call_parts(expression).method
        return method in ROUTE_METHODS or method in VIEW_DECORATORS
    return expression.text().rsplit(".", 1)[-1] in VIEW_DECORATORS


def _is_view_method(unit: CodeUnit, function: SgNode) -> bool:
    """A method of a controller / view class (by its name or a base class's name)."""
    if function.kind() not in ("function_definition", "method", "method_declaration", "method_definition"):
        return False
    klass = enclosing_class(function)
    if klass is None:
        return False
    body = class_body(klass)
    header = [c for c in klass.children() if c.is_named() and c != body]
    names = [n for node in header for n in find_kinds(node, unit.language, "identifier", "constant", "name", "type_identifier")]
    return any(VIEW_CLASS.search(n.text()) for n in names)
