"""The router's `signed_in_user_claims` dependency: which variant of templates/fastapi/user_claims.py
fits the app's user evidence, and which of the user's fields become Intercom's claims.

When the wizard writes the whole body, it only reads what the app's dependency already loaded (or
the session): it is `async def`, so FastAPI runs it on the event loop instead of sending it through
the thread pool on every request (issue 14). The fail-closed stubs the user completes stay plain
`def`, so a blocking lookup added there cannot stall the event loop.
"""

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field

from intercom_wizard.integrations.backends.fastapi.details import AuthEvidence, BearerScheme, SessionUser, UserDependency
from intercom_wizard.integrations.backends.python_common import NAME_FIELDS, ClaimEntries, claim_entries, render_claims_function

ID_FIELDS = ("id", "user_id", "uuid", "pk")
IDENTIFYING_FIELDS = ("username", "email")  # an id only where the app declares them unique


@dataclass(frozen=True)
class UserClaims:
    """The generated dependency and what the router module must import for it."""

    code: str  # signed_in_user_claims() (with the run-time attribute helper before it when it uses one)
    sources: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # project module -> names to import
    has_id: bool = True  # False: the user type has no field that can be Intercom's user_id


def user_claims(auth: AuthEvidence) -> UserClaims:
    """What the router module imports (file -> names) and its `signed_in_user_claims` dependency."""
    if isinstance(auth, UserDependency):
        user = auth.user
        sources: dict[str, tuple[str, ...]] = {auth.file: (auth.users_object or auth.name,)}
        if user.class_name and user.file:
            sources[user.file] = (*sources.get(user.file, ()), user.class_name)
        claims = _claims("user", user.fields, mapping=user.mapping, unique=user.unique)
        return UserClaims(_dependency_claims(auth, claims), sources, has_id=claims is not None)
    if isinstance(auth, SessionUser):
        if auth.keys is None:
            return UserClaims(_render("session_id", None, session_key=auth.key))
        record = {k: "" for k in auth.keys}
        # The key detection proved holds the id, whatever its name (before: only id/user_id/uuid/pk, so a
        # `member_id` record got a module returning None for everyone and no step).
        claims = _entries("user", record, auth.id_key, mapping=True) if auth.id_key else _claims("user", record or None, mapping=True)
        return UserClaims(_render("session_record", claims, has_dict=True, session_key=auth.key), has_id=claims is not None)
    if isinstance(auth, BearerScheme):
        return UserClaims(_render("bearer_stub", None, dependency=auth.name, scheme=auth.scheme), {auth.file: (auth.name,)})
    return UserClaims(_render("stub", None))


def id_stand_in_example(auth: UserDependency) -> str:
    """signed_in_user_claims() as the manual step shows it when the user type has no id field: the app's own
    lookup, as the generated module calls it, returning the field of the user that could stand for an id
    (a username or e-mail; `id` when it has neither), under a comment saying what that takes."""
    user = auth.user
    fields = dict(user.fields or {})
    stand_in = next((f for f in IDENTIFYING_FIELDS if f in fields), None)
    owner = user.class_name or "The user"
    if stand_in is None:
        listed = f" (it has {', '.join(fields)})" if fields else ""
        comment = f"{owner} has no id field{listed}: give it one, its primary key, and return it here."
    else:
        comment = (
            f"{owner} has no id field: its {stand_in} will do only if no two users ever share one and it never "
            f"changes (a changed {stand_in} becomes a new Intercom user); else give {owner} an id, its primary key, "
            "and return that."
        )
    id_field = stand_in or "id"
    code = _dependency_claims(auth, _entries("user", {**fields, id_field: fields.get(id_field, "")}, id_field, mapping=user.mapping))
    lines = code.splitlines()
    at = next(index for index, line in enumerate(lines) if line.lstrip().startswith('"user_id": '))
    indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
    wrapped = textwrap.wrap(comment, width=88, initial_indent=f"{indent}# ", subsequent_indent=f"{indent}# ")
    return "\n".join([*lines[:at], *wrapped, *lines[at:]])


def _dependency_claims(auth: UserDependency, claims: ClaimEntries | None) -> str:
    """The dependency's variant: the pages' own cookie lookup, called the way they call it, else the app's
    current-user dependency (optional or required) through Depends(...)."""
    user = auth.user
    if auth.cookie is not None:
        call = ("await_" if auth.cookie.awaited else "") + auth.cookie.passes
        return _render("cookie", claims, has_dict=True, cookie_call=call, dependency=auth.name, cookie=auth.cookie.cookie)
    if auth.optional:
        user_type = f"{user.class_name} | None" if user.class_name else "Any"
    else:
        user_type = user.class_name or "Any"
    return _render(
        "optional" if auth.optional else "required",
        claims,
        has_dict=True,
        dependency=auth.name,
        users_object=auth.users_object or "",
        user_type=user_type,
    )


def _render(lookup: str, claims: ClaimEntries | None, *, has_dict: bool = False, cookie_call: str = "none", **values: str) -> str:
    choices = {
        "lookup": lookup,
        "cookie_call": cookie_call,
        "users_object": "yes" if values.get("users_object") else "no",
        "claims": "dict" if claims is not None else "no_id" if has_dict else "none",
    }
    return render_claims_function("fastapi/user_claims.py", choices, claims, **values)


def _claims(user: str, fields: Mapping[str, str] | None, *, mapping: bool, unique: frozenset[str] = frozenset()) -> ClaimEntries | None:
    """The identity claims, mapping only fields the user really has. user_id is an id field, or a
    username/email the app declares unique when it has no id; None when it has neither."""
    if mapping:
        known = set(fields) if fields is not None else None
        id_field = id_field_of(known, unique)
        return None if id_field is None else _entries(user, fields, id_field, mapping=True)
    if fields is None:
        # The user's type is not known: email and name are read at run time (properties, mixins too).
        return claim_entries(str, f"str({user}.id)", None, dynamic=user)
    id_field = id_field_of(set(fields), unique)
    return None if id_field is None else _entries(user, fields, id_field, mapping=False)


def _entries(user: str, fields: Mapping[str, str] | None, id_field: str, *, mapping: bool) -> ClaimEntries:
    """The claims with `id_field` as user_id, email and a name only where the user has them (None: any)."""
    name = next((f for f in NAME_FIELDS if fields is None or f in fields), None)
    if mapping:
        return ClaimEntries(
            f'str({user}["{id_field}"])',
            f'{user}.get("email")' if fields is None or "email" in fields else None,
            f'{user}.get("{name}")' if name else None,
        )
    assert fields is not None  # an object's claims are written from the fields its type declares
    return ClaimEntries(
        f"{user}.{id_field}" if fields[id_field] == "str" else f"str({user}.{id_field})",
        f"{user}.email" if "email" in fields else None,
        f"{user}.{name}" if name else None,
    )


def id_field_of(known: set[str] | None, unique: frozenset[str]) -> str | None:
    """The field that is the user's id: an id field, else a username or email the app keeps unique."""
    if known is None:
        return "id"
    found = next((f for f in ID_FIELDS if f in known), None)
    return found or next((f for f in IDENTIFYING_FIELDS if f in known and f in unique), None)
