"""Which syntax the plain-JS Messenger script is written in: ES5-era or modern (ES2020).

The ES5-era template (`var`, function expressions, string concatenation) runs in every browser a
page may still serve, and no project's own check objects to it unless the project lints for modern
syntax. Biome does by default: its recommended rules flag `var` (noVar), function expressions
(useArrowFunction), concatenation (useTemplate), `a && a.b` (useOptionalChain) - 112 findings over
the ES5 script on the corpus app express-typescript-2024. So the modern variant
(`intercom-messenger.modern.js`, built from the ES5 template by `scripts/build-modern-script`:
const/let, arrow functions, template literals, optional chaining) is written when

- the project lints JavaScript for modern syntax: a Biome configuration (`biome.json`,
  `biome.jsonc`) or `@biomejs/biome` in a package.json, from the script's folder up to the project
  root; or an ESLint configuration there that turns on `no-var`, `prefer-arrow-callback` or
  `prefer-template`;
- and nothing says the pages must run in old browsers: a browserslist (package.json's
  `browserslist`, `.browserslistrc`) naming Internet Explorer or Opera Mini, or a tsconfig.json
  compiling to ES3/ES5 (optional chaining needs Chrome 80, Firefox 74, Safari 13.1).

Otherwise the ES5-era script stays (it is what every other project got, and it is clean under
prettier, ESLint's recommended rules and `standard`'s errors).
"""

from __future__ import annotations

import json
import re
from typing import Any

from intercom_wizard.js_config import BIOME_FILES, ESLINT_FILES, folders_up, join_path, read_config
from intercom_wizard.tree import ProjectTree

# A modern-syntax rule turned on: 'no-var': 'error' | "warn" | 2 | 1 | ['error', ...] (any config language).
_MODERN_RULE_ON = re.compile(
    r"""['"]?(no-var|prefer-arrow-callback|prefer-template)['"]?\s*:\s*\[?\s*(['"](error|warn)['"]|[12]\b)"""
)
# A browserslist query that includes Internet Explorer or Opera Mini (none of const/let in loops,
# arrow functions or optional chaining); `not ie 11`, `not op_mini all` exclude them instead.
# Patterns kept as text are compiled on first use (re's own cache): a run that never needs them skips the compile (start-up time, issue 14).
_OLD_BROWSER_QUERY = r"(?i)^(?!not\b).*\b(ie|explorer|op_?mini|operamini)\b"
_ES5_TARGET = r"""(?i)"target"\s*:\s*"es[35]"\s*[,}\n]"""


def wants_modern_syntax(tree: ProjectTree, script: str) -> bool:
    """Whether the script created at `script` (a project path) should be the modern variant."""
    folders = folders_up(script)
    return _lints_for_modern_syntax(tree, folders) and not _serves_old_browsers(tree, folders)


def _lints_for_modern_syntax(tree: ProjectTree, folders: list[str]) -> bool:
    for folder in folders:
        if any(read_config(tree, join_path(folder, name)) is not None for name in BIOME_FILES):
            return True
        manifest = _package_json(tree, folder)
        if any("@biomejs/biome" in (manifest.get(key) or {}) for key in ("dependencies", "devDependencies")):
            return True
        if any(_MODERN_RULE_ON.search(read_config(tree, join_path(folder, name)) or "") for name in ESLINT_FILES):
            return True
        if _MODERN_RULE_ON.search(json.dumps(manifest.get("eslintConfig") or {})):
            return True
    return False


def _serves_old_browsers(tree: ProjectTree, folders: list[str]) -> bool:
    for folder in folders:
        queries = _package_json(tree, folder).get("browserslist")
        if any(re.match(_OLD_BROWSER_QUERY, query) for query in _browserslist_queries(queries)):
            return True
        browserslistrc = read_config(tree, join_path(folder, ".browserslistrc")) or ""
        if any(re.match(_OLD_BROWSER_QUERY, query) for query in _browserslist_queries(browserslistrc)):
            return True
        if re.search(_ES5_TARGET, read_config(tree, join_path(folder, "tsconfig.json")) or ""):
            return True
    return False


def _browserslist_queries(value: object) -> list[str]:
    """Each query of a browserslist: a .browserslistrc text, a list, or per-environment lists
    (`{"production": [...], "development": [...]}`)."""
    if isinstance(value, str):
        lines = (line.split("#", 1)[0] for line in value.splitlines())
        return [query.strip() for line in lines for query in line.split(",") if query.strip()]
    if isinstance(value, list):
        return [query for item in value for query in _browserslist_queries(item)]
    if isinstance(value, dict):
        return [query for item in value.values() for query in _browserslist_queries(item)]
    return []


def _package_json(tree: ProjectTree, folder: str) -> dict[str, Any]:
    try:
        data = json.loads(read_config(tree, join_path(folder, "package.json")) or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
