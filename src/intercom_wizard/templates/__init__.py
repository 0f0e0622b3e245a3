"""Generated code lives here, one real file per template; `render` fills in the __IW_*__ values."""

import re
from importlib import resources

_PLACEHOLDER = re.compile(r"__IW_[A-Z0-9_]+__")


def render(name: str, **values: str) -> str:
    """Fill in the placeholders; a placeholder alone on its line vanishes with the line when empty."""
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    for key, value in values.items():
        placeholder = f"__IW_{key.upper()}__"
        if not value:
            text = "".join(line for line in text.splitlines(keepends=True) if line.strip() != placeholder)
        text = text.replace(placeholder, value)
    leftover = _PLACEHOLDER.search(text)
    if leftover:
        raise KeyError(f"template {name} needs a value for {leftover.group(0)}")
    return text
