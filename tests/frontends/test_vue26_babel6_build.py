"""Vue 2.6.14 with vue-router 3.0.7, compiled by Babel 6 (babel-core 6.26.3) under webpack 4.46, for real:
the app builds before and after the install (the downlevelled core, regenerator-runtime imported first in
the entry), the built app passes `verify` in Chromium (sign in, client-side navigation, sign out), and
uninstall restores the app. Our own fixture (vue26_babel6_support.py) in the shape of the corpus app
vue2-role-auth; the pins are also in docs/frontends-vue.md."""

import os
import subprocess
from pathlib import Path

import pytest
from built_spa import BuiltApp, build_installed_app, check_verifies_in_chromium
from test_vue import _npm, _scaffold_files, _wizard
from vue26_babel6_support import FILES


def _build(app: Path) -> subprocess.CompletedProcess[str]:
    # webpack 4 hashes with md4, which OpenSSL 3 (Node 17+) only offers through its legacy provider.
    env = {**os.environ, "NODE_OPTIONS": "--openssl-legacy-provider"}
    result = subprocess.run(["npm", "run", "build"], cwd=app, capture_output=True, text=True, env=env)
    assert result.returncode == 0, f"npm run build failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def babel6_app(tmp_path_factory: pytest.TempPathFactory) -> BuiltApp:
    return build_installed_app(tmp_path_factory, "vue-2.6-babel-6", FILES, _build)


def test_babel_6_builds_the_downlevelled_core(babel6_app: BuiltApp) -> None:
    app, build = babel6_app.root, babel6_app.build
    assert "ERROR" not in build.stdout
    assert (app / "src/main.js").read_text().startswith("import 'regenerator-runtime/runtime';\n")
    assert "});\n\nVue.use(intercomMessenger, { router });\nnew Vue({" in (app / "src/main.js").read_text()  # below the router
    assert "?." not in (app / "src/intercom/messenger.js").read_text()


def test_babel_6_app_passes_verification_in_chromium(babel6_app: BuiltApp) -> None:
    check_verifies_in_chromium(babel6_app)


def test_babel_6_uninstall_restores_the_app(babel6_app: BuiltApp) -> None:
    app, before = babel6_app.root, babel6_app.before
    removed = _wizard("uninstall", str(app), "--yes")
    assert removed.exit_code == 0, removed.output
    _npm(app, "install", "--no-audit", "--no-fund", "--prefer-offline")  # npm prunes the added packages from its lockfile
    # npm's lockfile is not restored byte for byte: babel-runtime's own regenerator-runtime 0.11 was
    # nested while our ^0.13 sat at the top, and npm re-hoists it its own way. Every other file is ours to restore.
    after = {path: data for path, data in _scaffold_files(app).items() if path != "package-lock.json"}
    assert after == {path: data for path, data in before.items() if path != "package-lock.json"}
