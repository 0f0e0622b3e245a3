"""install --check-build: the project's own script before and after; undone when the install broke it."""

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import git, install_quietly, snapshot, write_files

pytestmark = pytest.mark.skipif(shutil.which("npm") is None, reason="npm runs the project's script")

# The project's "build": fails when a page loads a script it does not know (what a strict bundler would do).
CHECK = """
const fs = require('fs');
const known = ['app.js'];
for (const page of fs.readdirSync('.').filter((f) => f.endsWith('.html'))) {
  for (const [, src] of fs.readFileSync(page, 'utf8').matchAll(/<script[^>]*src="\\/?([^"]+)"/g)) {
    if (!known.includes(src)) { console.error(`${page}: unknown script ${src}`); process.exit(1); }
  }
}
console.log('build ok');
"""


def _project(root: Path, build: str) -> Path:
    write_files(
        root,
        {
            "index.html": "<!doctype html>\n<html>\n<body>\n<h1>Hi</h1>\n<script src=\"/app.js\"></script>\n</body>\n</html>\n",
            "app.js": "console.log('hi');\n",
            "check.js": CHECK,
            "package.json": json.dumps({"name": "site", "private": True, "scripts": {"build": build}}, indent=2) + "\n",
        },
    )
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "site")
    return root


def test_a_build_the_install_breaks_is_undone(tmp_path: Path, cli: Callable[..., object]) -> None:
    root = _project(tmp_path / "site", "node check.js")
    before = snapshot(root)
    result = install_quietly(cli, root, "--check-build")
    assert result.exit_code == 1  # type: ignore[attr-defined]
    output = " ".join(result.stderr.split())  # type: ignore[attr-defined]
    assert "--check-build: `npm run build` in .: before the install passes, after it FAILS." in output
    assert "index.html: unknown script intercom-messenger.js" in output
    assert "was undone: every file is as it was" in output
    assert snapshot(root) == before


def test_a_build_that_still_passes_is_reported_and_kept(tmp_path: Path, cli: Callable[..., object]) -> None:
    root = _project(tmp_path / "site", "node -e \"console.log('built')\"")
    result = cli("install", str(root), "--workspace-id", "abc12345", "--yes", "--no-install", "--check-build", "--json")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    report = json.loads(result.stdout)["check_build"]  # type: ignore[attr-defined]
    assert report["rolled_back"] is False
    assert [(s["folder"], s["command"], s["before"]["ok"], s["after"]["ok"]) for s in report["scripts"]] == [(".", ["npm", "run", "build"], True, True)]
    assert "intercom-messenger.js" in (root / "index.html").read_text()


def test_a_build_that_failed_before_is_not_blamed_on_the_install(tmp_path: Path, cli: Callable[..., object]) -> None:
    root = _project(tmp_path / "site", "node -e \"process.exit(2)\"")
    result = install_quietly(cli, root, "--check-build")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "before the install FAILS, after it FAILS." in " ".join(result.stderr.split())  # type: ignore[attr-defined]
    assert "intercom-messenger.js" in (root / "index.html").read_text()


def test_no_script_says_nothing_was_run(app_copy: Callable[..., Path], cli: Callable[..., object]) -> None:
    root = app_copy("flask_login_app")
    result = install_quietly(cli, root, "--check-build")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "nothing was run" in " ".join(result.stderr.split())  # type: ignore[attr-defined]
