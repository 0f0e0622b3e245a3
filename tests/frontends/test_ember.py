"""Ember: golden before/after plans on small hand-written apps (TS and JS, with and without a
router map, cookie and bearer auth, logout found or not, regions, load strategies, module-prefix
and relative imports), idempotency and byte-for-byte uninstall; then one real app generated with
ember-cli, installed, built for production, linted, its TypeScript output type-checked against the
app's own ember-source types, served, verified in Chromium, uninstalled and built again."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import SECRET, WORKSPACE_ID, git, only_the_api_is_left, snapshot
from conftest import install_signed_in_app as _install
from ember_support import (
    AUTH_JS,
    AUTH_TS,
    CONFIG_TYPES,
    E2E_ABOUT_TEMPLATE,
    E2E_APPLICATION_CONTROLLER,
    E2E_APPLICATION_TEMPLATE,
    E2E_AUTH_SERVICE,
    TSCONFIG_CHECK,
    write_app,
)
from spa_verify import verify_built_app
from typer.testing import CliRunner

from intercom_wizard.cli import app as wizard_app
from intercom_wizard.integrations import FRONTENDS
from intercom_wizard.integrations.frontends import ember

REPO = Path(__file__).resolve().parents[2]
EMBER_CLI = "ember-cli@6.4.0"  # `ember new` from the official generator, pinned
GLIMMER_SYNTAX = "0.95.0"  # newer @glimmer/syntax wants simple-html-tokenizer@^1, not in this registry
SERVICE = "app/services/intercom-messenger"
INITIALIZER = "app/instance-initializers/intercom-messenger"
CORE = "app/utils/intercom-messenger"

EXPECTED_SERVICE_JS = """/*
 * The Intercom Messenger as an Ember service, added by intercom-wizard.
 *
 * The intercom-messenger instance-initializer starts it in the browser; from
 * then on it tells the Messenger about every route change. Call `login()`
 * after your app signs a user in and `logout()` before it clears the session.
 */
import Service, { service } from '@ember/service';
import {
  intercomLogin,
  intercomLogout,
  intercomPageChanged,
  startIntercomMessenger,
} from 'shop/utils/intercom-messenger';

export default class IntercomMessengerService extends Service {
  @service router;

  #started = false;

  /** Loads and boots the Messenger once; later calls do nothing. */
  start() {
    if (this.#started) {
      return;
    }
    this.#started = true;
    this.router.on('routeDidChange', this.#routeDidChange);
    startIntercomMessenger();
  }

  /** After the app signed a user in: boot the Messenger as that user. */
  login() {
    return intercomLogin();
  }

  /** Before the app clears its session: end the user's Messenger session. */
  logout() {
    intercomLogout();
  }

  willDestroy() {
    super.willDestroy();
    if (this.#started) {
      this.router.off('routeDidChange', this.#routeDidChange);
    }
  }

  #routeDidChange = () => {
    intercomPageChanged();
  };
}
"""

EXPECTED_SERVICE_TS = """/*
 * The Intercom Messenger as an Ember service, added by intercom-wizard.
 *
 * The intercom-messenger instance-initializer starts it in the browser; from
 * then on it tells the Messenger about every route change. Call `login()`
 * after your app signs a user in and `logout()` before it clears the session.
 */
import Service, { service } from '@ember/service';
import type RouterService from '@ember/routing/router-service';
import {
  intercomLogin,
  intercomLogout,
  intercomPageChanged,
  startIntercomMessenger,
} from 'shop/utils/intercom-messenger';

export default class IntercomMessengerService extends Service {
  @service declare router: RouterService;

  #started = false;

  /** Loads and boots the Messenger once; later calls do nothing. */
  start(): void {
    if (this.#started) {
      return;
    }
    this.#started = true;
    this.router.on('routeDidChange', this.#routeDidChange);
    startIntercomMessenger();
  }

  /** After the app signed a user in: boot the Messenger as that user. */
  login(): Promise<void> {
    return intercomLogin();
  }

  /** Before the app clears its session: end the user's Messenger session. */
  logout(): void {
    intercomLogout();
  }

  willDestroy(): void {
    super.willDestroy();
    if (this.#started) {
      this.router.off('routeDidChange', this.#routeDidChange);
    }
  }

  #routeDidChange = (): void => {
    intercomPageChanged();
  };
}

declare module '@ember/service' {
  interface Registry {
    'intercom-messenger': IntercomMessengerService;
  }
}
"""

EXPECTED_INITIALIZER_JS = """/*
 * Starts the intercom-messenger service (added by intercom-wizard) when the
 * app boots in a browser. Under FastBoot there is no page to show it on.
 */

export function initialize(appInstance) {
  if (typeof FastBoot === 'undefined') {
    appInstance.lookup('service:intercom-messenger').start();
  }
}

export default {
  initialize,
};
"""

EXPECTED_INITIALIZER_TS = """/*
 * Starts the intercom-messenger service (added by intercom-wizard) when the
 * app boots in a browser. Under FastBoot there is no page to show it on.
 */
import type ApplicationInstance from '@ember/application/instance';

declare const FastBoot: unknown;

export function initialize(appInstance: ApplicationInstance): void {
  if (typeof FastBoot === 'undefined') {
    appInstance.lookup('service:intercom-messenger').start();
  }
}

export default {
  initialize,
};
"""

EXPECTED_SESSION_JS = AUTH_JS.replace(
    "import { tracked } from '@glimmer/tracking';\n",
    "import { tracked } from '@glimmer/tracking';\nimport { intercomLogin, intercomLogout } from '../utils/intercom-messenger';\n",
).replace(
    "    this.user = body.user;\n  }",
    "    this.user = body.user;\n    void intercomLogin();\n  }",
).replace(
    "  logout() {\n    localStorage",
    "  logout() {\n    intercomLogout();\n    localStorage",
)

EXPECTED_SESSION_TS = AUTH_TS.replace(
    "import { tracked } from '@glimmer/tracking';\n",
    "import { tracked } from '@glimmer/tracking';\nimport { intercomLogin, intercomLogout } from '../utils/intercom-messenger';\n",
).replace(
    "    this.user = body.user;\n  }",
    "    this.user = body.user;\n    void intercomLogin();\n  }",
).replace(
    "  logout(): void {\n    localStorage",
    "  logout(): void {\n    intercomLogout();\n    localStorage",
)


@pytest.fixture(autouse=True)
def registered(monkeypatch):
    """The module is in the registry once its tests pass; until then (and regardless) put it there."""
    monkeypatch.setitem(FRONTENDS, ember.NAME, ember)


def _committed(root: Path) -> Path:
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "app")
    return root


def _changed(root: Path, before: dict[str, bytes]) -> dict[str, str]:
    after = snapshot(root)
    return {path: data.decode() for path, data in after.items() if before.get(path) != data and path != ".intercom-wizard.json"}


CASES = {
    # name: (write_app kwargs, CLI options, expected constants in the core)
    "js-cookie-us-immediate": (
        {},
        ("--auth", "cookie"),
        ("const REGION = undefined;", "const API_BASE = undefined;", "return { method: 'GET', credentials: 'include', headers };", "// --load immediate:"),
    ),
    "ts-bearer-eu-idle": (
        {"typescript": True},
        ("--auth", "bearer", "--token-storage-key", "access_token", "--region", "eu", "--load", "idle"),
        ("const REGION: 'eu' | 'ap' | undefined = 'eu';", "const API_BASE: string | undefined = 'https://api-iam.eu.intercom.io';",
         "const ACCESS_TOKEN_KEY = 'access_token';", "// --load idle:"),
    ),
    "js-bearer-au-interaction-no-router-map": (
        {"router": False},
        ("--auth", "bearer", "--token-storage-key", "access_token", "--region", "au", "--load", "interaction"),
        ("const REGION = 'ap';", "const API_BASE = 'https://api-iam.au.intercom.io';", "const ACCESS_TOKEN_KEY = 'access_token';",
         "// --load interaction:"),
    ),
    "ts-cookie-au-immediate-no-router-map": (
        {"typescript": True, "router": False},
        ("--auth", "cookie", "--region", "au"),
        ("const REGION: 'eu' | 'ap' | undefined = 'ap';", "return { method: 'GET', credentials: 'include', headers };"),
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_golden_install_and_uninstall(case, tmp_path, cli):
    shape, options, constants = CASES[case]
    typescript = shape.get("typescript", False)
    extension = ".ts" if typescript else ".js"
    root = _committed(write_app(tmp_path / "shop", **shape))
    before = snapshot(root)

    result = _install(cli, root, *options)
    assert only_the_api_is_left(result), result.output

    changed = _changed(root, before)
    assert sorted(changed) == sorted(
        ["package.json", f"{SERVICE}{extension}", f"{INITIALIZER}{extension}", f"{CORE}{extension}", f"app/services/session{extension}"]
    )
    assert changed[f"{SERVICE}{extension}"] == (EXPECTED_SERVICE_TS if typescript else EXPECTED_SERVICE_JS)
    assert changed[f"{INITIALIZER}{extension}"] == (EXPECTED_INITIALIZER_TS if typescript else EXPECTED_INITIALIZER_JS)
    assert changed[f"app/services/session{extension}"] == (EXPECTED_SESSION_TS if typescript else EXPECTED_SESSION_JS)
    core = changed[f"{CORE}{extension}"]
    # ember-auto-import leaves a dynamic import of a package unresolved: Ember bundles the SDK.
    assert "const APP_ID = 'abc12345';" in core and "import * as bundledSdk from '@intercom/messenger-js-sdk';" in core
    assert "await import(" not in core
    for constant in constants:
        assert constant in core
    if not typescript:
        assert ": string" not in core and "declare " not in changed[f"{SERVICE}{extension}"]
    assert json.loads(changed["package.json"])["dependencies"] == {"@intercom/messenger-js-sdk": "^0.0.20"}
    assert SECRET not in "".join(changed.values())

    git(root, "add", "-A")
    git(root, "commit", "-qm", "installed")
    again = _install(cli, root, *options)
    assert again.exit_code == 4 and "Nothing to do" in again.output  # the token endpoint is still to be written

    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert snapshot(root) == before


@pytest.mark.parametrize("typescript", [False, True])
def test_logout_not_found_prints_the_manual_steps(typescript, tmp_path, cli):
    root = _committed(write_app(tmp_path / "shop", typescript=typescript, auth=False))
    before = snapshot(root)
    result = _install(cli, root, "--auth", "cookie", "--region", "eu")
    assert result.exit_code == 4, result.output
    extension = ".ts" if typescript else ".js"
    # No guess: the exact lines, in a file that exists (the application route, or app.js/ts).
    assert f"app/services/session{extension}" not in result.stderr
    assert f"manual step in app/routes/application{extension}" in result.stderr or f"manual step in app/app{extension}" in result.stderr, result.stderr
    assert "intercomLogout();" in result.stderr and "void intercomLogin();" in result.stderr
    assert f"import it from {CORE}{extension}" in result.stderr
    changed = _changed(root, before)
    assert sorted(changed) == sorted(["package.json", f"{SERVICE}{extension}", f"{INITIALIZER}{extension}", f"{CORE}{extension}"])
    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert snapshot(root) == before


def test_relative_imports_when_the_app_uses_no_module_prefix(tmp_path, cli):
    root = _committed(write_app(tmp_path / "shop", relative=True, router=False))
    result = _install(cli, root, "--auth", "cookie")
    assert only_the_api_is_left(result), result.output
    service = (root / f"{SERVICE}.js").read_text()
    assert "} from '../utils/intercom-messenger';" in service
    assert service == EXPECTED_SERVICE_JS.replace("'shop/utils/intercom-messenger'", "'../utils/intercom-messenger'")


def test_ember_simple_auth_gets_a_note(tmp_path, cli):
    root = write_app(tmp_path / "shop")
    manifest = json.loads((root / "package.json").read_text())
    manifest["devDependencies"]["ember-simple-auth"] = "^7.0.0"
    (root / "package.json").write_text(json.dumps(manifest, indent=2) + "\n")
    result = _install(cli, _committed(root), "--auth", "cookie")
    assert only_the_api_is_left(result), result.output
    assert "ember-simple-auth" in result.output and "handleInvalidation" in result.output


def test_detected_as_ember(tmp_path, cli):
    root = _committed(write_app(tmp_path / "shop"))
    result = cli("detect", str(root), "--json")
    assert result.exit_code == 0, result.output
    frontends = json.loads(result.stdout)["frontends"]
    assert [(f["name"], f["supported"]) for f in frontends] == [("ember", True)]


# ---- the real thing --------------------------------------------------------------------------------


def _tools_missing() -> str | None:
    if shutil.which("npm") is None or not Path("/usr/bin/chromium").exists():
        return "needs npm and /usr/bin/chromium"
    return None


def _run(command: list[str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, check=False, cwd=cwd, capture_output=True, text=True, timeout=timeout, env={**os.environ, "CI": "true"})
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return result


def _scaffold_files(root: Path) -> dict[str, bytes]:
    return {path: data for path, data in snapshot(root).items() if not path.startswith(("dist/", ".server.log", "tmp/"))}


def _generated_typescript(tmp: Path) -> Path:
    """The wizard's TypeScript output for a TS app of the same name, to type-check against real types."""
    runner = CliRunner()
    root = _committed(write_app(tmp / "ts-shop", typescript=True))
    result = runner.invoke(
        wizard_app, ["install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install", "--auth", "cookie"],
        env={"INTERCOM_IDENTITY_SECRET": SECRET}, catch_exceptions=False,
    )
    assert only_the_api_is_left(result), result.output  # the app signs in; its API is not in the project
    return root


@pytest.fixture(scope="module")
def ember_app(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    missing = _tools_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing} (required in CI)")
        pytest.skip(missing)
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(FRONTENDS, ember.NAME, ember)
        base = tmp_path_factory.mktemp("ember-e2e")
        _run(["npx", "-y", EMBER_CLI, "new", "shop", "--skip-npm", "--skip-git", "--lang", "en"], base)
        app = base / "shop"
        manifest_path = app / "package.json"
        manifest = json.loads(manifest_path.read_text())
        manifest["overrides"] = {"@glimmer/syntax": GLIMMER_SYNTAX}
        manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
        (app / "app/services").mkdir(exist_ok=True)
        (app / "app/services/auth.js").write_text(E2E_AUTH_SERVICE)
        (app / "app/controllers/application.js").write_text(E2E_APPLICATION_CONTROLLER)
        (app / "app/templates/application.hbs").write_text(E2E_APPLICATION_TEMPLATE)
        (app / "app/templates/about.hbs").write_text(E2E_ABOUT_TEMPLATE)
        router = app / "app/router.js"
        router.write_text(router.read_text().replace("Router.map(function () {});", "Router.map(function () {\n  this.route('about');\n});"))
        _run(["npm", "install", "--no-audit", "--no-fund", "--prefer-offline"], app)
        git(app, "init", "-q")
        git(app, "add", "-A")
        git(app, "commit", "-qm", "scaffold")
        before = _scaffold_files(app)

        runner = CliRunner()
        env = {"INTERCOM_IDENTITY_SECRET": SECRET}
        installed = runner.invoke(wizard_app, ["install", str(app), "--workspace-id", WORKSPACE_ID, "--yes", "--auth", "cookie"], env=env, catch_exceptions=False)
        assert only_the_api_is_left(installed), installed.output  # the API is spa_server.py, not in the app
        again = runner.invoke(wizard_app, ["install", str(app), "--workspace-id", WORKSPACE_ID, "--yes", "--allow-dirty", "--auth", "cookie"], env=env, catch_exceptions=False)
        build = _run(["npm", "run", "build"], app)
        lint = _run(["npx", "eslint", "--max-warnings=0", f"{SERVICE}.js", f"{INITIALIZER}.js", f"{CORE}.js", "app/services/auth.js"], app)
        prettier = subprocess.run(
            ["npx", "prettier", "--check", f"{SERVICE}.js", f"{INITIALIZER}.js", "app/services/auth.js"], cwd=app, capture_output=True, text=True, check=False
        )
        typescript = _generated_typescript(base)
        (typescript / "node_modules").symlink_to(app / "node_modules")
        (typescript / "tsconfig.check.json").write_text(json.dumps(TSCONFIG_CHECK, indent=2))
        (typescript / "app/config").mkdir()
        (typescript / "app/config/environment.d.ts").write_text(CONFIG_TYPES)
        type_check = subprocess.run(["node_modules/.bin/tsc", "-p", "tsconfig.check.json"], cwd=typescript, capture_output=True, text=True, check=False)
        dist_text = "".join(path.read_text(errors="replace") for path in (app / "dist").rglob("*") if path.is_file())

        report, _ = verify_built_app(app / "dist", base)
        uninstalled = runner.invoke(wizard_app, ["uninstall", str(app), "--yes"], env=env, catch_exceptions=False)
        _run(["npm", "install", "--no-audit", "--no-fund", "--prefer-offline"], app)  # npm prunes the SDK from its lockfile
        after = _scaffold_files(app)
        rebuilt = _run(["npm", "run", "build"], app)
    return {
        "app": app, "before": before, "after": after, "installed": installed, "again": again, "build": build, "lint": lint,
        "prettier": prettier, "type_check": type_check, "dist_text": dist_text, "report": report,
        "uninstalled": uninstalled, "rebuilt": rebuilt,
    }


def test_e2e_install_wires_the_app(ember_app):
    output = ember_app["installed"].output
    assert "create  app/services/intercom-messenger.js" in output
    assert "create  app/instance-initializers/intercom-messenger.js" in output
    assert "modify  app/services/auth.js" in output
    assert only_the_api_is_left(ember_app["installed"])  # the one manual step: the API's endpoint, elsewhere
    assert "Nothing to do" in ember_app["again"].output


def test_e2e_production_build_lint_and_type_check(ember_app):
    build = ember_app["build"].stdout + ember_app["build"].stderr
    assert "Built project successfully" in build
    assert "intercom" not in build.lower().replace("@intercom/messenger-js-sdk", ""), build  # no warning about our code
    assert ember_app["lint"].returncode == 0
    assert ember_app["prettier"].returncode == 0, ember_app["prettier"].stdout + ember_app["prettier"].stderr
    assert ember_app["type_check"].returncode == 0, ember_app["type_check"].stdout + ember_app["type_check"].stderr


def test_e2e_secret_never_reaches_the_front_end(ember_app):
    assert ember_app["dist_text"] and SECRET not in ember_app["dist_text"]
    assert "INTERCOM_IDENTITY_SECRET" not in ember_app["dist_text"]


def test_e2e_verify_in_chromium(ember_app):
    from rich.console import Console

    report = ember_app["report"]
    console = Console(width=200, record=True)
    report.render(console)
    assert report.exit_code == 0, console.export_text()


def test_e2e_uninstall_restores_the_scaffold_and_it_builds(ember_app):
    assert ember_app["uninstalled"].exit_code == 0, ember_app["uninstalled"].output
    assert ember_app["after"] == ember_app["before"]
    assert "Built project successfully" in ember_app["rebuilt"].stdout
