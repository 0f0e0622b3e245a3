"""Angular: golden before/after tests of the plan on small hand-written CLI trees (standalone, NgModule,
SSR; with and without router; cookie and bearer; logout found or not; regions; load strategies), and
one real end-to-end run on a fresh `ng new` app: install, production build (which type-checks),
verify in Chromium, uninstall, build again."""

import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
from angular_support import (
    ABOUT_COMPONENT,
    APP_COMPONENT,
    AUTH_SERVICE,
    ROUTES,
    SSR_SERVER_CONFIG,
    module_app,
    ssr_app,
    standalone_app,
)
from conftest import SECRET, WORKSPACE_ID, git, install_signed_in_app, only_the_api_is_left, snapshot
from spa_verify import verify_built_app

from intercom_wizard.integrations import FRONTENDS
from intercom_wizard.integrations.frontends import angular

REPO = Path(__file__).resolve().parents[2]
CLI_VERSION = "21.2.27"


@pytest.fixture(autouse=True)
def registered(monkeypatch):
    """The module under test, whether or not the registry lists it yet."""
    monkeypatch.setitem(FRONTENDS, angular.NAME, angular)


def read(root: Path, name: str) -> str:
    return (root / name).read_text()


# -- golden: standalone apps ---------------------------------------------------------------------

EXPECTED_APP_CONFIG = """import { ApplicationConfig, provideBrowserGlobalErrorListeners, inject, provideAppInitializer } from '@angular/core';
import { provideRouter } from '@angular/router';

import { routes } from './app.routes';
import { IntercomMessengerService } from './intercom-messenger.service';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideRouter(routes),
    provideAppInitializer(() => inject(IntercomMessengerService).start())
  ]
};
"""

EXPECTED_SERVICE = """import { DestroyRef, Injectable, PLATFORM_ID, inject } from '@angular/core';
import { isPlatformBrowser } from '@angular/common';
import { NavigationEnd, Router } from '@angular/router';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { filter } from 'rxjs';

import { intercomLogin, intercomLogout, intercomPageChanged, startIntercomMessenger } from './intercom-messenger';

/**
 * The Intercom Messenger, added by intercom-wizard. Started once by the app initializer, in the
 * browser only (server-side rendering skips it), told about every completed navigation, and
 * signed in or out together with the app's own session.
 */
@Injectable({ providedIn: 'root' })
export class IntercomMessengerService {
  private readonly platformId = inject(PLATFORM_ID);
  private readonly router = inject(Router);
  private readonly destroyRef = inject(DestroyRef);
  private started = false;

  /** Loads the Messenger and boots it as the signed-in user, or anonymously. */
  start(): void {
    if (!isPlatformBrowser(this.platformId) || this.started) {
      return;
    }
    this.started = true;
    startIntercomMessenger();
    this.router.events
      .pipe(
        filter((event) => event instanceof NavigationEnd),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe(() => intercomPageChanged());
  }

  /** Call after the app has signed a user in. */
  login(): Promise<void> {
    return intercomLogin();
  }

  /** Call before the app clears its session on sign-out. */
  logout(): void {
    intercomLogout();
  }
}
"""

EXPECTED_AUTH_SERVICE = AUTH_SERVICE.replace(
    "import { Injectable, signal } from '@angular/core';\n",
    "import { Injectable, signal } from '@angular/core';\nimport { intercomLogin, intercomLogout } from './intercom-messenger';\n",
).replace(
    "    this.username.set(username);\n  }",
    "    this.username.set(username);\n    void intercomLogin();\n  }",
).replace(
    "  async logout(): Promise<void> {\n",
    "  async logout(): Promise<void> {\n    intercomLogout();\n",
)


def test_standalone_with_router_cookie_auth_and_logout_found(tmp_path, cli):
    root = standalone_app(tmp_path / "app")
    original = snapshot(root)
    result = install_signed_in_app(cli, root)
    assert only_the_api_is_left(result), result.output
    assert read(root, "src/app/app.config.ts") == EXPECTED_APP_CONFIG
    assert read(root, "src/app/intercom-messenger.service.ts") == EXPECTED_SERVICE
    assert read(root, "src/app/auth.service.ts") == EXPECTED_AUTH_SERVICE
    core = read(root, "src/app/intercom-messenger.ts")
    assert "const APP_ID = 'abc12345';" in core and "return { method: 'GET', credentials: 'include', headers };" in core
    assert "const REGION: 'eu' | 'ap' | undefined = undefined;" in core and "// --load immediate:" in core
    assert '"@intercom/messenger-js-sdk": "^0.0.20",' in read(root, "package.json")
    changed = {name for name, data in snapshot(root).items() if original.get(name) != data}
    assert read(root, "angular.json").endswith(
        '"tsConfig": "tsconfig.app.json",\n'
        '            "allowedCommonJsDependencies": [\n'
        '              "@intercom/messenger-js-sdk"\n'
        "            ]\n          }\n        }\n      }\n    }\n  }\n}\n"
    )
    assert "Authorization" not in core  # cookie auth: the bearer branch is not generated
    assert changed == {
        ".intercom-wizard.json", "angular.json", "package.json", "src/app/app.config.ts", "src/app/auth.service.ts",
        "src/app/intercom-messenger.service.ts", "src/app/intercom-messenger.ts",
    }
    assert SECRET not in "".join(read(root, name) for name in changed)
    # idempotent
    again = install_signed_in_app(cli, root)
    assert again.exit_code == 4 and "Nothing to do" in again.output  # the token endpoint is still to be written
    # uninstall restores every byte
    removed = cli("uninstall", str(root), "--yes")
    assert removed.exit_code == 0, removed.output
    assert snapshot(root) == original


def test_standalone_without_router(tmp_path, cli):
    root = standalone_app(tmp_path / "app", router=False)
    original = snapshot(root)
    result = install_signed_in_app(cli, root)
    assert only_the_api_is_left(result), result.output
    assert read(root, "src/app/app.config.ts") == (
        "import { ApplicationConfig, provideBrowserGlobalErrorListeners, inject, provideAppInitializer } from '@angular/core';\n"
        "import { IntercomMessengerService } from './intercom-messenger.service';\n"
        "\n"
        "export const appConfig: ApplicationConfig = {\n"
        "  providers: [provideBrowserGlobalErrorListeners(), provideAppInitializer(() => inject(IntercomMessengerService).start())]\n"
        "};\n"
    )
    service = read(root, "src/app/intercom-messenger.service.ts")
    assert "Router" not in service and "rxjs" not in service and "intercomPageChanged" not in service
    assert "import { Injectable, PLATFORM_ID, inject } from '@angular/core';" in service
    assert "import { intercomLogin, intercomLogout, startIntercomMessenger } from './intercom-messenger';" in service
    assert "    startIntercomMessenger();\n  }" in service
    assert "not told about page changes" in result.output
    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert snapshot(root) == original


def test_router_dependency_without_provided_router_injects_no_router(tmp_path, cli):
    root = standalone_app(tmp_path / "app", router=False)
    (root / "package.json").write_text(read(root, "package.json").replace('"@angular/platform-browser"', '"@angular/router": "^21.2.0",\n    "@angular/platform-browser"'))
    git(root, "commit", "-qam", "router dependency")
    assert only_the_api_is_left(install_signed_in_app(cli, root))
    assert "inject(Router)" not in read(root, "src/app/intercom-messenger.service.ts")


def test_bearer_auth_and_logout_not_found(tmp_path, cli):
    root = standalone_app(tmp_path / "app", auth=False)
    original = snapshot(root)
    result = install_signed_in_app(cli, root, "--auth", "bearer", "--token-storage-key", "access_token")
    assert result.exit_code == 4, result.output
    core = read(root, "src/app/intercom-messenger.ts")
    assert "const ACCESS_TOKEN_KEY = 'access_token';" in core and "const AUTH_SCHEME = 'Bearer';" in core
    # Angular's tsconfig has noPropertyAccessFromIndexSignature: no `headers.Authorization` (TS4111).
    assert "headers['Authorization'] = `${AUTH_SCHEME} ${accessToken}`;" in core
    assert "manual step" in result.output and "intercomLogout();" in result.output and "void intercomLogin();" in result.output
    # No auth service: the step names a file that exists (the root component), not a guessed one.
    assert "manual step in src/app/app.ts" in result.output or "manual step in src/app/app.component.ts" in result.output, result.output
    assert "auth.service.ts" not in result.output
    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert snapshot(root) == original


@pytest.mark.parametrize(
    ("region", "expected"),
    [("eu", "const REGION: 'eu' | 'ap' | undefined = 'eu';"), ("au", "const REGION: 'eu' | 'ap' | undefined = 'ap';")],
)
def test_regions(tmp_path, cli, region, expected):
    root = standalone_app(tmp_path / "app")
    assert only_the_api_is_left(install_signed_in_app(cli, root, "--region", region))
    core = read(root, "src/app/intercom-messenger.ts")
    assert expected in core
    assert f"const API_BASE: string | undefined = 'https://api-iam.{region}.intercom.io';" in core


@pytest.mark.parametrize("load", ["immediate", "idle", "interaction"])
def test_load_strategies(tmp_path, cli, load):
    root = standalone_app(tmp_path / "app")
    assert only_the_api_is_left(install_signed_in_app(cli, root, "--load", load))
    assert f"// --load {load}:" in read(root, "src/app/intercom-messenger.ts")
    assert read(root, "src/app/app.config.ts") == EXPECTED_APP_CONFIG


def test_zone_js_app_starts_the_messenger_outside_angular(tmp_path, cli):
    root = standalone_app(tmp_path / "app", zone=True)
    assert only_the_api_is_left(install_signed_in_app(cli, root))
    service = read(root, "src/app/intercom-messenger.service.ts")
    assert "import { DestroyRef, Injectable, NgZone, PLATFORM_ID, inject } from '@angular/core';" in service
    assert "  private readonly zone = inject(NgZone);\n" in service
    assert "    this.zone.runOutsideAngular(() => startIntercomMessenger());\n" in service


def test_angular_18_uses_app_initializer(tmp_path, cli):
    root = standalone_app(tmp_path / "app", core="^18.2.0")
    original = snapshot(root)
    assert only_the_api_is_left(install_signed_in_app(cli, root))
    config = read(root, "src/app/app.config.ts")
    assert "import { ApplicationConfig, provideBrowserGlobalErrorListeners, APP_INITIALIZER } from '@angular/core';" in config
    assert (
        "    provideRouter(routes),\n    {\n      provide: APP_INITIALIZER,\n"
        "      useFactory: (service: IntercomMessengerService) => () => service.start(),\n"
        "      deps: [IntercomMessengerService],\n      multi: true,\n    }\n  ]"
    ) in config
    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert snapshot(root) == original


def test_javascript_project_is_refused(tmp_path, cli):
    """Angular compiles TypeScript only: a package.json naming @angular/core without it is not a CLI app."""
    root = standalone_app(tmp_path / "app")
    (root / "tsconfig.json").unlink()
    (root / "package.json").write_text(read(root, "package.json").replace('    "typescript": "~5.9.2"\n', "").replace('"^21.2.0",\n  }', '"^21.2.0"\n  }'))
    git(root, "commit", "-qam", "no typescript")
    before = snapshot(root)
    result = install_signed_in_app(cli, root)
    assert result.exit_code == 2, result.output
    assert "no TypeScript" in result.output
    assert snapshot(root) == before


# -- golden: NgModule and SSR apps ---------------------------------------------------------------


def test_ngmodule_app(tmp_path, cli):
    root = module_app(tmp_path / "app")
    original = snapshot(root)
    result = install_signed_in_app(cli, root)
    assert only_the_api_is_left(result), result.output
    assert read(root, "src/app/app-module.ts") == (
        "import { NgModule, provideBrowserGlobalErrorListeners, inject, provideAppInitializer } from '@angular/core';\n"
        "import { BrowserModule } from '@angular/platform-browser';\n"
        "\n"
        "import { AppRoutingModule } from './app-routing-module';\n"
        "import { App } from './app';\n"
        "import { IntercomMessengerService } from './intercom-messenger.service';\n"
        "\n"
        "@NgModule({\n"
        "  declarations: [\n"
        "    App\n"
        "  ],\n"
        "  imports: [\n"
        "    BrowserModule,\n"
        "    AppRoutingModule\n"
        "  ],\n"
        "  providers: [\n"
        "    provideBrowserGlobalErrorListeners(),\n"
        "    provideAppInitializer(() => inject(IntercomMessengerService).start()),\n"
        "  ],\n"
        "  bootstrap: [App]\n"
        "})\n"
        "export class AppModule { }\n"
    )
    assert "inject(Router)" in read(root, "src/app/intercom-messenger.service.ts")  # RouterModule.forRoot
    assert read(root, "src/app/auth.service.ts") == EXPECTED_AUTH_SERVICE
    assert only_the_api_is_left(install_signed_in_app(cli, root))
    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert snapshot(root) == original


def test_ngmodule_without_providers(tmp_path, cli):
    root = module_app(tmp_path / "app", providers=False)
    original = snapshot(root)
    assert only_the_api_is_left(install_signed_in_app(cli, root))
    module = read(root, "src/app/app-module.ts")
    assert "import { NgModule, inject, provideAppInitializer } from '@angular/core';" in module
    assert (
        "  bootstrap: [App],\n  providers: [provideAppInitializer(() => inject(IntercomMessengerService).start())]\n})"
    ) in module
    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert snapshot(root) == original


def test_ssr_app_edits_the_browser_config_only(tmp_path, cli):
    root = ssr_app(tmp_path / "app")
    original = snapshot(root)
    assert only_the_api_is_left(install_signed_in_app(cli, root))
    assert read(root, "src/app/app.config.ts").endswith(
        "    provideRouter(routes), provideClientHydration(withEventReplay()),\n"
        "    provideAppInitializer(() => inject(IntercomMessengerService).start())\n"
        "  ]\n};\n"
    )
    assert read(root, "src/app/app.config.server.ts") == SSR_SERVER_CONFIG  # merges appConfig: the guard below keeps it inert
    service = read(root, "src/app/intercom-messenger.service.ts")
    assert "if (!isPlatformBrowser(this.platformId) || this.started) {" in service
    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert snapshot(root) == original


# -- end to end: a real `ng new` app, built and verified in Chromium ------------------------------

needs_tools = pytest.mark.skipif(
    not os.environ.get("CI") and (shutil.which("npm") is None or not Path("/usr/bin/chromium").exists()),
    reason="needs npm and /usr/bin/chromium",
)


def run(command: list[str], cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NG_CLI_ANALYTICS": "false", "CI": "1"}
    result = subprocess.run(command, check=False, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return result


def build(app: Path) -> str:
    result = run(["npx", "ng", "build"], app)
    output = result.stdout + result.stderr
    assert "WARNING" not in output and "Warning:" not in output, output
    return output


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def source_files(root: Path) -> dict[str, bytes]:
    return {name: data for name, data in snapshot(root).items() if not name.startswith(("dist/", ".angular/"))}


@pytest.fixture(scope="module")
def scaffold(tmp_path_factory):
    base = tmp_path_factory.mktemp("angular")
    run(["npx", "-y", f"@angular/cli@{CLI_VERSION}", "new", "app", "--defaults", "--skip-git", "--skip-install"], base)
    app = base / "app"
    (app / "src/app/auth.service.ts").write_text(AUTH_SERVICE)
    (app / "src/app/about.ts").write_text(ABOUT_COMPONENT)
    (app / "src/app/app.routes.ts").write_text(ROUTES)
    (app / "src/app/app.ts").write_text(APP_COMPONENT)
    (app / "src/app/app.html").unlink()
    run(["npm", "install", "--no-audit", "--no-fund"], app)
    git(app, "init", "-q")
    git(app, "add", "-A")
    git(app, "commit", "-qm", "scaffold")
    return app


@needs_tools
def test_end_to_end_build_verify_uninstall(scaffold, cli):

    app = scaffold
    original = source_files(app)
    result = cli("install", str(app), "--workspace-id", WORKSPACE_ID, "--yes", "--auth", "cookie")
    assert only_the_api_is_left(result), result.output  # the API is spa_server.py, not in the app
    assert "src/app/auth.service.ts" in result.output
    build(app)
    dist = app / "dist/app/browser"
    for path in (app / "dist").rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path
    report, text = verify_built_app(dist, app)
    (app.parent / "verify-report.txt").write_text(text)
    assert report.exit_code == 0, text
    statuses = {check.id: check.status.value for check in report.checks}
    assert "fail" not in statuses.values(), text
    assert statuses["navigation"] == statuses["logout"] == "pass", text

    removed = cli("uninstall", str(app), "--yes")
    assert removed.exit_code == 0, removed.output
    run(["npm", "install", "--no-audit", "--no-fund"], app)  # the package manager updates the lockfile
    assert source_files(app) == original
    build(app)


HTTP_AUTH_SERVICE = """import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

@Injectable({ providedIn: 'root' })
export class AuthService {
  private readonly http = inject(HttpClient);

  login(username: string, password: string): Observable<void> {
    return this.http.post<void>('/api/login', { username, password });
  }

  logout(): Observable<void> {
    return this.http.post<void>('/logout', {});
  }
}
"""


def test_observable_login_is_left_to_the_user(tmp_path, cli):
    """An HttpClient login returns before the user is signed in: no call is guessed, the step is printed."""
    root = standalone_app(tmp_path / "app")
    (root / "src/app/auth.service.ts").write_text(HTTP_AUTH_SERVICE)
    git(root, "commit", "-qam", "HttpClient auth")
    result = install_signed_in_app(cli, root)
    assert result.exit_code == 4, result.output
    assert "login() in src/app/auth.service.ts returns its request unfinished" in " ".join(result.output.split())
    assert "intercomLogin" not in read(root, "src/app/auth.service.ts")
    assert "  logout(): Observable<void> {\n    intercomLogout();\n    return" in read(root, "src/app/auth.service.ts")
