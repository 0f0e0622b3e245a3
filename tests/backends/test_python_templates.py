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
    "scheme": "OAuth2PasswordBearer",
    "user_id": "str(user.id)",
    "email": "user.email",
    "display_name": "user.name",
}
CLAIMS_CHOICES = {
    "lookup": ("optional", "required", "session_record", "session_id", "bearer_stub", "stub"),
    "users_object": ("yes", "no"),
    "claims": ("dict", "no_id", "none"),
    "email": ("yes", "no"),
    "name": ("yes", "no"),
}


def _variants(choices: dict[str, tuple[str, ...]]) -> list[dict[str, str]]:
    return [dict(zip(choices, combination, strict=True)) for combination in itertools.product(*choices.values())]


def _valid_claims(choice: dict[str, str]) -> bool:
    """The combinations claims.py asks for: a returned dict only for the lookups that end in one."""
    ends_in_dict = choice["lookup"] in ("optional", "required", "session_record")
    if ends_in_dict != (choice["claims"] != "none"):
        return False
    if choice["claims"] != "dict" and (choice["email"], choice["name"]) != ("no", "no"):
        return False
    return choice["users_object"] == "no" or choice["lookup"] in ("optional", "required")


@pytest.mark.parametrize("cors", ["none", "cookie", "bearer"])
@pytest.mark.parametrize("claims", [c for c in _variants(CLAIMS_CHOICES) if _valid_claims(c)], ids=lambda c: "-".join(c.values()))
def test_fastapi_router_module_compiles_in_every_variant(cors, claims):
    user_claims = render("fastapi/user_claims.py", claims, **VALUES)
    compile(user_claims, "user_claims.py", "exec")
    module = render(
        "fastapi/intercom_jwt.py",
        {"cors": cors},
        imports="\nfrom .deps import get_current_user\n",
        user_claims=user_claims,
        endpoint="/api/intercom-jwt",
        frontend_origin="https://app.example.com",
    )
    compile(module, "intercom_jwt.py", "exec")
    assert ("FRONTEND_ORIGIN" in module) is (cors != "none")
    assert ("intercom_jwt_preflight" in module) is (cors == "bearer")
    assert "iw:" not in module


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
