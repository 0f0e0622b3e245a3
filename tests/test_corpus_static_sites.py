"""Plain-HTML shapes seen in the real-app corpus (docs/corpus.md), checked on our own output.

html5-boilerplate's build (`gulp build`) runs ESLint 10 (`@eslint/js` recommended) over `src/`,
where the wizard writes `intercom-messenger.js`: `catch (e)` with `e` unused (`no-unused-vars`
checks caught errors since ESLint 9) and `var stored = null` overwritten before any read
(`no-useless-assignment`) failed the app's own build after the install. The script must pass
those rules; checked structurally on the rendered script with ast-grep.
"""

from __future__ import annotations

from ast_grep_py import SgNode, SgRoot

from intercom_wizard.templates import render

SCRIPT_VALUES = {
    "workspace_id": "abc12345",
    "token_url": "'/api/intercom-jwt'",
    "api_base": "null",
    "access_token_key": "'user'",
    "access_token_storage": "localStorage",
    "access_token_field": "'token'",
    "auth_scheme": "Bearer",
}


def _messenger_script() -> SgNode:
    return SgRoot(render("intercom-messenger.js", **SCRIPT_VALUES), "javascript").root()


def test_every_caught_error_binding_is_used() -> None:
    clauses = _messenger_script().find_all(kind="catch_clause")
    assert clauses, "the script catches storage and network errors"
    unused = []
    for clause in clauses:
        binding = clause.field("parameter")
        body = clause.field("body")
        if binding is None or body is None:
            continue  # `catch {`: nothing bound, nothing to leave unused
        if not body.find(kind="identifier", regex=f"^{binding.text()}$"):
            unused.append(f"line {clause.range().start.line + 1}: catch ({binding.text()})")
    assert unused == []


def test_no_initial_value_is_overwritten_before_it_is_read() -> None:
    # `var stored = null; try { stored = read(); } catch { return null; }`: the null is never read.
    root = _messenger_script()
    for declarator in root.find_all(kind="variable_declarator"):
        name, value = declarator.field("name"), declarator.field("value")
        if name is None or value is None:
            continue
        declaration = declarator.parent()
        following = declaration.next() if declaration is not None else None
        if following is None or following.kind() != "try_statement":
            continue
        handler = following.find(kind="catch_clause")
        block = following.field("body")
        assert block is not None
        first = block.children()[1] if len(block.children()) > 2 else None
        assigns_first = first is not None and first.text().startswith(f"{name.text()} = ")
        handler_leaves = handler is not None and handler.find(kind="return_statement") is not None
        assert not (assigns_first and handler_leaves), f"{name.text()}'s initial value is never read"
