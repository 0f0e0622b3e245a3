"""A Sinatra sign-out that clears only a flag (issue 10, sinatra-wsp22-posts).

The login stores the user's id and, beside it, a flag (`session[:id] = id; session[:auth] = true`);
the sign-out route sets the flag false (`session[:auth] = false`) and leaves the id in the session,
and the pages treat the user as signed in only while the flag holds (`redirect ... unless
session[:auth]`). A token route that read the id alone would keep signing the signed-out user, so it
must require the same condition, proven from the app's own test of the flag; without such a test
the route cannot tell a signed-out user from a signed-in one and the install stays incomplete.
(php/session_proofs.py holds the same rule for plain PHP.)
"""

import re
from dataclasses import dataclass

from ast_grep_py import SgNode

from intercom_wizard.integrations.backends.ruby_common import first_argument, method_name, string_value

_SIGN_OUT_PATH = re.compile(r"(log|sign)[-_]?(out|off)", re.I)
FALSY = frozenset({"false", "nil"})
# The literals a login gives a flag that means "signed in" (Ruby: everything but false and nil is true).
TRUTHY_KINDS = frozenset({"true", "integer", "string", "simple_symbol"})
CONDITIONS = frozenset({"if", "unless", "while", "until", "if_modifier", "unless_modifier", "while_modifier", "until_modifier", "conditional"})
LOGICAL = frozenset({"and", "or", "&&", "||"})


@dataclass(frozen=True)
class SignedInGuard:
    """The Ruby condition the token route must add (None: not proven), and where it comes from."""

    condition: str | None
    reason: str  # with files and lines: the manual step's reason
    # for the route's comment: no line numbers, which the route's own `require` lines would shift
    # (a second install must find the same text)
    comment: str = ""


def signed_in_guard(sources: dict[str, SgNode], id_key: str) -> SignedInGuard | None:
    """None when every sign-out route takes the id away (or no flag is set beside it); otherwise the
    flag's condition as the app's own code tests it, or the reason it could not be proven."""
    unproven: SignedInGuard | None = None
    for flag, signed_in, login in _flags_beside_the_id(sources, id_key):
        cleared = _clears_only_the_flag(sources, flag, id_key)
        if cleared is None:
            continue
        where, route, cleared_to = cleared
        clears = f"signs out by setting session[:{flag}] to {cleared_to} and leaves session[:{id_key}] in the session"
        signed_out = f"{where} {clears}"
        compared, truth = _pages_tests(sources, flag, signed_in)
        if compared is not None:
            condition = f"session[:{flag}] == {signed_in}"
            return SignedInGuard(
                condition, f"{signed_out}; the pages compare it with {signed_in} ({compared})", f"{route} {clears}; the pages compare it with {signed_in}"
            )
        if truth is not None:
            return SignedInGuard(f"session[:{flag}]", f"{signed_out}; the pages test it ({truth})", f"{route} {clears}; the pages test it")
        unproven = unproven or SignedInGuard(
            None,
            f"{signed_out}, and no page tests session[:{flag}] (which {login} sets to {signed_in}), so the wizard cannot tell "
            "which condition means signed in: return nil from the route's user unless it holds",
        )
    return unproven


def _line(node: SgNode) -> int:
    return node.range().start.line + 1


def _stores(root: SgNode) -> list[tuple[SgNode, str, SgNode]]:
    found = []
    for store in root.find_all(pattern="session[$KEY] = $VALUE"):
        key, value = string_value(store.get_match("KEY")), store.get_match("VALUE")
        if key is not None and value is not None:
            found.append((store, key, value))
    return found


def _flags_beside_the_id(sources: dict[str, SgNode], id_key: str) -> list[tuple[str, str, str]]:
    """(flag, the truthy literal the login gives it, file:line) for each session key the login code
    sets to a literal in the same block as the id."""
    flags = []
    for path, root in sources.items():
        stores = _stores(root)
        for id_store, key, _value in stores:
            if key != id_key:
                continue
            block = id_store.parent()
            for store, flag, value in stores:
                if store.parent() == block and flag != id_key and value.kind() in TRUTHY_KINDS:
                    flags.append((flag, value.text(), f"{path}:{_line(store)}"))
    return flags


def _sign_out_routes(sources: dict[str, SgNode]) -> list[tuple[str, str, SgNode]]:
    # Imported here: detect.py imports auth.py, which imports this module.
    from intercom_wizard.integrations.backends.sinatra.detect import ROUTE_METHODS

    routes = []
    for path, root in sources.items():
        for call in root.find_all(kind="call"):
            block = call.field("block")
            route = string_value(first_argument(call))
            if method_name(call) in ROUTE_METHODS and call.field("receiver") is None and block is not None and route and _SIGN_OUT_PATH.search(route):
                routes.append((path, f"{(method_name(call) or '').upper()} {route}", block))
    return routes


def _clears_only_the_flag(sources: dict[str, SgNode], flag: str, id_key: str) -> tuple[str, str, str] | None:
    """(`file:line`, `GET /logout`, the value) of a sign-out route that sets the flag false or nil (or
    deletes it) and leaves the id."""
    for path, route, block in _sign_out_routes(sources):
        if _takes_the_id_away(block, id_key):
            continue
        for store, key, value in _stores(block):
            if key == flag and value.text() in FALSY:
                return f"{path}:{_line(store)}", route, value.text()
        for call in block.find_all(pattern="session.delete($KEY)"):
            if string_value(call.get_match("KEY")) == flag:
                return f"{path}:{_line(call)}", route, "nil (deleted)"
    return None


def _takes_the_id_away(block: SgNode, id_key: str) -> bool:
    """`session.clear`, `session.destroy`, `session[:id] = nil` or `session.delete(:id)` in the route."""
    for call in block.find_all(pattern="session.$METHOD"):
        name = call.get_match("METHOD")
        if name is not None and name.text() in ("clear", "destroy"):
            return True
    if any(string_value(c.get_match("KEY")) == id_key for c in block.find_all(pattern="session.delete($KEY)")):
        return True
    return any(key == id_key and value.text() in FALSY for _store, key, value in _stores(block))


def _pages_tests(sources: dict[str, SgNode], flag: str, signed_in: str) -> tuple[str | None, str | None]:
    """(`file:line` of a comparison of session[:flag] with the login's value, `file:line` of a test of its
    truth: `if`/`unless`/`not`/`&&` conditions, modifiers, ternaries), each None when the app has none."""
    compared = truth = None
    for path, root in sources.items():
        for read in root.find_all(pattern="session[$KEY]"):
            if string_value(read.get_match("KEY")) != flag:
                continue
            parent = read.parent()
            if parent is not None and parent.kind() == "binary" and len(parent.children()) == 3 and parent.children()[1].text() in ("==", "!="):
                other = parent.children()[2] if parent.children()[0] == read else parent.children()[0]
                if other.text() == signed_in and _is_condition(parent):
                    compared = compared or f"{path}:{_line(read)}"
            elif _is_condition(read):
                truth = truth or f"{path}:{_line(read)}"
    return compared, truth


def _is_condition(node: SgNode) -> bool:
    """The node is (part of, through `not`/`!`/`and`/`or`/parentheses) the condition of a branch."""
    top = node
    while (parent := top.parent()) is not None and (
        parent.kind() in ("unary", "parenthesized_statements") or (parent.kind() == "binary" and any(c.text() in LOGICAL for c in parent.children()))
    ):
        top = parent
    parent = top.parent()
    if parent is None or parent.kind() not in CONDITIONS:
        return False
    condition = parent.field("condition")
    return condition is not None and condition.range() == top.range()
