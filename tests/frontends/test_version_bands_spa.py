"""Single-page front ends per version band (golden diff per band; the builds live in the e2e tests)."""

import json
from pathlib import Path

import pytest

from bands import band_diff
from ember_support import write_app as write_ember_app
from nextjs_support import registered
from test_nextjs import app_router_ts


@pytest.fixture(autouse=True)
def _nextjs_registered():  # type: ignore[no-untyped-def]
    with registered():
        yield


def _pin(root: Path, section: str, package: str, version: str) -> None:
    manifest = json.loads((root / "package.json").read_text())
    manifest.setdefault(section, {})[package] = version
    (root / "package.json").write_text(json.dumps(manifest, indent=2) + "\n")


def test_next_13_with_typescript_5_0_uses_next_response_json(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = app_router_ts(tmp_path)
    _pin(root, "dependencies", "next", "13.5.6")
    _pin(root, "devDependencies", "typescript", "5.0.4")
    diff = band_diff(cli, root, "nextjs-13-typescript-5.0")
    route = diff.split("+++ b/src/app/api/intercom-jwt/route.ts\n", 1)[1].split("\n--- ", 1)[0]
    assert "+import { NextResponse } from 'next/server';" in route
    assert "NextResponse.json({ token }" in route and " Response.json(" not in route


def test_typescript_5_2_keeps_response_json(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = app_router_ts(tmp_path)
    _pin(root, "devDependencies", "typescript", "~5.2.2")
    result = cli("install", str(root), "--workspace-id", "abc12345", "--dry-run")
    assert "return Response.json({ token }" in result.stdout and "NextResponse.json" not in result.stdout


@pytest.mark.parametrize(("ember", "decorator"), [("~3.28.0", "inject as service"), ("~4.0.1", "inject as service"), ("~4.1.0", "service")])
def test_ember_service_decorator_by_version(tmp_path: Path, cli, ember: str, decorator: str) -> None:  # type: ignore[no-untyped-def]
    root = write_ember_app(tmp_path, typescript=True)
    _pin(root, "devDependencies", "ember-source", ember)
    result = cli("install", str(root), "--workspace-id", "abc12345", "--dry-run", "--backend", "none")
    assert result.exit_code == 0, result.output
    assert f"+import Service, {{ {decorator} }} from '@ember/service';" in result.stdout


def test_ember_3_28_golden(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = write_ember_app(tmp_path)
    _pin(root, "devDependencies", "ember-source", "~3.28.8")
    band_diff(cli, root, "ember-3.28", "--backend", "none")


def test_vue_2_is_refused_with_the_range(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "package.json").write_text(json.dumps({"dependencies": {"vue": "^2.7.16", "vue-router": "^3.6.5"}}))
    (tmp_path / "src").mkdir()
    (tmp_path / "src/main.js").write_text("import Vue from 'vue';\nimport App from './App.vue';\n\nnew Vue({ render: (h) => h(App) }).$mount('#app');\n")
    result = cli("install", str(tmp_path), "--workspace-id", "abc12345", "--yes", "--no-install", "--backend", "none")
    assert result.exit_code == 2, result.output
    assert "Vue 2.7.16" in " ".join(result.stderr.split()) and ">= 3.0, < 4.0" in result.stderr
