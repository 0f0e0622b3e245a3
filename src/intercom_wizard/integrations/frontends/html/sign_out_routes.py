"""The app's own sign-out routes whose names the script's pattern does not know (`/bye`, `/session/end`).

Under Turbo, htmx, Inertia or Livewire a GET sign-out link is a visit like any other: no form is
submitted, so nothing tells the script that the user may have signed out. It re-asks the token
endpoint after a visit to a path named like a sign-out (`SIGN_OUT_PATH`: /logout, /users/sign_out,
/accounts/logout/); routes named otherwise are found here, in the back end's code, and rendered into
the script's `SIGN_OUT_ROUTES`:

- a route declared with a literal path (Flask/FastAPI `@app.route("/bye")`/`@router.get(...)`,
  Express `app.get('/bye', ...)`, Sinatra `get '/bye' do`, Laravel `Route::get('/bye', ...)`)
  whose handler - the code up to the next route declaration - signs the user out (Flask-Login's
  `logout_user()`, Django's `logout(request)`, passport's `req.logout()`, `session.clear()`,
  `req.session.destroy()`, `Auth::logout()`, `session_destroy()`, a handler named `logout`);
- a Django `path("bye/", views.bye)` whose view function signs out, or that is a `LogoutView`;
- a plain PHP script that ends the session (`/bye.php`).

A wrong guess costs one token request on a visit (the endpoint decides who is signed in); a missed
route leaves the tab booted as the user until the next form submission or full page load.
"""

from __future__ import annotations

import re

from intercom_wizard.tree import ProjectTree

SOURCE_SUFFIXES = (".py", ".js", ".mjs", ".cjs", ".ts", ".rb", ".php")
MAX_BYTES = 256 * 1024
MAX_ROUTES = 8
# The script's own pattern (templates/html/intercom-messenger.js): such paths need no entry.
NAMED_LIKE_A_SIGN_OUT = re.compile(r"/(log|sign)[-_]?(out|off)(/|\.[a-z]+)?$", re.IGNORECASE)
ROUTE = re.compile(
    r"""(?:\.(?:get|all|route|api_route)\s*\(|^[ \t]*get[ \t]+\(?|Route::(?:get|any|match)\s*\((?:\s*\[[^\]]*\]\s*,)?)"""
    r"""\s*["'](/[^"'\s]*)["']""",
    re.MULTILINE,
)
# Where a GET route's handler ends: the next route declaration of any method (a `post "/login"` that
# clears the session right after `get "/login"` is not part of the GET handler).
ANY_ROUTE = re.compile(
    r"""\.(?:get|post|put|patch|delete|all|route|api_route)\s*\(|^[ \t]*(?:get|post|put|patch|delete)[ \t]+\(?\s*["']|Route::\w+\s*\(""",
    re.MULTILINE,
)
SIGN_OUT = re.compile(
    r"""\b(?:logout_user|logout|logOut|log_out|sign_out|signout|signOut|session_destroy)\s*\("""
    r"""|\bsession\s*\.\s*(?:clear|destroy|flush|invalidate)\b|\.session\s*=\s*null\b"""
    r"""|\bsession\s*\[\s*:?["']?user\w*["']?\s*\]\s*=\s*nil\b|Auth::logout\b|auth\(\)->logout\b|unset\(\s*\$_SESSION"""
)
DJANGO_PATH = re.compile(r"""\b(?:re_)?path\(\s*r?["']\^?([\w\-./]*)\$?["']\s*,\s*([\w.]+)""")
PYTHON_FUNCTION = re.compile(r"^def (\w+)\(.*?(?=^\S|\Z)", re.MULTILINE | re.DOTALL)


def find_sign_out_routes(tree: ProjectTree) -> tuple[str, ...]:
    """Sign-out routes of the app named unlike `/logout` (normalized: a leading `/`, no trailing one)."""
    found: list[str] = []
    sources = {path: tree.text(path) for path in tree.glob(*SOURCE_SUFFIXES)
               if tree.size(path) <= MAX_BYTES and not path.endswith("intercom-messenger.js")}
    signing_out_views = {match.group(1) for text in (sources[path] for path in sources if path.endswith(".py"))
                         for match in PYTHON_FUNCTION.finditer(text) if SIGN_OUT.search(match.group(0))}
    for path, text in sources.items():
        declarations = list(ROUTE.finditer(text))
        for declaration in declarations:
            following = ANY_ROUTE.search(text, declaration.end())
            end = following.start() if following else len(text)
            if SIGN_OUT.search(text, declaration.end(), end):
                found.append(declaration.group(1))
        if path.endswith(".py") and "path(" in text:
            for route, view in DJANGO_PATH.findall(text):
                if view.rsplit(".", 1)[-1] in signing_out_views or "LogoutView" in view:
                    found.append("/" + route)
        if path.endswith(".php") and not declarations and "class " not in text and SIGN_OUT.search(text):
            found.append("/" + path.rsplit("/", 1)[-1])
    routes: list[str] = []
    for route in found:
        normalized = route.rstrip("/")
        if normalized and not re.search(r"[<>{}:*(\\]", normalized) and not NAMED_LIKE_A_SIGN_OUT.search(normalized):
            if normalized not in routes:
                routes.append(normalized)
    return tuple(routes[:MAX_ROUTES])
