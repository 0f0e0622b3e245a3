"""Every variant of Express's route template parses, as CommonJS, as an ES module and as the
TypeScript the wizard derives from it, with the grammar outputcheck falls back on (ast-grep's
tree-sitter JavaScript/TypeScript; the TypeScript package itself is the project's, not ours)."""

import itertools

import pytest

from intercom_wizard.edits import parse
from intercom_wizard.integrations.backends.express.plan import _as_es_module, _as_typescript
from intercom_wizard.templates import render

USERS = {
    "passport": ("req.isAuthenticated() ? req.user : null", ""),
    "passport-jwt": ("req.user", "passport.authenticate('jwt', { session: false }), "),
    "passport-per-route": ("req.user || null", "passport.authenticate('session'), "),
    "none": ("null /* no evidence of the signed-in user's id: see the manual step */", ""),
}


def _syntax_errors(text: str, language: str) -> list[str]:
    return [node.text()[:60] for node in parse(text, language).find_all(kind="ERROR")]


@pytest.mark.parametrize(("kind", "cors"), list(itertools.product(USERS, ["none", "cookie", "bearer"])))
def test_route_parses_in_every_variant(kind, cors):
    expression, middleware = USERS[kind]
    module = render(
        "express/intercom-jwt.js",
        {"passport": "yes" if middleware.startswith("passport.") else "no", "cors": cors},
        endpoint="/api/intercom-jwt",
        frontend_origin="https://app.example.com",
        user=expression,
        id_field="id",
        middleware=middleware,
    )
    assert "iw:" not in module and "__IW_" not in module
    assert ("require('cors')" in module) is (cors != "none")
    assert ("credentials: true" in module) is (cors == "cookie")
    assert ("require('passport')" in module) is middleware.startswith("passport.")
    assert _syntax_errors(module, "javascript") == []
    assert _syntax_errors(_as_es_module(module), "javascript") == []
    for default_imports in (True, False):
        assert _syntax_errors(_as_typescript(module, default_imports=default_imports), "typescript") == []


def test_user_adapter_parses():
    assert _syntax_errors(render("express/user-adapter.js"), "javascript") == []
