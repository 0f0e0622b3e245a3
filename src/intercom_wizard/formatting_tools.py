"""Which formatters and linters a project uses for a file, and has installed: found from the file's
folder up to the project root (configuration files, package.json declarations) and only where the
binary is there (`node_modules/.bin`, a virtualenv, `vendor/bin`, `bin/`). Nothing is installed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from intercom_wizard.formatting_runs import (
    PHP_CS_FIXER_CONFIGS,
    Tool,
    run_biome,
    run_black,
    run_eslint,
    run_isort,
    run_php_cs_fixer,
    run_pint,
    run_prettier,
    run_rubocop,
    run_ruff_format,
    run_ruff_imports,
    run_standard,
)
from intercom_wizard.integrations import component_suffixes
from intercom_wizard.js_config import BIOME_FILES
from intercom_wizard.tree import ProjectTree

JS_SUFFIXES = (".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts")
PRETTIER_CONFIGS = (
    ".prettierrc", ".prettierrc.json", ".prettierrc.json5", ".prettierrc.yaml", ".prettierrc.yml", ".prettierrc.toml", ".prettierrc.js",
    ".prettierrc.cjs", ".prettierrc.mjs", ".prettierrc.ts", "prettier.config.js", "prettier.config.cjs", "prettier.config.mjs", "prettier.config.ts",
)
ESLINT_CONFIGS = ("eslint.config.js", "eslint.config.mjs", "eslint.config.cjs", "eslint.config.ts", "eslint.config.mts",
                  ".eslintrc", ".eslintrc.js", ".eslintrc.cjs", ".eslintrc.json", ".eslintrc.yaml", ".eslintrc.yml")
BIOME_CONFIGS = BIOME_FILES
VENV_DIRS = (".venv", "venv", "env", ".env")


def _ancestors(tree: ProjectTree, folder: str) -> list[Path]:
    """The file's folder and every folder above it up to the project root, nearest first."""
    start = tree.root / ("" if folder in ("", ".") else folder)
    chain = [start, *start.parents]
    return [path for path in chain if path == tree.root or tree.root in path.parents]


def _installed(folders: list[Path], *relatives: str) -> tuple[Path, Path] | None:
    """(binary, the folder it belongs to) for the nearest folder that has one of these executables."""
    for folder in folders:
        for relative in relatives:
            candidate = folder / relative
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return candidate, folder
    return None


def _package_json(folder: Path) -> dict[str, Any]:
    """The folder's package.json object (JSON: values of any type), {} when absent or not an object."""
    try:
        data = json.loads((folder / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _declares(manifest: dict[str, Any], package: str) -> bool:
    return any(package in (manifest.get(key) or {}) for key in ("dependencies", "devDependencies"))


def _has_any(folder: Path, names: tuple[str, ...]) -> bool:
    return any((folder / name).is_file() for name in names)


def find_tools(tree: ProjectTree, folder: str, suffix: str) -> list[Tool]:
    folders = _ancestors(tree, folder)
    if suffix in JS_SUFFIXES + component_suffixes():  # single-file components (.vue) are formatted as scripts
        return _javascript_tools(folders)
    if suffix == ".py":
        return _python_tools(folders)
    if suffix == ".php":
        return _php_tools(folders)
    if suffix == ".rb" or suffix == ".rake":
        return _ruby_tools(folders)
    # JSON (the receipt) is laid out by Biome or prettier: `biome check .` covers it too.
    return [tool for tool in _javascript_tools(folders) if tool.name in ("biome", "prettier")] if suffix == ".json" else []


def _node_tool(folders: list[Path], name: str, used: Callable[[Path, dict[str, Any]], bool]) -> tuple[Path, Path] | None:
    """The package's binary where the project uses it: configured or declared, and installed."""
    found = _installed(folders, f"node_modules/.bin/{name}")
    if found is None:
        return None
    for folder in folders:
        if used(folder, _package_json(folder)):
            return found
        if folder == found[1]:
            break  # configuration above the package that has the binary belongs to another project
    return None


def _javascript_tools(folders: list[Path]) -> list[Tool]:
    biome = _node_tool(folders, "biome", lambda folder, manifest: _has_any(folder, BIOME_CONFIGS))
    if biome is not None:
        return [Tool("biome", biome[0], biome[1], run_biome)]
    tools = []
    prettier = _node_tool(
        folders, "prettier", lambda folder, manifest: _has_any(folder, PRETTIER_CONFIGS) or "prettier" in manifest or _declares(manifest, "prettier")
    )
    installed = _installed(folders, "node_modules/.bin/prettier")
    if prettier is None and installed is not None and any(_has_any(folder, PRETTIER_CONFIGS) for folder in folders):
        # Prettier resolves its configuration upwards from the file, past package boundaries: a workspace
        # root's .prettierrc applies to a member whose own prettier is only a peer (eslint-plugin-prettier).
        prettier = installed
    if prettier is not None:
        tools.append(Tool("prettier", prettier[0], prettier[1], run_prettier))
    eslint = _node_tool(folders, "eslint", lambda folder, manifest: _has_any(folder, ESLINT_CONFIGS) or "eslintConfig" in manifest)
    if eslint is not None:
        tools.append(Tool("eslint", eslint[0], eslint[1], run_eslint))
    standard = _node_tool(folders, "standard", lambda folder, manifest: _declares(manifest, "standard"))
    if standard is not None and eslint is None:
        tools.append(Tool("standard", standard[0], standard[1], run_standard))
    return tools


def _python_tools(folders: list[Path]) -> list[Tool]:
    def binary(name: str) -> tuple[Path, Path] | None:
        return _installed(folders, *(f"{venv}/bin/{name}" for venv in VENV_DIRS))

    tools = []
    ruff, black, isort = binary("ruff"), binary("black"), binary("isort")
    if ruff is not None:
        tools.append(Tool("ruff check --select I", ruff[0], ruff[1], run_ruff_imports))
    elif isort is not None:
        tools.append(Tool("isort", isort[0], isort[1], run_isort))
    if black is not None:
        tools.append(Tool("black", black[0], black[1], run_black))
    elif ruff is not None:
        tools.append(Tool("ruff format", ruff[0], ruff[1], run_ruff_format))
    return tools


def _php_tools(folders: list[Path]) -> list[Tool]:
    pint = _installed(folders, "vendor/bin/pint")
    if pint is not None:
        return [Tool("pint", pint[0], pint[1], run_pint)]
    fixer = _installed(folders, "vendor/bin/php-cs-fixer")
    if fixer is not None and _has_any(fixer[1], PHP_CS_FIXER_CONFIGS):
        return [Tool("php-cs-fixer", fixer[0], fixer[1], run_php_cs_fixer)]
    return []


def _ruby_tools(folders: list[Path]) -> list[Tool]:
    found = _installed(folders, "bin/rubocop")
    if found is not None:
        return [Tool("rubocop", found[0], found[1], run_rubocop)]
    found = _installed(folders, "bin/standardrb")
    return [Tool("standardrb", found[0], found[1], run_rubocop)] if found is not None else []
