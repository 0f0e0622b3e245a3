"""Every variant of the Next.js, React and plain-HTML templates renders to a valid file of its language.

Each `// iw:if KEY=V1|V2` choice is rendered with every value the template names (all combinations),
with realistic values for its placeholders, and parsed with the grammar the project edits code with
(ast-grep's TypeScript/TSX, JavaScript and HTML); TypeScript templates are also checked as the
JavaScript that JavaScript projects receive (`shared.javascript.to_javascript`).
"""

import itertools
import re
import shutil
from importlib import resources
from pathlib import Path

import pytest
from conftest import syntax_errors

from intercom_wizard.edits import parse
from intercom_wizard.integrations.shared.javascript import to_javascript
from intercom_wizard.templates import _BLOCK_START, render

TEMPLATES = resources.files("intercom_wizard.templates")
# A value for every placeholder these templates use, of the kind the integrations put there.
VALUES = {
    "core_import": "@/lib/intercom-messenger",
    "hook_import": "@/lib/use-intercom-messenger",
    "signing_key": "key",
    "auth_module": "@/lib/session",
    "nextauth_secret": "process.env.NEXTAUTH_SECRET",
    "next_server_import": "import { connection, NextResponse } from 'next/server';",
    "response": "NextResponse",
    "rendering": "Only pages rendered per request carry a nonce.",
    "region": "US",
    "help_url": "https://example.com/csp",
    "directives": "  'default-src': [\"'self'\"],",
    "function": "proxy",
    "proxy_name": "proxy.ts",
    "router_package": "react-router-dom",
    "workspace_id": "abc12345",
    "token_url": "'/api/intercom-jwt'",
    "api_base": "null",
    "access_token_key": "null",
    "access_token_storage": "localStorage",
    "access_token_field": "null",
    "auth_scheme": "Bearer",
    "navigation": "['turbo']",
    "settings": '    api_base: "https://api-iam.eu.intercom.io",',
}
FOLDERS = ("nextjs", "react", "html")
# `install --upgrade`'s route-change components (the other upgrade templates: tests of their own).
UPGRADE_TEMPLATES = ("upgrade/IntercomRouteUpdate.tsx", "upgrade/intercom-route-update-next.tsx")



def _names() -> list[str]:
    return sorted([f"{folder}/{entry.name}" for folder in FOLDERS for entry in TEMPLATES.joinpath(folder).iterdir() if entry.is_file()] + list(UPGRADE_TEMPLATES))


def _variants(name: str) -> list[dict[str, str]]:
    """Every combination of the choices the template's `iw:if` blocks name."""
    options: dict[str, set[str]] = {}
    for line in TEMPLATES.joinpath(name).read_text(encoding="utf-8").splitlines():
        start = _BLOCK_START.fullmatch(line)
        if start:
            options.setdefault(start.group(1), set()).update(start.group(2).split("|"))
    keys = sorted(options)
    return [dict(zip(keys, values)) for values in itertools.product(*(sorted(options[key]) for key in keys))]


def _grammar(name: str) -> str:
    return {".tsx": "tsx", ".ts": "typescript", ".js": "javascript", ".html": "html"}[name[name.rindex(".") :]]


@pytest.mark.parametrize("name", _names())
def test_every_variant_parses(name: str) -> None:
    text = TEMPLATES.joinpath(name).read_text(encoding="utf-8")
    values = {key: value for key, value in VALUES.items() if f"__IW_{key.upper()}__" in text}
    for choices in _variants(name):
        source = render(name, choices, **values)
        assert "__IW_" not in source and "iw:" not in source, (name, choices)
        grammar = _grammar(name)
        assert parse(source, grammar).find(kind="ERROR") is None, (name, choices, source)
        if grammar == "html":  # the page's inline scripts are JavaScript of their own
            for script in parse(source, "html").find_all(kind="raw_text"):
                assert parse(script.text(), "javascript").find(kind="ERROR") is None, (name, script.text())
        if grammar in ("typescript", "tsx"):
            javascript = to_javascript(source, jsx=grammar == "tsx")  # what Next.js and React projects in JavaScript get
            assert parse(javascript, "tsx" if grammar == "tsx" else "javascript").find(kind="ERROR") is None, (name, choices, javascript)
            assert not re.search(r":\s*(Promise<|NextRequest|IntercomUser)", javascript), (name, choices)


@pytest.mark.skipif(shutil.which("npm") is None or shutil.which("node") is None, reason="needs Node.js and npm")
def test_every_script_variant_passes_typescripts_own_parser(typescript: Path) -> None:
    """The same variants through TypeScript's parser (typescript-syntax.cjs, what `install` checks its
    output with): the TypeScript/TSX templates, the JavaScript projects get, and the plain script."""
    files: dict[str, str] = {}
    for name in _names():
        grammar = _grammar(name)
        if grammar == "html":
            continue
        text = TEMPLATES.joinpath(name).read_text(encoding="utf-8")
        values = {key: value for key, value in VALUES.items() if f"__IW_{key.upper()}__" in text}
        for number, choices in enumerate(_variants(name)):
            source = render(name, choices, **values)
            files[f"{number}/{name}"] = source
            if grammar in ("typescript", "tsx"):
                javascript = to_javascript(source, jsx=grammar == "tsx")
                files[f"{number}/{name.rsplit('.', 1)[0]}.{'jsx' if grammar == 'tsx' else 'js'}"] = javascript
    assert len(files) > len(_names())
    assert syntax_errors(typescript, files) == {}
