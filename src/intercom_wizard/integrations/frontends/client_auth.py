"""How the app's own front-end code authenticates its API calls, read from its JavaScript.

Token-based apps keep an access token (usually in localStorage) and send it as
`Authorization: Bearer|Token <token>`; the Messenger script must do the same to be recognised.
"""

import ast
from dataclasses import dataclass

from ast_grep_py import SgNode

from intercom_wizard.edits import parse
from intercom_wizard.tree import ProjectTree

SCRIPT_SUFFIXES = (".js", ".mjs", ".jsx", ".ts", ".tsx", ".html", ".htm", ".ejs", ".hbs", ".vue")
MAX_BYTES = 500_000


@dataclass(frozen=True)
class TokenStorage:
    key: str
    scheme: str
    file: str


def find_token_storage(tree: ProjectTree) -> list[TokenStorage]:
    """localStorage keys read by code that also builds an Authorization header."""
    found: dict[str, TokenStorage] = {}
    for path in tree.glob(*SCRIPT_SUFFIXES):
        if path.endswith("intercom-messenger.js") or tree.resolve(path).stat().st_size > MAX_BYTES:
            continue
        text = tree.text(path)
        if "localStorage" not in text or "Authorization" not in text:
            continue
        scheme = "Token" if "'Token '" in text or '"Token "' in text or "`Token ${" in text else "Bearer"
        language = "html" if path.endswith((".html", ".htm", ".ejs", ".hbs", ".vue")) else "tsx" if path.endswith((".ts", ".tsx")) else "javascript"
        sources = [text] if language != "html" else [s.text() for s in parse(text, "html").find_all(kind="raw_text")]
        for source in sources:
            root = parse(source, "tsx" if language == "tsx" else "javascript")
            for call in root.find_all(pattern="localStorage.getItem($KEY)"):
                name = _string_value(root, call.get_match("KEY"))
                if name is not None:
                    found.setdefault(name, TokenStorage(name, scheme, path))
    return list(found.values())


def _string_value(root: SgNode, node: SgNode | None) -> str | None:
    """A string literal, or a constant declared with one in the same file (const TOKEN_KEY = 'token')."""
    if node is None:
        return None
    if node.kind() == "identifier":
        declaration = root.find(pattern=f"const {node.text()} = $VALUE")
        node = declaration.get_match("VALUE") if declaration is not None else None
    if node is None or node.kind() != "string":
        return None
    return str(ast.literal_eval(node.text()))
