"""Every variant of Express's route template parses, as CommonJS, as an ES module and as the
TypeScript the wizard derives from it: with the grammar outputcheck falls back on (ast-grep's
tree-sitter JavaScript/TypeScript), and with TypeScript's own parser (a pinned package)."""

import itertools
import shutil
from pathlib import Path

import pytest
from conftest import syntax_errors

from intercom_wizard.edits import parse
from intercom_wizard.integrations.backends.express.plan import _as_es_module, _as_typescript
from intercom_wizard.templates import render

USERS = {
    "passport": ("req.isAuthenticated() ? req.user : null", ""),
    "passport-jwt": ("req.user", "passport.authenticate('jwt', { session: false }), "),
    "passport-per-route": ("req.user || null", "passport.authenticate('session'), "),
    "none": ("null", ""),
}


def _syntax_errors(text: str, language: str) -> list[str]:
    return [node.text()[:60] for node in parse(text, language).find_all(kind="ERROR")]


def _route(kind: str, cors: str, script: str = "static") -> str:
    expression, middleware = USERS[kind]
    return render(
        "express/intercom-jwt.js",
        {"passport": "yes" if middleware.startswith("passport.") else "no", "cors": cors, "user": "none" if kind == "none" else "proven",
         "middleware": "yes" if middleware else "no", "script": script},
        endpoint="/api/intercom-jwt",
        frontend_origin="https://app.example.com",
        user=expression,
        id_field="id",
        middleware=middleware.removesuffix(", "),
        route_middleware="auth, " if middleware else "",
        script_folder="public",
    )


VARIANTS = list(itertools.product(USERS, ["none", "cookie", "bearer"]))


@pytest.mark.parametrize(("kind", "cors"), VARIANTS)
def test_route_parses_in_every_variant(kind, cors):
    middleware = USERS[kind][1]
    module = _route(kind, cors)
    assert "iw:" not in module and "__IW_" not in module
    assert ("require('cors')" in module) is (cors != "none")
    assert ("credentials: true" in module) is (cors == "cookie")
    assert ("require('passport')" in module) is middleware.startswith("passport.")
    assert _syntax_errors(module, "javascript") == []
    assert _syntax_errors(_as_es_module(module), "javascript") == []
    for default_imports in (True, False):
        assert _syntax_errors(_as_typescript(module, default_imports=default_imports), "typescript") == []


@pytest.mark.parametrize("kind", list(USERS))
def test_route_that_serves_the_script_parses(kind):
    module = _route(kind, "none", script="route")
    assert "iw:" not in module and "__IW_" not in module
    assert "const path = require('path');" in module
    assert "router.get('/intercom-messenger.js'" in module
    assert _syntax_errors(module, "javascript") == []


def test_user_adapter_parses():
    assert _syntax_errors(render("express/user-adapter.js"), "javascript") == []


@pytest.mark.skipif(shutil.which("npm") is None or shutil.which("node") is None, reason="needs Node.js and npm")
def test_every_variant_passes_typescripts_own_parser(typescript: Path) -> None:
    files = {"user-adapter.js": render("express/user-adapter.js")}
    for kind, cors in VARIANTS:
        module = _route(kind, cors)
        files[f"{kind}-{cors}.cjs.js"] = module
        files[f"{kind}-{cors}.mjs.js"] = _as_es_module(module)
        for default_imports in (True, False):
            files[f"{kind}-{cors}-{default_imports}.ts"] = _as_typescript(module, default_imports=default_imports)
    assert syntax_errors(typescript, files) == {}
