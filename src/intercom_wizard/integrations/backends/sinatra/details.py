"""What Sinatra detection found, typed: the contract between detect.py / auth.py and the planning
modules (route.py, pages.py)."""

from dataclasses import dataclass
from typing import Literal

from intercom_wizard.integrations.base import BackendDetails


@dataclass(frozen=True, kw_only=True)
class SinatraAuth:
    """Who is signed in: the app's `current_user` helper, a session key holding the user's id, an
    instance variable a `before` filter sets to the user (`filter`: `key` names it), or none."""

    kind: Literal["helper", "session", "filter", "none"]
    access: Literal["index", "method"]  # the user's attributes read as `user[:email]` or `user.email`
    fields: tuple[str, ...] | None = None  # the user's attributes, when certain; None = read at run time
    key: str | None = None  # session: the key holding the user's id; filter: the instance variable
    reason: str = ""  # none: why no user was found
    rejected: tuple[str, ...] = ()  # none: session keys seen and why they were not used
    # session: the condition the app's pages require beside the id (its sign-out clears only that flag)
    signed_in: str | None = None
    signed_in_reason: str = ""  # why, for the route's comment


@dataclass(frozen=True, kw_only=True)
class SinatraDetails(BackendDetails):
    """A Sinatra app (base fields: `entry_file` is the app's file, `sign_in` the auth kind)."""

    entry_file: str  # the file holding the app's routes: the token route goes there
    style: Literal["classic", "modular"]
    class_name: str | None  # modular: the Sinatra::Base subclass
    gemfile: str | None
    auth: SinatraAuth
    # config.ru's folder when it composes the app: folders the app sets by relative path start there.
    rackup_root: str | None = None
