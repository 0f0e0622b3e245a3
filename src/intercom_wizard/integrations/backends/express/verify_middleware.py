"""A hand-written JWT middleware: a function `(req, res, next)` that runs jsonwebtoken's
`jwt.verify(token, SECRET)` on the `Authorization` header (or a cookie) and puts what it decoded on
the request (`req.userId = decoded.id`, `req.user = decoded`, `res.locals.user = decoded`), exported
from the app's own module and named in its routes (`router.get('/admin', verifyToken, ...)`).

The token route runs behind the same middleware and reads the user where it puts it. The id is
proven only when the claim it reads is one the app signs from the user's id (`jwt.sign({ id: user.id
}, ...)`, identity.py's rules); otherwise the route fails closed and the manual step names the
middleware's file and line.
"""

import re

from ast_grep_py import SgNode

from intercom_wizard.edits import parse
from intercom_wizard.integrations import identity
from intercom_wizard.integrations.backends.express.details import SignedInUser, VerifyMiddleware
from intercom_wizard.integrations.backends.express.session import JS_LITERALS, JS_SUFFIXES, TS_SUFFIXES, js_resolver, language_of
from intercom_wizard.tree import ProjectTree

JSONWEBTOKEN_IMPORT = re.compile(r"""require\(\s*['"]jsonwebtoken['"]\s*\)|from\s+['"]jsonwebtoken['"]""")
FUNCTION_KINDS = ("function_declaration", "function_expression", "arrow_function", "function")
# Where the middleware reads the token: a header the front end must send, or a cookie the browser sends.
HEADER_READ = re.compile(r"""req\.(headers|header\(|get\()[^;\n]*authorization""", re.I)
COOKIE_READ = re.compile(r"""req\.(signedCookies|cookies)\b""")
# What it sets: a request property or res.locals' one, from the decoded claims or one claim of them.
ASSIGNMENT_PATTERNS = ("req.$PROP = $VALUE", "res.locals.$PROP = $VALUE")


def find_verify_middleware(tree: ProjectTree, root: str) -> VerifyMiddleware | None:
    """The first exported middleware of the app that verifies a jsonwebtoken and sets the user."""
    sources = [path for path in tree.glob(*JS_SUFFIXES, *TS_SUFFIXES, under=root) if "node_modules/" not in path]
    signed = _signed_claims(tree, sources)
    for path in sources:
        text = tree.text(path)
        if ".verify(" not in text or not JSONWEBTOKEN_IMPORT.search(text):
            continue
        program = parse(text, language_of(path))
        for call in program.find_all(pattern="$JWT.verify($$$ARGS)"):
            found = _middleware_of(call, program, path, signed)
            if found is not None:
                return found
    return None


def _middleware_of(call: SgNode, program: SgNode, path: str, signed: dict[str, list[tuple[str, identity.ValueEvidence]]]) -> VerifyMiddleware | None:
    function = next((a for a in call.ancestors() if a.kind() in FUNCTION_KINDS and _is_middleware(a)), None)
    if function is None:
        return None
    name, export = _assigned_export(function)
    if name is None:
        name = _function_name(function)
        export = _export_of(program, name) if name else None
    if name is None or export is None:
        return None
    decoded = _decoded_names(call)
    body = function.text()
    line = call.range().start.line + 1
    where = f"{path}:{line}"
    for pattern in ASSIGNMENT_PATTERNS:
        for assignment in function.find_all(pattern=pattern):
            prop, value = assignment.get_match("PROP"), assignment.get_match("VALUE")
            if prop is None or value is None or prop.kind() != "property_identifier":
                continue
            holder = f"req.{prop.text()}" if pattern.startswith("req.") else f"req.res.locals.{prop.text()}"
            claim = _claim_read(value.text(), decoded)
            if claim is None:
                continue
            user = _user(holder, claim, signed, where, name)
            return VerifyMiddleware(path, line, name, export, reads_header=HEADER_READ.search(body) is not None or not COOKIE_READ.search(body), user=user)
    return None


def _is_middleware(function: SgNode) -> bool:
    parameters = function.field("parameters")
    names = [child.text() for child in parameters.children() if child.is_named()] if parameters is not None else []
    return len(names) >= 3 and names[0] in ("req", "request") and names[1] in ("res", "response")


def _function_name(function: SgNode) -> str | None:
    if function.kind() == "function_declaration":
        named = function.field("name")
        return named.text() if named is not None else None
    parent = function.parent()
    if parent is not None and parent.kind() == "variable_declarator":
        named = parent.field("name")
        return named.text() if named is not None else None
    return None


def _assigned_export(function: SgNode) -> tuple[str | None, str | None]:
    """`module.exports = (req, res, next) => ...` (the module itself) or `exports.verifyToken = ...` (a member)."""
    parent = function.parent()
    left = parent.field("left") if parent is not None and parent.kind() == "assignment_expression" else None
    if left is None:
        return None, None
    if left.text() == "module.exports":
        return "module.exports", ""
    member = re.fullmatch(r"(?:module\.)?exports\.(\w+)", left.text())
    return (member.group(1), member.group(1)) if member is not None else (None, None)


def _export_of(program: SgNode, name: str) -> str | None:
    """How the module exports `name`: "" as the module itself, the member's name, or None (not exported)."""
    if program.find(pattern=f"module.exports = {name}") is not None or program.find(pattern=f"export default {name}") is not None:
        return ""
    for pattern in (f"module.exports.$M = {name}", f"exports.$M = {name}"):
        member = program.find(pattern=pattern)
        matched = member.get_match("M") if member is not None else None
        if matched is not None:
            return matched.text()
    declared = program.find(pattern=f"export const {name} = $VALUE") or program.find(pattern=f"export function {name}($$$ARGS) {{ $$$BODY }}")
    if declared is not None:
        return name
    for exported in program.find_all(pattern="module.exports = { $$$ }"):
        if re.search(rf"(?<![\w.]){re.escape(name)}(?![\w])", exported.text()):
            return name
    return None


def _decoded_names(call: SgNode) -> set[str]:
    """The variables holding the claims: `const decoded = jwt.verify(...)` or the callback's second parameter."""
    names = set()
    parent = call.parent()
    if parent is not None and parent.kind() == "variable_declarator" and (named := parent.field("name")) is not None:
        names.add(named.text())
    arguments = call.field("arguments")
    for argument in arguments.children() if arguments is not None else []:
        if argument.kind() in ("arrow_function", "function_expression", "function"):
            parameters = argument.field("parameters")
            listed = [child.text() for child in parameters.children() if child.is_named()] if parameters is not None else []
            if len(listed) >= 2:
                names.add(listed[1])
    return names


def _claim_read(value: str, decoded: set[str]) -> str | None:
    """"" when the whole claims object is assigned, the claim's name for `decoded.id`, else None."""
    text = identity.unwrap_casts(value)
    if text in decoded:
        return ""
    member = re.fullmatch(r"(\w+)\.(\w+)", text)
    if member is not None and member.group(1) in decoded:
        return member.group(2)
    return None


def _user(holder: str, claim: str, signed: dict[str, list[tuple[str, identity.ValueEvidence]]], where: str, name: str) -> SignedInUser:
    """The route's user from `holder`, when the claim it comes from is signed from the user's id."""
    if claim:  # the middleware stores one claim (`req.userId = decoded.id`): that value is the id
        id_claim = claim
        expression = f"{holder} != null ? {{ id: {holder} }} : null"
        id_field = "id"
    else:  # the whole claims object: its id claim is the one the app signs from the user's id
        id_claim = next((key for key, evidence in signed.items() if any(e.is_id for _, e in evidence)), "")
        expression, id_field = f"{holder} || null", id_claim or "id"
    evidence = signed.get(id_claim, [])
    refused = tuple(f"{at}: the access token's {id_claim} is {e.reason}" for at, e in evidence if not e.is_id)
    if id_claim and evidence and not refused:
        return SignedInUser(kind="jwt-verify", expression=expression, id_field=id_field)
    claim_text = f"claim {id_claim!r}" if id_claim else "claims"
    reason = f"{name}() at {where} puts the token's {claim_text} on {holder}, but no jwt.sign() of the app signs it from the user's id"
    return SignedInUser.none(reason, refused)


def _signed_claims(tree: ProjectTree, sources: list[str]) -> dict[str, list[tuple[str, identity.ValueEvidence]]]:
    """The claims the app's `jwt.sign({...})` calls write, each with where and whether its value is an id."""
    claims: dict[str, list[tuple[str, identity.ValueEvidence]]] = {}
    for path in sources:
        text = tree.text(path)
        if ".sign(" not in text:
            continue
        for call in parse(text, language_of(path)).find_all(pattern="$JWT.sign({ $$$ }, $$$REST)"):
            arguments = call.field("arguments")
            payload = next((child for child in arguments.children() if child.is_named()), None) if arguments is not None else None
            for pair in payload.children() if payload is not None else []:
                key, value = pair.field("key"), pair.field("value")
                if pair.kind() == "shorthand_property_identifier":
                    key, value = pair, pair
                if key is None or value is None:
                    continue
                evidence = identity.value_evidence(value.text(), literal=value.kind() in JS_LITERALS, resolve=js_resolver(pair))
                claims.setdefault(key.text().strip("'\""), []).append((f"{path}:{pair.range().start.line + 1}", evidence))
    return claims
