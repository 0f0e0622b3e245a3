"""The scaffold the npm build tests share: an app of our own written from a table of files, its packages
installed and built before the wizard touches it, committed, installed with the wizard, built again; then
served with spa_server.py and verified in Chromium (sign in, client-side navigation, sign out), and
uninstalled back to its bytes. A test module keeps only what its version band is about."""

import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import WORKSPACE_ID, git, only_the_api_is_left
from spa_verify import verify_built_app
from test_react import _npm, _scaffold_files, _tools_missing, _wizard


@dataclass(frozen=True)
class BuiltApp:
    root: Path
    before: dict[str, bytes]  # the app's files before the install (without its dist/)
    build: subprocess.CompletedProcess[str]  # its own build, after the install


def npm_build(app: Path) -> subprocess.CompletedProcess[str]:
    return _npm(app, "run", "build")


def build_installed_app(
    tmp_path_factory: pytest.TempPathFactory, name: str, files: dict[str, str], build: Callable[[Path], subprocess.CompletedProcess[str]] = npm_build
) -> BuiltApp:
    """Write `files`, install and `build` them, commit, install the wizard (the API is spa_server.py, not in
    the app: exactly that step is left), and `build` again. Skipped without npm and Chromium (failed in CI)."""
    missing = _tools_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing} (required in CI)")
        pytest.skip(missing)
    app = tmp_path_factory.mktemp(name) / "app"
    for path, text in files.items():
        (app / path).parent.mkdir(parents=True, exist_ok=True)
        (app / path).write_text(text)
    _npm(app, "install", "--no-audit", "--no-fund", "--prefer-offline")
    build(app)  # the app builds before the wizard touches it
    git(app, "init", "-q")
    git(app, "add", "-A")
    git(app, "commit", "-qm", name)
    before = _scaffold_files(app)
    # The test apps sign in against spa_server.py's session cookie, but their own calls do not say so
    # (`credentials: 'same-origin'`): --auth cookie is the answer the wizard would otherwise ask for.
    installed = _wizard("install", str(app), "--workspace-id", WORKSPACE_ID, "--yes", "--auth", "cookie")
    assert only_the_api_is_left(installed), installed.stdout + installed.stderr
    return BuiltApp(app, before, build(app))


def check_verifies_in_chromium(app: BuiltApp) -> None:
    report, text = verify_built_app(app.root / "dist", app.root)
    assert report.exit_code == 0, text


def check_uninstall_restores(app: BuiltApp) -> None:
    removed = _wizard("uninstall", str(app.root), "--yes")
    assert removed.returncode == 0, removed.stdout + removed.stderr
    assert _scaffold_files(app.root) == app.before
