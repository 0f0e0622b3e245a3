"""Front ends at the edges of their support tables (issue 10/11): Next.js 11 (Pages Router, React 17,
jose 4 from the secret's bytes), Angular 10 - 13 (NgModule, constructor injection: no `inject()`
before 14) and Ember 7 on Vite (Embroider's `@embroider/vite` blueprint). Golden diffs per band on
fixtures of our own writing in each version's shape; the builds with the real packages are
test_next_11_build.py and test_ember_7_vite_build.py (Angular 10: the corpus app angular10-jwt-refresh)."""

import json
from pathlib import Path

import pytest
from bands import band_diff
from conftest import copy_app, snapshot
from nextjs_support import registered
from test_version_bands_spa import _pin

from intercom_wizard.integrations import FRONTENDS
from intercom_wizard.integrations.frontends import angular


@pytest.fixture(autouse=True)
def _registered(monkeypatch):  # type: ignore[no-untyped-def]
    """Next.js and Angular in FRONTENDS for the test, whether or not the registry lists them yet."""
    monkeypatch.setitem(FRONTENDS, angular.NAME, angular)
    with registered():
        yield


def _section(diff: str, path: str) -> str:
    return diff.split(f"+++ b/{path}\n", 1)[1].split("\n--- ", 1)[0]


def _refused(cli, root: Path, version_text: str, supported: str) -> None:  # type: ignore[no-untyped-def]
    before = snapshot(root)
    result = cli("install", str(root), "--workspace-id", "abc12345", "--yes", "--no-install")
    assert result.exit_code == 2, result.output
    message = " ".join(result.stderr.split())
    assert version_text in message and supported in message, message
    assert "Traceback" not in result.output
    assert snapshot(root) == before


# ---- Next.js 11 -------------------------------------------------------------------------------------


def test_next_11_pages_router_golden_signs_with_jose_4(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = copy_app("next11_pages_app", tmp_path, commit=False)
    # The fixture has no sign-in of its own: --auth cookie plans the endpoint (a fail-closed adapter: exit 4).
    diff = band_diff(cli, root, "nextjs-11-pages", "--auth", "cookie", exit_code=4)
    route = _section(diff, "pages/api/intercom-jwt.js")
    assert "+import { SignJWT } from 'jose';" in route
    assert "+    signingKey = new TextEncoder().encode(secret);" in route and "+    .sign(key);" in route
    assert "crypto.subtle" not in route and "await key" not in route
    assert '+    "jose": "^4.15.9",' in _section(diff, "package.json")
    app = _section(diff, "pages/_app.js")
    assert "+import { useIntercomMessenger } from '../lib/use-intercom-messenger';" in app
    assert "+  useIntercomMessenger();" in app


def test_next_11_without_sign_in_is_anonymous_only(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = copy_app("next11_pages_app", tmp_path, commit=False)
    result = cli("install", str(root), "--workspace-id", "abc12345", "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["result"] == "anonymous-only"
    assert "pages/api/intercom-jwt.js" not in {change["path"] for change in report["changes"]}


def test_next_12_keeps_jose_6_and_a_web_crypto_key(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = copy_app("next11_pages_app", tmp_path, commit=False)
    _pin(root, "dependencies", "next", "12.3.4")
    result = cli("install", str(root), "--workspace-id", "abc12345", "--dry-run", "--auth", "cookie")
    assert result.exit_code == 4, result.output
    assert '+    "jose": "^6.1.0",' in result.stdout and "crypto.subtle.importKey" in result.stdout
    assert "TextEncoder().encode(secret);" not in result.stdout.replace("new TextEncoder().encode(secret), {", "")


def test_next_10_is_refused_with_the_range(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = copy_app("next11_pages_app", tmp_path, commit=False)
    _pin(root, "dependencies", "next", "10.2.3")
    _refused(cli, root, "Next.js 10.2.3", ">= 11.0, < 17.0")


# ---- Angular 10 - 13 --------------------------------------------------------------------------------


def test_angular_10_golden_injects_through_the_constructor(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = copy_app("angular10_ngmodule_app", tmp_path, commit=False)
    diff = band_diff(cli, root, "angular-10-ngmodule")
    service = _section(diff, "src/app/intercom-messenger.service.ts")
    assert "+import { Inject, Injectable, NgZone, PLATFORM_ID } from '@angular/core';" in service
    assert "+    @Inject(PLATFORM_ID) private readonly platformId: object," in service
    assert "+    private readonly router: Router" in service
    assert "inject(" not in service and "takeUntilDestroyed" not in service and "DestroyRef" not in service
    assert "+import { filter } from 'rxjs/operators';" in service  # RxJS 6
    module = _section(diff, "src/app/app.module.ts")
    assert "APP_INITIALIZER" in module and "provideAppInitializer" not in module


@pytest.mark.parametrize("core", ["~11.2.14", "~12.2.17", "~13.3.12"])
def test_angular_11_to_13_use_the_same_constructor_service(tmp_path: Path, cli, core: str) -> None:  # type: ignore[no-untyped-def]
    root = copy_app("angular10_ngmodule_app", tmp_path, commit=False)
    _pin(root, "dependencies", "@angular/core", core)
    result = cli("install", str(root), "--workspace-id", "abc12345", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "+    @Inject(PLATFORM_ID) private readonly platformId: object," in result.stdout
    assert "inject(PLATFORM_ID)" not in result.stdout


def test_angular_14_uses_the_inject_function(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = copy_app("angular10_ngmodule_app", tmp_path, commit=False)
    _pin(root, "dependencies", "@angular/core", "~14.3.0")
    result = cli("install", str(root), "--workspace-id", "abc12345", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "+  private readonly platformId = inject(PLATFORM_ID);" in result.stdout
    assert "constructor(" not in result.stdout


def test_angular_9_is_refused_with_the_range(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = copy_app("angular10_ngmodule_app", tmp_path, commit=False)
    _pin(root, "dependencies", "@angular/core", "9.1.13")
    _refused(cli, root, "Angular 9.1.13", ">= 10.0, < 22.0")


# ---- Ember 7 on Vite --------------------------------------------------------------------------------


def test_ember_7_vite_golden(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = copy_app("ember7_vite_app", tmp_path, commit=False)
    diff = band_diff(cli, root, "ember-7-vite")
    service = _section(diff, "app/services/intercom-messenger.js")
    assert "+import Service, { service } from '@ember/service';" in service and "+  @service router;" in service
    # The app's own modules are imported with its prefix, which package.json's exports map to app/.
    assert "+} from 'book-club/utils/intercom-messenger';" in service
    assert "+++ b/app/instance-initializers/intercom-messenger.js" in diff


def test_ember_8_is_refused_with_the_range(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = copy_app("ember7_vite_app", tmp_path, commit=False)
    _pin(root, "devDependencies", "ember-source", "~8.0.0")
    _refused(cli, root, "Ember 8.0.0", ">= 3.6, < 8.0")


def test_ember_7_with_warp_drive_lint_exempts_the_token_fetch(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """The blueprint's eslint-plugin-warp-drive wants store.request() for every fetch(): the core's token
    fetch (not a store resource) carries the rule's exemption, and only in apps that lint with it."""
    root = copy_app("ember7_vite_app", tmp_path, commit=False)
    exemption = "+  // eslint-disable-next-line warp-drive/no-external-request-patterns -- the token endpoint is not a store resource\n"
    plain = cli("install", str(root), "--workspace-id", "abc12345", "--dry-run")
    assert plain.exit_code == 0 and "warp-drive" not in plain.stdout
    _pin(root, "devDependencies", "eslint-plugin-warp-drive", "^5.8.2")
    result = cli("install", str(root), "--workspace-id", "abc12345", "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.count(exemption + "+  const response = await fetch(url, request);\n") == 1
