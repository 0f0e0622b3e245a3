"""How a Flask app knows who is signed in, best evidence first: Flask-Login, the user the app loads
into `g.user`, or a key its login view keeps in the session (traced to the user's id by identity.py)."""

from intercom_wizard.edits import parse
from intercom_wizard.integrations import identity
from intercom_wizard.integrations.backends.flask.details import FlaskAuth, FlaskLogin, GUser, NoLogin, SessionKey
from intercom_wizard.integrations.backends.python_common import NAME_FIELDS, PYTHON_LITERALS, model_fields, python_resolver
from intercom_wizard.tree import ProjectTree


def auth_style(tree: ProjectTree) -> FlaskAuth:
    # Only the files that can hold the evidence below are decoded (a byte test first: issue 14).
    sources = {path: tree.text(path) for path in tree.mentioning(tree.glob(".py"), (b"flask_login", b"g.user", b"session"))}
    if any("flask_login" in text and "login_user" in text for text in sources.values()):
        fields = model_fields(tree, "UserMixin")
        return FlaskLogin(fields=frozenset(fields) if fields is not None and _certain(fields) else None)
    table = identity.users_table(tree)
    for path, text in sources.items():
        if "g.user" not in text:
            continue
        loaded = [
            value.text()
            for assignment in parse(text, "python").find_all(pattern="g.user = $VALUE")
            if (value := assignment.get_match("VALUE")) is not None and value.text() != "None"
        ]
        if not loaded:
            continue
        row = any("fetchone" in value or "execute" in value for value in loaded)
        if row and (table is None or table.id_column is None):
            continue  # a row without a known id column: no evidence of the id
        columns = set(table.columns) if row and table else None
        id_column = table.id_column if row and table and table.id_column else "id"
        return GUser(file=path, row=row, id=id_column, fields=frozenset(columns) if columns is not None and _certain(columns) else None)
    return _session_key(sources, table)


def _certain(fields: set[str]) -> bool:
    """The static model names both an email and a name field; otherwise they are looked up at run time."""
    return "email" in fields and any(name in fields for name in NAME_FIELDS)


def _session_key(sources: dict[str, str], table: identity.UsersTable | None) -> SessionKey | NoLogin:
    """`session["user_id"] = user["id"]` in the login view: the key traced to the user's id (identity.py)."""
    assignments = []
    for path, text in sources.items():
        if "session" not in text:
            continue
        for match in parse(text, "python").find_all(pattern="session[$KEY] = $VALUE"):
            key, value = match.get_match("KEY"), match.get_match("VALUE")
            if key is None or value is None or key.kind() != "string":
                continue
            assignments.append(
                identity.SessionAssignment(
                    path,
                    match.range().start.line + 1,
                    key.text()[1:-1],
                    value.text(),
                    literal=value.kind() in PYTHON_LITERALS,
                    is_null=value.kind() == "none",
                    resolve=python_resolver(match),
                )
            )
    if not assignments:
        return NoLogin(reason="no login code storing the user in the session was found")
    choice = identity.choose_session_key(assignments, unique_identifying=table.unique_identifying if table else frozenset())
    if choice.key is None or choice.file is None:
        return NoLogin(reason=choice.reason, rejected=tuple(choice.rejected))
    beside = [a.key for a in assignments if a.file == choice.file and a.key != choice.key]
    email_key = choice.key if choice.identifying and "mail" in choice.identifying else next((k for k in beside if "email" in k.lower()), None)
    name_key = next((k for k in beside if k.lower() in ("name", "full_name", "display_name", "username", "user_name")), None)
    return SessionKey(file=choice.file, key=choice.key, email_key=email_key, name_key=name_key, not_an_id=choice.reason if choice.identifying else None)
