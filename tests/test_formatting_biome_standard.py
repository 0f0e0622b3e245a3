"""The project's installed Biome and `standard` on what the wizard writes (issue 13), with the real tools.

Both are installed once per session from npm (pinned) and linked in as the project's own
`node_modules`; the project's own check over the touched files must be no worse after the install,
and uninstall restores every byte.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import git, install_quietly, snapshot, write_files

NODE_TOOLS = ["@biomejs/biome@2.2.4", "standard@17.1.2"]

AUTH_JS = """
    import { postJson } from './api'

    export async function login (username, password) {
      await postJson('/api/login', { username, password })
    }

    export async function logout () {
      await postJson('/logout')
    }
"""
MAIN_JSX = """
    import { StrictMode } from 'react'
    import { createRoot } from 'react-dom/client'
    import App from './App'

    createRoot(document.getElementById('root')).render(
      <StrictMode>
        <App />
      </StrictMode>
    )
"""


@pytest.fixture(scope="session")
def biome_and_standard(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed")
    folder = tmp_path_factory.mktemp("biome-standard")
    (folder / "package.json").write_text('{"private": true}\n')
    done = subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--prefer-offline", *NODE_TOOLS],
        cwd=folder, capture_output=True, text=True, check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"npm could not install the tools: {done.stderr.strip().splitlines()[-1:]}")
    return folder / "node_modules"


def _project(root: Path, node_modules: Path, tool: str) -> Path:
    dev = {"@biomejs/biome": "2.2.4"} if tool == "biome" else {"standard": "^17.1.2"}
    files = {
        "package.json": json.dumps({"name": "app", "private": True, "type": "module",
                                    "dependencies": {"react": "^19.1.1", "react-dom": "^19.1.1"},
                                    "devDependencies": {"vite": "^7.1.7", **dev}}, indent=2) + "\n",
        ".gitignore": "node_modules\n",
        "index.html": '<!doctype html>\n<html lang="en">\n  <body>\n    <div id="root"></div>\n    <script type="module" src="/src/main.jsx"></script>\n  </body>\n</html>\n',
        "src/main.jsx": MAIN_JSX,
        "src/App.jsx": "export default function App () {\n  return <h1>Hello</h1>\n}\n",
        # `credentials: 'include'`: the API calls send the session cookie (the evidence for cookie auth).
        "src/api.js": "export function postJson (url, body) {\n  return fetch(url, { method: 'POST', credentials: 'include', body: JSON.stringify(body) })\n}\n",
        "src/auth.js": AUTH_JS,
    }
    if tool == "biome":
        files["biome.json"] = '{ "formatter": { "indentStyle": "space" }, "javascript": { "formatter": { "quoteStyle": "single", "semicolons": "asNeeded" } } }\n'
    write_files(root, files)
    if tool == "biome":  # written in Biome's style (no space before a function's parenthesis)
        for path in root.glob("src/*.js*"):
            path.write_text(path.read_text().replace(" (", "(").replace("function(", "function ("))
    (root / "node_modules").symlink_to(node_modules, target_is_directory=True)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "app")
    return root


def _problems(root: Path, tool: str, files: list[str]) -> int:
    """Files Biome would reformat, or `standard`'s problems, over these files."""
    present = [path for path in files if (root / path).is_file() and path.endswith((".js", ".jsx"))]
    if not present:
        return 0
    if tool == "biome":
        unformatted = 0
        for path in present:
            done = subprocess.run([str(root / "node_modules/.bin/biome"), "format", f"--stdin-file-path={path}"],
                                  cwd=root, input=(root / path).read_text(), capture_output=True, text=True, check=False)
            assert done.returncode == 0, done.stderr
            unformatted += done.stdout != (root / path).read_text()
        return unformatted
    done = subprocess.run([str(root / "node_modules/.bin/standard"), *present], cwd=root, capture_output=True, text=True, check=False)
    assert done.returncode in (0, 1), done.stderr
    return len([line for line in done.stdout.splitlines() if line.strip().startswith(tuple(f"{root}/{p}" for p in present)) or ":" in line and "standard:" not in line])


@pytest.mark.parametrize("tool", ["biome", "standard"])
def test_project_check_is_never_worse_after_install(tmp_path, cli, biome_and_standard, tool):
    root = _project(tmp_path / "app", biome_and_standard, tool)
    before = snapshot(root)
    result = install_quietly(cli, root)
    assert result.exit_code == 4, result.output  # incomplete: no back end here signs the tokens
    receipt = json.loads((root / ".intercom-wizard.json").read_text())
    touched = sorted(set(receipt["created"]) | set(receipt["inserted"]))
    scratch = tmp_path / "before"
    for name, data in before.items():
        (scratch / name).parent.mkdir(parents=True, exist_ok=True)
        (scratch / name).write_bytes(data)
    (scratch / "node_modules").symlink_to(biome_and_standard, target_is_directory=True)
    was, now = _problems(scratch, tool, touched), _problems(root, tool, touched)
    print(f"{tool} over {touched}: before {was} -> after {now}")
    assert now <= was, (was, now)
    created = [p for p in touched if p.endswith((".js", ".jsx")) and p not in before]
    assert created and _problems(root, tool, created) == 0  # our own modules pass the project's tool
    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert snapshot(root) == before


def test_the_receipt_is_laid_out_as_biome_writes_json(tmp_path, cli, biome_and_standard):
    """express-typescript-2024 (corpus): Biome's defaults indent JSON with tabs, so `biome format` over the
    touched files went 0 -> 1 on `.intercom-wizard.json` (json.dumps' two spaces). The receipt now goes
    through the project's Biome like every file we create."""
    root = _project(tmp_path / "app", biome_and_standard, "biome")
    (root / "biome.json").write_text("{}\n")  # Biome's defaults: tabs
    git(root, "commit", "-qam", "defaults")
    before = snapshot(root)
    result = install_quietly(cli, root)
    assert result.exit_code == 4, result.output  # incomplete: no back end here signs the tokens
    written = (root / ".intercom-wizard.json").read_text()
    biome = str(root / "node_modules/.bin/biome")
    done = subprocess.run([biome, "format", ".intercom-wizard.json"], cwd=root, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert written.startswith('{\n\t"generator": ') and json.loads(written)["created"]
    # The control: the receipt as json.dumps writes it is what Biome rejected.
    (root / "plain.json").write_text(json.dumps(json.loads(written), indent=2) + "\n")
    done = subprocess.run([biome, "format", "plain.json"], cwd=root, capture_output=True, text=True, check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    (root / "plain.json").unlink()
    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert snapshot(root) == before
