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
    result = cli("install", str(root), "--workspace-id", "abc12345", "--dry-run", "--backend", "none", "--auth", "cookie")
    assert only_the_api_is_left(result), result.output
    assert f"+import Service, {{ {decorator} }} from '@ember/service';" in result.stdout


def test_ember_3_28_golden(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = write_ember_app(tmp_path)
    _pin(root, "devDependencies", "ember-source", "~3.28.8")
    band_diff(cli, root, "ember-3.28", "--backend", "none", "--auth", "cookie", exit_code=4)  # its API is elsewhere


# ---- React Router 4 / 5.0: withRouter(), and v4's single-child <Router> ---------------------------

from conftest import only_the_api_is_left, snapshot  # noqa: E402
from test_react import TS_AUTH, VITE_HTML, _assert_idempotent_and_uninstalls, _install, _package, _write  # noqa: E402

ROUTER_4_INDEX = """\
import React from 'react';
import ReactDOM from 'react-dom';
import { BrowserRouter } from 'react-router-dom';
import App from './App';

ReactDOM.render(
  <BrowserRouter>
    <App />
  </BrowserRouter>,
  document.getElementById('root'),
);
"""


def _router_app(root: Path, router: str, *, typescript: bool) -> Path:
    extension = "tsx" if typescript else "jsx"
    dev = {"typescript": "~4.9.5", "@types/react-router-dom": "^5.3.3"} if typescript else {}
    return _write(root, {
        "package.json": _package({"react": "^16.14.0", "react-dom": "^16.14.0", "react-router-dom": router}, dev | {"vite": "^4.5.0"}),
        "index.html": VITE_HTML.format(ext=extension),
        f"src/main.{extension}": ROUTER_4_INDEX,
        f"src/App.{extension}": "import React from 'react';\n\nexport default function App() {\n  return <h1>Hello</h1>;\n}\n",
        # `credentials: 'include'`: the API calls send the session cookie (the evidence for cookie auth).
        f"src/api.{extension[:2]}": "export function postJson(url, body) {\n  return fetch(url, { method: 'POST', credentials: 'include', body: JSON.stringify(body) })\n}\n",
        f"src/auth.{extension[:2]}": TS_AUTH if typescript else TS_AUTH.replace("username: string, password: string): Promise<void>", "username, password)").replace("(): Promise<void>", "()"),
    })


def test_react_router_4_wraps_the_single_child_and_uses_with_router(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _router_app(tmp_path, "4.3.1", typescript=False)
    before = snapshot(root)
    diff = band_diff(cli, root, "react-router-4", exit_code=4)  # its API is elsewhere
    assert "+export const IntercomMessenger = withRouter(IntercomMessengerOnRoutes);" in diff
    assert "import type" not in diff and "useLocation()" not in diff.replace("has no useLocation()", "")
    result = _install(cli, root)
    assert only_the_api_is_left(result), result.output
    main = (root / "src/main.jsx").read_text()
    assert "  <BrowserRouter>\n    <>\n    <IntercomMessenger />\n    <App />\n    </>\n  </BrowserRouter>," in main
    _assert_idempotent_and_uninstalls(cli, root, before)


def test_react_router_5_0_uses_with_router_beside_the_app(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _router_app(tmp_path, "~5.0.1", typescript=True)
    before = snapshot(root)
    diff = band_diff(cli, root, "react-router-5.0-typescript", exit_code=4)
    assert "+import type { RouteComponentProps } from 'react-router-dom';" in diff
    assert "<>" not in diff  # React Router 5's <Router> takes several children
    assert only_the_api_is_left(_install(cli, root))
    _assert_idempotent_and_uninstalls(cli, root, before)


def test_react_router_5_1_uses_use_location(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _router_app(tmp_path, "^5.1.2", typescript=False)
    result = cli("install", str(root), "--workspace-id", "abc12345", "--dry-run")
    assert "useLocation" in result.stdout and "withRouter" not in result.stdout
