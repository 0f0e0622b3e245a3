"""Where a login function has certainly succeeded: the end of its success path (inside `try`, in a
`.then(...)` callback, before its `return`), an Observable's `.pipe(...)` or its `.subscribe(...)`
success callback (Angular's `this.http.post(...).subscribe((data) => ...)`), or why there is none.
"""

import re
from dataclasses import dataclass

from ast_grep_py import SgNode

from intercom_wizard.astgrep import field_text
from intercom_wizard.integrations.frontends.spa_common.auth_functions import FUNCTION_VALUE_KINDS

# A condition that the sign-in request succeeded: `response.ok`, `res.status === 200`.
RESPONSE_OK = re.compile(r"^\(?\s*[\w.$]+\.ok\s*\)?$|\.status\s*===?\s*20\d")


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


def always_returns(statement: SgNode) -> bool:
    """A statement after which nothing runs: a return/throw, or an if/else whose every branch returns."""
    kind = statement.kind()
    if kind in ("return_statement", "throw_statement"):
        return True
    if kind == "statement_block":
        inner = _statements(statement)
        return bool(inner) and always_returns(inner[-1])
    if kind == "if_statement":
        alternative = statement.field("alternative")
        if alternative is None:
            return False
        branch = next((c for c in alternative.children() if c.kind() != "else"), None)
        consequence = statement.field("consequence")
        return consequence is not None and branch is not None and always_returns(consequence) and always_returns(branch)
    return False


def catch_ends(statement: SgNode) -> bool:
    """A try statement whose catch clause returns or throws (so what follows runs only on success)."""
    handler = statement.field("handler")
    body = handler.field("body") if handler is not None else None
    return body is not None and always_returns(body)


def call_chain_tail(expression: SgNode) -> tuple[str, SgNode] | None:
    """For `a.b(...).then(cb)` / `x.pipe(...)` / `x.subscribe(cb)` (followed by `.catch(...)`/`.finally(...)` or
    not): the method and arguments of the call whose callback is the success path."""
    if expression.kind() == "await_expression":
        return None
    if expression.kind() != "call_expression":
        return None
    function = expression.field("function")
    arguments = expression.field("arguments")
    if function is None or arguments is None or function.kind() != "member_expression":
        return None
    method = function.field("property")
    if method is not None and method.text() in ("then", "pipe", "subscribe"):
        return method.text(), arguments
    inner = function.field("object")
    if method is not None and method.text() in ("catch", "finally") and inner is not None:
        # `api.post(...).then(cb).catch(report)`: the success path is still the `.then` callback's.
        return call_chain_tail(inner)
    return None


def success_point(block: SgNode) -> SuccessPoint | str:
    """The success path's end inside a function body, or why there is no certain one."""
    statements = _statements(block)
    if not statements:
        return SuccessPoint(block=block)
    last = statements[-1]
    if last.kind() == "try_statement":
        body = last.field("body")
        # Inside try, after the awaited request: a catch that swallows the error must not sign in.
        return success_point(body) if body is not None else "has an empty try block"
    consequence = last.field("consequence") if last.kind() == "if_statement" and last.field("alternative") is None else None
    condition = last.field("condition") if consequence is not None else None
    sends = consequence is not None and (consequence.find(kind="await_expression") is not None or consequence.find(kind="try_statement") is not None)
    succeeded = condition is not None and RESPONSE_OK.search(condition.text()) is not None
    if consequence is not None and consequence.kind() == "statement_block" and (sends or succeeded) and not always_returns(consequence):
        # `if (this.$refs.form.validate()) { try { await api.post(...) } catch ... }`: the sign-in happens
        # only inside the guard; after it, the code also runs when the form was refused. So does
        # `if (response.ok) { ... }`: only its branch has signed in. An `if` on some other field of the
        # answer stays a statement the hook follows, and a guard clause (`if (!response.ok) { throw ... }`)
        # is the opposite: the success path is what follows it.
        return success_point(consequence)
    expression = None
    if last.kind() == "return_statement":
        expression = next((c for c in last.children() if c.kind() not in ("return", ";")), None)
    elif last.kind() == "expression_statement":
        expression = last.child(0)
    if expression is not None:
        tail = call_chain_tail(expression)
        if tail is not None:
            method, arguments = tail
            if method == "pipe":
                return SuccessPoint(pipe_arguments=arguments)
            callbacks = [c for c in arguments.children() if c.kind() not in ("(", ")", ",", "comment")]
            success = callbacks[0] if callbacks else None
            if method == "subscribe" and success is not None and success.kind() == "object":
                # `.subscribe({ next: (data) => ..., error: ... })`: the observer's next is the success path.
                success = next((pair.field("value") for pair in success.children() if pair.kind() == "pair" and field_text(pair, "key") == "next"), None)
            body = success.field("body") if success is not None and success.kind() in FUNCTION_VALUE_KINDS else None
            if body is not None and body.kind() == "statement_block":
                return success_point(body)
            return "returns its request unfinished: call it where that request succeeds"
        if last.kind() == "return_statement" and expression.kind() in ("call_expression", "await_expression"):
            # `return api.post(...)` / `return await api.post(...)`: before it, nobody is signed in yet.
            return "returns its request unfinished: call it where that request succeeds"
    caught = [statement for statement in statements[:-1] if statement.kind() == "try_statement" and not catch_ends(statement)]
    if caught:
        # Code after a try whose catch carries on runs after a failed sign-in too: inside the try.
        body = caught[-1].field("body")
        return success_point(body) if body is not None else "has an empty try block"
    if last.kind() == "return_statement":
        return SuccessPoint(before=last)
    if always_returns(last):
        return "ends in branches that all return: call it in the branch where the user is signed in"
    return SuccessPoint(after=last)


