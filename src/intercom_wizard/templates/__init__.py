"""Generated code lives here, one real file per template; `render` fills in the __IW_*__ values.

A template can hold variants: lines between `// iw:if KEY=VALUE` (or `KEY=V1|V2`) and `// iw:end`
are kept only when `choices[KEY]` is one of the values, so what is generated carries no branch for
an option that was not chosen. The marker lines are comments, so the template stays a valid file:
`// iw:...` in JavaScript, TypeScript and PHP, `# iw:...` in Python and Ruby.
"""

import os
import re
from collections.abc import Mapping

_PLACEHOLDER = re.compile(r"__IW_[A-Z0-9_]+__")
_BLOCK_START = re.compile(r"\s*(?://|#) iw:if (\w+)=([\w|-]+)\s*")
_BLOCK_END = re.compile(r"\s*(?://|#) iw:end\s*")


# Values a template can do without: the plain-JS script's NAVIGATION is an empty list (pushState
# routers) unless the page host found Turbo, htmx, Inertia or Livewire; so is SIGN_OUT_ROUTES.
# The same for its modern-syntax variant (intercom-messenger.modern.js, built from it).
PLAIN_SCRIPTS = ("html/intercom-messenger.js", "html/intercom-messenger.modern.js")
DEFAULTS: dict[str, dict[str, str]] = {name: {"navigation": "[]", "sign_out_routes": "[]"} for name in PLAIN_SCRIPTS}
# Variants a template can do without: the plain-JS script reads a raw token unless told it is base64.
DEFAULT_CHOICES: dict[str, dict[str, str]] = {name: {"encoding": "raw"} for name in PLAIN_SCRIPTS}


def render(name: str, choices: Mapping[str, str] | None = None, **values: str) -> str:
    """Fill in the placeholders; a placeholder alone on its line vanishes with the line when empty."""
    values = DEFAULTS.get(name, {}) | values
    text = _template_text(name)
    text = _select_blocks(name, text, DEFAULT_CHOICES.get(name, {}) | dict(choices or {}))
    for key, value in values.items():
        placeholder = f"__IW_{key.upper()}__"
        if not value:
            text = "".join(line for line in text.splitlines(keepends=True) if line.strip() != placeholder)
        text = text.replace(placeholder, value)
    leftover = _PLACEHOLDER.search(text)
    if leftover:
        raise KeyError(f"template {name} needs a value for {leftover.group(0)}")
    return text


def _template_text(name: str) -> str:
    """The template file's text. Read beside this module when the package is installed as files (the
    usual case): importlib.resources loads zipfile, lzma and bz2 with it, for a zipped install only."""
    try:
        with open(os.path.join(os.path.dirname(__file__), *name.split("/")), encoding="utf-8") as handle:
            return handle.read()
    except (FileNotFoundError, NotADirectoryError):
        from importlib import resources

        return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def _select_blocks(name: str, text: str, choices: Mapping[str, str]) -> str:
    """The template without the `iw:if` blocks whose condition `choices` does not meet (markers removed)."""
    if "// iw:" not in text and "# iw:" not in text:
        return text
    kept: list[str] = []
    open_block: str | None = None
    keep = True
    for line in text.splitlines(keepends=True):
        start = _BLOCK_START.fullmatch(line)
        if start:
            if open_block is not None:
                raise ValueError(f"template {name}: iw:if {start.group(1)} inside iw:if {open_block} (no nesting)")
            key, wanted = start.groups()
            if key not in choices:
                raise KeyError(f"template {name} needs a choice for {key}")
            open_block, keep = key, choices[key] in wanted.split("|")
        elif _BLOCK_END.fullmatch(line):
            if open_block is None:
                raise ValueError(f"template {name}: iw:end without iw:if")
            open_block, keep = None, True
        elif keep:
            kept.append(line)
    if open_block is not None:
        raise ValueError(f"template {name}: iw:if {open_block} is never closed")
    return "".join(kept)
