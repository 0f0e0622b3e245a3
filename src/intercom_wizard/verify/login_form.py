"""Finding the app's login form and filling it, for the scenario and the page-visit steps alike.

The form is the one with a password field, or, for an account given with an empty password
(`--user NAME:`), the one with a name field and no password field: iron-session's examples sign in
with a user name only, and typing a password into nothing would fail every sign-in.

A name-only form may ask for more than one text field (email + name, name + room): the account's
NAME then lists one value per field, in the form's order, separated by `|` (`--user "ann@example.com|Ann:"`),
and every required text field beyond the values listed gets the first one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from intercom_wizard.verify.settings import SignIn

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

PASSWORD_FORM = "form:has(input[type=password])"
# type="username" is no HTML input type (browsers show it as text), but real login forms use it
# (corpus: php-ltw-retreasure's header form).
USERNAME_FIELDS = "input:not([type]), input[type=text], input[type=email], input[type=tel], input[type=username]"
SUBMIT_BUTTONS = "button[type=submit], input[type=submit], button:not([type])"
# How long a page that shows a login form of the other kind gets to render the one asked for.
LATE_FORM_GRACE_MS = 3_000


@dataclass(frozen=True)
class LoginForm:
    username: Locator
    password: Locator | None  # None: a name-only form
    submit: Locator
    submit_given: bool  # the caller named the button: click it, never fall back to Enter
    # A name-only form's visible text fields in order (None: fill `username` only).
    text_fields: Locator | None = None

    def fill(self, sign_in: SignIn, timeout_ms: int) -> None:
        if self.password is not None:
            self.username.fill(sign_in.username or "", timeout=timeout_ms)
            self.password.fill(sign_in.password or "", timeout=timeout_ms)
            return
        values = sign_in.name_values
        # The first field first: it waits for the form (a single-page app renders it late), and failing
        # here is the scenario's "no login form" message.
        self.username.fill(values[0], timeout=timeout_ms)
        if self.text_fields is None:
            return
        for index in range(1, self.text_fields.count()):
            field = self.text_fields.nth(index)
            if index < len(values):
                field.fill(values[index], timeout=timeout_ms)
            elif field.get_attribute("required", timeout=timeout_ms) is not None:
                field.fill(values[0], timeout=timeout_ms)

    def send(self, timeout_ms: int) -> None:
        """Click the submit button, or press Enter in the last field when the form has none."""
        if self.submit_given or self.submit.count():
            self.submit.click(timeout=timeout_ms)
        else:
            (self.password or self.username).press("Enter", timeout=timeout_ms)


def _forms(page: Page, name_only: bool) -> Locator:
    """The page's forms of one kind: with a name field and no password field, or with a password field."""
    if name_only:
        return page.locator("form").filter(has=page.locator(USERNAME_FIELDS)).filter(has_not=page.locator("input[type=password]"))
    return page.locator(PASSWORD_FORM)


def other_kind_only(page: Page, sign_in: SignIn) -> str | None:
    """Why no form of `sign_in`'s kind will come: the page shows only login forms of the other kind (a
    password form for a name-only account, or the reverse), and none of its kind appears within
    LATE_FORM_GRACE_MS (a single-page app rendering its form late). Filling would only wait out the
    whole action timeout. None when the form may come, and when the caller named the fields."""
    if sign_in.username_selector or sign_in.password_selector:
        return None
    wanted, other = _forms(page, sign_in.name_only), _forms(page, not sign_in.name_only)
    if wanted.count() or not other.count():
        return None
    try:
        wanted.first.wait_for(state="attached", timeout=LATE_FORM_GRACE_MS)
        return None
    except Exception:
        pass
    return "the page's login form has a password field" if sign_in.name_only else "the page's login form has no password field"


def login_form(page: Page, sign_in: SignIn) -> LoginForm:
    """The locators of the form `sign_in` fills (the sheet's selectors win over the guesses)."""
    form = _forms(page, sign_in.name_only).first
    if sign_in.name_only:
        password = None
    else:
        password = page.locator(sign_in.password_selector).first if sign_in.password_selector else form.locator("input[type=password]").first
    text_fields = form.locator(USERNAME_FIELDS).filter(visible=True)
    username = page.locator(sign_in.username_selector).first if sign_in.username_selector else text_fields.first
    submit = page.locator(sign_in.submit_selector).first if sign_in.submit_selector else form.locator(SUBMIT_BUTTONS).first
    # A name-only form is filled field by field, unless the caller named the one field to fill.
    every_field = sign_in.name_only and not sign_in.username_selector
    return LoginForm(username, password, submit, submit_given=sign_in.submit_selector is not None, text_fields=text_fields if every_field else None)
