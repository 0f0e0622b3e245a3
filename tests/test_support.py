"""Support tables: every integration declares one; outside it the install is refused with exit 2 and nothing changes."""

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import install_quietly, snapshot, write_files

from intercom_wizard.integrations import BACKENDS, FRONTENDS
from intercom_wizard.support import Supported

REPO = Path(__file__).resolve().parents[1]
DOCS = {
    "flask": "docs/versions.md", "django": "docs/versions.md", "fastapi": "docs/versions.md",
    "express": "docs/versions.md", "php": "docs/backends-php.md", "laravel": "docs/backends-php.md",
    "rails": "docs/versions.md", "sinatra": "docs/versions.md", "react": "docs/frontends-react.md",
    "nextjs": "docs/frontends-nextjs.md", "vue": "docs/frontends-vue.md", "angular": "docs/frontends-angular.md",
    "ember": "docs/frontends-ember.md",
}


@pytest.mark.parametrize("name", sorted(DOCS))
def test_each_integration_declares_its_table_and_documents_it(name: str) -> None:
    module = {**BACKENDS, **FRONTENDS}[name]
    assert module.SUPPORTED and all(isinstance(row, Supported) for row in module.SUPPORTED)
    doc = (REPO / DOCS[name]).read_text()
    for row in module.SUPPORTED:
        assert f"| {row.label} | {row.range_text} |" in doc, f"{DOCS[name]} lacks the row for {row.label}"


def test_range_text_and_bounds() -> None:
    row = Supported("Flask", "python", "flask", (1, 0), (4, 0))
    assert row.range_text == ">= 1.0, < 4.0"


def test_flask_below_the_range_is_refused_and_nothing_changes(app_copy: Callable[..., Path], cli: Callable[..., object]) -> None:
    root = app_copy("flask_login_app")
    write_files(root, {"requirements.txt": "Flask==0.11.1\nFlask-Login==0.4.1\n"})
    before = snapshot(root)
    result = install_quietly(cli, root)
    assert result.exit_code == 2  # type: ignore[attr-defined]
    message = " ".join(result.stderr.split())  # type: ignore[attr-defined]
    assert "Flask 0.11.1 (locked: requirements.txt ==0.11.1) is outside the supported range >= 0.12, < 4.0" in message
    assert "Traceback" not in message and snapshot(root) == before


def test_react_before_fragments_is_refused_with_the_range(tmp_path: Path, cli: Callable[..., object]) -> None:
    manifest = {"dependencies": {"react": "^16.1.0", "react-dom": "^16.1.0", "react-router-dom": "^4.3.1"}}
    write_files(
        tmp_path,
        {
            "package.json": json.dumps(manifest),
            "src/index.js": "import React from 'react';\nimport ReactDOM from 'react-dom';\nReactDOM.render(<p />, document.getElementById('root'));\n",
        },
    )
    before = snapshot(tmp_path)
    result = install_quietly(cli, tmp_path, "--backend", "none")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    message = " ".join(result.stderr.split())  # type: ignore[attr-defined]
    assert "React 16.1.0 (declared: package.json range ^16.1.0 (lowest allowed)) is outside the supported range >= 16.2, < 20.0" in message
    assert "react-router-dom" not in message and snapshot(tmp_path) == before  # React Router 4 itself is supported


def test_detect_reports_versions(app_copy: Callable[..., Path], cli: Callable[..., object]) -> None:
    root = app_copy("flask_login_app")
    write_files(root, {"requirements.txt": "Flask>=2.2\n"})
    result = cli("detect", str(root), "--json")
    assert result.exit_code == 0  # type: ignore[attr-defined]
    backend = json.loads(result.stdout)["backends"][0]  # type: ignore[attr-defined]
    assert backend["versions"]["Flask"] == {
        "supported_range": ">= 0.12, < 4.0",
        "kind": "python",
        "version": "2.2.0",
        "how": "declared",
        "source": "requirements.txt >=2.2",
        "supported": True,
    }
    assert backend["versions"]["Python"]["version"] == "3.9.0"
    assert "Flask-JWT-Extended" not in backend["versions"]  # optional rows appear only when the app uses them
    text = cli("detect", str(root)).stdout  # type: ignore[attr-defined]
    assert "Flask 2.2.0 (declared: requirements.txt >=2.2)" in text
