"""Named imports wider than the project's prettier `printWidth`, broken as prettier breaks them.

The framework glue we create imports two names from the Messenger core
(`import { intercomPageChanged, startIntercomMessenger } from '../intercom/messenger';`): 83 columns
with that path, 76 with `./messenger`. prettier prints an import with two or more names on one line
when it fits and one name per line when it does not, so the layout depends on the rendered path and
the project's width, and only a project that configures prettier without installing it needs us to
do it (an installed prettier formats our files itself).
"""

from __future__ import annotations

import re

# compiled on first use (re's own cache), not at import: most runs never need it (start-up time, issue 14)
NAMED_IMPORT = r"^import (type )?\{ ([^{}]+) \} from (['\"][^'\"]+['\"]);?$"


def wrap_long_imports(text: str, width: int, *, indent: str = "  ", trailing_comma: bool = True) -> str:
    """Each top-level `import { a, b } from '...'` line longer than `width`, one name per line."""
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        body = line.rstrip("\r\n")
        match = re.match(NAMED_IMPORT, body)
        if match is None or len(body.expandtabs(len(indent) or 2)) <= width:
            continue
        names = [name.strip() for name in match.group(2).split(",") if name.strip()]
        if len(names) < 2:  # prettier keeps a single name on the import's line, however long
            continue
        newline = line[len(body):] or "\n"
        semicolon = ";" if body.endswith(";") else ""
        listed = f",{newline}".join(f"{indent}{name}" for name in names) + ("," if trailing_comma else "")
        lines[index] = f"import {match.group(1) or ''}{{{newline}{listed}{newline}}} from {match.group(3)}{semicolon}{line[len(body):]}"
    return "".join(lines)
