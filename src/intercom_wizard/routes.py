"""Whether the app already answers the token endpoint's path, so `--endpoint` cannot shadow a page.

A cheap, literal check: the path as a quoted string in the back end's code (`@app.get("/login")`,
`app.get('/login', ...)`, `get "/login"`, `Route::get('/login', ...)`), and without its leading slash
in the files that declare routes that way (Django's urls.py, Rails' routes.rb, Laravel's routes/).
Routes built from pieces (blueprint prefixes, `include()`, routers mounted under a prefix) are not
seen; those are left to the framework.
"""

import re
from pathlib import PurePosixPath

from intercom_wizard.existing import MAX_SCANNED_BYTES, without_our_snippets
from intercom_wizard.options import Endpoint
from intercom_wizard.receipt import Receipt
from intercom_wizard.tree import ProjectTree

SERVER_SUFFIXES = (".py", ".js", ".mjs", ".cjs", ".ts", ".rb", ".php")


def existing_route(tree: ProjectTree, endpoint: Endpoint, receipt: Receipt | None) -> str | None:
    """`file:line` of a route of the app on `endpoint`'s path, or None."""
    ours = set(receipt.created) if receipt else set()
    full = re.compile(r"""(['"`])""" + re.escape(endpoint.path) + r"""/?\1""")
    bare = re.compile(r"""(['"`])\^?""" + re.escape(endpoint.relative) + r"""/?\$?\1""")
    # An ASCII file without the path is skipped undecoded (the byte test, one search over all the files).
    for path in tree.mentioning(tree.glob(*SERVER_SUFFIXES), (endpoint.relative.encode(),)):
        if path in ours or _is_client_code(path) or tree.size(path) > MAX_SCANNED_BYTES:
            continue
        text = without_our_snippets(tree.text(path), receipt.inserted.get(path, []) if receipt else [])
        if endpoint.relative not in text:  # the full path holds it too
            continue
        pattern = bare if _declares_bare_paths(path) else full
        for number, line in enumerate(text.splitlines(), start=1):
            if pattern.search(line) and _looks_like_a_route(line):
                return f"{path}:{number}"
    return None


def _declares_bare_paths(path: str) -> bool:
    name = PurePosixPath(path)
    return name.name in ("urls.py", "routes.rb") or "routes" in name.parts[:-1] or name.name.endswith("routes.php")


def _is_client_code(path: str) -> bool:
    """Front-end files call paths (fetch('/login')) rather than serve them."""
    return path.endswith((".ts", ".js", ".mjs")) and bool(set(PurePosixPath(path).parts[:-1]) & {"static", "public", "assets", "components", "pages"})


_ROUTE_WORDS = re.compile(
    r"\b(route|get|post|put|patch|delete|match|any|path|re_path|url|api_view|add_url_rule|api_route|Route|router|app|bp|blueprint|map)\b",
    re.IGNORECASE,
)


def _looks_like_a_route(line: str) -> bool:
    return bool(_ROUTE_WORDS.search(line))
