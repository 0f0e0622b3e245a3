"""What plain-PHP detection found, typed: the contract between detect.py / session_user.py and the
planning modules (endpoint.py, pages.py), so no part reads the other's findings by string key."""

from dataclasses import dataclass
from typing import ClassVar, Literal

from intercom_wizard.integrations.base import BackendDetails


@dataclass(frozen=True, kw_only=True)
class SessionRecord:
    """The login code stores the user as a record: `$_SESSION['user'] = [...]` or an object."""

    file: str  # where the login code stores it
    key: str  # the $_SESSION key
    style: Literal["array", "object"]  # read as `$user['email']` or `$user->email`
    id_field: str  # the record's field holding the user's id
    fields: tuple[str, ...]  # the record's fields the code shows (sorted); empty = unknown

    kind: ClassVar[str] = "session-user"


@dataclass(frozen=True, kw_only=True)
class SessionUserId:
    """The login code stores the user's id under its own key, with email and name keys beside it."""

    file: str
    key: str  # the $_SESSION key holding the id
    email_key: str | None = None
    name_key: str | None = None
    # The key holds an email or username (a users table without an id declares it unique): why it was used.
    not_an_id: str | None = None
    rejected: tuple[str, ...] = ()  # other keys seen and why they were not used
    # Signing out clears only a flag beside the id: the pages' own condition on it (PHP), and where both are.
    signed_in_when: str | None = None
    signed_in_why: str | None = None

    kind: ClassVar[str] = "session-user-id"


@dataclass(frozen=True, kw_only=True)
class NoSessionUser:
    """No evidence of the signed-in user's id: the endpoint's adapter fails closed (a manual step)."""

    reason: str
    rejected: tuple[str, ...] = ()
    table_id: str | None = None  # the users table's id column, for the adapter's example
    # The login code keeps a unique column of a users table that has an id (`$_SESSION['user_name'] =
    # $row->user_name`): the same row's id (`$row->user_id`), and the file:line to store it beside.
    id_expression: str | None = None
    store_beside: str | None = None
    # No variable of the login code holds the row: what to keep, in words (`the signed-in user's username, ...`).
    id_words: str | None = None

    kind: ClassVar[str] = "none"


SessionUser = SessionRecord | SessionUserId | NoSessionUser


@dataclass(frozen=True, kw_only=True)
class PhpDetails(BackendDetails):
    """A plain-PHP session app (base fields: `sign_in` is the session user's kind, no entry file)."""

    web_root: str  # the folder the web server serves
    composer: str | None  # composer.json of the app, when it uses Composer
    bootstrap: str | None  # the include that configures and starts the session for every page
    session_setup: str | None  # "file: call" configuring the session on a page without a bootstrap include
    user: SessionUser
    dotenv: bool  # the bootstrap loads .env with vlucas/phpdotenv
