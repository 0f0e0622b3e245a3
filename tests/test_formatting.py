"""The project's own formatter and linter on what the wizard writes, with the real tools.

prettier, ESLint (@eslint/js recommended + typescript-eslint recommended, a common shared setup)
and ruff run over the files the install touched, before and after: the counts must never get
worse, a `semi: false` + single-quote project keeps its style, and uninstall restores every byte.
The npm tools are installed once per test session into a temporary folder (the registry is
reachable); ruff comes from our own virtualenv, linked in as the project's.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import copy_app, git, install_quietly, only_the_api_is_left, snapshot

from intercom_wizard.formatting import ProjectFormatter, Tool, pure_insertions
from intercom_wizard.formatting_runs import run_pint
from intercom_wizard.style import JsStyle, infer_js_style
from intercom_wizard.tree import ProjectTree

NODE_TOOLS = ["prettier@3.6.2", "eslint@9.36.0", "@eslint/js@9.36.0", "typescript-eslint@8.44.1", "typescript@5.9.2"]
RUFF = Path(sys.executable).parent / "ruff"

ESLINT_CONFIG = """\
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['node_modules'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { window: 'readonly', document: 'readonly', localStorage: 'readonly', fetch: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', requestIdleCallback: 'readonly', Response: 'readonly' } },
    rules: { semi: ['error', 'never'], quotes: ['error', 'single'], 'no-void': 'error' },
  },
)
"""

AUTH = """\
import { postJson } from './api'

export async function login(username: string, password: string): Promise<void> {
  await postJson('/api/login', { username, password })
}

export async function logout(): Promise<void> {
  await postJson('/logout')
}
"""

MAIN = """\
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import App from './App'

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
"""


@pytest.fixture(scope="session")
def node_tools(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """prettier, ESLint and typescript-eslint from the npm registry, once per session."""
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed")
    folder = tmp_path_factory.mktemp("node-tools")
    (folder / "package.json").write_text('{"name": "tools", "private": true}\n')
    completed = subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--prefer-offline", *NODE_TOOLS],
        cwd=folder, capture_output=True, text=True, timeout=600, check=False,
    )
    if completed.returncode != 0:
        pytest.skip(f"npm could not install the tools: {completed.stderr.strip().splitlines()[-1:]}")
    return folder / "node_modules"


def _react_project(root: Path, node_modules: Path) -> Path:
    files = {
        "package.json": json.dumps(
            {
                "name": "app", "private": True, "type": "module",
                "dependencies": {"react": "^19.1.1", "react-dom": "^19.1.1"},
                "devDependencies": {"typescript": "~5.9.2", "vite": "^7.1.7", "prettier": "^3.6.2", "eslint": "^9.36.0"},
            },
            indent=2,
        ) + "\n",
        ".prettierrc.json": '{ "semi": false, "singleQuote": true, "trailingComma": "all" }\n',
        "eslint.config.js": ESLINT_CONFIG,
        "tsconfig.json": "{}\n",
        ".gitignore": "node_modules\n",
        "index.html": '<!doctype html>\n<html lang="en">\n  <body>\n    <div id="root"></div>\n    <script type="module" src="/src/main.tsx"></script>\n  </body>\n</html>\n',
        "src/main.tsx": MAIN,
        "src/App.tsx": "export default function App() {\n  return <h1>Hello</h1>\n}\n",
        # `credentials: 'include'`: the app's API calls send its session cookie (the evidence for cookie auth).
        "src/api.ts": "export function postJson(url: string, body?: unknown) {\n  return fetch(url, { method: 'POST', credentials: 'include', body: JSON.stringify(body) })\n}\n",
        "src/auth.ts": AUTH,
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    (root / "node_modules").symlink_to(node_modules, target_is_directory=True)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "app")
    return root


def _touched(root: Path) -> list[str]:
    receipt = json.loads((root / ".intercom-wizard.json").read_text())
    return sorted(set(receipt["created"]) | set(receipt["inserted"]))


def _existing(root: Path, paths: list[str], suffixes: tuple[str, ...]) -> list[str]:
    return [path for path in paths if (root / path).is_file() and path.endswith(suffixes)]


def _prettier_failures(root: Path, paths: list[str]) -> int:
    """How many of these files `prettier --check` reports as not formatted."""
    files = _existing(root, paths, (".ts", ".tsx", ".js", ".jsx"))
    if not files:
        return 0
    completed = subprocess.run([str(root / "node_modules/.bin/prettier"), "--list-different", *files], cwd=root, capture_output=True, text=True, check=False)
    assert completed.returncode in (0, 1), completed.stderr
    return len([line for line in completed.stdout.splitlines() if line.strip()])


def _eslint_problems(root: Path, paths: list[str]) -> int:
    files = _existing(root, paths, (".ts", ".tsx", ".js", ".jsx"))
    if not files:
        return 0
    completed = subprocess.run([str(root / "node_modules/.bin/eslint"), "--format", "json", *files], cwd=root, capture_output=True, text=True, check=False)
    assert completed.returncode in (0, 1), completed.stderr
    return sum(result["errorCount"] + result["warningCount"] for result in json.loads(completed.stdout))


def test_prettier_and_eslint_counts_never_get_worse_and_style_is_kept(tmp_path, cli, node_tools):
    (tmp_path / "app").mkdir()
    root = _react_project(tmp_path / "app", node_tools)
    before = snapshot(root)
    result = install_quietly(cli, root)
    assert only_the_api_is_left(result), result.output  # its API is not in this project
    touched = _touched(root)
    assert "src/auth.ts" in touched and "src/main.tsx" in touched and "src/intercom/messenger.ts" in touched
    after_files = snapshot(root)
    # Before: the same paths in the original tree (files the install created did not exist).
    scratch = tmp_path / "before"
    scratch.mkdir()
    for name, data in before.items():
        (scratch / name).parent.mkdir(parents=True, exist_ok=True)
        (scratch / name).write_bytes(data)
    (scratch / "node_modules").symlink_to(node_tools, target_is_directory=True)
    counts = {
        "prettier": (_prettier_failures(scratch, touched), _prettier_failures(root, touched)),
        "eslint": (_eslint_problems(scratch, touched), _eslint_problems(root, touched)),
    }
    print(f"lint/format problems over {len(touched)} touched files, before -> after: {counts}")
    for tool, (was, now) in counts.items():
        assert now <= was, f"{tool}: {was} -> {now}"
    core = (root / "src/intercom/messenger.ts").read_text()
    auth = (root / "src/auth.ts").read_text()
    assert ";\n" not in core and ";\n" not in auth  # semi: false
    assert "'@intercom/messenger-js-sdk'" in core and '"' not in auth  # singleQuote
    assert "void intercomLogin" not in auth and "intercomLogin().catch(" in auth  # no-void is an error here
    # The project's installed tools ran over our files (they found nothing left to change in the
    # created ones, which already fit prettier's output: tests/test_template_print_width.py).
    tools = ProjectFormatter(ProjectTree(root)).tools_for("src/intercom/messenger.ts")
    assert [tool.name for tool in tools] == ["prettier", "eslint"], tools
    # Nothing formatted in place before apply: a dry run writes nothing; a second install is empty.
    assert snapshot(root) == after_files
    again = install_quietly(cli, root)
    assert "Nothing to do" in again.output, again.output
    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert snapshot(root) == before


def test_dry_run_shows_the_formatted_text_and_writes_nothing(tmp_path, cli, node_tools):
    root = tmp_path / "app"
    root.mkdir()
    _react_project(root, node_tools)
    before = snapshot(root)
    result = cli("install", str(root), "--workspace-id", "abc12345", "--dry-run", "--no-install")
    assert snapshot(root) == before
    added = [line[1:] for line in result.output.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert added and not any(line.rstrip().endswith(";") for line in added if "intercom" in line.lower())


def _python_project(tmp_path: Path) -> Path:
    root = copy_app("flask_login_app", tmp_path, commit=False)
    (root / "pyproject.toml").write_text('[tool.ruff]\nline-length = 100\n\n[tool.ruff.lint]\nselect = ["E", "F", "I"]\n')
    (root / ".venv/bin").mkdir(parents=True)
    os.symlink(RUFF, root / ".venv/bin/ruff")
    (root / ".gitignore").write_text(((root / ".gitignore").read_text() if (root / ".gitignore").exists() else "") + ".venv\n")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "fixture")
    return root


def _ruff_counts(root: Path, paths: list[str]) -> tuple[int, int]:
    """(ruff check problems, files `ruff format --check` would change) over these paths."""
    files = _existing(root, paths, (".py",))
    if not files:
        return 0, 0
    check = subprocess.run([str(RUFF), "check", "--no-cache", "--output-format", "json", *files], cwd=root, capture_output=True, text=True, check=False)
    fmt = subprocess.run([str(RUFF), "format", "--no-cache", "--check", *files], cwd=root, capture_output=True, text=True, check=False)
    return len(json.loads(check.stdout or "[]")), len([line for line in fmt.stdout.splitlines() if line.startswith("Would reformat")])


@pytest.mark.skipif(not RUFF.exists(), reason="ruff is not installed in this virtualenv")
def test_ruff_counts_never_get_worse_on_a_flask_app(tmp_path, cli):
    root = _python_project(tmp_path)
    before = snapshot(root)
    result = install_quietly(cli, root)
    assert result.exit_code == 0, result.output
    touched = _touched(root)
    scratch = tmp_path / "before"
    for name, data in before.items():
        (scratch / name).parent.mkdir(parents=True, exist_ok=True)
        (scratch / name).write_bytes(data)
    was, now = _ruff_counts(scratch, touched), _ruff_counts(root, touched)
    print(f"ruff (check problems, files to reformat) over {touched}: before {was} -> after {now}")
    assert now[0] <= was[0] and now[1] <= was[1], (was, now)
    created = [path for path in touched if path.endswith(".py") and not (scratch / path).exists()]
    assert created and _ruff_counts(root, created) == (0, 0)  # our own files pass the project's ruff
    assert not (root / ".ruff_cache").exists()  # the tools never wrote into the project
    again = install_quietly(cli, root)
    assert "Nothing to do" in again.output, again.output
    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert snapshot(root) == before


# -- without tools: the inferred style ------------------------------------------------------------


def test_style_follows_prettier_config_then_the_code(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src/a.ts").write_text('import x from "y";\n\nfunction f() {\n    return x;\n}\n')
    tree = ProjectTree(tmp_path)
    assert infer_js_style(tree, "src/new.ts") == JsStyle(quote='"', semicolons=True, indent="    ")
    (tmp_path / "package.json").write_text('{"prettier": {"semi": false, "singleQuote": true, "useTabs": true}}\n')
    assert infer_js_style(ProjectTree(tmp_path), "src/new.ts") == JsStyle(quote="'", semicolons=False, indent="\t", trailing_commas="all", commas_configured=True, print_width=80)


def test_restyle_keeps_strings_and_template_literals(tmp_path):
    style = JsStyle(quote='"', semicolons=False, indent="    ")
    code = "const a = 'it\\'s';\nconst b = `x\n  y`;\nif (a) {\n  f('z');\n}\n;[1].map(g);\n"
    assert style.restyle(code, "javascript") == "const a = 'it\\'s'\nconst b = `x\n  y`\nif (a) {\n    f(\"z\")\n}\n;[1].map(g)\n"


def test_pure_insertions_rejects_a_change_to_existing_text():
    assert pure_insertions("a\nb\n", "a\nX\nb\n") is not None
    assert pure_insertions("f('a')\n", 'f("a")\n') is None  # a requote of the project's own line


def test_no_tool_means_no_formatting(tmp_path):
    (tmp_path / "package.json").write_text('{"devDependencies": {"prettier": "^3"}}\n')
    formatter = ProjectFormatter(ProjectTree(tmp_path))
    assert formatter.tools_for("src/a.ts") == []  # declared but not installed: never installed for the user


def test_a_workspace_root_prettier_config_applies_to_a_member_with_a_peer_prettier(tmp_path):
    """turbo-next-express: the root's .prettierrc, and apps/api has prettier only as eslint-plugin-prettier's
    peer (its own bin, nothing declared): prettier would apply the root config to apps/api's files, so the
    created Express route is formatted with it (before, the search stopped at apps/api and left it as generated)."""
    (tmp_path / ".prettierrc").write_text('{ "printWidth": 120 }\n')
    (tmp_path / "package.json").write_text('{"private": true, "devDependencies": {"prettier": "^3.4.2"}}\n')
    (tmp_path / "apps/api").mkdir(parents=True)
    (tmp_path / "apps/api/package.json").write_text('{"devDependencies": {"eslint-plugin-prettier": "^5.2.2"}}\n')
    binary = tmp_path / "apps/api/node_modules/.bin/prettier"
    binary.parent.mkdir(parents=True)
    binary.write_text("#!/bin/sh\n")
    binary.chmod(0o755)
    [tool] = ProjectFormatter(ProjectTree(tmp_path)).tools_for("apps/api/src/intercom-jwt.ts")
    assert (tool.name, tool.binary) == ("prettier", binary)
    (tmp_path / ".prettierrc").unlink()  # no configuration anywhere and nothing declared here: not the member's tool
    (tmp_path / "package.json").write_text('{"private": true}\n')
    assert ProjectFormatter(ProjectTree(tmp_path)).tools_for("apps/api/src/intercom-jwt.ts") == []


def test_a_file_not_clean_under_prettier_keeps_its_own_lines(tmp_path, cli, node_tools):
    """auth.ts breaks the project's prettier config before install: only our lines are added, in its style."""
    (tmp_path / "app").mkdir()
    root = _react_project(tmp_path / "app", node_tools)
    messy = AUTH.replace("export async function logout(): Promise<void> {\n", "export async function logout():Promise<void>{\n")
    (root / "src/auth.ts").write_text(messy)
    git(root, "commit", "-qam", "messy")
    before = snapshot(root)
    result = install_quietly(cli, root)
    assert only_the_api_is_left(result), result.output  # its API is not in this project
    after = (root / "src/auth.ts").read_text()
    assert "export async function logout():Promise<void>{\n  intercomLogout()\n" in after  # untouched line, our line below it
    assert _prettier_failures(root, ["src/auth.ts"]) == 1  # as before: not made worse, not reformatted either
    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert snapshot(root) == before


def test_a_tool_without_stdin_fixes_a_private_copy_read_back_byte_for_byte(tmp_path):
    """Pint (and PHP-CS-Fixer) only fix files in place: the copy in the mirror folder is read back as
    written, CRLF kept, on every supported Python (read_text(newline=...) only exists from 3.13)."""
    pint = tmp_path / "vendor" / "bin" / "pint"
    pint.parent.mkdir(parents=True)
    # A stand-in for Pint: fixes the file named last in place, and proves it ran in the mirror with pint.json.
    pint.write_text('#!/bin/sh\nfor last; do :; done\ntest -f pint.json || exit 3\nsed -i "s/array()/[]/" "$last"\n')
    pint.chmod(0o755)
    (tmp_path / "pint.json").write_text('{"preset": "laravel"}\n')
    (tmp_path / "app").mkdir()
    source = tmp_path / "app" / "intercom.php"
    tool = Tool("pint", pint, tmp_path, run_pint)
    assert tool.fix(source, "<?php\r\n$claims = array();\r\n") == "<?php\r\n$claims = [];\r\n"
    assert not source.exists()  # the project's own file is never the one fixed
