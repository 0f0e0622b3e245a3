"""A prettier configuration without prettier installed: we follow its options with no tool to run.

The real prettier (npm, once per session, into a temporary folder - never into the project) then
checks the files the install touched, with the project's own configuration. Rebuilt from corpus
regressions measured by `scripts/corpus` ([[touched]] checks):

- laravel-pingcrm (`semi: false`, `singleQuote`, `trailingComma: "all"`, `printWidth: 10000`): the
  created `intercom-messenger.js` failed, 0 -> 1: its IIFE lacked prettier's leading `;` and its
  multi-line call arguments their trailing comma (a plain script got ES5 commas only, even where the
  configuration asks for all);
- html-mdn-beginner-scripted (`{}`: prettier 3's defaults, 80 columns): 7 statements of the
  script were longer than 80 columns, so prettier re-wrapped them, 1 -> 2.

The script's statements now fit in 80 columns, so any printWidth of 80 or more leaves them alone.
Lines we insert into the project's own files (an import with one name, `<IntercomMessenger />`) are
ones prettier never breaks, even at printWidth 40.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import copy_app, git, install_quietly, install_signed_in_app, snapshot

PRETTIER = "prettier@3.6.2"


@pytest.fixture(scope="session")
def prettier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real prettier from the npm registry, in a folder of its own (the projects never have it)."""
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed")
    folder = tmp_path_factory.mktemp("prettier")
    (folder / "package.json").write_text('{"name": "tools", "private": true}\n')
    completed = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefer-offline", PRETTIER],
                               cwd=folder, capture_output=True, text=True, timeout=600, check=False)
    if completed.returncode != 0:
        pytest.skip(f"npm could not install prettier: {completed.stderr.strip().splitlines()[-1:]}")
    return folder / "node_modules" / ".bin" / "prettier"


def _unformatted(prettier: Path, root: Path, files: list[str]) -> list[str]:
    """The files among `files` that `prettier --check` (run from the project, with its config) rejects."""
    present = [name for name in files if (root / name).is_file() and name.endswith((".js", ".jsx", ".ts", ".tsx", ".html"))]
    if not present:
        return []
    completed = subprocess.run([str(prettier), "--list-different", *present], cwd=root, capture_output=True, text=True, check=False)
    assert completed.returncode in (0, 1), completed.stderr
    return sorted(line.strip() for line in completed.stdout.splitlines() if line.strip())


def _touched(root: Path) -> list[str]:
    receipt = json.loads((root / ".intercom-wizard.json").read_text())
    return sorted(set(receipt["created"]) | set(receipt["inserted"]))


def _before(tmp_path: Path, files: dict[str, bytes]) -> Path:
    scratch = tmp_path / "before"
    for name, data in files.items():
        (scratch / name).parent.mkdir(parents=True, exist_ok=True)
        (scratch / name).write_bytes(data)
    return scratch


CONFIGS = {
    "defaults": {},
    "pingcrm": {"printWidth": 10000, "semi": False, "singleQuote": True, "tabWidth": 2, "trailingComma": "all"},
    "wide": {"printWidth": 120, "singleQuote": True, "trailingComma": "es5"},
    "no-commas": {"singleQuote": True, "semi": False, "trailingComma": "none"},
}


@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_the_created_script_passes_prettier_under_the_projects_config(tmp_path: Path, cli, prettier: Path, config: str) -> None:  # type: ignore[no-untyped-def]
    root = copy_app("static_site", tmp_path, commit=False)
    (root / ".prettierrc.json").write_text(json.dumps(CONFIGS[config]) + "\n")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "site")
    before = snapshot(root)
    result = install_quietly(cli, root)
    assert result.exit_code == 0, result.output
    touched = _touched(root)
    created = [name for name in touched if name.endswith(".js")]
    assert created, touched
    was, now = _unformatted(prettier, _before(tmp_path, before), touched), _unformatted(prettier, root, touched)
    print(f"{config}: prettier over {touched}: before {was} -> after {now}")
    assert len(now) <= len(was) and not set(now) & set(created), (was, now)
    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert snapshot(root) == before


def _react_app(root: Path) -> None:
    """A React app whose own files prettier (printWidth 40) leaves as they are."""
    files = {
        "package.json": json.dumps({"name": "r", "private": True, "type": "module",
                                    "dependencies": {"react": "^18.3.1", "react-dom": "^18.3.1"},
                                    "devDependencies": {"vite": "^5.4.0", "prettier": "^3.6.2"}}, indent=2) + "\n",
        ".prettierrc.json": json.dumps({"printWidth": 40, "semi": False, "singleQuote": True}) + "\n",
        "index.html": '<!doctype html>\n<html>\n  <body>\n    <div id="root"></div>\n    <script type="module" src="/src/main.jsx"></script>\n  </body>\n</html>\n',
        "src/main.jsx": "import { StrictMode } from 'react'\nimport { createRoot } from 'react-dom/client'\nimport App from './App'\n\n"
                        "createRoot(\n  document.getElementById('root'),\n).render(\n  <StrictMode>\n    <App />\n  </StrictMode>,\n)\n",
        "src/App.jsx": "export default function App() {\n  return <h1>Hello</h1>\n}\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def test_lines_inserted_into_the_projects_files_pass_prettier_at_printwidth_40(tmp_path: Path, cli, prettier: Path) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "app"
    _react_app(root)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "app")
    assert _unformatted(prettier, root, ["src/main.jsx", "src/App.jsx"]) == []
    before = snapshot(root)
    result = install_signed_in_app(cli, root)
    assert result.exit_code == 4, result.output  # no API in the project: its endpoint is a manual step
    receipt = json.loads((root / ".intercom-wizard.json").read_text())
    modified = sorted(name for name in receipt["inserted"] if name.endswith(".jsx"))
    assert modified == ["src/main.jsx"]
    text = (root / "src/main.jsx").read_text()
    assert "import { IntercomMessenger } from './intercom/IntercomMessenger'\n" in text  # 66 columns: prettier keeps it
    assert _unformatted(prettier, root, modified) == []
    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert snapshot(root) == before


def test_semi_false_puts_prettiers_semicolon_before_a_hazardous_statement() -> None:
    from intercom_wizard.style import JsStyle

    style = JsStyle(semicolons=False)
    assert style.restyle("(function () {\n  f();\n})();\n", "javascript") == ";(function () {\n  f()\n})()\n"
    assert style.restyle("a();\n[1].map(f);\n", "javascript") == "a()\n;[1].map(f)\n"
    assert style.restyle("a();\n;[1].map(f);\n", "javascript") == "a()\n;[1].map(f)\n"  # it has one already



VUE_APP = {
    "package.json": json.dumps({"name": "v", "private": True, "type": "module",
                                "dependencies": {"vue": "^3.5.13", "vue-router": "^4.5.0"},
                                "devDependencies": {"vite": "^6.0.0"}}, indent=2) + "\n",
    "index.html": '<!doctype html>\n<html>\n  <body>\n    <div id="app"></div>\n    <script type="module" src="/src/main.js"></script>\n  </body>\n</html>\n',
    "src/main.js": "import { createApp } from 'vue'\nimport App from './App.vue'\nimport router from './router'\n\ncreateApp(App).use(router).mount('#app')\n",
    "src/router/index.js": "import { createRouter, createWebHistory } from 'vue-router'\n\nexport default createRouter({\n  history: createWebHistory(),\n  routes: [],\n})\n",
    "src/App.vue": "<template>\n  <RouterView />\n</template>\n",
}
WIDTH_CONFIGS = {
    "defaults": {},
    "wide": {"printWidth": 120, "singleQuote": True},
    "no-commas": {"semi": False, "singleQuote": True, "trailingComma": "none"},
}


@pytest.mark.parametrize("config", sorted(WIDTH_CONFIGS))
def test_created_vue_plugin_passes_prettier_at_the_configured_width(tmp_path: Path, cli, prettier: Path, config: str) -> None:  # type: ignore[no-untyped-def]
    """The plugin's `import { intercomPageChanged, startIntercomMessenger } from '../intercom/messenger';` is
    84 columns: prettier (80) breaks it one name per line, and at printWidth 120 keeps it on one line."""
    root = tmp_path / "app"
    for name, text in VUE_APP.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    (root / ".prettierrc.json").write_text(json.dumps(WIDTH_CONFIGS[config]) + "\n")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "app")
    before = snapshot(root)
    result = install_signed_in_app(cli, root)
    assert result.exit_code == 4, result.output  # no API in the project: its endpoint is a manual step
    created = sorted(name for name in json.loads((root / ".intercom-wizard.json").read_text())["created"] if name.endswith(".js"))
    assert created == ["src/intercom/messenger.js", "src/plugins/intercom.js"], created
    text = (root / "src/plugins/intercom.js").read_text()
    assert ("import {\n  intercomPageChanged,\n  startIntercomMessenger" in text) is (config != "wide"), text[:700]
    assert _unformatted(prettier, root, created) == []
    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert snapshot(root) == before
