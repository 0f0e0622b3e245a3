"""Every variant of the Python back ends' templates renders to code its own tool accepts: Python
modules through compile(), Jinja fragments through Jinja's parser (the wizard never ships a variant
no test has parsed)."""

import itertools

import jinja2
import pytest

from intercom_wizard.templates import render

# Stand-in values for every placeholder: names and expressions as the integrations fill them in.
VALUES = {
    "dependency": "get_current_user",
    "users_object": "fastapi_users",
    "user_type": "User | None",
    "session_key": "user",
    "cookie": "access_token",
    "scheme": "OAuth2PasswordBearer",
    "user_id": "str(user.id)",
    "email": "user.email",
    "display_name": "user.name",
}
CLAIMS_CHOICES = {
    "lookup": ("optional", "required", "session_record", "session_id", "bearer_stub", "stub", "cookie"),
    "cookie_call": ("none", "await_token", "token", "await_request", "request"),
    "users_object": ("yes", "no"),
    "claims": ("dict", "no_id", "none"),
    "email": ("yes", "no"),
    "name": ("yes", "no"),
}


def _variants(choices: dict[str, tuple[str, ...]]) -> list[dict[str, str]]:
    return [dict(zip(choices, combination, strict=True)) for combination in itertools.product(*choices.values())]


def _valid_claims(choice: dict[str, str]) -> bool:
    """The combinations claims.py asks for: a returned dict only for the lookups that end in one."""
    ends_in_dict = choice["lookup"] in ("optional", "required", "session_record", "cookie")
    if (choice["cookie_call"] != "none") != (choice["lookup"] == "cookie"):
        return False
    if ends_in_dict != (choice["claims"] != "none"):
        return False
    if choice["claims"] != "dict" and (choice["email"], choice["name"]) != ("no", "no"):
        return False
    return choice["users_object"] == "no" or choice["lookup"] in ("optional", "required")


@pytest.mark.parametrize("serve_script", ["no", "yes"])
@pytest.mark.parametrize("cors", ["none", "cookie", "bearer"])
@pytest.mark.parametrize("claims", [c for c in _variants(CLAIMS_CHOICES) if _valid_claims(c)], ids=lambda c: "-".join(c.values()))
def test_fastapi_router_module_compiles_in_every_variant(cors, claims, serve_script):
    user_claims = render("fastapi/user_claims.py", claims, **VALUES)
    compile(user_claims, "user_claims.py", "exec")
    module = render(
        "fastapi/intercom_jwt.py",
        {"cors": cors, "serve_script": serve_script},
        imports="\nfrom .deps import get_current_user\n",
        user_claims=user_claims,
        endpoint="/api/intercom-jwt",
        frontend_origin="https://app.example.com",
        script_name="intercom-messenger.js",
        script_path="/intercom-messenger.js",
    )
    compile(module, "intercom_jwt.py", "exec")
    assert ("FRONTEND_ORIGIN" in module) is (cors != "none")
    assert ("intercom_jwt_preflight" in module) is (cors == "bearer")
    assert ("FileResponse(MESSENGER_SCRIPT" in module) is (serve_script == "yes")
    assert "iw:" not in module


@pytest.mark.parametrize("placement", ["module_end", "factory"])
def test_fastapi_include_router_compiles(placement):
    block = render("fastapi/include_router.py", {"placement": placement}, dependency="get_current_user", router_import="from . import intercom_jwt", app_var="app")
    compile(block, "main.py", "exec")
    assert ("# noqa: E402" in block) is (placement == "module_end")


def test_fastapi_user_adapter_compiles():
    compile(render("fastapi/user_adapter.py"), "user_adapter.py", "exec")


@pytest.mark.parametrize("email", ["user.email", None])
@pytest.mark.parametrize("name", ["user.name", None])
def test_jinja_user_settings_parse(email, name):
    from intercom_wizard.integrations.backends.python_common import jinja_user_settings

    fragment = jinja_user_settings("user", "user.id|string", email, name)
    jinja2.Environment().parse(fragment)
    assert ("email:" in fragment) is (email is not None)
    assert ("name:" in fragment) is (name is not None)


FLASK_CHOICES = {
    "cors": ("none", "cookie", "bearer"),
    "route": ("get", "route"),
    "token": ("none", "jwt_required", "jwt_optional"),
    "pyjwt": ("1", "2"),
}
FLASK_LOOKUPS = ("flask_login", "jwt", "jwt_user", "g_user", "session")


@pytest.mark.parametrize("lookup", FLASK_LOOKUPS)
@pytest.mark.parametrize("email", ["user.email", None])
@pytest.mark.parametrize("name", ["user.name", None])
def test_flask_claims_compile_in_every_variant(lookup, email, name):
    from intercom_wizard.integrations.backends.python_common import ClaimEntries, render_claims_function

    entries = None if lookup == "jwt" else ClaimEntries("str(user.id)", email, name)
    code = render_claims_function("flask/user_claims.py", {"lookup": lookup}, entries, session_file="app.py", session_key="user_id")
    compile(code, "user_claims.py", "exec")
    assert code.count("def signed_in_user_claims") == 1 and "iw:" not in code


@pytest.mark.parametrize("choices", _variants(FLASK_CHOICES), ids=lambda c: "-".join(c.values()))
def test_flask_blueprint_module_compiles_in_every_variant(choices):
    module = render(
        "flask/intercom_jwt.py",
        choices,
        imports="from flask import Blueprint, current_app, jsonify",
        user_claims=render("flask/user_adapter_stub.py"),
        endpoint="/api/intercom-jwt",
        frontend_origin="https://app.example.com",
    )
    compile(module, "intercom_jwt.py", "exec")
    assert "iw:" not in module and "__IW_" not in module
    assert ("CORS(bp" in module) is (choices["cors"] != "none")


@pytest.mark.parametrize("template", ["flask/token_adapter.py", "flask/user_adapter.py", "flask/user_adapter_stub.py"])
def test_flask_adapters_compile(template):
    compile(render(template), template, "exec")


@pytest.mark.parametrize("view", ["session", "drf", "drf_classes"])
@pytest.mark.parametrize("user_model", ["default", "custom"])
def test_django_view_module_compiles_in_every_variant(view, user_model):
    module = render(
        "django/intercom_jwt.py",
        {"view": view, "user_model": user_model},
        view_class_imports="from api.auth import BearerAuthentication" if view == "drf_classes" else "",
        view_classes="BearerAuthentication" if view == "drf_classes" else "",
        helper=render("python_user_attribute.py") + "\n" if user_model == "custom" else "",
    )
    compile(module, "intercom_jwt.py", "exec")
    assert "iw:" not in module and "__IW_" not in module
    assert ("user_attribute(user" in module) is (user_model == "custom")


@pytest.mark.parametrize("credentials", ["True", "False"])
def test_django_cors_settings_compile(credentials):
    settings = render("django/cors_settings.py", frontend_origin="https://app.example.com", credentials=credentials, endpoint="api/intercom-jwt")
    compile(settings, "settings.py", "exec")


def test_django_user_settings_parse_as_a_django_template():
    from django.template import Engine

    Engine().from_string(render("django/user_settings.html"))
