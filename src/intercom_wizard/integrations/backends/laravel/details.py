"""What Laravel detection found, typed: the contract between detect.py and the planning modules
(endpoint.py, routes.py, config.py, pages.py)."""

from dataclasses import dataclass
from typing import Literal

from intercom_wizard.integrations.base import BackendDetails


@dataclass(frozen=True, kw_only=True)
class LaravelAuth:
    """How users sign in: a session (the default or the app's own guard), or Sanctum bearer tokens."""

    kind: Literal["session", "sanctum"]  # "sanctum": a token API with no session login
    login: bool  # session sign-in was seen (a starter kit, `auth` routes, Auth::attempt())
    sanctum: bool  # Sanctum guards routes/api.php (`auth:sanctum`)
    guard: str | None = None  # the app's own session guard its pages sign in with (`auth:member`)


@dataclass(frozen=True, kw_only=True)
class LaravelDetails(BackendDetails):
    """A Laravel app (base fields: `sign_in` is the auth kind, `token_auth` set for a Sanctum token API)."""

    composer: str
    auth: LaravelAuth
    api_prefix: str  # the URL prefix of routes/api.php, without slashes
    user_fields: tuple[str, ...] | None  # the User model's attributes ($fillable and the users migration)
    base_controller: bool  # app/Http/Controllers/Controller.php exists: the controller extends it
