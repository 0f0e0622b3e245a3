"""The project's own prettier 1 formats files the wizard creates in a folder that is not there yet.

react-boilerplate (prettier 1.17, ESLint 5) gets `app/intercom/messenger.js`: `app/intercom/` does
not exist at plan time, and prettier 1 (like ESLint 5) lists the file's folder to find its
configuration, so `--stdin-filepath app/intercom/messenger.js` failed with ENOENT and the files were
left as generated. The tools are now told the file's name in its nearest existing folder, whose
configuration is the same. The real prettier 1.17.0 (npm, once per session, into a temporary folder)
checks the result with the project's own configuration.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import install_quietly
from test_corpus_react import CONNECTED_ENTRY, _react_app

from intercom_wizard.formatting_runs import Tool, run_eslint

PRETTIER_1 = "prettier@1.17.0"  # react-boilerplate's; 1.19 no longer lists the folder


@pytest.fixture(scope="session")
def prettier_1(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed")
    folder = tmp_path_factory.mktemp("prettier1")
    (folder / "package.json").write_text('{"name": "tools", "private": true}\n')
    completed = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefer-offline", PRETTIER_1],
                               cwd=folder, capture_output=True, text=True, timeout=600, check=False)
    if completed.returncode != 0:
        pytest.skip(f"npm could not install prettier 1: {completed.stderr.strip().splitlines()[-1:]}")
    return folder / "node_modules"


def test_prettier_1_formats_files_created_in_a_new_folder(tmp_path: Path, cli, prettier_1: Path) -> None:  # type: ignore[no-untyped-def]
    root = _react_app(tmp_path, {
        ".prettierrc": json.dumps({"singleQuote": True, "trailingComma": "all"}) + "\n",
        ".gitignore": "node_modules\n",
        "app/app.js": CONNECTED_ENTRY,
        "app/containers/App/index.js": "import React from 'react';\n\nexport default function App() {\n  return <main>Shop</main>;\n}\n",
        "app/configureStore.js": "export default function configureStore(state, history) {\n  return { state, history };\n}\n",
        "app/utils/history.js": "import { createBrowserHistory } from 'history';\nexport default createBrowserHistory();\n",
    }, {"react-router-dom": "^5.3.4", "connected-react-router": "^6.9.3", "react-redux": "^7.2.9", "prettier": "1.17.0"})
    (root / "node_modules").symlink_to(prettier_1, target_is_directory=True)
    assert not (root / "app/intercom").exists()
    plan = json.loads(install_quietly(cli, root, "--backend", "none", "--dry-run", "--json").stdout)
    notes = [note["text"] for note in plan["notes"]]
    assert not [note for note in notes if "failed" in note], notes
    assert [note for note in notes if "prettier" in note and "app/intercom/messenger.js" in note], notes
    install_quietly(cli, root, "--backend", "none")
    created = ["app/intercom/messenger.js", "app/intercom/IntercomMessenger.jsx"]
    checked = subprocess.run([str(prettier_1 / ".bin/prettier"), "--list-different", *created], cwd=root, capture_output=True, text=True, check=False)
    assert (checked.returncode, checked.stdout) == (0, ""), checked.stdout + checked.stderr


def test_eslint_json_after_a_plugin_warning_on_stdout_is_read(tmp_path: Path) -> None:
    """Nx's ESLint plugin prints "No cached ProjectGraph is available" to stdout before ESLint's JSON
    (nx-nest-next-starter, ESLint 9 + @nx/eslint-plugin 19): every file was "left as generated"."""
    eslint = tmp_path / "node_modules" / ".bin" / "eslint"
    eslint.parent.mkdir(parents=True)
    # A stand-in that prints what the Nx plugin and ESLint's json formatter print, in that order.
    result = [{"filePath": str(tmp_path / "app.ts"), "messages": [], "output": "export const a = 1;\n"}]
    eslint.write_text(
        "#!/bin/sh\ncat > /dev/null\n"
        "echo 'warning No cached ProjectGraph is available. The rule will be skipped.'\n"
        "echo '          @nx/enforce-module-boundaries'\n"
        f"printf '%s\\n' '{json.dumps(result)}'\n"
    )
    eslint.chmod(0o755)
    tool = Tool("eslint", eslint, tmp_path, run_eslint)
    assert tool.fix(tmp_path / "app.ts", "export const a = 1\n") == "export const a = 1;\n"
