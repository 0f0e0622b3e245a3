"""Reading a JavaScript project's own config files: which ESLint/prettier files apply to a path,
the ESLint config as one text to read rules from, and the import aliases (`@/`, `~/`...) its
tsconfig/jsconfig `paths` or Vite config `resolve.alias` map.

Kept apart from style.py (which infers the style from them) so both stay small; every reader here
treats an unreadable file as no evidence, never as an error.
"""

from __future__ import annotations

import dataclasses
import json
import posixpath
import re
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from intercom_wizard.tree import ProjectTree

if TYPE_CHECKING:
    from intercom_wizard.js_import_order import ImportOrder

PRETTIER_FILES = (".prettierrc", ".prettierrc.json", ".prettierrc.json5", ".prettierrc.yaml", ".prettierrc.yml")
ESLINT_FILES = (
    "eslint.config.js", "eslint.config.mjs", "eslint.config.cjs", "eslint.config.ts", ".eslintrc", ".eslintrc.js",
    ".eslintrc.cjs", ".eslintrc.json", ".eslintrc.yaml", ".eslintrc.yml",
)
BIOME_FILES = ("biome.json", "biome.jsonc")


def folders_up(path: str) -> list[str]:
    parent = PurePosixPath(path).parent
    folders = [parent.as_posix(), *(p.as_posix() for p in parent.parents)]
    return ["" if folder == "." else folder for folder in folders]


def join_path(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name


def read_config(tree: ProjectTree, path: str) -> str | None:
    try:
        return tree.text(path) if tree.exists(path) and tree.resolve(path).is_file() else None
    except Exception:  # unreadable or not UTF-8: it is only evidence
        return None


VITE_CONFIGS = tuple(f"vite.config.{suffix}" for suffix in ("ts", "js", "mts", "mjs", "cts", "cjs"))
# What an alias maps to in a Vite config: fileURLToPath(new URL('./src', import.meta.url)),
# path.resolve(__dirname, 'src') / resolve(__dirname, './src') / path.join(...), or a '/src' string.
_VITE_TARGET = (
    r"""(?:fileURLToPath\(\s*new\s+URL\(\s*['"](?P<url>[^'"]+)['"]\s*,\s*import\.meta\.url\s*\)\s*\)"""
    r"""|(?:path\.)?(?:resolve|join)\(\s*(?:__dirname|process\.cwd\(\))\s*,\s*['"](?P<joined>[^'"]+)['"]\s*\)"""
    r"""|['"](?P<plain>\.?/[^'"]*)['"])"""
)
# Patterns as text, compiled by `re` on first use (its cache): most projects have no alias to read (issue 14).
_VITE_ENTRY = (
    r"""(?:['"](?P<key>[^'"\s/]+)['"]|(?P<bare>[A-Za-z_$][\w$]*))\s*:\s*""" + _VITE_TARGET
    + r"""|find\s*:\s*['"](?P<found>[^'"\s/]+)['"]\s*,\s*replacement\s*:\s*""" + _VITE_TARGET.replace("?P<", "?P<r_")
)
_TS_PATH = r""""(?P<key>[^"*\s]+)/\*"\s*:\s*\[\s*"(?P<target>[^"*]*)\*"\s*\]"""


def project_aliases(tree: ProjectTree, from_file: str) -> list[tuple[str, str]]:
    """(prefix, folder) pairs the project resolves, nearest config first: tsconfig/jsconfig `paths`
    such as `"@/*": ["./src/*"]` (from `baseUrl`), and Vite's `resolve.alias` (`'@': ...`, or the
    `{ find, replacement }` list form)."""
    aliases: list[tuple[str, str]] = []
    for folder in folders_up(from_file):
        for name in ("tsconfig.app.json", "tsconfig.json", "jsconfig.json"):
            raw = read_config(tree, join_path(folder, name))
            if raw is None:
                continue
            base = re.search(r'"baseUrl"\s*:\s*"([^"]*)"', raw)
            base_folder = _joined(folder, base.group(1)) if base else folder
            aliases.extend((match["key"], _joined(base_folder, match["target"])) for match in re.finditer(_TS_PATH, raw))
        for name in VITE_CONFIGS:
            raw = read_config(tree, join_path(folder, name))
            for match in re.finditer(_VITE_ENTRY, _alias_block(raw or "")):
                key = match["key"] or match["bare"] or match["found"]
                target = next(filter(None, (match[group] for group in ("url", "joined", "plain", "r_url", "r_joined", "r_plain"))), None)
                if key and target is not None:
                    aliases.append((key, _joined(folder, target.lstrip("/") if target.startswith("/") else target)))
    return aliases


def _alias_block(config: str) -> str:
    """The `{...}` or `[...]` after `alias:` in a Vite config (brackets balanced), or ""."""
    start = re.search(r"\balias\s*:\s*([\[{])", config)
    if start is None:
        return ""
    depth = 0
    for index in range(start.start(1), len(config)):
        depth += {"{": 1, "[": 1, "(": 1, "}": -1, "]": -1, ")": -1}.get(config[index], 0)
        if depth == 0:
            return config[start.start(1) : index + 1]
    return ""


def _joined(folder: str, relative: str) -> str:
    """`relative` (./src, src/, ., ../x) from `folder`, as a project path ("" for the root)."""
    joined = posixpath.normpath(posixpath.join(folder or ".", relative.rstrip("/") or "."))
    return "" if joined == "." else joined


def alias_target(tree: ProjectTree, importer: str, module: str) -> str | None:
    """The project path (without suffix) an aliased specifier such as `@/App` names, or None."""
    for prefix, folder in project_aliases(tree, importer):
        if module.startswith(f"{prefix}/"):
            return join_path(folder, module[len(prefix) + 1 :])
    return None


def alias_specifier(tree: ProjectTree, from_file: str, module_file: str) -> str | None:
    """`@/intercom/messenger` where the importing file already imports through one of the project's
    aliases (tsconfig/jsconfig `paths`, Vite's `resolve.alias`) and the module lies under the folder
    that alias maps to; else None (the caller writes a relative path)."""
    text = tree.text(from_file)
    for prefix, folder in project_aliases(tree, from_file):
        if not re.search(r"""(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\(\s*)['"]""" + re.escape(prefix) + "/", text):
            continue
        under = f"{folder}/" if folder else ""
        if module_file.startswith(under):
            return f"{prefix}/" + str(PurePosixPath(module_file[len(under):]).with_suffix(""))
    return None


def eslint_config_text(tree: ProjectTree, path: str) -> str:
    """The ESLint configs that apply to `path` (its folder up to the root, package.json's `eslintConfig`
    included), as one text to read rule settings from."""
    texts: list[str] = []
    for folder in folders_up(path):
        texts.extend(filter(None, (read_config(tree, join_path(folder, name)) for name in ESLINT_FILES)))
        manifest = read_config(tree, join_path(folder, "package.json"))
        if manifest and '"eslintConfig"' in manifest:
            texts.append(manifest)
    return "\n".join(texts)


# An import resolver that reads tsconfig `paths` (eslint-import-resolver-typescript, also set by eslint-config-next)
# or an alias map: eslint-plugin-import then classes `@/...` imports as "internal", not "unknown".
# compiled on first use (re's own cache), not at import: most runs never need it (start-up time, issue 14)
_ALIAS_RESOLVER = r"""import(?:-x)?/resolver['"]?\s*:\s*\{[^}]*\b(?:typescript|alias)\b|['"]next(?:/core-web-vitals)?['"]"""


def project_import_order(tree: ProjectTree, path: str) -> ImportOrder | None:
    """The ESLint import order that applies to `path`, aliases its resolver resolves counted as internal."""
    lint = eslint_config_text(tree, path)
    if not lint:
        return None  # no ESLint configuration, so no rule: its reader (4 classes, a dozen patterns) is not even imported (issue 14)
    from intercom_wizard.js_import_order import order_from_lint

    order = order_from_lint(lint)
    if order is None or order.source != "import/order" or not re.search(_ALIAS_RESOLVER, lint):
        return order
    prefixes = tuple(dict.fromkeys(prefix for prefix, _ in project_aliases(tree, path)))
    return dataclasses.replace(order, internal_prefixes=prefixes)


def loose_prettier_config(text: str) -> dict[str, Any]:
    """prettier's JSON or YAML config, read just enough for the options style.py follows."""
    try:
        loaded = json.loads(text)
        return loaded if isinstance(loaded, dict) else {}
    except ValueError:
        pass
    config: dict[str, Any] = {}
    for key, value in re.findall(r"^\s*['\"]?(\w+)['\"]?\s*[:=]\s*([^\s,#]+)", text, re.MULTILINE):
        value = value.strip("'\"")
        config[key] = {"true": True, "false": False}.get(value, int(value) if value.isdigit() else value)
    return config
