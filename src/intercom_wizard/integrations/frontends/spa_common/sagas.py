"""redux-saga: a component's login dispatches a plain action (`dispatch({ type: 'LOGIN', payload })`)
and a saga's worker, registered with `takeLatest('LOGIN', loginUser)` (or `takeEvery`/`takeLeading`),
sends the request in a generator. The dispatch returns before anyone is signed in: the hook belongs
in the worker, after its `yield` of the request."""

import re

from ast_grep_py import SgNode

from intercom_wizard.astgrep import field_text
from intercom_wizard.edits import parse
from intercom_wizard.integrations.frontends.spa_common.auth_functions import AuthFunction, source_suffixes
from intercom_wizard.integrations.frontends.spa_common.core import SpaApp
from intercom_wizard.integrations.frontends.spa_common.imports import scripts
from intercom_wizard.tree import ProjectTree

TAKE = re.compile(r"^take(Latest|Every|Leading)$")


def saga_workers(tree: ProjectTree, app: SpaApp, functions: list[AuthFunction]) -> list[AuthFunction]:
    """`functions` with each one that dispatches an action a saga takes replaced by that saga's worker."""
    if not functions or not any("dispatch" in f.body.text() for f in functions):
        return functions
    workers = _workers(tree, app)
    if not workers:
        return functions
    replaced: list[AuthFunction] = []
    for function in functions:
        worker = next((workers[t] for t in _dispatched_types(function.body) if t in workers), None)
        if worker is not None and worker not in replaced:
            replaced.append(worker)
        elif worker is None and function not in replaced:
            replaced.append(function)
    return replaced


def _dispatched_types(body: SgNode) -> list[str]:
    """The `type` of each plain-object action the body dispatches."""
    types = []
    for call in body.find_all(kind="call_expression"):
        if not (field_text(call, "function") or "").endswith("dispatch"):
            continue
        action = call.find(kind="object")
        for pair in action.find_all(kind="pair") if action is not None else []:
            value = pair.field("value")
            if field_text(pair, "key") == "type" and value is not None and value.kind() == "string":
                types.append(value.text()[1:-1])
    return types


def _workers(tree: ProjectTree, app: SpaApp) -> dict[str, AuthFunction]:
    """Action type -> the generator worker a saga registers for it, in the same module."""
    found: dict[str, AuthFunction] = {}
    for path in tree.glob(*source_suffixes(), under=app.source_dir):
        if not tree.mentions(path, (b"redux-saga",)):
            continue
        for text, offset, language in scripts(tree.text(path), path):
            root = parse(text, language)
            generators = {field_text(g, "name"): g.field("body") for g in root.find_all(kind="generator_function_declaration")}
            for call in root.find_all(kind="call_expression"):
                if not TAKE.match(field_text(call, "function") or ""):
                    continue
                arguments = [a for a in (call.field("arguments") or call).children() if a.kind() not in ("(", ")", ",", "comment")]
                if len(arguments) >= 2 and arguments[0].kind() == "string" and arguments[1].kind() == "identifier":
                    body = generators.get(arguments[1].text())
                    if body is not None:
                        found.setdefault(arguments[0].text()[1:-1], AuthFunction(path, arguments[1].text(), body, offset))
    return found
