"""Ember 7 on Vite for real: the app `ember new` writes with ember-cli 7.2.0 (the Vite blueprint:
@embroider/vite, `compatModules`, .gjs route templates), with our own auth service, application
controller, about route and sign-out button. After the install (service, instance-initializer and core
under app/, found through compat-modules) the app's own `vite build` passes, the built app passes
`verify` in Chromium (sign in, client-side navigation, sign out), and uninstall restores the app.
Pins are in docs/versions.md. One build for the band (npm-heavy, like the other build tests)."""

import json
import os

import pytest
from conftest import SECRET, WORKSPACE_ID, git, only_the_api_is_left
from spa_verify import verify_built_app
from test_ember import E2E_APPLICATION_CONTROLLER, E2E_AUTH_SERVICE, _run, _scaffold_files, _tools_missing
from typer.testing import CliRunner

from intercom_wizard.cli import app as wizard_app

EMBER_CLI = "ember-cli@7.2.0"
BUILD_TIMEOUT = 900
# Route templates are components from Ember 6.3 (RFC 1046): the controller arrives as @controller.
APPLICATION_TEMPLATE = """import { LinkTo } from '@ember/routing';
import { on } from '@ember/modifier';

<template>
  <nav>
    <LinkTo @route="index">Home</LinkTo>
    <LinkTo @route="about">About</LinkTo>
    <button id="logout" type="button" {{on "click" @controller.signOutAndGoHome}}>Log out</button>
  </nav>
  {{outlet}}
</template>
"""
ABOUT_TEMPLATE = """<template>
  <h1 id="about">About</h1>
</template>
"""


@pytest.fixture(scope="module")
def ember_7_app(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    missing = _tools_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing} (required in CI)")
        pytest.skip(missing)
    base = tmp_path_factory.mktemp("ember-7")
    _run(["npx", "-y", EMBER_CLI, "new", "shop", "--skip-npm", "--skip-git"], base, timeout=BUILD_TIMEOUT)
    app = base / "shop"
    assert (app / "vite.config.mjs").is_file(), "ember-cli 7 writes the Vite blueprint"
    (app / "app/services").mkdir(exist_ok=True)
    (app / "app/services/auth.js").write_text(E2E_AUTH_SERVICE)
    (app / "app/controllers").mkdir(exist_ok=True)
    (app / "app/controllers/application.js").write_text(E2E_APPLICATION_CONTROLLER)
    (app / "app/templates/application.gjs").write_text(APPLICATION_TEMPLATE)
    (app / "app/templates/about.gjs").write_text(ABOUT_TEMPLATE)
    router = app / "app/router.js"
    router.write_text(router.read_text().replace("Router.map(function () {});", "Router.map(function () {\n  this.route('about');\n});"))
    assert "this.route('about')" in router.read_text()
    _run(["npm", "install", "--no-audit", "--no-fund", "--prefer-offline"], app, timeout=BUILD_TIMEOUT)
    assert json.loads((app / "node_modules/ember-source/package.json").read_text())["version"].startswith("7.")
    _run(["npx", "vite", "build"], app, timeout=BUILD_TIMEOUT)  # it builds before the wizard touches it
    git(app, "init", "-q")
    git(app, "add", "-A")
    git(app, "commit", "-qm", "ember 7 app")
    before = _scaffold_files(app)
    env = {"INTERCOM_IDENTITY_SECRET": SECRET}
    installed = CliRunner().invoke(wizard_app, ["install", str(app), "--workspace-id", WORKSPACE_ID, "--yes", "--auth", "cookie"], env=env, catch_exceptions=False)
    assert only_the_api_is_left(installed), installed.output  # the API is spa_server.py, not in the app
    build = _run(["npx", "vite", "build"], app, timeout=BUILD_TIMEOUT)
    return app, before, build


def test_ember_7_vite_app_builds_with_the_service(ember_7_app) -> None:  # type: ignore[no-untyped-def]
    app, _, build = ember_7_app
    assert "built in" in build.stdout, build.stdout[-2000:]
    service = (app / "app/services/intercom-messenger.js").read_text()
    assert "import Service, { service } from '@ember/service';" in service
    assert "} from 'shop/utils/intercom-messenger';" in service
    auth = (app / "app/services/auth.js").read_text()
    assert "void intercomLogin();" in auth and "intercomLogout();" in auth
    assert not any(SECRET in path.read_text(errors="ignore") for path in (app / "dist").rglob("*") if path.is_file())


def test_ember_7_vite_app_passes_verification_in_chromium(ember_7_app) -> None:  # type: ignore[no-untyped-def]
    app, _, _ = ember_7_app
    report, text = verify_built_app(app / "dist", app.parent)
    assert report.exit_code == 0, text


def test_ember_7_vite_uninstall_restores_the_app(ember_7_app) -> None:  # type: ignore[no-untyped-def]
    app, before, _ = ember_7_app
    removed = CliRunner().invoke(wizard_app, ["uninstall", str(app), "--yes"], env={"INTERCOM_IDENTITY_SECRET": SECRET}, catch_exceptions=False)
    assert removed.exit_code == 0, removed.output
    _run(["npm", "install", "--no-audit", "--no-fund", "--prefer-offline"], app, timeout=BUILD_TIMEOUT)  # npm prunes the SDK from its lockfile
    assert _scaffold_files(app) == before, sorted(set(_scaffold_files(app).items()) ^ set(before.items()))[:3]
