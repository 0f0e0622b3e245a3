"""Who is signed in to a Sinatra app: its `current_user` helper (and whether it reads the user as a Hash
or an object, with which fields), else a session key its login route assigns from the user's id
(identity.py: never a flag such as `session[:logged_in] = true`, a literal or a name)."""

from typing import Literal

from ast_grep_py import SgNode

from intercom_wizard.astgrep import field_text
from intercom_wizard.integrations import identity
from intercom_wizard.integrations.backends.ruby_common import method_name, ruby, string_value
from intercom_wizard.integrations.backends.sinatra import flag_sign_out
from intercom_wizard.integrations.backends.sinatra.details import SinatraAuth
from intercom_wizard.tree import ProjectTree, join

RUBY_LITERALS = frozenset({"integer", "float", "string", "true", "false", "nil", "simple_symbol", "delimited_symbol"})


def auth_style(tree: ProjectTree, folder: str) -> SinatraAuth:
    """The app's `current_user` helper, else a session key its login route assigns from the user's id."""
    sources = [ruby(tree.text(p)) for p in tree.glob(".rb", under=folder)]
    views = [ruby(_erb_code(tree.text(p))) for p in tree.glob(".erb", under=join(folder, "views"))]
    if any(field_text(m, "name") == "current_user" for source in sources for m in source.find_all(kind="method")):
        style = _access_style(sources + views)
        fields = _user_fields(sources + views, style)
        certain = fields is not None and "email" in fields and any(n in fields for n in ("name", "full_name", "display_name", "username"))
        return SinatraAuth(kind="helper", access=style, fields=fields if certain else None)
    assignments = []
    for path, source in zip(tree.glob(".rb", under=folder), sources):
        for assignment in source.find_all(pattern="session[$KEY] = $VALUE"):
            key, value = string_value(assignment.get_match("KEY")), assignment.get_match("VALUE")
            if key and value is not None:
                assignments.append(
                    identity.SessionAssignment(
                        path, assignment.range().start.line + 1, key, value.text(),
                        literal=value.kind() in RUBY_LITERALS, is_null=value.kind() == "nil", resolve=_ruby_resolver(assignment),
                    )
                )
    choice = identity.choose_session_key(assignments)
    if choice.key is not None:
        # A sign-out that clears only a flag beside the id: the route requires the flag as the pages do.
        guard = flag_sign_out.signed_in_guard(dict(zip(tree.glob(".rb", under=folder), sources)), choice.key)
        if guard is not None and guard.condition is None:
            return SinatraAuth(kind="none", access="index", reason=guard.reason, rejected=tuple(choice.rejected))
        return SinatraAuth(
            kind="session", key=choice.key, access="index", fields=("id",),
            signed_in=guard.condition if guard else None, signed_in_reason=guard.comment if guard else "",
        )
    # No session key holds the id (it holds a token the app looks up, say), but a `before` filter puts
    # the signed-in user in an instance variable every route (the token route too) can read.
    variable = _user_set_by_before_filter(sources)
    if variable is not None:
        style = _access_style(sources + views, variable)
        fields = _user_fields(sources + views, style, variable)
        certain = fields is not None and "email" in fields and any(n in fields for n in ("name", "full_name", "display_name", "username"))
        return SinatraAuth(kind="filter", access=style, fields=fields if certain else None, key=variable)
    reason = choice.reason if assignments else "no current_user helper and no session login was found"
    return SinatraAuth(kind="none", access="index", reason=reason, rejected=tuple(choice.rejected))


def _user_set_by_before_filter(sources: list[SgNode]) -> str | None:
    """`@logged_in_user` of `before do @logged_in_user = ... end`: a filter for every route (no path)
    assigning an instance variable named as the user (`@current_user`, `@user`, `@logged_in_user`),
    every time from the session (`find_by_session(session[:token])`) or nil. A value from the request
    (`JSON.parse(request.body.read)`, `params`, a helper that reads them) is what the client sent, never
    who is signed in: anyone could name any user."""
    for source in sources:
        for call in source.find_all(kind="call"):
            block = call.field("block")
            if method_name(call) != "before" or call.field("receiver") is not None or call.field("arguments") is not None or block is None:
                continue
            values: dict[str, list[SgNode]] = {}
            for assignment in block.find_all(kind="assignment"):
                left, right = assignment.field("left"), assignment.field("right")
                if left is not None and right is not None and left.kind() == "instance_variable" and identity.words(left.text().lstrip("@"))[-1:] == ["user"]:
                    values.setdefault(left.text(), []).append(right)
            for variable, assigned in values.items():
                if all(value.kind() == "nil" or _reads_only_the_session(value) for value in assigned):
                    return variable
    return None


def _reads_only_the_session(value: SgNode) -> bool:
    names = {n.text() for n in value.find_all(kind="identifier")} | ({value.text()} if value.kind() == "identifier" else set())
    return "session" in names and not names & {"params", "request", "env"}


def _ruby_resolver(node: SgNode) -> identity.Resolver:
    scope = next((a for a in node.ancestors() if a.kind() in ("do_block", "block", "method", "program")), None)

    def resolve(name: str) -> list[tuple[str, bool]]:
        if scope is None:
            return []
        return [
            (value.text(), value.kind() in RUBY_LITERALS)
            for m in scope.find_all(pattern=f"{name} = $VALUE")
            if m.range().start.index < node.range().start.index and (value := m.get_match("VALUE")) is not None
        ]

    return resolve


def _erb_code(template: str) -> str:
    """The Ruby inside an ERB template's `<% %>` tags, one tag a line, for ast-grep to read."""
    code = []
    for chunk in template.split("<%")[1:]:
        inside = chunk.split("%>", 1)[0].lstrip("=-#").rstrip("-")
        code.append(inside.strip())
    return "\n".join(code)


def _access_style(sources: list[SgNode], user: str = "current_user") -> Literal["index", "method"]:
    """`index` when the app reads its user as `user[:email]` (a Hash), `method` for `user.email`."""
    indexed = sum(len(s.find_all(pattern=f"{user}[$KEY]")) for s in sources)
    called = sum(
        1
        for s in sources
        for m in s.find_all(pattern=f"{user}.$FIELD")
        if (field := m.get_match("FIELD")) is not None and not field.text().endswith(("?", "!"))
    )
    return "method" if called > indexed else "index"


def _user_fields(sources: list[SgNode], style: str, user: str = "current_user") -> tuple[str, ...] | None:
    """The user's attributes as the app spells them: hash keys, Struct members, reads of the user."""
    fields: set[str] = set()
    for source in sources:
        if style == "index":
            fields |= {k for m in source.find_all(pattern=f"{user}[$KEY]") if (k := string_value(m.get_match("KEY")))}
            for literal in source.find_all(kind="hash"):
                keys = {key.strip(":") for p in literal.children() if p.kind() == "pair" and (key := field_text(p, "key")) is not None}
                if {"id", "email"} <= keys or {"id", "name"} <= keys:
                    fields |= keys
        else:
            fields |= {field.text() for m in source.find_all(pattern=f"{user}.$FIELD") if (field := m.get_match("FIELD")) is not None}
            for call in source.find_all(kind="call"):
                arguments = call.field("arguments")
                symbols = [a for a in arguments.children() if a.kind() == "simple_symbol"] if arguments is not None else []
                if method_name(call) == "new" and field_text(call, "receiver") == "Struct":
                    members = {string_value(a) for a in symbols}
                    if "id" in members:
                        fields |= {m for m in members if m}
                if method_name(call) in ("attr_reader", "attr_accessor"):
                    fields |= {string_value(a) or "" for a in symbols}
    fields.discard("")
    return tuple(sorted(fields | {"id"})) if fields else None

