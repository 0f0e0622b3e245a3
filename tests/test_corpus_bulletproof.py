"""bulletproof-react's lint shapes (issue 13), as a small app of our own linted by the real plugins.

bulletproof-react (react-vite, nextjs-app) lints with eslint-plugin-import's `import/order` (groups,
`newlines-between: always`, alphabetized; `@/` classed "internal" by eslint-import-resolver-typescript)
and eslint-plugin-check-file (`KEBAB_CASE` file names). Three failures there, each reproduced here:

- the project's ESLint, run at plan time with `--fix`, could not resolve our `@/intercom/messenger`
  (the module did not exist yet), classed it "unknown" and moved it into a group of its own after the
  relative imports: `import/order` after the install, and in nextjs-app's layout an empty line inside
  the `@/` group (js_created_modules.py switches the rule off for such text; js_import_order places it);
- the created `IntercomMessenger.jsx` broke the kebab-case file-name rule (file_names.py);
- with `pathGroups: [{ pattern: '@/**', group: 'internal' }]` instead of a resolver, the same order
  must come from our own placement, since the rule is off at plan time.

The npm packages are installed once for the module (pinned) and linked into each app as its own.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import git, install_quietly, only_the_api_is_left, snapshot

from intercom_wizard.edits import apply_insertions, parse
from intercom_wizard.file_names import conventional_path, folder_case, words_of
from intercom_wizard.integrations.frontends.spa_common.imports import ordered_import
from intercom_wizard.js_created_modules import imports_created_by_alias, order_rules_off
from intercom_wizard.js_import_order import glob_regex, order_from_lint
from intercom_wizard.sourcefile import SourceText
from intercom_wizard.tree import ProjectTree

LINT_PACKAGES = ["eslint@9.36.0", "eslint-plugin-import@2.31.0", "eslint-plugin-check-file@2.8.0", "eslint-import-resolver-typescript@3.10.1"]
ORDER = "groups: ['builtin', 'external', 'internal', 'parent', 'sibling', 'index', 'object'], 'newlines-between': 'always', alphabetize: { order: 'asc', caseInsensitive: true }"
LINT = """import checkFile from 'eslint-plugin-check-file';
import importPlugin from 'eslint-plugin-import';

export default [
  { ignores: ['node_modules/**'] },
  {
    files: ['**/*.js', '**/*.jsx'],
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module', parserOptions: { ecmaFeatures: { jsx: true } } },
    plugins: { import: importPlugin, 'check-file': checkFile },
    settings: SETTINGS,
    rules: {
      'import/order': ['error', { ORDER }],
      'check-file/filename-naming-convention': ['error', { 'src/**/*.{js,jsx}': 'KEBAB_CASE' }, { ignoreMiddleExtensions: true }],
    },
  },
];
"""
CONFIGS = {
    # bulletproof-react's shape: the resolver reads the `@/*` alias, so `@/...` is "internal" once it exists.
    "resolver": LINT.replace("SETTINGS", "{ 'import/resolver': { typescript: { project: './jsconfig.json' } } }").replace("ORDER", ORDER),
    # no resolver: pathGroups class `@/**` as internal whether or not the module exists.
    "pathGroups": LINT.replace("SETTINGS", "{}").replace("ORDER", "pathGroups: [{ pattern: '@/**', group: 'internal' }], " + ORDER),
}
APP = {
    "package.json": json.dumps(
        {
            "name": "bulletproof-shape",
            "private": True,
            "type": "module",
            "dependencies": {"react": "^18.3.1", "react-dom": "^18.3.1"},
            "devDependencies": {"eslint": "9.36.0", "eslint-plugin-import": "2.31.0", "eslint-plugin-check-file": "2.8.0"},
        }
    ),
    ".gitignore": "node_modules\n",
    "jsconfig.json": '{\n  "compilerOptions": {\n    "baseUrl": ".",\n    "paths": {\n      "@/*": ["./src/*"]\n    }\n  }\n}\n',
    "index.html": '<!doctype html>\n<html>\n  <body>\n    <div id="root"></div>\n    <script type="module" src="/src/main.jsx"></script>\n  </body>\n</html>\n',
    "src/main.jsx": "import { StrictMode } from 'react';\nimport { createRoot } from 'react-dom/client';\n\nimport App from '@/app';\n\n"
    "createRoot(document.getElementById('root')).render(\n  <StrictMode>\n    <App />\n  </StrictMode>,\n);\n",
    "src/app.jsx": "export default function App() {\n  return <h1>Hello</h1>;\n}\n",
    "src/config/paths.js": "export const paths = { login: '/api/login', logout: '/api/logout' };\n",
    "src/types/zone.js": "export const zone = 'eu';\n",
    # `credentials: 'include'`: the API calls send the session cookie (the evidence for cookie auth).
    "src/lib/api-client.js": "export function postJson(url, body) {\n"
    "  return fetch(url, { method: 'POST', credentials: 'include', body: JSON.stringify(body) });\n}\n",
    "src/lib/auth.js": "import { paths } from '@/config/paths';\nimport { zone } from '@/types/zone';\n\nimport { postJson } from './api-client';\n\n"
    "export async function login(username, password) {\n  await postJson(paths.login, { username, password, zone });\n}\n\n"
    "export async function logout() {\n  await postJson(paths.logout);\n}\n",
}


@pytest.fixture(scope="module")
def lint_packages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ESLint, eslint-plugin-import, eslint-plugin-check-file and the TypeScript resolver, once per module."""
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed")
    folder = tmp_path_factory.mktemp("bulletproof-lint")
    (folder / "package.json").write_text(json.dumps({"name": "lint-packages", "private": True, "type": "module"}))
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefer-offline", *LINT_PACKAGES], cwd=folder, check=True, capture_output=True)
    return folder / "node_modules"


def _app(root: Path, config: str, node_modules: Path) -> Path:
    for name, text in {**APP, "eslint.config.js": config}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    (root / "node_modules").symlink_to(node_modules, target_is_directory=True)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "app")
    return root


def _eslint(root: Path, *files: str) -> tuple[int, list[str]]:
    completed = subprocess.run(
        [str(root / "node_modules/.bin/eslint"), "--format", "json", *(files or ("src",))], cwd=root, capture_output=True, text=True, check=False
    )
    problems = [f"{Path(r['filePath']).relative_to(root)}: {m['ruleId']}" for r in json.loads(completed.stdout or "[]") for m in r["messages"]]
    return completed.returncode, problems


@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_install_into_the_bulletproof_shape_keeps_its_lint_clean(tmp_path, cli, lint_packages, config):
    root = _app(tmp_path / "app", CONFIGS[config], lint_packages)
    assert _eslint(root) == (0, [])
    before = snapshot(root)

    result = install_quietly(cli, root)
    assert result.exit_code == 4 and only_the_api_is_left(result), result.output
    # kebab-case like the rule wants; the entry imports it by that name, through the alias it uses
    assert (root / "src/intercom/intercom-messenger.jsx").is_file() and not (root / "src/intercom/IntercomMessenger.jsx").exists()
    assert "import { IntercomMessenger } from '@/intercom/intercom-messenger';" in (root / "src/main.jsx").read_text()
    # our `@/` import sorted into the `@/` group, no group of its own, no blank line inside the group
    assert (
        (root / "src/lib/auth.js")
        .read_text()
        .startswith(
            "import { paths } from '@/config/paths';\nimport { intercomLogin, intercomLogout } from '@/intercom/messenger';\n"
            "import { zone } from '@/types/zone';\n\nimport { postJson } from './api-client';\n"
        )
    )
    assert _eslint(root) == (0, [])
    installed = snapshot(root)
    again = install_quietly(cli, root)  # the second plan names the file the same way: nothing to do
    assert "Nothing to do" in again.stderr and snapshot(root) == installed, again.stderr

    removed = cli("uninstall", str(root), "--yes")
    assert removed.exit_code == 0, removed.output
    assert snapshot(root) == before


NEXT_LAYOUT = """import { Inter } from 'next/font/google';

import { AppProvider } from '@/app/provider';
import { siteName } from '@/lib/site';

import '@/styles/globals.css';

const inter = Inter({ subsets: ['latin'] });

export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <body className={inter.className}>
        <AppProvider>{children}</AppProvider>
        <footer>{siteName}</footer>
      </body>
    </html>
  );
}
"""
NEXT_APP = {
    "package.json": json.dumps({"name": "next-shape", "private": True, "dependencies": {"next": "14.2.3", "react": "^18.3.1", "react-dom": "^18.3.1"}}),
    ".gitignore": "node_modules\n",
    "jsconfig.json": APP["jsconfig.json"],
    "src/app/layout.jsx": NEXT_LAYOUT,
    "src/app/page.jsx": "export default function Page() {\n  return <h1>Hello</h1>;\n}\n",
    "src/app/provider.jsx": "'use client';\n\nexport function AppProvider({ children }) {\n  return children;\n}\n",
    "src/lib/site.js": "export const siteName = 'Shape';\n",
    "src/styles/globals.css": "body {\n  margin: 0;\n}\n",
}


def test_the_next_layout_import_joins_its_group_without_an_empty_line(tmp_path, cli, lint_packages):
    """nextjs-app's root layout: `@/` imports, then a blank line and a side-effect CSS import."""
    root = tmp_path / "next"
    for name, text in {**NEXT_APP, "eslint.config.js": CONFIGS["resolver"]}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    (root / "node_modules").symlink_to(lint_packages, target_is_directory=True)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "app")
    assert _eslint(root) == (0, [])
    before = snapshot(root)

    result = install_quietly(cli, root)
    assert result.exit_code == 0, result.output  # no sign-in anywhere: anonymous-only
    assert (
        (root / "src/app/layout.jsx")
        .read_text()
        .startswith(
            "import { Inter } from 'next/font/google';\n\nimport { AppProvider } from '@/app/provider';\n"
            "import IntercomMessenger from '@/components/intercom-messenger';\nimport { siteName } from '@/lib/site';\n\n"
            "import '@/styles/globals.css';\n"
        )
    )
    assert _eslint(root) == (0, [])
    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert snapshot(root) == before


def test_the_kebab_case_rule_is_real(tmp_path, lint_packages):
    """The control: the same config rejects the PascalCase name the wizard used to write."""
    root = _app(tmp_path / "app", CONFIGS["resolver"], lint_packages)
    (root / "src/intercom").mkdir()
    (root / "src/intercom/IntercomMessenger.jsx").write_text("export function IntercomMessenger() {\n  return null;\n}\n")
    assert _eslint(root, "src/intercom") == (1, ["src/intercom/IntercomMessenger.jsx: check-file/filename-naming-convention"])


def test_plan_time_eslint_without_the_override_moves_the_alias_import_away(tmp_path, lint_packages):
    """The control for the resolver shape: ESLint `--fix` on text importing a module not yet on disk puts it last."""
    root = _app(tmp_path / "app", CONFIGS["resolver"], lint_packages)
    ours = APP["src/lib/auth.js"].replace("import { zone }", "import { intercomLogout } from '@/intercom/messenger';\nimport { zone }")

    def fixed(*extra: str) -> str:
        completed = subprocess.run(
            [str(root / "node_modules/.bin/eslint"), "--fix-dry-run", "--format", "json", *extra, "--stdin", "--stdin-filename", "src/lib/auth.js"],
            cwd=root, input=ours, capture_output=True, text=True, check=False,
        )  # fmt: skip
        output: str = json.loads(completed.stdout)[0].get("output", ours)
        return output

    assert "from './api-client';\n\nimport { intercomLogout } from '@/intercom/messenger';" in fixed()
    assert fixed(*order_rules_off(ours, ["src/intercom/messenger.js"])) == ours


# -- without npm ---------------------------------------------------------------------------------


def test_file_names_follow_the_folder_when_no_rule_says(tmp_path):
    for name in ("main-nav.tsx", "user-card.tsx", "app.tsx"):
        (tmp_path / "src/components" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "src/components" / name).write_text("export {};\n")
    (tmp_path / "src/pages").mkdir()
    for name in ("HomePage.tsx", "LoginPage.tsx"):
        (tmp_path / "src/pages" / name).write_text("export {};\n")
    tree = ProjectTree(tmp_path)
    assert conventional_path(tree, "src/components/IntercomMessenger.tsx") == "src/components/intercom-messenger.tsx"
    assert conventional_path(tree, "src/pages/intercom-messenger.tsx") == "src/pages/IntercomMessenger.tsx"
    assert folder_case(tree, "src/components", ".tsx") == "KEBAB_CASE"
    # a folder not there yet: the files of the folder it goes in (src: 2 kebab-case, 2 PascalCase -> no majority)
    assert conventional_path(tree, "src/intercom/IntercomMessenger.tsx") == "src/intercom/IntercomMessenger.tsx"
    assert words_of("IntercomMessenger") == words_of("intercom-messenger") == ["intercom", "messenger"]


def test_the_lint_rule_wins_over_the_folder(tmp_path):
    (tmp_path / "src/pages").mkdir(parents=True)
    (tmp_path / "src/pages/HomePage.tsx").write_text("export {};\n")
    (tmp_path / ".eslintrc.cjs").write_text(
        "module.exports = { rules: { 'check-file/filename-naming-convention': ['error', { 'src/!(pages)/*.{ts,tsx}': 'CAMEL_CASE' }] } };\n"
    )
    tree = ProjectTree(tmp_path)
    assert conventional_path(tree, "src/intercom/IntercomMessenger.tsx") == "src/intercom/intercomMessenger.tsx"
    assert conventional_path(tree, "src/pages/intercom-messenger.tsx") == "src/pages/IntercomMessenger.tsx"  # the glob leaves pages/ out


def test_globs_and_path_groups():
    assert glob_regex("src/!(pages)/*.{ts,tsx}").fullmatch("src/lib/a.tsx") and not glob_regex("src/!(pages)/*.{ts,tsx}").fullmatch("src/pages/a.tsx")
    assert glob_regex("**/*.{ts,tsx}").fullmatch("main.tsx") and glob_regex("@/**").fullmatch("@/lib/auth")
    order = order_from_lint("'import/order': ['error', { pathGroups: [{ pattern: '@/**', group: 'internal', position: 'after' }], " + ORDER + " }]")
    assert order is not None
    ranks = [order.rank(specifier, False) for specifier in ("react", "@/lib/auth", "../up", "./side")]
    assert ranks == sorted(ranks) and len(set(ranks)) == 4


def test_an_import_sorting_after_the_groups_own_imports_goes_before_the_side_effect_import():
    """bulletproof-nextjs-pages' _app.tsx: the hook's import went before `import '@/styles/globals.css'`,
    after the blank line that ends the `@/` group (an empty line inside the group)."""
    text = "import { ReactNode } from 'react';\n\nimport { AppProvider } from '@/app/provider';\n\nimport '@/styles/globals.css';\n\nexport {};\n"
    statement = "import { useIntercomMessenger } from '@/lib/use-intercom-messenger';"
    order = order_from_lint("'import/order': ['error', { " + ORDER + " }]")
    insertion = ordered_import(order, SourceText(text, "\n", False), (text, 0, "typescript"), parse(text, "typescript"), statement)
    assert insertion is not None
    assert apply_insertions(text, [insertion]) == (
        "import { ReactNode } from 'react';\n\nimport { AppProvider } from '@/app/provider';\n"
        + statement
        + "\n\nimport '@/styles/globals.css';\n\nexport {};\n"
    )


def test_only_alias_imports_of_created_modules_switch_the_rule_off():
    created = ["src/intercom/messenger.ts", "src/components/intercom-messenger/index.tsx"]
    assert imports_created_by_alias("import { a } from '@/intercom/messenger';", created)
    assert imports_created_by_alias("import M from '~/components/intercom-messenger';", created)
    assert not imports_created_by_alias("import { a } from './messenger';", created)  # a sibling by its name alone
    assert not imports_created_by_alias("import { a } from '@/lib/messenger';", created)
    assert order_rules_off("import React from 'react';", created) == []
