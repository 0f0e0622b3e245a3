"""The wizard run on one package of a pnpm workspace (ember-simple-auth's `packages/test-app`, docs/corpus.md),
rebuilt as a small repository of our own.

Seen in the corpus: the test app's `config/ember-try.js` is a symlink to its sibling package's
(`../../test-esa/config/ember-try.js`). Run on the package, `detect` and `install` stopped with exit 2
("resolves to ..., outside the project; refusing to touch it") because the Express detector reads every
script of a package that depends on express (the ember-cli mock server's). And the package has no
lockfile of its own: the wizard chose npm for a pnpm workspace, whose `workspace:`/`link:` versions npm
cannot install, and uninstall never pruned the workspace's lockfile (none in the package's folder). A link
into a sibling package is now left out (with a note), the workspace's package manager is used and prunes
on uninstall, and a link that leaves the workspace is still refused.
"""

from __future__ import annotations

import itertools
import json
import os
import re
from importlib import resources
from pathlib import Path

import pytest
from conftest import git, snapshot, write_files

from intercom_wizard import packages
from intercom_wizard.edits import parse
from intercom_wizard.templates import _BLOCK_START, render

MEMBER = "packages/test-app"
PACKAGE_JSON = """{
  "name": "test-app",
  "private": true,
  "scripts": {
    "start": "ember serve",
    "build": "ember build"
  },
  "devDependencies": {
    "ember-cli": "6.8.1",
    "my-engine": "workspace:*",
    "ember-source": "6.8.1",
    "express": "5.1.0"
  }
}
"""
SHARED_TRY_CONFIG = "'use strict';\n\nmodule.exports = async function () {\n  return { scenarios: [] };\n};\n"


def _workspace(root: Path, more: dict[str, str] | None = None) -> Path:
    write_files(root, {
        **(more or {}),
        "package.json": '{\n  "private": true,\n  "packageManager": "pnpm@10.34.3"\n}\n',
        "pnpm-workspace.yaml": "packages:\n  - 'packages/*'\n",
        "pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
        "packages/my-engine/package.json": '{\n  "name": "my-engine",\n  "version": "0.0.0"\n}\n',
        "packages/test-esa/config/ember-try.js": SHARED_TRY_CONFIG,
        f"{MEMBER}/package.json": PACKAGE_JSON,
        f"{MEMBER}/app/app.js": (
            "import Application from '@ember/application';\nimport Resolver from 'ember-resolver';\n"
            "import config from 'test-app/config/environment';\n\n"
            "export default class App extends Application {\n  modulePrefix = config.modulePrefix;\n  Resolver = Resolver;\n}\n"
        ),
        f"{MEMBER}/app/router.js": (
            "import EmberRouter from '@ember/routing/router';\nimport config from 'test-app/config/environment';\n\n"
            "export default class Router extends EmberRouter {\n  location = config.locationType;\n  rootURL = config.rootURL;\n}\n\n"
            "Router.map(function () {\n  this.route('about');\n});\n"
        ),
        f"{MEMBER}/app/index.html": "<!DOCTYPE html>\n<html>\n  <head>\n    {{content-for \"head\"}}\n  </head>\n  <body>\n    {{content-for \"body\"}}\n  </body>\n</html>\n",
        f"{MEMBER}/config/environment.js": (
            "'use strict';\n\nmodule.exports = function (environment) {\n"
            "  return { modulePrefix: 'test-app', environment, rootURL: '/', locationType: 'history', APP: {} };\n};\n"
        ),
        # ember-cli's mock server: Express middleware that `ember serve` loads in development only.
        f"{MEMBER}/server/index.js": "module.exports = function (app) {\n  require('./mocks/token')(app);\n};\n",
        f"{MEMBER}/server/mocks/token.js": (
            "module.exports = function (app) {\n  var express = require('express');\n  var router = express.Router();\n"
            "  router.post('/token', function (req, res) {\n    res.send({ access_token: 'fixed', account_id: 1 });\n  });\n"
            "  app.use('/', router);\n};\n"
        ),
    })
    (root / MEMBER / "config/ember-try.js").symlink_to("../../test-esa/config/ember-try.js")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "workspace")
    return root / MEMBER


def test_a_workspace_package_linking_a_sibling_file_is_detected_with_the_workspace_manager(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    member = _workspace(tmp_path)
    result = cli("detect", str(member), "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert [(f["name"], f["root"]) for f in report["frontends"]] == [("ember", ".")]
    assert report["backends"] == []  # the mock server is not the app's back end
    assert report["package_managers"] == {".": "pnpm"}


def test_install_on_the_package_leaves_the_linked_file_alone_and_uninstalls_exactly(tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    member = _workspace(tmp_path)
    pruned: list[tuple[Path, str, str | None]] = []
    # Uninstall's prune of the workspace's lockfile (two folders above the package), recorded instead of run.
    monkeypatch.setattr(packages, "run_install", lambda root, change: (pruned.append((root, change.manifest, change.package_manager)), (True, ""))[1])
    before = snapshot(tmp_path)
    dry = cli("install", str(member), "--workspace-id", "abc12345", "--dry-run", "--yes", "--json")
    assert dry.exit_code == 0, dry.stderr
    plan = json.loads(dry.stdout)
    assert plan["result"] == "anonymous-only"
    assert "config/ember-try.js" not in {change["path"] for change in plan["changes"]}
    assert any("config/ember-try.js was not read: it links to ../test-esa/config/ember-try.js" in note["text"] for note in plan["notes"])
    assert {(d["package"], d["package_manager"]) for d in plan["dependencies"]} == {("@intercom/messenger-js-sdk", "pnpm")}

    installed = cli("install", str(member), "--workspace-id", "abc12345", "--yes", "--no-install")
    assert installed.exit_code == 0, installed.stderr
    assert (tmp_path / "packages/test-esa/config/ember-try.js").read_text() == SHARED_TRY_CONFIG
    uninstalled = cli("uninstall", str(member), "--yes")
    assert uninstalled.exit_code == 0, uninstalled.stderr
    assert snapshot(tmp_path) == before
    assert pruned == [(member.resolve(), "package.json", "pnpm")]


def test_a_link_leaving_the_workspace_is_still_refused(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    member = _workspace(tmp_path / "repo")
    write_files(tmp_path, {"elsewhere/secrets.js": "module.exports = 'not the project';\n"})
    (member / "config/secrets.js").symlink_to(tmp_path / "elsewhere/secrets.js")
    before = snapshot(tmp_path / "repo")
    result = cli("install", str(member), "--workspace-id", "abc12345", "--yes", "--no-install")
    assert result.exit_code == 2
    assert "config/secrets.js resolves to" in result.stderr and "outside the project" in result.stderr
    assert snapshot(tmp_path / "repo") == before


def test_from_the_workspace_root_the_step_names_the_front_ends_own_sign_in(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    # Run at the workspace root with --frontend-root: the sign-in evidence the step names was the docs
    # package's page (which links ember-simple-auth), sorted before the test app; it is the app's adapter.
    _workspace(tmp_path, {
        "packages/docs/index.html": '<!doctype html>\n<html>\n<body>\n<p>The guides of ember-simple-auth and its API docs.</p>\n</body>\n</html>\n',
        f"{MEMBER}/app/adapters/application.js": (
            "import JSONAPIAdapter from '@ember-data/adapter/json-api';\nimport { service } from '@ember/service';\n\n"
            "export default class ApplicationAdapter extends JSONAPIAdapter {\n  @service session;\n\n  get headers() {\n"
            "    let headers = {};\n    if (this.session.isAuthenticated) {\n"
            "      headers['Authorization'] = `Bearer ${this.session.data.authenticated.access_token}`;\n    }\n    return headers;\n  }\n}\n"
        ),
    })
    result = cli(
        "install", str(tmp_path), "--workspace-id", "abc12345", "--dry-run", "--yes", "--json", "--frontend-root", MEMBER,
        "--auth", "bearer", "--token-storage-key", "ember_simple_auth-session",
    )
    assert result.exit_code == 4, result.stderr
    plan = json.loads(result.stdout)
    assert plan["result"] == "incomplete"
    steps = [step for step in plan["manual_steps"] if "signs users in" in step["instruction"]]
    assert [step["file"] for step in steps] == [f"{MEMBER}/app/adapters/application.js"]
    assert f"({MEMBER}/app/adapters/application.js:9: `isAuthenticated`)" in steps[0]["instruction"]


FAKE_PNPM = """#!/bin/sh
# Stands in for pnpm 10 here: records its arguments and, like pnpm under CI=1, refuses to change the
# lockfile unless told --no-frozen-lockfile (pnpm's own message).
echo "$PWD $*" >> "$PNPM_CALLS"
case " $* " in *" --no-frozen-lockfile "*) exit 0 ;; esac
if [ -n "$CI" ]; then
  echo "ERR_PNPM_OUTDATED_LOCKFILE  Cannot install with \\"frozen-lockfile\\" because pnpm-lock.yaml is not up to date" >&2
  exit 1
fi
"""


def test_pnpm_under_ci_may_update_the_lockfile(tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    member = _workspace(tmp_path / "repo")
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "pnpm").write_text(FAKE_PNPM)
    (tools / "pnpm").chmod(0o755)
    calls = tmp_path / "pnpm-calls.txt"
    monkeypatch.setenv("PATH", f"{tools}:{os.environ['PATH']}")
    monkeypatch.setenv("CI", "1")
    monkeypatch.setenv("PNPM_CALLS", str(calls))
    result = cli("install", str(member), "--workspace-id", "abc12345", "--yes", "--json")
    assert result.exit_code == 0, result.stderr
    installed = json.loads(result.stdout)["package_manager"]
    assert [(job["command"], job["outcome"]) for job in installed] == [("pnpm install --no-frozen-lockfile", "installed")]
    assert cli("uninstall", str(member), "--yes").exit_code == 0
    assert calls.read_text().splitlines() == [f"{member.resolve()} install --no-frozen-lockfile"] * 2


# Types of the ECMAScript library, which typescript-eslint's scope analysis knows; the DOM's (RequestInit,
# HeadersInit, RequestCredentials...) are unknown to ESLint's no-undef in configs that apply it to TypeScript.
ES_LIBRARY_TYPES = {"Array", "Error", "Map", "Parameters", "Partial", "Promise", "Readonly", "Record", "ReturnType", "Set"}


def test_the_single_page_core_names_no_dom_type() -> None:
    """ember-simple-auth's test app lints TypeScript with no-undef: the created core's `RequestInit` failed
    it (0 -> 1). Every type the core names, in every variant, is its own or the ECMAScript library's."""
    name = "spa/intercom-messenger.ts"
    text = resources.files("intercom_wizard.templates").joinpath(name).read_text(encoding="utf-8")
    choices: dict[str, set[str]] = {}
    for line in text.splitlines():
        start = _BLOCK_START.fullmatch(line)
        if start:
            choices.setdefault(start.group(1), set()).update(start.group(2).split("|"))
    values = {key.lower(): "null" for key in re.findall(r"__IW_([A-Z_]+)__", text)}
    keys = sorted(choices)
    for chosen in itertools.product(*(sorted(choices[key]) for key in keys)):
        root = parse(render(name, dict(zip(keys, chosen)), **values), "typescript")
        declared = {
            node.text()
            for kind in ("type_alias_declaration", "class_declaration", "interface_declaration")
            for declaration in root.find_all(kind=kind)
            if (node := declaration.field("name")) is not None
        }
        named = {node.text() for node in root.find_all(kind="type_identifier")}
        assert named - declared - ES_LIBRARY_TYPES == set(), dict(zip(keys, chosen))
