"""The signed-in user behind the token endpoint: which authentication the app uses (Auth.js v5,
NextAuth v4, Clerk, its own getSession()) and the template variant that reads it; none found means
the fail-closed adapter and a manual step naming the function to fill in.

The lookups themselves are variants (`// iw:if auth=...`) of templates/nextjs/route.ts and
api-route.ts; this module only decides which one and from which module it imports.
"""

import re
from dataclasses import dataclass
from typing import Literal

from intercom_wizard.astgrep import field_text
from intercom_wizard.edits import parse
from intercom_wizard.integrations import identity
from intercom_wizard.integrations.base import PlanContext
from intercom_wizard.integrations.frontends.nextjs.detect import NextApp
from intercom_wizard.integrations.frontends.nextjs.nextauth_v4 import inline_config
from intercom_wizard.integrations.frontends.nextjs.session_evidence import OWN_HELPER_READ, SessionEvidence, session_evidence
from intercom_wizard.integrations.frontends.nextjs.source import language, specifier
from intercom_wizard.templates import render
from intercom_wizard.tree import ProjectTree, join

AuthKind = Literal["authjs", "nextauth", "nextauth-token", "clerk", "session", "none"]
# `session.user.id = token.sub` / `id: token.sub` / `id: user.id` in the session callback.
_SESSION_ID = re.compile(r"session\.user\.id\s*=(?!=)|\bid\s*:\s*(?:String\()?\s*(?:token\.(?:sub|id)|user\.id)\b")


@dataclass(frozen=True)
class UserLookup:
    """The route template's `auth` choice, and the specifier of the app module its lookup imports."""

    auth: AuthKind
    module: str = ""
    secret: str = ""  # nextauth-token: the expression getToken() decodes the session cookie with
    reason: str = ""  # none: why no lookup was recognised (the adapter step says it)

    @property
    def choices(self) -> dict[str, str]:
        return {"auth": self.auth}


def app_user_lookup(context: PlanContext, app: NextApp, route: str) -> UserLookup:
    """App Router: Auth.js's auth(), NextAuth's getServerSession(authOptions), Clerk's currentUser(),
    or the app's own getSession() in lib/session or lib/auth."""
    tree = context.tree
    authjs = _authjs_module(tree, app)
    if authjs:
        _auth_note(context, f"Auth.js: auth() from {authjs}")
        _require_session_id(context, authjs)
        return UserLookup("authjs", specifier(tree, app, route, authjs))
    options_module = _auth_options(tree, app)
    if options_module:
        _auth_note(context, f"NextAuth: getServerSession(authOptions) from {options_module}")
        _require_session_id(context, options_module)
        return UserLookup("nextauth", specifier(tree, app, route, options_module))
    inline = _inline_lookup(context, app)
    if inline is not None:
        return inline
    if app.spa.depends_on("@clerk/nextjs"):
        _auth_note(context, "Clerk: currentUser()")
        return UserLookup("clerk")
    session_module = _session_module(tree, app)
    if session_module:
        _auth_note(context, f"the app's getSession() from {session_module}")
        return UserLookup("session", specifier(tree, app, route, session_module))
    return UserLookup("none")


def has_own_auth(tree: ProjectTree, app: NextApp) -> bool:
    """The app signs users in itself, in a way the token route can read (what the lookups below find)."""
    if _auth_options(tree, app) or app.spa.depends_on("@clerk/nextjs") or inline_config(tree, app) is not None:
        return True
    return app.router == "app" and bool(_authjs_module(tree, app) or _session_module(tree, app))


def _authjs_module(tree: ProjectTree, app: NextApp) -> str | None:
    return _exporting(tree, [join(folder, f"auth{s}") for folder in (app.base, app.spa.root) for s in (".ts", ".js")], "auth")


def _session_module(tree: ProjectTree, app: NextApp) -> str | None:
    return _exporting(tree, [join(app.base, f"lib/{name}{s}") for name in ("session", "auth") for s in (".ts", ".js")], "getSession")


def pages_user_lookup(context: PlanContext, app: NextApp, route: str) -> UserLookup:
    """Pages Router: NextAuth's getServerSession(req, res, authOptions) or Clerk's getAuth(req)."""
    tree = context.tree
    options_module = _auth_options(tree, app)
    if options_module:
        _auth_note(context, f"NextAuth: getServerSession(req, res, authOptions) from {options_module}")
        _require_session_id(context, options_module)
        return UserLookup("nextauth", specifier(tree, app, route, options_module))
    inline = _inline_lookup(context, app)
    if inline is not None:
        return inline
    if app.spa.depends_on("@clerk/nextjs"):
        _auth_note(context, "Clerk: getAuth(req)")
        return UserLookup("clerk")
    return UserLookup("none")


def _inline_lookup(context: PlanContext, app: NextApp) -> UserLookup | None:
    """NextAuth v4 configured inline in its [...nextauth] route (no authOptions to import): the id in the
    session's JWT through getToken(), when the config provably keeps it there (nextauth_v4.py)."""
    config = inline_config(context.tree, app)
    if config is None:
        return None
    if config.problem is not None:
        return UserLookup("none", reason=f"NextAuth is configured inline in {config.path}, but {config.problem}")
    _auth_note(context, f"NextAuth: getToken() from next-auth/jwt (the session's JWT; its config is inline in {config.path}, its id in `sub`)")
    variable = config.secret.removeprefix("process.env.")
    context.builder.note(
        f"getToken() decodes the session cookie with {variable}: set it wherever the app runs, development too "
        "(without it NextAuth v4 makes up a development secret that getToken() cannot know, and the endpoint answers 401)."
    )
    return UserLookup("nextauth-token", secret=config.secret)


def adapter_step(context: PlanContext, app: NextApp, path: str, content: str, lookup: UserLookup, router: Literal["app", "pages"]) -> None:
    """No recognised auth: getSignedInUser() returns null, and the user fills it in (exact line), in the
    route's own form: a function of nothing (App Router: `cookies()`), or the Pages Router's (req, res).
    When the app keeps a session of its own (iron-session, a getSession() helper), the step says what its
    sign-in writes there, why none of it is an id, and starts from the app's own read of it."""
    if lookup.auth != "none":
        return
    evidence = None if lookup.reason else session_evidence(context.tree, app, router)
    if evidence is not None and evidence.read:
        own_helper = evidence.read == OWN_HELPER_READ  # imported from its module, not copied from a file
        source = f"import {{ getSession }} from '{specifier(context.tree, app, path, evidence.read_file)}';" if own_helper else ""
        snippet = _own_session_snippet(evidence, router, source)
    else:
        snippet = render("nextjs/user-adapter.ts", {"router": router}).split("\n", 1)[1].strip()
    identity.adapter_step(
        context.builder,
        path,
        content,
        "getSignedInUser",
        lookup.reason or (evidence.reason if evidence else "no Auth.js, NextAuth, Clerk or getSession() in lib/session was found"),
        language(snippet, app),
        evidence.rejected if evidence else (),
    )


def _own_session_snippet(evidence: SessionEvidence, router: Literal["app", "pages"], source: str) -> str:
    """getSignedInUser() reading the app's own session as the app reads it, with the id the sign-in must keep."""
    read = " ".join(evidence.read.split()).replace("( ", "(").replace(", )", ")").replace(",)", ")")
    keep = f"// {evidence.keep}\n" if evidence.keep else ""
    head = f"{keep}{source}\n" if source else f"{keep}// The session read as in {evidence.read_file}: import what that file imports for it.\n"
    body = f"  {read}\n  const id = {evidence.id_expression};\n  return id ? {{ id: String(id) }} : null;\n"
    if router == "pages":
        parameters = _READ_ARGUMENTS.search(read)
        names = f"{parameters.group(1)}, {parameters.group(2)}" if parameters else ""
        return f"{head}const getSignedInUser: SignedInUserLookup = async ({names}) => {{\n{body}}};"
    return f"{head}async function getSignedInUser(): Promise<IntercomUser | null> {{\n{body}}}"


_READ_ARGUMENTS = re.compile(r"getIronSession(?:<[^>]*>)?\((\w+), (\w+),")


def _require_session_id(context: PlanContext, config: str) -> None:
    """Auth.js puts the user's id in the session only when the config's session callback does: without
    that evidence every token request answers 401, so the callback is a manual step in that file."""
    if _SESSION_ID.search(context.tree.text(config)):
        return
    context.builder.manual(
        config,
        "Auth.js keeps only the name, email and image in the session by default, and the email is not the user's id: "
        f"the token endpoint answers 401 until the session carries the id. Add these callbacks to the config in {config}:",
        "\n".join(render("nextjs/authjs-session-id.ts").splitlines()[2:-1]),
    )


def _auth_note(context: PlanContext, how: str) -> None:
    context.builder.note(f"The token endpoint identifies the signed-in user with {how}.")


def _exporting(tree: ProjectTree, candidates: list[str], name: str) -> str | None:
    """The first existing module among `candidates` that exports `name`."""
    for path in candidates:
        if tree.exists(path) and _exports(tree.text(path), name):
            return path
    return None


def _exports(text: str, name: str) -> bool:
    for export in parse(text, "typescript").find_all(kind="export_statement"):
        declaration = export.field("declaration")
        if declaration is None:
            clause = export.find(kind="export_clause")
            if clause is not None and any(field_text(s, "name") == name for s in clause.find_all(kind="export_specifier")):
                return True
            continue
        if declaration.kind() in ("function_declaration", "generator_function_declaration") and field_text(declaration, "name") == name:
            return True
        for declarator in declaration.find_all(kind="variable_declarator"):
            target = declarator.field("name")
            if target is None:
                continue
            if target.kind() == "identifier" and target.text() == name:
                return True
            if target.kind() == "object_pattern" and any(node.text() == name for node in target.find_all(kind="shorthand_property_identifier_pattern")):
                return True
    return False


def _auth_options(tree: ProjectTree, app: NextApp) -> str | None:
    """The module exporting NextAuth v4's `authOptions`, when the app depends on next-auth."""
    if not app.spa.depends_on("next-auth"):
        return None
    for path in tree.glob(".ts", ".js", under=app.base or app.spa.root):
        if "node_modules/" in path or "/api/" in path and "[...nextauth]" not in path:
            continue
        text = tree.text(path)
        if "authOptions" in text and _exports(text, "authOptions"):
            return path
    return None
