"""webpack + babel-loader with `@babel/preset-env` and no targets (corpus: react-redux-login-api, the
React 16 registration example): Babel compiles for ES5, so the Messenger core's async functions became
`regeneratorRuntime.mark(...)` calls, and the app, whose own code has no async function, never loads
that runtime. The page threw `ReferenceError: regeneratorRuntime is not defined` and no Messenger
loaded. Such an app's core now imports `regenerator-runtime/runtime`, and the package is declared;
apps with targets, a browserslist, the transform-runtime plugin or their own polyfill are left alone.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import git, install_and_check_uninstall, write_files

MANIFEST = {
    "name": "ledger",
    "scripts": {"build": "webpack --mode production"},
    "dependencies": {"react": "^16.12.0", "react-dom": "^16.12.0", "react-router-dom": "^5.1.2"},
    "devDependencies": {"@babel/core": "^7.4.3", "@babel/preset-env": "^7.4.3", "@babel/preset-react": "^7.0.0", "babel-loader": "^8.0.5", "webpack": "^4.29.6"},
}
BABELRC = '{\n  "presets": ["@babel/preset-react", "@babel/preset-env"]\n}\n'
APP = {
    "src/index.jsx": """
        import React from 'react';
        import { render } from 'react-dom';
        import { BrowserRouter, Route } from 'react-router-dom';

        render(<BrowserRouter><Route path="/" component={() => <p>Ledger</p>} /></BrowserRouter>, document.getElementById('app'));
    """,
    "src/index.html": '<!doctype html>\n<html><body><div id="app"></div></body></html>\n',
}


def _install(tmp_path: Path, manifest: dict[str, object], babelrc: str) -> dict[str, str]:
    root = tmp_path / "ledger"
    write_files(root, APP | {"package.json": json.dumps(manifest, indent=2) + "\n", ".babelrc": babelrc})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "fixture")
    _, files = install_and_check_uninstall(cli_runner, root, exit_code=0)
    return files


cli_runner = None


@pytest.fixture(autouse=True)
def _cli(cli) -> None:  # type: ignore[no-untyped-def]
    global cli_runner
    cli_runner = cli


def test_preset_env_without_targets_gets_the_regenerator_runtime(tmp_path: Path) -> None:
    files = _install(tmp_path, MANIFEST, BABELRC)
    core = files["src/intercom/messenger.js"]
    assert "import 'regenerator-runtime/runtime';\n" in core
    assert core.index("import 'regenerator-runtime/runtime';") < core.index("\nasync function")
    assert json.loads(files["package.json"])["dependencies"]["regenerator-runtime"] == "^0.14.1"


@pytest.mark.parametrize(
    ("manifest", "babelrc"),
    [
        ({**MANIFEST, "browserslist": ["last 2 Chrome versions"]}, BABELRC),
        (MANIFEST, '{\n  "presets": ["@babel/preset-react", ["@babel/preset-env", { "targets": { "chrome": "100" } }]]\n}\n'),
        (MANIFEST, '{\n  "presets": ["@babel/preset-react", "@babel/preset-env"],\n  "plugins": ["@babel/plugin-transform-runtime"]\n}\n'),
    ],
    ids=["browserslist", "targets", "transform-runtime"],
)
def test_builds_that_provide_the_runtime_or_keep_async_are_left_alone(tmp_path: Path, manifest: dict[str, object], babelrc: str) -> None:
    files = _install(tmp_path, manifest, babelrc)
    assert "regenerator-runtime" not in files["src/intercom/messenger.js"]
    assert "regenerator-runtime" not in json.loads(files["package.json"])["dependencies"]


def test_the_version_babel_already_brings_is_the_range_declared(tmp_path: Path) -> None:
    """The app already has regenerator-runtime through Babel's helpers (installed, hoisted): the
    wizard declares that version, so npm keeps the tree as it is and uninstall's prune restores the
    lockfile; a newer range moved the hoisted copy (react-redux-login: lockfile not byte-identical)."""
    root = tmp_path / "ledger"
    installed = {"node_modules/regenerator-runtime/package.json": '{"name": "regenerator-runtime", "version": "0.13.7"}\n', ".gitignore": "node_modules\n"}
    write_files(root, APP | installed | {"package.json": json.dumps(MANIFEST, indent=2) + "\n", ".babelrc": BABELRC})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "fixture")
    result = cli_runner("install", str(root), "--workspace-id", "abc12345", "--yes", "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    declared = {(change["package"], change["spec"]) for change in json.loads(result.stdout)["dependencies"]}
    assert ("regenerator-runtime", "^0.13.7") in declared, declared
