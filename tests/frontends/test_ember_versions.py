"""Ember per version band: classic `Service.extend` before 3.10 (no decorators), `@inject as service`
from 3.10 to 4.0, `@service` from 4.1; below 3.6 (no RouterService `routeDidChange`) refused. The build
with ember-cli 3.28 is tests/frontends/test_ember_3_28_build.py."""

import json
from pathlib import Path

import pytest
from bands import band_diff
from conftest import snapshot
from ember_support import write_app
from test_version_bands_spa import _pin


@pytest.mark.parametrize(("ember", "decorator"), [("~3.10.2", "inject as service"), ("~3.24.7", "inject as service")])
def test_ember_3_10_to_4_0_native_class_with_inject(tmp_path: Path, cli, ember: str, decorator: str) -> None:  # type: ignore[no-untyped-def]
    root = write_app(tmp_path)
    _pin(root, "devDependencies", "ember-source", ember)
    result = cli("install", str(root), "--workspace-id", "abc12345", "--dry-run", "--backend", "none", "--auth", "cookie")
    assert f"+import Service, {{ {decorator} }} from '@ember/service';" in result.stdout, result.output
    assert "export default class IntercomMessengerService extends Service {" in result.stdout


def test_ember_3_8_gets_a_classic_service(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = write_app(tmp_path)
    _pin(root, "devDependencies", "ember-source", "~3.8.3")
    diff = band_diff(cli, root, "ember-3.8", "--backend", "none", "--auth", "cookie", exit_code=4)  # its API is elsewhere
    assert "+export default Service.extend({" in diff and "+  router: service()," in diff
    assert "@service" not in diff and "class IntercomMessengerService" not in diff


def test_typescript_ember_3_8_classic_service_is_javascript(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = write_app(tmp_path, typescript=True)
    _pin(root, "devDependencies", "ember-source", "~3.8.3")
    result = cli("install", str(root), "--workspace-id", "abc12345", "--dry-run", "--backend", "none", "--auth", "cookie")
    assert "+++ b/app/services/intercom-messenger.js" in result.stdout, result.output
    assert "+++ b/app/utils/intercom-messenger.ts" in result.stdout and "+++ b/app/services/intercom-messenger.ts" not in result.stdout


def test_ember_before_3_6_is_refused_with_the_range(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = write_app(tmp_path)
    _pin(root, "devDependencies", "ember-source", "~3.4.8")
    before = snapshot(root)
    result = cli("install", str(root), "--workspace-id", "abc12345", "--yes", "--no-install", "--backend", "none")
    assert result.exit_code == 2, result.output
    assert "Ember 3.4.8" in " ".join(result.stderr.split()) and ">= 3.6, < 8.0" in result.stderr
    assert snapshot(root) == before
    assert json.loads((root / "package.json").read_text())["devDependencies"]["ember-source"] == "~3.4.8"
