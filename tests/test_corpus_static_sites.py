"""Plain-HTML shapes seen in the real-app corpus (docs/corpus.md), checked on our own output.

html5-boilerplate's build (`gulp build`) runs ESLint 10 (`@eslint/js` recommended) over `src/`,
where the wizard writes `intercom-messenger.js`: `catch (e)` with `e` unused (`no-unused-vars`
checks caught errors since ESLint 9) and `var stored = null` overwritten before any read
(`no-useless-assignment`) failed the app's own build after the install. The script must pass
those rules; checked structurally on the rendered script with ast-grep.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from ast_grep_py import SgNode, SgRoot
from conftest import git, install_and_check_uninstall, write_files

from intercom_wizard.templates import render

SCRIPT_VALUES = {
    "workspace_id": "abc12345",
    "token_url": "'/api/intercom-jwt'",
    "api_base": "null",
    "access_token_key": "'user'",
    "access_token_storage": "localStorage",
    "access_token_field": "'token'",
    "auth_scheme": "Bearer",
}


def _messenger_script(encoding: str) -> SgNode:
    return SgRoot(render("html/intercom-messenger.js", {"encoding": encoding}, **SCRIPT_VALUES), "javascript").root()


# Every variant of the stored token's encoding (raw, or base64 that the script decodes).
ENCODINGS = pytest.mark.parametrize("encoding", ["raw", "base64"])


@ENCODINGS
def test_every_caught_error_binding_is_used(encoding: str) -> None:
    clauses = _messenger_script(encoding).find_all(kind="catch_clause")
    assert clauses, "the script catches storage and network errors"
    unused = []
    for clause in clauses:
        binding = clause.field("parameter")
        body = clause.field("body")
        if binding is None or body is None:
            continue  # `catch {`: nothing bound, nothing to leave unused
        if not body.find(kind="identifier", regex=f"^{binding.text()}$"):
            unused.append(f"line {clause.range().start.line + 1}: catch ({binding.text()})")
    assert unused == []


@ENCODINGS
def test_no_initial_value_is_overwritten_before_it_is_read(encoding: str) -> None:
    # `var stored = null; try { stored = read(); } catch { return null; }`: the null is never read.
    root = _messenger_script(encoding)
    for declarator in root.find_all(kind="variable_declarator"):
        name, value = declarator.field("name"), declarator.field("value")
        if name is None or value is None:
            continue
        declaration = declarator.parent()
        following = declaration.next() if declaration is not None else None
        if following is None or following.kind() != "try_statement":
            continue
        handler = following.find(kind="catch_clause")
        block = following.field("body")
        assert block is not None
        first = block.children()[1] if len(block.children()) > 2 else None
        assigns_first = first is not None and first.text().startswith(f"{name.text()} = ")
        handler_leaves = handler is not None and handler.find(kind="return_statement") is not None
        assert not (assigns_first and handler_leaves), f"{name.text()}'s initial value is never read"


# -- a page that is a bundler's template --------------------------------------------------------

WEBPACK_SITE = {
    "package.json": """
        {
          "name": "checklist",
          "private": true,
          "scripts": {"build": "webpack --config webpack.config.js"},
          "devDependencies": {"webpack": "^5.90.0", "webpack-cli": "^5.1.0", "html-webpack-plugin": "^5.6.0"}
        }
    """,
    "webpack.config.js": """
        const path = require('path');
        const HtmlWebpackPlugin = require('html-webpack-plugin');

        module.exports = {
          entry: { main: path.resolve(__dirname, 'src', 'main.js') },
          plugins: [new HtmlWebpackPlugin({ template: path.resolve(__dirname, 'src', 'page.html') })],
          output: { filename: '[name].js', path: path.resolve(__dirname, 'dist'), clean: true },
        };
    """,
    "src/page.html": """
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><title>Checklist</title></head>
        <body>
          <ul class="items"></ul>
        </body>
        </html>
    """,
    "src/main.js": """
        import { renderItems } from './items.js';

        renderItems(document.querySelector('.items'));
    """,
    "src/items.js": """
        export function renderItems(list) {
          list.innerHTML = '<li>first</li>';
        }
    """,
}


@pytest.mark.parametrize("config_name", ["webpack.config.js", "webpack.common.js"])
def test_page_rendered_by_html_webpack_plugin_gets_the_script_through_the_bundle(tmp_path: Path, cli, config_name: str) -> None:  # type: ignore[no-untyped-def]
    # TodoMVC's javascript-es6 example: webpack renders src/index.html into dist/ and emits only what the
    # entry imports, so a script tag pointing at src/intercom-messenger.js loads nothing once built. The
    # Messenger script must reach the output through the entry (a side-effect import), not a tag.
    # TodoMVC keeps the shared part in webpack.common.js (webpack-merge'd into webpack.prod.js).
    site = dict(WEBPACK_SITE)
    site[config_name] = site.pop("webpack.config.js")
    write_files(tmp_path, site)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "fixture")
    result, files = install_and_check_uninstall(cli, tmp_path, exit_code=0)
    assert result.exit_code == 0, result.stderr
    assert "intercom-messenger" not in files["src/page.html"]
    assert re.search(r"""^import '\./intercom-messenger\.js';$""", files["src/main.js"], re.MULTILINE)
    assert "src/intercom-messenger.js" in files


# -- pages written in Pug, built into dist/ ----------------------------------------------------

PUG_SITE = {
    "package.json": """
        {
          "name": "one-pager",
          "scripts": {"build": "node scripts/build-pages.js"},
          "dependencies": {"bootstrap": "5.2.3"},
          "devDependencies": {"pug": "3.0.2", "shelljs": "0.8.5"}
        }
    """,
    "scripts/build-pages.js": """
        const fs = require('fs');
        const pug = require('pug');

        fs.mkdirSync('dist', { recursive: true });
        fs.writeFileSync('dist/index.html', pug.renderFile('src/pug/index.pug', { pretty: true }));
        fs.cpSync('src/assets', 'dist/assets', { recursive: true });
    """,
    "src/pug/index.pug": """
        doctype html
        html(lang='en')
          head
            meta(charset='utf-8')
            title One pager
          body#page-top
            include includes/navbar.pug
            section#about
              h2 About
            script(src='js/scripts.js')
    """,
    "src/pug/includes/navbar.pug": "nav.navbar\n  a(href='#about') About\n",
    "src/js/scripts.js": "window.addEventListener('DOMContentLoaded', () => {});\n",
    "src/assets/favicon.ico": "icon\n",
    # The last build, committed as the theme ships it.
    "dist/index.html": "<!DOCTYPE html>\n<html lang=\"en\"><head><title>One pager</title></head><body id=\"page-top\"><script src=\"js/scripts.js\"></script></body></html>\n",
}


def test_pages_written_in_pug_are_a_site_and_the_pug_page_gets_the_script(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    write_files(tmp_path, PUG_SITE)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "fixture")
    detected = cli("detect", str(tmp_path), "--json")
    assert detected.exit_code == 0, detected.stderr
    result = cli("install", str(tmp_path), "--workspace-id", "abc12345", "--yes", "--dry-run", "--json", "--no-install")
    assert result.exit_code == 0, result.stderr
    plan = json.loads(result.stdout)
    paths = {change["path"] for change in plan["changes"]}
    assert "src/pug/index.pug" in paths, sorted(paths)
    assert not any(path.startswith("dist/") for path in paths), "dist/ is the build's output"
