"""Imports we add go where the project's import order puts them (issue 13): ESLint's `import/order`
or `simple-import-sort`, else the file's own grouping. The real-tool test runs ESLint with both plugins
from npm over files before and after the insertion."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import git, install_quietly, only_the_api_is_left, snapshot

from intercom_wizard.edits import apply_insertions, parse
from intercom_wizard.integrations.frontends.spa_common.imports import ordered_import
from intercom_wizard.js_import_order import arrange_imports, order_from_lint
from intercom_wizard.sourcefile import SourceText

OURS = "import { useIntercomMessenger } from '@/intercom/messenger';"
RELATIVE = "import { useIntercomMessenger } from './intercom/messenger';"


def added(text: str, statement: str, lint: str = "", language: str = "typescript") -> str | None:
    insertion = ordered_import(order_from_lint(lint), SourceText(text, "\n", False), (text, 0, language), parse(text, language), statement)
    return None if insertion is None else apply_insertions(text, [insertion])


def test_the_files_own_groups_packages_aliases_relative_with_blank_lines_kept():
    text = "import { ref } from 'vue';\n\nimport { store } from '@/store';\n\nimport App from './App.vue';\n"
    assert added(text, OURS) == ("import { ref } from 'vue';\n\nimport { store } from '@/store';\n" + OURS + "\n\nimport App from './App.vue';\n")


def test_a_group_the_file_lacks_opens_between_its_neighbours_with_its_blank_lines():
    text = "import { ref } from 'vue';\n\nimport App from './App.vue';\nimport './style.css';\n"
    assert added(text, OURS) == "import { ref } from 'vue';\n\n" + OURS + "\n\nimport App from './App.vue';\nimport './style.css';\n"
    tight = "import { ref } from 'vue';\nimport App from './App.vue';\n"
    assert added(tight, OURS) == "import { ref } from 'vue';\n" + OURS + "\nimport App from './App.vue';\n"


def test_alphabetical_only_where_the_files_group_already_is():
    sorted_group = "import React from 'react';\n\nimport { a } from './a';\nimport { z } from './z';\n"
    assert added(sorted_group, RELATIVE) == ("import React from 'react';\n\nimport { a } from './a';\n" + RELATIVE + "\nimport { z } from './z';\n")
    unsorted = "import React from 'react';\n\nimport { z } from './z';\nimport { a } from './a';\n"
    assert added(unsorted, RELATIVE) == unsorted + RELATIVE + "\n"


def test_a_comment_above_an_import_stays_with_it():
    own = "// the app's own\nimport { k } from './k';\nimport { z } from './z';\n"
    assert added("import React from 'react';\n\n" + own, RELATIVE) == "import React from 'react';\n\n" + RELATIVE + "\n" + own


def test_interleaved_kinds_keep_the_old_rule():
    text = "import App from './App';\nimport React from 'react';\nimport { b } from './b';\n"
    assert added(text, RELATIVE) is None  # the caller then adds it after the last import


def test_a_side_effect_import_stays_with_the_group_before_it():
    text = "import React from 'react';\nimport App from './App';\nimport './index.css';\n"
    assert added(text, "import './intercom.js';") is None  # unassigned: after the last import, as before
    assert added(text, RELATIVE) == "import React from 'react';\nimport App from './App';\nimport './index.css';\n" + RELATIVE + "\n"


IMPORT_ORDER = """export default [{ rules: { 'import/order': ['error', {
  groups: ['builtin', 'external', 'internal', ['parent', 'sibling'], 'index'],
  'newlines-between': 'always',
  alphabetize: { order: 'asc' },
}] } }];"""


def test_import_order_groups_from_the_eslint_config():
    order = order_from_lint(IMPORT_ORDER)
    assert order is not None and order.alphabetize and order.separated
    assert order.groups == (("builtin",), ("external",), ("internal",), ("parent", "sibling"), ("index",))
    assert order_from_lint("{ rules: { 'import/order': 'error', 'x': ['error', { groups: [1] }] } }") == order_from_lint(
        "{ rules: { 'import/order': 'error' } }"
    )
    assert order_from_lint("{ rules: { 'no-void': 'error' } }") is None


def test_default_import_order_puts_an_unresolved_alias_last():
    """eslint-plugin-import's default groups leave out "internal"/"unknown": an `@/` import comes last."""
    text = "import { b } from '@/b';\nimport App from './App';\n"
    assert added(text, OURS, "{ rules: { 'import/order': 'error' } }") == ("import { b } from '@/b';\n" + OURS + "\nimport App from './App';\n")
    relative_only = "import React from 'react';\nimport App from './App';\n"
    assert added(relative_only, OURS, "{ rules: { 'import/order': 'error' } }") == relative_only + OURS + "\n"


def test_simple_import_sort_puts_a_side_effect_import_first():
    lint = "{ rules: { 'simple-import-sort/imports': 'error' } }"
    text = "import React from 'react';\n\nimport App from './App';\n"
    assert added(text, "import './intercom.js';", lint) == "import './intercom.js';\n\n" + text


def test_a_created_files_imports_are_laid_out_in_the_configured_order():
    created = "/* ours */\nimport { useEffect } from 'react';\nimport { start } from './messenger';\nimport { b } from '@/b';\n\nexport {};\n"
    simple = order_from_lint("{ rules: { 'simple-import-sort/imports': 'error' } }")
    assert simple is not None
    assert arrange_imports(created, "typescript", simple) == (
        "/* ours */\nimport { useEffect } from 'react';\n\nimport { b } from '@/b';\n\nimport { start } from './messenger';\n\nexport {};\n"
    )
    unassigned = "import 'x';\nimport React from 'react';\n"
    ordered = order_from_lint("{ rules: { 'import/order': 'error' } }")
    assert ordered is not None and arrange_imports(unassigned, "typescript", ordered) == unassigned


LINT_PACKAGES = ["eslint@9.36.0", "eslint-plugin-import@2.31.0", "eslint-plugin-simple-import-sort@12.1.1"]
SIMPLE_SORT = """import simpleImportSort from 'eslint-plugin-simple-import-sort';
export default [{ plugins: { 'simple-import-sort': simpleImportSort }, rules: { 'simple-import-sort/imports': 'error' } }];
"""
IMPORT_PLUGIN = (
    """import importPlugin from 'eslint-plugin-import';
export default [{ plugins: { import: importPlugin }, settings: { 'import/internal-regex': '^@/' }, rules: """
    + IMPORT_ORDER.split("rules: ", 1)[1].rsplit("}", 1)[0]
    + "}];\n"
)

SOURCES = {
    "a.js": "import fs from 'node:fs';\n\nimport React from 'react';\n\nimport { b } from '@/b';\n\nimport App from './App';\nimport { z } from './z';\n",
    "b.js": "import React from 'react';\n\nimport App from './App';\n",
    "c.js": "import { b } from '@/b';\nimport { c } from '@/c';\n\nimport { a } from '../a';\nimport { d } from './d';\n",
}
STATEMENTS = [OURS, RELATIVE, "import { useIntercomMessenger } from '../intercom/messenger';", "import './intercom.js';"]


@pytest.fixture(scope="session")
def lint_tools(tmp_path_factory) -> Path:
    """ESLint with eslint-plugin-import and eslint-plugin-simple-import-sort from the npm registry, once."""
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed")
    folder = tmp_path_factory.mktemp("lint-tools")
    (folder / "package.json").write_text(json.dumps({"name": "lint-tools", "private": True, "type": "module"}))
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", *LINT_PACKAGES], cwd=folder, check=True, capture_output=True)
    return folder


def _problems(folder: Path, config: str, files: dict[str, str]) -> int:
    (folder / "eslint.config.js").write_text(config)
    for name, text in files.items():
        (folder / "src" / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / "src" / name).write_text(text)
    completed = subprocess.run(
        [str(folder / "node_modules/.bin/eslint"), "--format", "json", *(f"src/{name}" for name in files)],
        cwd=folder, capture_output=True, text=True, check=False,
    )  # fmt: skip
    messages = [(r["filePath"], m.get("message")) for r in json.loads(completed.stdout) for m in r["messages"]]
    print(messages)
    return len(messages)


@pytest.mark.parametrize("config", [SIMPLE_SORT, IMPORT_PLUGIN], ids=["simple-import-sort", "import-order"])
@pytest.mark.parametrize("statement", STATEMENTS)
def test_the_real_eslint_finds_no_more_import_order_problems(lint_tools, config, statement):
    lint = config
    before = _problems(lint_tools, config, SOURCES)
    after_files = {name: added(text, statement, lint, "javascript") or text.rstrip("\n") + "\n" + statement + "\n" for name, text in SOURCES.items()}
    after = _problems(lint_tools, config, after_files)
    assert (before, after) == (0, 0), after_files


APP_LINT = {
    "simple-import-sort": """import simpleImportSort from 'eslint-plugin-simple-import-sort'

export default [
  {
    files: ['**/*.js', '**/*.jsx'],
    languageOptions: { parserOptions: { ecmaFeatures: { jsx: true } } },
    plugins: { 'simple-import-sort': simpleImportSort },
    rules: { 'simple-import-sort/imports': 'error' },
  },
]
""",
    "import-order": """import importPlugin from 'eslint-plugin-import'

export default [
  {
    files: ['**/*.js', '**/*.jsx'],
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module', parserOptions: { ecmaFeatures: { jsx: true } } },
    plugins: { import: importPlugin },
    rules: {
      'import/order': ['error', { groups: ['builtin', 'external', 'internal', 'parent', 'sibling', 'index'], 'newlines-between': 'always', alphabetize: { order: 'asc' } }],
    },
  },
]
""",
}
APP_FILES = {
    "package.json": json.dumps(
        {
            "name": "app",
            "private": True,
            "type": "module",
            "dependencies": {"react": "^19.1.1", "react-dom": "^19.1.1"},
            "devDependencies": {"vite": "^7.1.7", "eslint": "^9.36.0", "eslint-plugin-simple-import-sort": "^12.1.1"},
        },
    ),  # fmt: skip
    ".gitignore": "node_modules\n",
    "index.html": '<!doctype html>\n<html>\n  <body>\n    <div id="root"></div>\n    <script type="module" src="/src/main.jsx"></script>\n  </body>\n</html>\n',
    "src/main.jsx": "import { StrictMode } from 'react'\nimport { createRoot } from 'react-dom/client'\n\nimport App from './App'\n\n"
    "createRoot(document.getElementById('root')).render(\n  <StrictMode>\n    <App />\n  </StrictMode>,\n)\n",
    "src/App.jsx": "export default function App() {\n  return <h1>Hello</h1>\n}\n",
    # `credentials: 'include'`: the API calls send the session cookie (the evidence for cookie auth).
    "src/api.js": "export function postJson(url, body) {\n  return fetch(url, { method: 'POST', credentials: 'include', body: JSON.stringify(body) })\n}\n",
    "src/zone.js": "export const zone = 'eu'\n",
    "src/auth.js": "import { postJson } from './api'\nimport { zone } from './zone'\n\n"
    "export async function login(username, password) {\n  await postJson('/api/login', { username, password, zone })\n}\n\n"
    "export async function logout() {\n  await postJson('/logout')\n}\n",
}


@pytest.mark.parametrize("rule", sorted(APP_LINT))
def test_an_install_into_an_app_with_an_import_order_rule_adds_no_lint_problem(tmp_path, cli, lint_tools, rule):
    """ESLint is configured but not installed when the wizard runs (so it cannot `--fix`): the imports it
    adds and the files it creates must already be in the rule's order. Linted with the real plugin afterwards."""
    root = tmp_path / "app"
    for name, text in {**APP_FILES, "eslint.config.js": APP_LINT[rule]}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "app")
    before = snapshot(root)
    result = install_quietly(cli, root)
    assert only_the_api_is_left(result), result.output
    receipt = json.loads((root / ".intercom-wizard.json").read_text())
    touched = sorted(p for p in set(receipt["created"]) | set(receipt["inserted"]) if p.endswith((".js", ".jsx")))
    assert "src/auth.js" in touched, touched
    scratch = tmp_path / "before"
    for name, data in before.items():
        (scratch / name).parent.mkdir(parents=True, exist_ok=True)
        (scratch / name).write_bytes(data)
    counts = []
    for folder in (scratch, root):
        (folder / "node_modules").symlink_to(lint_tools / "node_modules", target_is_directory=True)
        files = [p for p in touched if (folder / p).is_file()]
        completed = subprocess.run(
            [str(folder / "node_modules/.bin/eslint"), "--format", "json", *files], cwd=folder, capture_output=True, text=True, check=False
        )
        assert completed.returncode in (0, 1), completed.stderr
        counts.append(sum(r["errorCount"] + r["warningCount"] for r in json.loads(completed.stdout)))
    print(f"ESLint ({rule}) problems over {len(touched)} touched files, before -> after: {counts}")
    assert counts == [0, 0], (root / "src/auth.js").read_text()
