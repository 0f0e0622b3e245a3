"""React before hooks (< 16.8): `<IntercomMessenger />` is a class component (componentDidMount, and
componentDidUpdate on the location withRouter() passes in). The build with react 16.7.0 is
tests/frontends/test_react_16_7_build.py."""

import json
from pathlib import Path

from bands import band_diff
from conftest import git, only_the_api_is_left, snapshot
from test_react import _assert_idempotent_and_uninstalls, _install
from test_version_bands_spa import _router_app


def _pin_react(root: Path, version: str) -> Path:
    manifest = json.loads((root / "package.json").read_text())
    manifest["dependencies"] |= {"react": version, "react-dom": version}
    (root / "package.json").write_text(json.dumps(manifest, indent=2) + "\n")
    git(root, "commit", "-qam", f"react {version}")
    return root


def test_react_16_7_with_router_4_gets_a_class_component(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _pin_react(_router_app(tmp_path, "4.3.1", typescript=False), "16.7.0")
    before = snapshot(root)
    diff = band_diff(cli, root, "react-16.7-router-4", exit_code=4)  # its API is elsewhere
    assert "+class IntercomMessengerOnRoutes extends Component {" in diff
    assert "+export const IntercomMessenger = withRouter(IntercomMessengerOnRoutes);" in diff
    assert "useEffect" not in diff and "useLocation()" not in diff.replace("no useLocation()", "")
    assert only_the_api_is_left(_install(cli, root))
    assert "componentDidUpdate(previous) {" in (root / "src/intercom/IntercomMessenger.jsx").read_text()
    _assert_idempotent_and_uninstalls(cli, root, before)


def test_react_16_4_typescript_without_router(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _pin_react(_router_app(tmp_path, "4.3.1", typescript=True), "~16.4.2")
    manifest = json.loads((root / "package.json").read_text())
    del manifest["dependencies"]["react-router-dom"]
    (root / "package.json").write_text(json.dumps(manifest, indent=2) + "\n")
    (root / "src/main.tsx").write_text(
        "import React from 'react';\nimport ReactDOM from 'react-dom';\nimport App from './App';\n\n"
        "ReactDOM.render(<App />, document.getElementById('root'));\n"
    )
    git(root, "commit", "-qam", "no router")
    result = cli("install", str(root), "--workspace-id", "abc12345", "--dry-run")
    assert "export class IntercomMessenger extends Component {" in result.stdout, result.output
    assert "componentDidMount(): void {" in result.stdout and "useEffect" not in result.stdout


def test_react_16_8_keeps_the_hook(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _pin_react(_router_app(tmp_path, "4.3.1", typescript=False), "16.8.0")
    result = cli("install", str(root), "--workspace-id", "abc12345", "--dry-run")
    assert "useEffect" in result.stdout and "extends Component" not in result.stdout


def test_react_before_16_2_is_refused_with_the_range(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _pin_react(_router_app(tmp_path, "4.3.1", typescript=False), "16.0.0")
    before = snapshot(root)
    result = cli("install", str(root), "--workspace-id", "abc12345", "--yes", "--no-install")
    assert result.exit_code == 2, result.output
    assert "React 16.0.0" in " ".join(result.stderr.split()) and ">= 16.2, < 20.0" in result.stderr
    assert snapshot(root) == before
