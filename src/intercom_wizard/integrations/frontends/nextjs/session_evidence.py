"""What a Next.js app's own session holds, when no authentication library the token route can read
was recognised: iron-session's `session.KEY = value` writes, and a getSession() helper whose login
signs a user object of its own. The route still fails closed (identity.py's rules decide what an id
is); this only makes its manual step exact: which sign-in writes what, why none of it is an id, and the
app's own session read to start from.
"""

from dataclasses import dataclass

from ast_grep_py import SgNode

from intercom_wizard.astgrep import field_text, required_field
from intercom_wizard.edits import parse
from intercom_wizard.integrations import identity
from intercom_wizard.integrations.backends.express.session import JS_LITERALS, js_resolver
from intercom_wizard.integrations.frontends.nextjs.detect import NextApp
from intercom_wizard.tree import ProjectTree

_SUFFIXES = (".ts", ".tsx", ".js", ".jsx", ".mjs")
OWN_HELPER_READ = "const session = await getSession();"  # the app's exported helper, as the route calls it


@dataclass(frozen=True)
class SessionEvidence:
    """Why the app's own session gives no id (`reason`), the refused candidates (file:line: why), and the
    app's own statement that reads the session in the route's router, for the step's snippet."""

    reason: str
    rejected: tuple[str, ...] = ()
    read: str = ""  # e.g. `const session = await getIronSession<SessionData>(cookies(), sessionOptions);`
    read_file: str = ""  # where that statement is (its imports are there)
    id_expression: str = ""  # the user's id in what `read` gives, once the sign-in keeps it
    keep: str = ""  # what the sign-in must write for that, and where ("" when it does already)


def session_evidence(tree: ProjectTree, app: NextApp, router: str) -> SessionEvidence | None:
    """iron-session's writes, else the user a getSession() helper's module signs; None when neither."""
    return _iron_session(tree, app, router) or _signed_user_object(tree, app)


def _sources(tree: ProjectTree, app: NextApp) -> list[str]:
    return [p for p in tree.glob(*_SUFFIXES, under=app.spa.root) if "node_modules/" not in p and "/.next/" not in f"/{p}"]


def _language(path: str) -> str:
    return "tsx" if path.endswith((".tsx", ".jsx")) else "typescript"


def _iron_session(tree: ProjectTree, app: NextApp, router: str) -> SessionEvidence | None:
    assignments: list[identity.SessionAssignment] = []
    reads: list[tuple[str, str]] = []  # (file, the statement that reads the session)
    for path in _sources(tree, app):
        text = tree.text(path)
        if "getIronSession" not in text:
            continue
        root = parse(text, _language(path))
        for declarator in root.find_all(kind="variable_declarator"):
            value = declarator.field("value")
            if value is None or "getIronSession" not in value.text() or declarator.field("name") is None:
                continue
            name = required_field(declarator, "name")
            if name.kind() != "identifier":
                continue
            statement = next((a for a in declarator.ancestors() if a.kind() == "lexical_declaration"), None)
            if statement is not None:
                reads.append((path, statement.text()))
            assignments.extend(_member_writes(path, root, name.text()))
    if not reads:
        return None
    written = [a for a in assignments if not a.is_null]
    choice = identity.choose_session_key(written)
    if choice.key is not None:
        # A key the login provably fills from an id: the route reads it (the step's snippet says how).
        reason = f"iron-session keeps the user's id in session.{choice.key} ({choice.file}:{choice.line}), which the token route does not read by itself"
        key, keep = choice.key, ""
    else:
        keys = ", ".join(dict.fromkeys(a.key for a in written)) or "nothing"
        reason = f"iron-session: the app's sign-in writes {keys} into the session, and none of it is the user's id"
        signs_in = next((a for a in written if identity.is_flag_name(a.key)), written[0] if written else None)
        where = f" ({signs_in.file}:{signs_in.line})" if signs_in else ""
        key, keep = "userId", f"Where the app signs the user in{where}, also keep the user's id: session.userId = user.id (and userId in the session's type)."
    # The read in the route's own router: `cookies()` in the App Router, (req, res) in the Pages Router.
    pages = [r for r in reads if "/pages/" in f"/{r[0]}" or "/pages-" in r[0]]
    own = [r for r in reads if r not in pages] if router == "app" else pages
    file, read = (own or reads)[0]
    return SessionEvidence(reason, choice.rejected, read, file, f"session.{key}", keep)


def _member_writes(path: str, root: SgNode, session: str) -> list[identity.SessionAssignment]:
    """`session.KEY = value` for the variable that holds the session."""
    found = []
    for assignment in root.find_all(kind="assignment_expression"):
        left = assignment.field("left")
        right = assignment.field("right")
        if left is None or right is None or left.kind() != "member_expression" or field_text(left, "object") != session:
            continue
        key = field_text(left, "property") or ""
        found.append(
            identity.SessionAssignment(
                path, assignment.range().start.line + 1, key, right.text(),
                literal=right.kind() in JS_LITERALS, is_null=right.text() in ("null", "undefined"), resolve=js_resolver(assignment),
            )
        )
    return found


def _signed_user_object(tree: ProjectTree, app: NextApp) -> SessionEvidence | None:
    """An exported getSession() whose module's login builds `const user = { ... }` without an id
    (a JWT of the app's own, signed with jose, say): the fields it keeps, and where."""
    for path in _sources(tree, app):
        text = tree.text(path)
        if "getSession" not in text or "/api/" in path:
            continue
        root = parse(text, _language(path))
        if not any(field_text(f, "name") == "getSession" for f in root.find_all(kind="function_declaration")):
            continue
        for declarator in root.find_all(kind="variable_declarator"):
            value = declarator.field("value")
            if field_text(declarator, "name") != "user" or value is None or value.kind() != "object":
                continue
            keys = [field_text(p, "key") or p.text() for p in value.children() if p.kind() in ("pair", "shorthand_property_identifier")]
            if any(identity.is_id_name(k) for k in keys):
                return None
            line = declarator.range().start.line + 1
            fields = ", ".join(keys)
            rejected = tuple(
                f"{path}:{line}: the session's user.{k} "
                + ("holds a name or email address, not an id" if identity.is_identifying_name(k) or identity.is_name_like(k) else "is not an id")
                for k in keys
            )
            return SessionEvidence(
                f"getSession() in {path} returns the session its login signs, whose user is {{ {fields} }} ({path}:{line}): no id", rejected,
                OWN_HELPER_READ, path, "session?.user?.id",
                f"Where the app signs the user in ({path}:{line}), also keep the user's id in the session's user: {{ id: user.id, {fields} }}.",
            )
    return None
