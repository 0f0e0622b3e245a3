"""Every variant of Express's token route passes the real prettier (3.6.2) with no changes.

Measured on the corpus (docs/corpus.md, "Lint and format over the touched files"): react-boilerplate's
`prettier --check` over the touched files went 2 -> 3 because of our route: three statements were
longer than 80 columns, and the fail-closed `return null /* ... */;` had a comment prettier moves
after the semicolon. Each variant the integration renders (user kinds x CORS modes, as CommonJS, ES
module and TypeScript) is checked, after our style adaptation (the
style an install infers from the configuration), with prettier's defaults and with `semi: false` +
`singleQuote`.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from test_express_templates import VARIANTS, _route
from test_formatting_prettier_config import prettier  # noqa: F401  (the session fixture: prettier in a folder of its own)

from intercom_wizard.integrations.backends.express.plan import _as_es_module, _as_typescript
from intercom_wizard.style import infer_js_style
from intercom_wizard.tree import ProjectTree

CONFIGS: dict[str, dict[str, object]] = {
    "defaults": {},
    "semi-false-single-quote": {"semi": False, "singleQuote": True},
}


def _variants() -> dict[str, str]:
    files = {}
    for kind, cors in VARIANTS:
        module = _route(kind, cors)
        files[f"{kind}-{cors}.cjs.js"] = module
        files[f"{kind}-{cors}.mjs.js"] = _as_es_module(module)
        for default_imports in (True, False):
            files[f"{kind}-{cors}-{'default' if default_imports else 'namespace'}.ts"] = _as_typescript(module, default_imports=default_imports)
    return files


@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_every_route_variant_passes_prettier_check(tmp_path: Path, prettier: Path, config: str) -> None:  # noqa: F811
    (tmp_path / ".prettierrc.json").write_text(json.dumps(CONFIGS[config]) + "\n")
    files = _variants()
    for name, text in files.items():
        # Our style adaptation, as an install does it: the style inferred from the configuration.
        style = infer_js_style(ProjectTree(tmp_path), name)
        (tmp_path / name).write_text(style.restyle(text, "typescript" if name.endswith(".ts") else "javascript"))
    completed = subprocess.run([str(prettier), "--list-different", *sorted(files)], cwd=tmp_path,
                               capture_output=True, text=True, check=False)
    assert completed.returncode in (0, 1), completed.stderr
    rejected = completed.stdout.split()
    diffs = {}
    for name in rejected[:3]:  # what prettier would change, to read in the failure
        formatted = subprocess.run([str(prettier), name], cwd=tmp_path, capture_output=True, text=True, check=False).stdout
        diffs[name] = subprocess.run(["diff", "-u", name, "-"], cwd=tmp_path, input=formatted,
                                     capture_output=True, text=True, check=False).stdout
    assert rejected == [], (len(rejected), len(files), diffs)
