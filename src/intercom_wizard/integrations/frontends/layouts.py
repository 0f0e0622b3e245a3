"""Finding the page layouts that should carry the Messenger script, and the spot inside them."""

from ast_grep_py import SgNode

from intercom_wizard.edits import parse
from intercom_wizard.tree import ProjectTree

PAGE_SUFFIXES = (".html", ".htm", ".jinja", ".jinja2", ".j2", ".ejs", ".hbs", ".handlebars", ".njk", ".erb")


def body_end_tag(text: str) -> SgNode | None:
    """The `</body>` end tag, found by the HTML parser (template tags are text to it).

    In a partial that only closes the document (a footer include), the parser reports the
    unopened `</body>` as an error node; its `</` token is the spot.
    """
    root = parse(text, "html")
    for element in root.find_all(kind="element"):
        start = element.child(0)
        if start is not None and start.kind() == "start_tag" and start.text()[1:5].lower() == "body":
            end = element.children()[-1]
            if end.kind() == "end_tag":
                return end
    for error in root.find_all(kind="ERROR"):
        tokens = error.children()
        for opener, name in zip(tokens, tokens[1:]):
            if opener.kind() == "</" and name.text().lower() == "body":
                return opener
    return None


def head_end_tag(text: str) -> SgNode | None:
    """The `</head>` end tag of a full document, where scripts that must survive body swaps go."""
    for element in parse(text, "html").find_all(kind="element"):
        start = element.child(0)
        if start is not None and start.kind() == "start_tag" and start.text()[1:5].lower() == "head":
            end = element.children()[-1]
            if end.kind() == "end_tag":
                return end
    return None


def find_layouts(tree: ProjectTree, folder: str, *, extends_marker: str | None = None) -> list[str]:
    """Pages under `folder` that end a full document; with `extends_marker`, only base layouts."""
    layouts = []
    for path in tree.glob(*PAGE_SUFFIXES, under=folder):
        text = tree.text(path)
        if "</body>" not in text.lower() or (extends_marker and extends_marker in text):
            continue
        if body_end_tag(text) is not None:
            layouts.append(path)
    return layouts
