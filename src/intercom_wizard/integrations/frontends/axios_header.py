"""An access token kept only in memory, on axios' default headers.

Some apps never store the token: the sign-in sets `axios.defaults.headers.common['Authorization'] =
`Bearer ${token}`` and every later request of the app's axios carries it, until the sign-out deletes it.
The Messenger core can send the same header only by reading it where the app's requests take it from,
so the core imports axios and reads that same default header (`templates/spa/intercom-messenger.ts`,
`auth=axios`). That is proven only when the object written is axios' own default export in that file
(`import axios from 'axios'`, `require('axios')`): then the core's `import axios from 'axios'` is the
same object (one module instance per bundle). An instance of the app's (`api.defaults.headers...`,
`axios.create()`) is reported, not guessed: the install stops with what it found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from intercom_wizard.file_names import named_as
from intercom_wizard.integrations import component_suffixes
from intercom_wizard.tree import ProjectTree

SCRIPT_SUFFIXES = (".js", ".mjs", ".jsx", ".ts", ".tsx")
MAX_BYTES = 500_000
# `X.defaults.headers.common['Authorization'] =` / `.common.Authorization =` / `X.defaults.headers['Authorization'] =`
HEADER_WRITE = re.compile(
    r"""(?<![\w$.])([A-Za-z_$][\w$]*)\s*\.\s*defaults\s*\.\s*headers((?:\s*\.\s*common)?)\s*"""
    r"""(?:\[\s*['"`]Authorization['"`]\s*\]|\.\s*Authorization)\s*=(?![=>])\s*(.{0,80})""",
)
SCHEME = re.compile(r"""^[`'"](Bearer|Token|JWT) ?(?:\$\{|['"]\s*\+)""")


@dataclass(frozen=True)
class AxiosHeader:
    """Where the app sets the Authorization header on an axios' defaults."""

    file: str
    line: int
    target: str  # the object written: `axios`, or an instance's name
    common: bool  # `defaults.headers.common[...]` (every method) rather than `defaults.headers[...]`
    default_axios: bool  # `target` is axios' own default export in that file
    scheme: str

    @property
    def member(self) -> str:
        """The core's read of the header, on its own `import axios from 'axios'`."""
        return "defaults.headers.common" if self.common else "defaults.headers"


def _imports_default_axios(text: str, name: str) -> bool:
    escaped = re.escape(name)
    return bool(
        re.search(rf"""import\s+{escaped}\s*(?:,\s*\{{[^}}]*\}}\s*)?from\s*['"]axios['"]""", text)
        or re.search(rf"""(?:const|let|var)\s+{escaped}\s*=\s*require\(\s*['"]axios['"]\s*\)""", text)
    )


def find_axios_headers(tree: ProjectTree) -> list[AxiosHeader]:
    """Every assignment of an Authorization header to an axios' defaults in the app's own code."""
    found: list[AxiosHeader] = []
    for path in tree.glob(*SCRIPT_SUFFIXES, *component_suffixes()):
        if named_as(path, "intercom-messenger", SCRIPT_SUFFIXES) or tree.size(path) > MAX_BYTES or not tree.mentions(path, (b"Authorization",)):
            continue
        text = tree.text(path)
        for write in HEADER_WRITE.finditer(text):
            scheme = SCHEME.match(write.group(3).lstrip())
            found.append(AxiosHeader(
                path, text.count("\n", 0, write.start()) + 1, write.group(1), bool(write.group(2)),
                _imports_default_axios(text, write.group(1)), scheme.group(1) if scheme else "Bearer",
            ))
    return found


def axios_default_header(tree: ProjectTree) -> tuple[AxiosHeader | None, str]:
    """The one default header the core can read (None, and why not, otherwise: '' when there is none)."""
    headers = find_axios_headers(tree)
    if not headers:
        return None, ""
    where = ", ".join(f"{h.target}.{h.member}['Authorization'] in {h.file}:{h.line}" for h in headers)
    if not all(h.default_axios for h in headers):
        return None, f"the Authorization header is set on an axios instance's defaults ({where}), which the Messenger cannot import"
    if len({h.common for h in headers}) != 1:
        return None, f"the Authorization header is set on different axios defaults ({where})"
    return headers[0], where
