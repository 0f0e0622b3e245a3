"""What Rails detection found, typed: the contract between detect.py / auth.py and the planning
modules (controller.py, pages.py)."""

from dataclasses import dataclass
from typing import Literal

from intercom_wizard.integrations.base import BackendDetails

AuthKind = Literal["devise", "rails-authentication", "current-attributes", "current_user", "instance-variable", "none"]


@dataclass(frozen=True, kw_only=True)
class RailsAuth:
    """How the app knows who is signed in; the fields after `kind` are those its kind fills in."""

    kind: AuthKind
    # `before_action` filters of ApplicationController that keep signed-out visitors out: the token
    # controller skips them and answers 401 itself.
    filters: tuple[str, ...] = ()
    fields: tuple[str, ...] | None = None  # the users table's columns (db/schema.rb); None = unknown
    scope: str = "user"  # devise: the first `devise_for` scope
    other_scopes: tuple[str, ...] = ()  # devise: the other scopes
    overridden: str | None = None  # devise: the controller redefining `current_<scope>`
    file: str | None = None  # current_user / current-attributes: the controller that provides the user
    helper: bool = False  # current_user: declared a `helper_method` (views can call it)
    variable: str | None = None  # instance-variable: `@current_user` or `@user`
    setter: str | None = None  # instance-variable: the before_action that assigns it


@dataclass(frozen=True, kw_only=True)
class RailsDetails(BackendDetails):
    """A Rails app (base fields: `sign_in` is the auth kind, no entry file)."""

    gemfile: str
    version: tuple[int, ...] | None  # Rails' version: locked, required, or config.load_defaults
    auth: RailsAuth
