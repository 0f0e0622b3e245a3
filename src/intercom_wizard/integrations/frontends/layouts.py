"""Finding the page layouts that should carry the Messenger script, and the spot inside them."""

import re

from ast_grep_py import SgNode

from intercom_wizard.edits import parse
from intercom_wizard.tree import ProjectTree

PAGE_SUFFIXES = (".html", ".htm", ".jinja", ".jinja2", ".j2", ".ejs", ".hbs", ".handlebars", ".njk", ".erb")


def body_end_tag(text: str) -> SgNode | None:
    """The `</body>` end tag, found by the HTML parser (template tags are text to it).

    In a partial that only closes the document (a footer include), the parser reports the
    unopened `</body>` as an error node; its `</` token is the spot.
    """
    # Template tags inside markup (`<li <%- done ? 'class="x"' : '' %>>` in EJS) derail the HTML
    # parser; blanked to spaces of the same length, every offset stays the file's own.
    root = parse(_blank_template_tags(text), "html")
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


# EJS/ERB `<% %>`, Jinja/Nunjucks/Twig `{% %}` and `{{ }}`, Handlebars `{{ }}`, Blade `@{{ }}`.
TEMPLATE_TAG = re.compile(r"<%.*?%>|\{%.*?%\}|\{\{.*?\}\}", re.S)


def _blank_template_tags(text: str) -> str:
    return TEMPLATE_TAG.sub(lambda match: re.sub(r"[^\n]", " ", match.group(0)), text)


def body_end_offset(text: str) -> int | None:
    """Where the script tag goes: before `</body>`, or at the end of a document that leaves its
    body implicitly closed (HTML allows omitting `</body>` and `</html>`; the Flask tutorial's
    base template does), or None for a fragment."""
    end_tag = body_end_tag(text) if "</body>" in text.lower() else None
    if end_tag is not None:
        return end_tag.range().start.index
    scripts_end = _scripts_block_end(text)
    if scripts_end is not None:
        return scripts_end
    head = text.lstrip("\ufeff \t\r\n")[:15].lower()
    if (head.startswith("<!doctype html") or head.startswith("<html")) and "</html>" not in text.lower():
        return len(text)
    return None


# Patterns kept as text are compiled on first use (re's own cache): a run that never needs them skips the compile (start-up time, issue 14).
_EXTENDS = r"""\{%-?\s*extends\s+["']([^"']+)["']"""
_BLOCK_TAG = r"\{%-?\s*(block\s+(\w+)|endblock)\b[^%]*%\}"


def _scripts_block_end(text: str) -> int | None:
    """In a template extending a package's base page (Flask-Bootstrap's "bootstrap/base.html"), the end of its
    `{% block scripts %}`: the base page prints that block last in <body>."""
    if not re.match(_EXTENDS, text.lstrip()):
        return None
    depth, inside = 0, False
    for tag in re.finditer(_BLOCK_TAG, text):
        if tag.group(2) is not None:
            depth += 1
            inside = inside or (depth == 1 and tag.group(2) == "scripts")
        else:
            depth -= 1
            if inside and depth == 0:
                return tag.start()
    return None


def package_base_layouts(tree: ProjectTree, folder: str) -> list[str]:
    """Templates under `folder` that extend a page the project does not have (a package's, such as
    Flask-Bootstrap's) and fill its `scripts` block: the project's own base layout in that setup."""
    layouts = []
    for path in tree.glob(*PAGE_SUFFIXES, under=folder):
        text = tree.text(path)
        extended = re.match(_EXTENDS, text.lstrip())
        if extended and not tree.exists(f"{folder}/{extended.group(1)}") and _scripts_block_end(text) is not None:
            layouts.append(path)
    return layouts


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
        if extends_marker and extends_marker in text:
            continue
        if body_end_offset(text) is not None:
            layouts.append(path)
    return layouts
