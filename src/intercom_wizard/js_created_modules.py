"""ESLint at plan time cannot see the modules the plan creates: they are not on disk yet.

eslint-plugin-import classes an import by resolving it: `./messenger` is a sibling by its name alone,
but `@/intercom/messenger` is "internal" only once the resolver (tsconfig `paths` through
eslint-import-resolver-typescript) finds the file, and "unknown" before. `import/order --fix` at plan
time would therefore move our alias import into a group of its own at the end, and the real lint,
run after the install, then reports it (bulletproof-react: "`@/lib/intercom-messenger` import
should occur before import of `@/types/api`", and an empty line inside the import group).

So when the text given to ESLint imports a created module through an alias, the fix runs with
`import/order` switched off, and the import stays where `js_import_order` placed it from the same
rule's configuration (groups, pathGroups, alphabetize, newlines-between, the resolver's aliases).
A disabled rule is never looked up, so the override is harmless where the plugin is not loaded.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import PurePosixPath

# The rule under eslint-plugin-import's name and eslint-plugin-import-x's.
ORDER_RULES = ("import/order", "import-x/order")
# Both are compiled on first use (re's own cache), not at import: most runs never need them (start-up time, issue 14)
_SPECIFIER = r"""(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\(\s*)['"]([^'"]+)['"]"""
_INDEX = r"/index$"


def module_key(path: str) -> str:
    """A created file as the module an import names: no suffix, no trailing `/index`."""
    return re.sub(_INDEX, "", str(PurePosixPath(path).with_suffix("")))


def imports_created_by_alias(text: str, created: Iterable[str]) -> bool:
    """Whether `text` imports one of the `created` paths (project paths) through a non-relative
    specifier (`@/intercom/messenger`, `~/lib/x`, `src/lib/x` under `baseUrl`)."""
    keys = [module_key(path) for path in created]
    for specifier in re.findall(_SPECIFIER, text):
        if specifier.startswith("."):
            continue  # classed by its name alone (sibling, parent): ESLint gets it right
        tail = specifier.split("/", 1)[1] if "/" in specifier else ""
        stem = module_key(tail) if tail else ""
        if stem and any(key == stem or key.endswith(f"/{stem}") or key == module_key(specifier) for key in keys):
            return True
    return False


def order_rules_off(text: str, created: Iterable[str]) -> list[str]:
    """ESLint arguments that switch import/order off for this text, or none."""
    if not imports_created_by_alias(text, created):
        return []
    return ["--rule", json.dumps(dict.fromkeys(ORDER_RULES, "off"))]
