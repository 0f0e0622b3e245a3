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

Without any sign-out route, one shape is proven too: the API sets an HttpOnly cookie (which JavaScript
cannot remove) and none of its code ever clears or expires a cookie (vue3-fastapi-cookie-jwt's JWT cookie).
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


# A cookie the back end sets HttpOnly (the app's JavaScript cannot remove it): FastAPI/Flask/Django, Express.
HTTPONLY_COOKIE = re.compile(
    r"""\.set_cookie\(\s*(?:key\s*=\s*)?["']([^"']+)["'][^)]{0,400}?httponly\s*=\s*True"""
    r"""|\.cookie\(\s*["']([^"']+)["'][^)]{0,400}?httpOnly\s*:\s*true""",
    re.IGNORECASE,
)
# Any code that clears or expires a cookie: then the back end can end what it set (nothing is claimed).
COOKIE_CLEARED = re.compile(
    r"""\b(?:delete_cookie|clearCookie|unset_cookie)\s*\(|\bcookies\.delete\b|\b(?:max_age|expires)\s*=\s*0\b|\bmaxAge\s*:\s*0\b"""
    r"""|\bexpires\s*:\s*new Date\(\s*0\s*\)|Max-Age=0|setcookie\([^)]*time\(\)\s*-""",
    re.IGNORECASE,
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
    sources = _backend_sources(tree, backend_root, app)
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


def _backend_sources(tree: ProjectTree, backend_root: str, app: SpaApp) -> list[str]:
    client = app.root.rstrip("/") + "/" if app.root not in ("", backend_root) else None
    return [path for path in tree.glob(*SERVER_SUFFIXES, under=backend_root)
            if not (client is not None and path.startswith(client)) and "intercom" not in path.lower() and tree.size(path) <= MAX_BYTES]


def unclearable_cookie(tree: ProjectTree, backend_root: str, app: SpaApp) -> tuple[str, str, int] | None:
    """(name, file, line) of an HttpOnly cookie the back end sets when none of its code ever clears a cookie:
    the sign-in lives in it until it expires, whatever the app's JavaScript does."""
    found = None
    for path in _backend_sources(tree, backend_root, app):
        if not tree.mentions(path, (b"cookie",), ignore_case=True):
            continue
        text = tree.text(path)
        if COOKIE_CLEARED.search(text):
            return None
        cookie = HTTPONLY_COOKIE.search(text)
        if cookie is not None and found is None:
            found = (cookie.group(1) or cookie.group(2), path, text.count("\n", 0, cookie.start()) + 1)
    return found


def client_names_route(tree: ProjectTree, app: SpaApp, route: ServerSignOut, backend_root: str = "") -> bool:
    """Whether any code of the SPA names the route's path where a request could use it (the API's own
    folder, when it lies inside the SPA's, is not the SPA's code: its route declaration names the path)."""
    server = backend_root.rstrip("/") + "/" if backend_root and backend_root != app.root else None
    # The route's last segment: the client may name it under a mount prefix or a base URL that holds part of
    # the path (`/auth/logout` on a base ending in `/api` for the API's `/api/auth/logout`).
    last = route.path.rstrip("/").lower().rsplit("/", 1)[-1]
    last_segment = last.encode()
    for path in tree.glob(*source_suffixes(), ".html", under=app.root):
        if "intercom" in path.lower() or (server is not None and path.startswith(server)) or tree.size(path) > MAX_BYTES:
            continue
        if not tree.mentions(path, (last_segment,), ignore_case=True):
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


def report_unreached_sign_out(context: PlanContext, app: SpaApp, file: str, name: str, position: int) -> None:
    """A manual step (the install is `incomplete`) when the app's sign-out, where the logout hook goes
    (`name` at `position` in `file`), can never end the server session its cookie carries."""
    if context.anonymous_only or context.options.auth is ClientAuth.BEARER or context.backend_root is None:
        return  # a bearer token the sign-out discards ends the Messenger's identity with it; no API here to look at
    line = context.tree.text(file).count("\n", 0, position) + 1
    routes = server_sign_outs(context.tree, context.backend_root, app)
    if not routes:
        cookie = unclearable_cookie(context.tree, context.backend_root, app)
        if cookie is not None:
            cookie_name, cookie_file, cookie_line = cookie
            clear = f'response.delete_cookie("{cookie_name}")' if cookie_file.endswith(".py") else f"res.clearCookie('{cookie_name}')"
            context.builder.manual(
                file,
                f"The API keeps the signed-in user in the HttpOnly cookie {cookie_name!r} it sets at {cookie_file}:{cookie_line}, which "
                "the app's JavaScript cannot remove, and no code of the API ever clears a cookie: the app's sign-out, "
                f"{name} ({file}:{line}), leaves the user signed in on the server, so the token endpoint keeps answering for "
                "them and the next page load would boot the Messenger with their identity. Add a sign-out route to the API that "
                f"deletes that cookie, and call it from the sign-out through the app's own API client before it leaves the page:",
                clear,
            )
        return
    if any(client_names_route(context.tree, app, route, context.backend_root) for route in routes):
        return
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
