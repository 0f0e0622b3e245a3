"""verify's guess of the login form's name field takes `<input type="username">`: no HTML input type
(browsers show it as a text field), but real login forms use it (corpus: php-ltw-retreasure's header
form, whose sheet had to name the field with --username-selector).

- two users sign in through a form whose name field is `type="username"`, with no selector given,
  and pass `identity` with their own ids (exit 0 through the command line);
- the guess still takes no other unknown type: a `type="hidden"` name field is not filled.
"""

from __future__ import annotations

from test_verify_identity import tiny_app
from test_verify_name_only import _verify
from verify_support import require_chromium

from intercom_wizard.verify.login_form import USERNAME_FIELDS


def test_a_username_typed_name_field_is_guessed_and_both_users_sign_in() -> None:
    require_chromium()
    with tiny_app(shared_user_id=False, username_type="username") as url:
        exit_code, checks, output = _verify(url, "ann:ann-password", "ben:ben-password")
    assert exit_code == 0, output
    assert checks["identity"]["status"] == "pass", output
    evidence = "\n".join(str(line) for line in checks["identity"]["evidence"])  # type: ignore[attr-defined]
    assert '"user_id": "101"' in evidence and '"user_id": "102"' in evidence


def test_the_guess_names_the_username_type_and_not_hidden_fields() -> None:
    selectors = [selector.strip() for selector in USERNAME_FIELDS.split(",")]
    assert "input[type=username]" in selectors
    assert not any("hidden" in selector for selector in selectors)
