"""How an Express app remembers who is signed in: passport's req.user, or what its login code stores
in req.session — a user object whose id is evidenced, or a key assigned from the user's id (never a
flag such as `req.session.loggedIn = true`; identity.py holds the rules)."""

import re

from ast_grep_py import SgNode

from intercom_wizard.astgrep import required_field
from intercom_wizard.edits import parse
from intercom_wizard.integrations import identity
from intercom_wizard.integrations.backends.express.details import SignedInUser
from intercom_wizard.tree import ProjectTree

JS_SUFFIXES = (".js", ".cjs", ".mjs")
TS_SUFFIXES = (".ts", ".mts", ".cts")
SCOPE_KINDS = ("function_declaration", "function_expression", "arrow_function", "method_definition", "program")
JS_LITERALS = frozenset({"number", "string", "true", "false", "null", "undefined", "template_string"})


def language_of(path: str) -> str:
    return "typescript" if path.endswith(TS_SUFFIXES) else "javascript"


# passport's session strategy installed for the whole app (`app.use(passport.session())`), which is what
# puts req.user and req.isAuthenticated() on every request, the token route's included.
APP_WIDE_PASSPORT = re.compile(r"\.use\(\s*passport\.(?:session\(\s*\)|authenticate\(\s*['\"]session['\"]\s*\))")
PER_ROUTE_PASSPORT = re.compile(r"passport\.authenticate\(\s*['\"]session['\"]\s*\)")


def session_user(tree: ProjectTree, root: str) -> SignedInUser:
    """passport's user when the app uses passport sessions, else the session's user record or id."""
    sources = [tree.text(path) for path in tree.glob(*JS_SUFFIXES, *TS_SUFFIXES, under=root)]
    for text in sources:
        # The session strategy installed app-wide is evidence too: a login route that is only
        # `passport.authenticate('local')` (no req.login() of the app's own) starts that session.
        if "passport" in text and ("passport.session()" in text or "req.login(" in text or "req.logIn(" in text or APP_WIDE_PASSPORT.search(text)):
            id_field = _serialized_id_field(tree, root)
            if not any(APP_WIDE_PASSPORT.search(other) for other in sources) and any(PER_ROUTE_PASSPORT.search(other) for other in sources):
                # passport's own examples run the session strategy per route (todos-react-express): the
                # token route does the same, then reads req.user like the app's routes do.
                return SignedInUser(kind="passport", expression="req.user || null", id_field=id_field, middleware="passport.authenticate('session'), ")
            return SignedInUser(kind="passport", expression="req.isAuthenticated() ? req.user : null", id_field=id_field)
    assignments: list[identity.SessionAssignment] = []
    for path in tree.glob(*JS_SUFFIXES, *TS_SUFFIXES, under=root):
        text = tree.text(path)
        if "req.session" not in text:
            continue
        for match, key_node, value in _session_writes(parse(text, language_of(path))):
            key = key_node.text()
            record = _session_record(key, value, match)
            if record is not None:
                return record
            assignments.append(
                identity.SessionAssignment(
                    path, match.range().start.line + 1, key, value.text(),
                    literal=value.kind() in JS_LITERALS, is_null=value.text() in ("null", "undefined"), resolve=js_resolver(match),
                )
            )
    choice = identity.choose_session_key(assignments)
    if choice.key is not None:
        return SignedInUser(kind="session-id", expression=f"req.session.{choice.key} != null ? {{ id: req.session.{choice.key} }} : null")
    reason = choice.reason if assignments else "no passport or session login was found"
    return SignedInUser.none(reason, tuple(choice.rejected))


def _session_writes(program: SgNode) -> list[tuple[SgNode, SgNode, SgNode]]:
    """Every `req.session.KEY = VALUE`, and the same written through a local name for the session
    (`var currentSession = req.session; currentSession.userid = user.id`, seen in a real login route)."""
    writes = []
    for match in program.find_all(pattern="req.session.$KEY = $VALUE"):
        key_node, value = match.get_match("KEY"), match.get_match("VALUE")
        if key_node is not None and value is not None:
            writes.append((match, key_node, value))
    for keyword in ("const", "let", "var"):
        for declaration in program.find_all(pattern=f"{keyword} $ALIAS = req.session"):
            alias = declaration.get_match("ALIAS")
            scope = next((a for a in declaration.ancestors() if a.kind() in SCOPE_KINDS), None)
            if alias is None or alias.kind() != "identifier" or scope is None:
                continue
            for match in scope.find_all(pattern=f"{alias.text()}.$KEY = $VALUE"):
                key_node, value = match.get_match("KEY"), match.get_match("VALUE")
                if key_node is not None and value is not None and match.range().start.index > declaration.range().start.index:
                    writes.append((match, key_node, value))
    return writes


def _serialized_id_field(tree: ProjectTree, root: str) -> str:
    """The user's property passport keeps in the session: `passport.serializeUser((user, done) => done(null,
    user.uid))` names the id (a Sequelize model whose primary key is `uid` has no `user.id`); `id` otherwise."""
    for path in tree.glob(*JS_SUFFIXES, *TS_SUFFIXES, under=root):
        text = tree.text(path)
        if "serializeUser" not in text:
            continue
        for match in parse(text, language_of(path)).find_all(pattern="passport.serializeUser($FN)"):
            function = match.get_match("FN")
            parameters = function.field("parameters") if function is not None else None
            names = [p.text().split(":")[0].strip() for p in parameters.children() if p.is_named()] if parameters is not None else []
            if function is None or len(names) < 2:
                continue
            user, done = names[0], names[1]
            for call in function.find_all(pattern=f"{done}(null, {user}.$FIELD)"):
                field = call.get_match("FIELD")
                if field is not None and identity.is_id_name(field.text()):
                    return field.text()
    return "id"


def _session_record(key: str, value: SgNode, match: SgNode) -> SignedInUser | None:
    """`req.session.user = { id: user.id, ... }` (the id traced) or `= user` (a loaded user object)."""
    words = identity.words(key)
    if identity.is_flag_name(key) or identity.is_id_name(key) or not any(w in identity.USER_WORDS for w in words):
        return None
    if value.kind() == "object":
        pairs = {required_field(p, "key").text(): required_field(p, "value") for p in value.children() if p.kind() == "pair" and p.field("key") is not None}
        id_field = next((k for k in pairs if identity.is_id_name(k)), None)
        if id_field is None:
            return None
        evidence = identity.value_evidence(pairs[id_field].text(), literal=pairs[id_field].kind() in JS_LITERALS, resolve=js_resolver(match))
        if not evidence.is_id:
            return None
        return SignedInUser(kind="session", expression=f"req.session.{key}", id_field=id_field)
    if value.kind() == "identifier":
        return SignedInUser(kind="session", expression=f"req.session.{key}")
    return None


def js_resolver(node: SgNode) -> identity.Resolver:
    """The values a name was assigned before `node`, in its function (identity.py follows them)."""
    scope = next((a for a in node.ancestors() if a.kind() in SCOPE_KINDS), None)

    def resolve(name: str) -> list[tuple[str, bool]]:
        if scope is None:
            return []
        found = []
        for pattern in (f"const {name} = $VALUE", f"let {name} = $VALUE", f"var {name} = $VALUE", f"{name} = $VALUE"):
            for m in scope.find_all(pattern=pattern):
                value = m.get_match("VALUE")
                if value is not None and m.range().start.index < node.range().start.index:
                    found.append((value.text(), value.kind() in JS_LITERALS))
        return found

    return resolve
