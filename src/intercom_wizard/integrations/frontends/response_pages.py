"""Pages an app returns as strings in its code: FastAPI `HTMLResponse("<html>…")`, Express
`res.send('<html>…')`, a Flask view returning markup, a PHP `echo` of a whole page.

Such a page has no template for the layout search to find, but it is what the browser shows, so
the Messenger's tag goes into the string itself, before its `</body>`. The tag is written without
quotes (`<script src=/intercom-messenger.js defer></script>` is valid HTML) so that it fits in any
string literal, whatever its delimiter.
"""

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from intercom_wizard.errors import WizardError
from intercom_wizard.plan import Insertion
from intercom_wizard.tree import ProjectTree

CODE_SUFFIXES = (".py", ".js", ".mjs", ".cjs", ".ts", ".rb", ".php")
BODY_END = re.compile(r"</body\s*>", re.IGNORECASE)
# A URL the tag can carry unquoted: no spaces, quotes, `=`, `<`, `>` or backticks.
UNQUOTED_URL = re.compile(r"^[\w./:-]+$")
SKIPPED_PARTS = frozenset({"test", "tests", "spec", "__tests__", "fixtures", "templates", "views", "public", "static"})


@dataclass(frozen=True)
class ResponsePage:
    file: str
    offset: int  # where `</body>` starts in the file
    line: int


def find_response_pages(tree: ProjectTree, root: str) -> list[ResponsePage]:
    """Every `</body>` inside the app's code files (not its templates or static pages)."""
    pages = []
    for path in tree.glob(*CODE_SUFFIXES, under=root):
        name = PurePosixPath(path)
        if "intercom" in name.name.lower() or set(name.parts[:-1]) & SKIPPED_PARTS:
            continue
        try:
            text = tree.text(path)
        except WizardError:
            continue
        if path.endswith(".php") and not text.lstrip().startswith("<?php"):
            continue  # a PHP page that starts as HTML is a layout the PHP integration edits itself
        if path.endswith(".rb") and "\n__END__\n" in text:
            text = text[: text.index("\n__END__\n")]  # inline templates: Sinatra's integration reports those
        for match in BODY_END.finditer(text):
            pages.append(ResponsePage(path, match.start(), text.count("\n", 0, match.start()) + 1))
    return pages


def script_tag(script_url: str) -> str | None:
    """The quote-free tag for `script_url`, or None when the URL needs quoting (a template expression)."""
    return f"<script src={script_url} defer></script>" if UNQUOTED_URL.match(script_url) else None


def tag_insertion(page: ResponsePage, tag: str) -> Insertion:
    return Insertion(page.offset, tag)
