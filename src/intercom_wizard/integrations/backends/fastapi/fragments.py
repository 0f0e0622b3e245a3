"""Jinja pages that are fragments: no template ends a document (no `</body>`, no base layout), the browser
supplies `<body>` around what each page prints. The Messenger script then goes into the partial every
rendered page includes (a site map, a footer), proven from the code: every template the app's Python
renders with `TemplateResponse(...)` includes that partial unconditionally (and, when the tag prints the
request's CSP nonce, with its context). Without one, each rendered template is named in a manual step.
"""

import re

from intercom_wizard.tree import ProjectTree, join

# `templates.TemplateResponse("index.html", ...)`, `TemplateResponse(request, "index.html")`, `name="index.html"`.
_RENDERED = re.compile(r"""TemplateResponse\(\s*(?:request\s*,\s*)?(?:name\s*=\s*)?["']([\w./-]+)["']""")
# Group 2: what follows the name (`ignore missing`, `with context`, `without context`).
_INCLUDE = re.compile(r"""\{%-?\s*include\s+["']([\w./-]+)["']([^%]*)""")
# Block tags that make what is inside them conditional or repeated.
_OPENS = re.compile(r"\{%-?\s*(if|for|macro|call|filter)\b")
_CLOSES = re.compile(r"\{%-?\s*end(if|for|macro|call|filter)\b")


def rendered_templates(tree: ProjectTree, sources: list[str], templates: str) -> list[str]:
    """The templates (paths in the project) the app's own code renders as pages, in a stable order."""
    names = {match.group(1) for path in sources for match in _RENDERED.finditer(tree.text(path))}
    return sorted(path for name in names if tree.exists(path := join(templates, name)))


def shared_partial(tree: ProjectTree, templates: str, pages: list[str], *, with_context: bool = False) -> str | None:
    """The partial every rendered page includes outside any condition or loop, or None.

    `with_context`: only a partial every page includes with its context (Jinja's default) counts, for a
    tag printing the request's CSP nonce: `without context`, `request` is undefined there and the page fails.
    """
    if not pages:
        return None
    shared: set[str] | None = None
    for page in pages:
        included = _unconditional_includes(tree.text(page), with_context=with_context)
        shared = included if shared is None else shared & included
    found = sorted(path for name in shared or () if tree.exists(path := join(templates, name)) and path not in pages)
    return found[0] if len(found) == 1 else None


def _unconditional_includes(text: str, *, with_context: bool) -> set[str]:
    """Templates the text includes at its top level (not inside if/for/macro blocks)."""
    included = set()
    for match in _INCLUDE.finditer(text):
        if with_context and "without context" in " ".join(match.group(2).split()):
            continue
        before = text[: match.start()]
        if len(_OPENS.findall(before)) == len(_CLOSES.findall(before)):
            included.add(match.group(1))
    return included
