"""Slim (Ruby) as a page engine, for the Ruby back ends whose layouts are Slim (`views/layout.slim`).

Slim, like Pug, has no closing tags: an element's children are the lines indented below it. So the
Messenger's tag is one line, `script src="..." defer=true`, placed exactly as in a Pug layout (after
the last line inside `body`, at its children's indentation: `pug.script_tag_insertion`). An unquoted
Slim attribute value is Ruby, so `defer=true` renders the boolean attribute.
"""

SUFFIX = ".slim"


def is_slim(path: str) -> bool:
    return path.endswith(SUFFIX)


def script_tag(src: str, *, attributes: str = "") -> str:
    """The Messenger's tag in Slim; `attributes` are HTML-style extras (` data-turbo-track="reload"`),
    which are valid Slim attributes as written."""
    return f'script src="{src}"{attributes} defer=true'
