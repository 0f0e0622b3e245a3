"""The app's own login and logout functions: functions, methods, object members and class fields
named like logout/signOut or login/signIn, in .ts/.js files and Vue components' <script> blocks.
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
FUNCTION_KINDS = ("function_declaration", "method_definition", "variable_declarator", "pair")
CLASS_FIELD_KIND = {"javascript": "field_definition", "typescript": "public_field_definition", "tsx": "public_field_definition"}
FUNCTION_VALUE_KINDS = ("arrow_function", "function_expression", "function")


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
                if name and body is not None and pattern.match(name):
                    found.append(AuthFunction(path, name, body, offset))
    return found


def _named_body(node: SgNode) -> tuple[str | None, SgNode | None]:
    kind = node.kind()
    if kind in ("function_declaration", "method_definition"):
        name, body = node.field("name"), node.field("body")
        return (name.text() if name else None), body
    value = node.field("value")
    key_field = {"variable_declarator": "name", "public_field_definition": "name", "field_definition": "property"}.get(kind, "key")
    key = node.field(key_field)
    if value is None or key is None or value.kind() not in FUNCTION_VALUE_KINDS:
        return None, None
    body = value.field("body")
    return key.text().strip("'\""), body if body is not None and body.kind() == "statement_block" else None


def is_server_module(tree: ProjectTree, path: str) -> bool:
    """A module whose first statement is 'use server': its functions are Server Actions."""
    return re.match(r"""\s*(//[^\n]*\n\s*|/\*.*?\*/\s*)*['"]use server['"]""", tree.text(path), re.S) is not None


def without_delegates(candidates: list[AuthFunction], pattern: re.Pattern[str]) -> list[AuthFunction]:
    """Drop functions whose whole body hands over to another such function (a component's
    `logout() { this.auth.logout(); }`): the real work, and the hook, belong in the one they call."""
    if len(candidates) < 2:
        return candidates
    def delegates(function: AuthFunction) -> bool:
        statements = [c for c in function.body.children() if c.kind() not in ("{", "}", "comment")]
        if len(statements) != 1:
            return False
        calls = statements[0].find_all(kind="call_expression")
        called = [field_text(call, "function") for call in calls]
        return any(pattern.match(name.rsplit(".", 1)[-1]) for name in called if name)
    kept = [c for c in candidates if not delegates(c)]
    return kept or candidates


