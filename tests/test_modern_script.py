"""The modern-syntax plain script: built from the ES5-era template, clean under Biome, chosen by evidence.

Biome's recommended rules found 112 problems in the ES5-era script on the corpus app
express-typescript-2024 (noVar, useArrowFunction, useOptionalChain, useTemplate, ...). Projects that
lint for modern syntax get `templates/html/intercom-messenger.modern.js` instead, which
`scripts/build-modern-script` derives from the ES5 template (rest parameters for `arguments`, Biome's
own fixes, prettier). Here, with the real tools from npm (once per session):

- the committed modern template is exactly what the build gives (the two cannot drift apart);
- every rendered variant of it (cookie/bearer, raw/base64 token, each navigation framework, no
  sign-in) has no diagnostic at all under the recommended rules of Biome 1.9.4 and 2.2.4, where
  the ES5 script has many (the control);
- the rule that picks it (script_syntax.py), and a whole install of a Biome project.

Its 80-column width and prettier check are in test_template_print_width.py; its behaviour is the
plain script's in test_client_contract.py (Node) and tests/verify/test_missing_endpoint.py and
test_page_visits.py (Chromium).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import install_quietly, write_files
from test_template_print_width import plain_scripts

from intercom_wizard.integrations.frontends.html.script_syntax import wants_modern_syntax
from intercom_wizard.tree import ProjectTree

REPOSITORY = Path(__file__).resolve().parent.parent
BUILD = REPOSITORY / "scripts/build-modern-script"
TOOLS = {"1.9.4": ["@biomejs/biome@1.9.4", "prettier@3.6.2"], "2.2.4": ["@biomejs/biome@2.2.4"]}
RECOMMENDED = {"linter": {"rules": {"recommended": True}}}


@pytest.fixture(scope="session")
def biome_tools(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """{Biome version: a folder whose node_modules holds it} (1.9.4's folder also has prettier 3.6.2)."""
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed")
    folders = {}
    for version, packages in TOOLS.items():
        folder = tmp_path_factory.mktemp(f"biome-{version}")
        (folder / "package.json").write_text('{"name": "tools", "private": true}\n')
        completed = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefer-offline", *packages],
                                   cwd=folder, capture_output=True, text=True, timeout=600, check=False)
        if completed.returncode != 0:
            pytest.skip(f"npm could not install {packages}: {completed.stderr.strip().splitlines()[-1:]}")
        folders[version] = folder
    return folders


def test_the_committed_template_is_what_the_build_gives(biome_tools: dict[str, Path]) -> None:
    completed = subprocess.run([str(BUILD), "--check", "--tools", str(biome_tools["1.9.4"])],
                               capture_output=True, text=True, timeout=300, check=False)
    assert completed.returncode == 0, completed.stderr


def _biome_findings(biome_folder: Path, scratch: Path, files: dict[str, str]) -> dict[str, str]:
    """Biome's report per file that has any diagnostic (warnings count), under its recommended rules."""
    scratch.mkdir()
    (scratch / "biome.json").write_text(json.dumps(RECOMMENDED) + "\n")
    for name, text in files.items():
        (scratch / name).write_text(text)
    findings = {}
    for name in files:
        completed = subprocess.run([str(biome_folder / "node_modules/.bin/biome"), "lint", "--error-on-warnings", "--max-diagnostics=500", name],
                                   cwd=scratch, capture_output=True, text=True, timeout=120, check=False)
        if completed.returncode != 0:
            findings[name] = completed.stdout + completed.stderr
    return findings


@pytest.mark.parametrize("version", list(TOOLS))
def test_every_modern_variant_has_no_biome_diagnostic(tmp_path: Path, biome_tools: dict[str, Path], version: str) -> None:
    modern = plain_scripts(modern=True)
    findings = _biome_findings(biome_tools[version], tmp_path / "modern", modern)
    assert not findings, next(iter(findings.values()))
    # The control: the ES5-era script is what Biome objects to (1.9: noVar, useArrowFunction, ...;
    # 2.x no longer recommends noVar but still useArrowFunction, useTemplate, useOptionalChain).
    es5 = plain_scripts()
    control = _biome_findings(biome_tools[version], tmp_path / "es5", es5)
    assert set(control) == set(es5)
    assert all("useArrowFunction" in report and "useOptionalChain" in report for report in control.values())


def _tree(root: Path, files: dict[str, str]) -> ProjectTree:
    write_files(root, files)
    return ProjectTree(root)


@pytest.mark.parametrize(("files", "modern"), [
    ({}, False),
    ({"biome.json": "{}\n"}, True),
    ({"biome.jsonc": "{ // Biome's defaults\n}\n"}, True),
    ({"package.json": '{"devDependencies": {"@biomejs/biome": "1.9.4"}}'}, True),
    ({"eslint.config.mjs": "export default [{ rules: { 'no-var': 'error' } }];\n"}, True),
    ({".eslintrc.json": '{"rules": {"prefer-arrow-callback": 2}}'}, True),
    ({".eslintrc.json": '{"rules": {"no-var": "off"}}'}, False),
    ({"package.json": '{"eslintConfig": {"rules": {"prefer-template": ["warn"]}}}'}, True),
    # Old browsers win over the linter: working pages before a clean lint.
    ({"biome.json": "{}\n", "package.json": '{"browserslist": ["> 1%", "ie 11"]}'}, False),
    ({"biome.json": "{}\n", ".browserslistrc": "# supported\nlast 2 versions\nop_mini all\n"}, False),
    ({"biome.json": "{}\n", "tsconfig.json": '{"compilerOptions": {"target": "ES5"}}'}, False),
    # Queries that exclude them are no such evidence.
    ({"biome.json": "{}\n", "package.json": '{"browserslist": {"production": ["defaults", "not ie 11", "not op_mini all"]}}'}, True),
    ({"biome.json": "{}\n", "tsconfig.json": '{"compilerOptions": {"target": "ES2020"}}'}, True),
])
def test_the_modern_script_is_chosen_by_the_project_evidence(tmp_path: Path, files: dict[str, str], modern: bool) -> None:
    tree = _tree(tmp_path / "app", {"public/index.html": "<!doctype html><html><body></body></html>\n", **files})
    assert wants_modern_syntax(tree, "public/intercom-messenger.js") is modern


def test_configuration_in_the_script_folder_counts_too(tmp_path: Path) -> None:
    tree = _tree(tmp_path / "app", {"web/biome.json": "{}\n", "web/index.html": "<!doctype html>\n", "api/biome.json": "{}\n"})
    assert wants_modern_syntax(tree, "web/intercom-messenger.js")
    assert not wants_modern_syntax(tree, "site/intercom-messenger.js")


def test_a_biome_project_gets_the_modern_script_and_uninstall_restores_it(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "site"
    shutil.copytree(REPOSITORY / "tests/fixtures/static_site", root)
    (root / "biome.json").write_text(json.dumps(RECOMMENDED) + "\n")
    before = {path: path.read_bytes() for path in root.rglob("*") if path.is_file()}
    result = install_quietly(cli, root, "--auth", "cookie")
    receipt = json.loads((root / ".intercom-wizard.json").read_text())
    script = next(root / path for path in receipt["created"] if path.endswith("intercom-messenger.js"))
    text = script.read_text()
    assert "const APP_ID = " in text and "var " not in text and "modern syntax" in result.output
    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert {path: path.read_bytes() for path in root.rglob("*") if path.is_file()} == before
