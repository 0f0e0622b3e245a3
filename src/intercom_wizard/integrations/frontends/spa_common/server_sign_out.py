"""A client-side sign-out that never reaches the API's own sign-out route.

A single-page app that signs in against a session (cookie) on its own back end must end that session
when the user signs out; otherwise the token endpoint keeps answering 200 for the previous user and the
next page load boots the Messenger with their identity: an identity leak the install would create. The
wizard cannot prove that from a function's body alone (it may call a helper that sends the request), so
the proof is over the whole front end: the back end declares a route whose handler signs the user out
(passport's `req.logout()`, `session.destroy()`, Flask-Login's `logout_user()`... as
`html/sign_out_routes.py` recognises them), and no code of the SPA names that route's path anywhere a
request could use it (a string ending with the path's last segment, or that segment alone for a client
with a base URL).
Any mention counts as a call, so an app that does call its server is never flagged; names that are not
URLs (a JSX `key`, an `id`, a `className`) do not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from intercom_wizard.integrations.base import PlanContext
from intercom_wizard.integrations.frontends.html.sign_out_routes import ANY_ROUTE, DJANGO_PATH, PYTHON_FUNCTION, SIGN_OUT
from intercom_wizard.integrations.frontends.spa_common.auth_functions import source_suffixes
from intercom_wizard.integrations.frontends.spa_common.core import SpaApp
from intercom_wizard.options import ClientAuth
from intercom_wizard.tree import ProjectTree

SERVER_SUFFIXES = (".py", ".js", ".mjs", ".cjs", ".ts", ".rb", ".php")
MAX_BYTES = 256 * 1024
# A route declared with a literal path and its method (Express/FastAPI/Flask/Sinatra/Laravel shapes).
DECLARED_ROUTE = re.compile(
    r"""(?:\.(get|post|put|patch|delete|all|route|api_route)\s*\(|^[ \t]*(get|post|put|patch|delete)[ \t]+\(?|"""
    r"""Route::(get|post|put|patch|delete|any|match)\s*\((?:\s*\[[^\]]*\]\s*,)?)\s*["'](/[^"'\s]*)["']""",
    re.MULTILINE,
)
STRING = re.compile(r"""(['"`])((?:(?!\1)[^\\\n]|\\.)*)\1""")
# Attributes whose value names something other than a URL: a string there is no request.
NOT_A_URL_ATTRIBUTE = re.compile(
    r"""(?:^|[\s{(,])(?:key|id|class|className|name|value|label|title|type|role|alt|placeholder|htmlFor|data-[\w-]+|aria-[\w-]+)\s*=\s*\{?\s*$"""
)


@dataclass(frozen=True)
class ServerSignOut:
    method: str  # POST, GET, ... (what the client has to send)
    path: str  # as declared, e.g. /logout
    file: str
    line: int


def server_sign_outs(tree: ProjectTree, backend_root: str, app: SpaApp) -> list[ServerSignOut]:
    """The back end's routes whose handler (up to the next route declaration) signs the user out."""
    found: list[ServerSignOut] = []
    client = app.root.rstrip("/") + "/" if app.root not in ("", backend_root) else None
    sources = [path for path in tree.glob(*SERVER_SUFFIXES, under=backend_root)
               if not (client is not None and path.startswith(client)) and "intercom" not in path.lower() and tree.size(path) <= MAX_BYTES]
    # Django routes a view defined in another module (views.py): the views that sign out, over every module.
    views = {match.group(1) for path in sources if path.endswith(".py") and tree.mentions(path, (b"out", b"session"))
             for match in PYTHON_FUNCTION.finditer(tree.text(path)) if SIGN_OUT.search(match.group(0))}
    for path in sources:
        if not tree.mentions(path, (b"out", b"session", b"destroy", b"clear")):
            continue
        text = tree.text(path)
        for declaration in DECLARED_ROUTE.finditer(text):
            following = ANY_ROUTE.search(text, declaration.end())
            if SIGN_OUT.search(text, declaration.end(), following.start() if following else len(text)):
                verb = next(group for group in declaration.groups()[:3] if group is not None).upper()
                method = verb if verb in ("GET", "POST", "PUT", "PATCH", "DELETE") else "POST"
                found.append(ServerSignOut(method, declaration.group(4), path, text.count("\n", 0, declaration.start()) + 1))
        if path.endswith(".py") and "path(" in text:
            for match in DJANGO_PATH.finditer(text):
                if match.group(2).rsplit(".", 1)[-1] in views or "LogoutView" in match.group(2):
                    found.append(ServerSignOut("POST", "/" + match.group(1), path, text.count("\n", 0, match.start()) + 1))
    return [route for route in found if route.path.rstrip("/") and not re.search(r"[<>{}:*(\\]", route.path)]


def client_names_route(tree: ProjectTree, app: SpaApp, route: ServerSignOut) -> bool:
    """Whether any code of the SPA names the route's path where a request could use it."""
    # The route's last segment: the client may name it under a mount prefix or a base URL that holds part of
    # the path (`/auth/logout` on a base ending in `/api` for the API's `/api/auth/logout`).
    last = route.path.rstrip("/").lower().rsplit("/", 1)[-1]
    last_segment = last.encode()
    for path in tree.glob(*source_suffixes(), ".html", under=app.root):
        if "intercom" in path.lower() or tree.size(path) > MAX_BYTES or not tree.mentions(path, (last_segment,), ignore_case=True):
            continue
        text = tree.text(path)
        for literal in STRING.finditer(text):
            url = re.split(r"[?#]", literal.group(2), maxsplit=1)[0].rstrip("/").lower()
            if not (url.endswith("/" + last) or url == last):
                continue
            line_before = text[text.rfind("\n", 0, literal.start()) + 1 : literal.start()]
            if not NOT_A_URL_ATTRIBUTE.search(line_before):
                return True
    return False


def unreached_sign_outs(tree: ProjectTree, app: SpaApp, backend_root: str | None) -> list[ServerSignOut]:
    """The back end's sign-out routes when the SPA names none of them (empty when it calls one, or there is none)."""
    if backend_root is None:
        return []
    routes = server_sign_outs(tree, backend_root, app)
    if any(client_names_route(tree, app, route) for route in routes):
        return []
    return routes


def report_unreached_sign_out(context: PlanContext, app: SpaApp, file: str, name: str, position: int) -> None:
    """A manual step (the install is `incomplete`) when the app's sign-out, where the logout hook goes
    (`name` at `position` in `file`), can never end the server session its cookie carries."""
    if context.anonymous_only or context.options.auth is ClientAuth.BEARER:
        return  # a bearer token the sign-out discards ends the Messenger's identity with it
    routes = unreached_sign_outs(context.tree, app, context.backend_root)
    if not routes:
        return
    line = context.tree.text(file).count("\n", 0, position) + 1
    declared = ", ".join(f"{route.method} {route.path} ({route.file}:{route.line})" for route in routes)
    route = routes[0]
    context.builder.manual(
        file,
        f"The app's sign-out, {name} ({file}:{line}), never calls the API's own sign-out route, {declared}: the server "
        "session outlives it, so the token endpoint keeps answering for the signed-out user and the next page load "
        f"would boot the Messenger with their identity. Send that request from {name}, through the app's own API "
        "client with its credentials, before it leaves the page:",
        f"{route.method} {route.path}",
    )
