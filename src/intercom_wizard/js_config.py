"""Reading a JavaScript project's own config files: which ESLint/prettier files apply to a path,
the ESLint config as one text to read rules from, and the `@/` alias its tsconfig/jsconfig maps.

Kept apart from style.py (which infers the style from them) so both stay small; every reader here
treats an unreadable file as no evidence, never as an error.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from intercom_wizard.tree import ProjectTree

PRETTIER_FILES = (".prettierrc", ".prettierrc.json", ".prettierrc.json5", ".prettierrc.yaml", ".prettierrc.yml")
ESLINT_FILES = (
    "eslint.config.js", "eslint.config.mjs", "eslint.config.cjs", "eslint.config.ts", ".eslintrc", ".eslintrc.js",
    ".eslintrc.cjs", ".eslintrc.json", ".eslintrc.yaml", ".eslintrc.yml",
)


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


def alias_specifier(tree: ProjectTree, from_file: str, module_file: str) -> str | None:
    """`@/intercom/messenger` where the importing file already imports through the project's `@/` alias
    (tsconfig/jsconfig `paths` `"@/*"`) and the module lies under the folder it maps to; else None."""
    if not re.search(r"""from\s+['"]@/""", tree.text(from_file)):
        return None
    for folder in folders_up(from_file):
        for name in ("tsconfig.app.json", "tsconfig.json", "jsconfig.json"):
            raw = read_config(tree, join_path(folder, name))
            if raw is None:
                continue
            match = re.search(r""""@/\*"\s*:\s*\[\s*"\.?/?([^"*]*)\*"\s*\]""", raw)
            if not match:
                continue
            target = join_path(folder, match.group(1).rstrip("/")) if match.group(1).rstrip("/") else folder
            prefix = f"{target}/" if target else ""
            if module_file.startswith(prefix):
                return "@/" + str(PurePosixPath(module_file[len(prefix):]).with_suffix(""))
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
