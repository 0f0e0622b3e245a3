"""Every variant of the Angular, Vue and Ember templates, rendered the way their integrations render
them, parses with TypeScript's own parser (the checker `install` runs on its output,
typescript-syntax.cjs), and so does its JavaScript form where the integration strips the types."""

import itertools
import shutil
from pathlib import Path

import pytest
from conftest import syntax_errors

from intercom_wizard.integrations.frontends.angular.service import service_source
from intercom_wizard.integrations.frontends.ember import initializer_source
from intercom_wizard.integrations.frontends.ember import service_source as ember_service_source
from intercom_wizard.integrations.frontends.spa_common import SpaApp
from intercom_wizard.integrations.frontends.vue import plugin_source

pytestmark = pytest.mark.skipif(shutil.which("npm") is None or shutil.which("node") is None, reason="needs Node.js and npm")


def angular_services() -> dict[str, str]:
    """The service for every router / takeUntilDestroyed / zone.js / rxjs combination."""
    rendered = {}
    for router, major, zone, rxjs in itertools.product((True, False), (15, 16, 19), (True, False), ("^6.5.0", "~7.8.0")):
        dependencies = {"@angular/core": f"^{major}.0.0", "rxjs": rxjs, **({"zone.js": "~0.14.0"} if zone else {})}
        app = SpaApp("", "src", True, {"dependencies": dependencies})
        name = f"angular-{'router' if router else 'plain'}-{major}-{'zone' if zone else 'zoneless'}-rxjs{rxjs[1]}.service.ts"
        rendered[name] = service_source(app, major, router, "src/app/intercom-messenger.ts", "src/app/intercom-messenger.service.ts")
    return rendered


def test_angular_service_variants_parse(typescript: Path) -> None:
    services = angular_services()
    assert len(set(services.values())) == 10  # with the router: 2 teardown x 2 zone x 2 rxjs; without: 2 zone
    assert syntax_errors(typescript, services) == {}
    for name, source in services.items():
        assert "__IW_" not in source and "// iw:" not in source, name
        assert ("takeUntilDestroyed(this.destroyRef)" in source) is ("-router-" in name and "-15-" not in name), name
        assert ("runOutsideAngular" in source) is ("-zone-" in name), name


def test_the_checker_reports_a_broken_template(typescript: Path) -> None:
    """The control: a variant that lost a closing parenthesis is reported."""
    broken = angular_services()["angular-router-19-zone-rxjs7.service.ts"].replace("      )\n      .subscribe", "      .subscribe", 1)
    assert list(syntax_errors(typescript, {"broken.ts": broken})) == ["broken.ts"]


def test_vue_plugin_variants_parse(typescript: Path) -> None:
    """With and without the router, as TypeScript and (types stripped) as JavaScript."""
    plugins = {
        f"plugin-{'router' if router else 'plain'}.{'ts' if ts else 'js'}": plugin_source(SpaApp("", "src", ts, {}), router, "../intercom/messenger")
        for router, ts in itertools.product((True, False), (True, False))
    }
    assert syntax_errors(typescript, plugins) == {}
    for name, source in plugins.items():
        assert "__IW_" not in source and "from '../intercom/messenger'" in source, name
        assert ("router?.afterEach" in source) is ("-router." in name), name
        if name.endswith(".js"):
            assert "import type" not in source and ": App" not in source, name


def test_ember_service_and_initializer_variants_parse(typescript: Path) -> None:
    """The service with Ember 4.1's `service` and the older `inject as service`, and the
    instance-initializer, as TypeScript and as JavaScript."""
    rendered = {}
    for ts in (True, False):
        app = SpaApp("", "app", ts, {})
        suffix = "ts" if ts else "js"
        rendered[f"initializer.{suffix}"] = initializer_source(app)
        for decorator in ("service", "inject"):
            rendered[f"service-{decorator}.{suffix}"] = ember_service_source(app, decorator, "shop/utils/intercom-messenger")
    assert syntax_errors(typescript, rendered) == {}
    for name, source in rendered.items():
        assert "__IW_" not in source and "// iw:" not in source, name
        if name.startswith("service"):
            imported = "{ inject as service }" if "-inject." in name else "{ service }"
            assert source.count("import Service, ") == 1 and f"import Service, {imported} from '@ember/service';" in source, name
        if name.endswith(".js"):
            assert "declare " not in source and "import type" not in source, name
