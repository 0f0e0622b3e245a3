"""Nx integrated repositories (docs/corpus.md): apps that have only a project.json, their dependencies
in the workspace root's package.json, shared code in libs/. Fixtures of our own writing:
tests/fixtures/nx_react_express (a React app built by @nx/webpack and an Express API served by
@nx/js:node) and tests/fixtures/nx_angular_app (an Angular app built by
@angular-devkit/build-angular:application, without angular.json).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import SECRET, WORKSPACE_ID, git, install_quietly, snapshot, write_files

GOLDEN = Path(__file__).parent / "golden"
# Types for a real `tsc --noEmit` of the installed fixtures (Nx itself is not needed to type-check).
TYPE_PACKAGES = (
    "typescript@5.7", "@types/express@4", "@types/express-session@1.18", "@types/jsonwebtoken@9", "@types/node@18",
    "@types/react@19", "@types/react-dom@19", "react@19.0.0", "react-dom@19.0.0", "react-router-dom@6.29.0",
    "@intercom/messenger-js-sdk@0.0.20", "@angular/core@18.2", "@angular/common@18.2", "@angular/router@18.2",
    "@angular/platform-browser@18.2", "rxjs@7.8", "tslib@2",
)


def test_project_json_apps_are_detected_and_libs_are_not(app_copy, cli) -> None:  # type: ignore[no-untyped-def]
    root = app_copy("nx_react_express")
    report = json.loads(cli("detect", str(root), "--json").stdout)
    assert [(f["name"], f["root"]) for f in report["frontends"]] == [("react", "apps/web")]
    assert [(b["name"], b["root"]) for b in report["backends"]] == [("express", "apps/api")]
    assert report["frontends"][0]["evidence"] == ["apps/web/project.json: an Nx application", "package.json: depends on react"]
    assert report["backends"][0]["auth"] == "session-id"
    # Versions come from the workspace root's package.json.
    assert report["frontends"][0]["versions"]["React"]["source"] == "package.json range 19.0.0 (lowest allowed)"
    assert report["package_managers"] == {"apps/api": "npm", "apps/web": "npm"}


def test_react_express_dry_run_matches_golden(app_copy, cli) -> None:  # type: ignore[no-untyped-def]
    root = app_copy("nx_react_express")
    before = snapshot(root)
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--dry-run", "--yes")
    assert result.exit_code == 0, result.stderr
    assert snapshot(root) == before
    golden = GOLDEN / "nx_react_express.diff"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(result.stdout)
    assert result.stdout == golden.read_text(), f"dry-run diff differs from {golden}; review, then UPDATE_GOLDEN=1"


def test_react_express_installs_into_each_app_and_uninstalls_exactly(app_copy, cli) -> None:  # type: ignore[no-untyped-def]
    root = app_copy("nx_react_express")
    original = snapshot(root)
    first = install_quietly(cli, root)
    assert first.exit_code == 0, first.stderr
    installed = snapshot(root)
    created = sorted(set(installed) - set(original))
    assert created == [
        ".intercom-wizard.json", "apps/api/src/intercom-jwt.ts",
        "apps/web/src/intercom/IntercomMessenger.tsx", "apps/web/src/intercom/messenger.ts",
    ]
    assert not (root / "src").exists(), "nothing lands in the workspace root's src/"
    assert not (root / "apps/web/package.json").exists() and not (root / "apps/api/package.json").exists()
    manifest = json.loads((root / "package.json").read_text())
    assert {"jsonwebtoken", "@intercom/messenger-js-sdk"} <= set(manifest["dependencies"])
    main = (root / "apps/api/src/main.ts").read_text()
    assert "import intercomJwt from './intercom-jwt';" in main and "app.use(intercomJwt);" in main
    assert "req.session.userId" in (root / "apps/api/src/intercom-jwt.ts").read_text()
    assert sorted(p for p in installed if installed[p] != original.get(p) and p in original) == [
        "apps/api/src/main.ts", "apps/web/src/app/app.tsx", "apps/web/src/main.tsx", "package.json",
    ]
    again = install_quietly(cli, root)
    assert again.exit_code == 0, again.stderr
    assert "Nothing to do" in again.stderr
    removed = cli("uninstall", str(root), "--yes")
    assert removed.exit_code == 0, removed.stderr
    assert snapshot(root) == original


def test_angular_project_json_app(app_copy, cli) -> None:  # type: ignore[no-untyped-def]
    root = app_copy("nx_angular_app")
    original = snapshot(root)
    report = json.loads(cli("detect", str(root), "--json").stdout)
    assert [(f["name"], f["root"]) for f in report["frontends"]] == [("angular", "apps/shop")]
    # Same-origin HttpClient calls carry no cookie evidence of their own: --auth cookie says so.
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install", "--json", "--auth", "cookie")
    # It signs users in, but no back end is in the repository: the endpoint is a manual step.
    assert result.exit_code == 4, result.stderr
    plan = json.loads(result.stdout)
    assert plan["result"] == "incomplete"
    for step in plan["manual_steps"]:
        assert (root / step["file"]).is_file(), step
    assert (root / "apps/shop/src/app/intercom-messenger.service.ts").is_file()
    assert not (root / "src").exists() and not (root / "angular.json").exists()
    options = json.loads((root / "apps/shop/project.json").read_text())["targets"]["build"]["options"]
    assert options["allowedCommonJsDependencies"] == ["@intercom/messenger-js-sdk"]
    assert "@intercom/messenger-js-sdk" in json.loads((root / "package.json").read_text())["dependencies"]
    assert "intercomLogin" in (root / "apps/shop/src/app/auth.service.ts").read_text()
    removed = cli("uninstall", str(root), "--yes")
    assert removed.exit_code == 0, removed.stderr
    assert snapshot(root) == original


def _second_app(root: Path) -> None:
    """apps/admin: the shop's copy under another name (two front ends in one workspace)."""
    shutil.copytree(root / "apps/shop", root / "apps/admin")
    project = root / "apps/admin/project.json"
    project.write_text(project.read_text().replace("apps/shop", "apps/admin").replace('"shop', '"admin').replace("shop:", "admin:"))
    git(root, "add", "-A")
    git(root, "commit", "-qm", "admin app")


def test_several_front_ends_are_chosen_by_folder(app_copy, cli) -> None:  # type: ignore[no-untyped-def]
    root = app_copy("nx_angular_app")
    _second_app(root)
    original = snapshot(root)
    ambiguous = install_quietly(cli, root, "--auth", "cookie")
    assert ambiguous.exit_code == 3, ambiguous.stderr
    assert "angular in apps/admin; angular in apps/shop" in ambiguous.stderr
    assert "--frontend-root" in ambiguous.stderr
    assert snapshot(root) == original
    wrong = install_quietly(cli, root, "--auth", "cookie", "--frontend-root", "apps/none")
    assert wrong.exit_code == 2, wrong.stderr
    assert "No front end was detected in apps/none (detected: apps/admin, apps/shop)" in wrong.stderr
    outside = install_quietly(cli, root, "--auth", "cookie", "--frontend-root", "../elsewhere")
    assert outside.exit_code == 2, outside.stderr
    assert snapshot(root) == original
    chosen = install_quietly(cli, root, "--auth", "cookie", "--frontend-root", "./apps/admin/")
    assert chosen.exit_code == 4, chosen.stderr
    assert (root / "apps/admin/src/app/intercom-messenger.service.ts").is_file()
    assert not (root / "apps/shop/src/app/intercom-messenger.service.ts").exists()


@pytest.fixture(scope="module")
def type_packages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed")
    folder = tmp_path_factory.mktemp("nx-types")
    (folder / "package.json").write_text('{"name": "nx-types", "private": true}\n')
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent", *TYPE_PACKAGES], cwd=folder, check=True, capture_output=True)
    return folder / "node_modules"


@pytest.mark.parametrize(
    ("name", "configs", "extra", "exit_code"),
    [
        ("nx_react_express", ["apps/api/tsconfig.app.json", "apps/web/tsconfig.app.json"], [], 0),
        ("nx_angular_app", ["apps/shop/tsconfig.app.json"], ["--auth", "cookie"], 4),
    ],
)
def test_created_typescript_type_checks_with_the_apps_own_tsconfig(app_copy, cli, type_packages: Path, name: str, configs: list[str], extra: list[str], exit_code: int) -> None:  # type: ignore[no-untyped-def]
    root = app_copy(name)
    (root / "node_modules").symlink_to(type_packages, target_is_directory=True)
    tsc = str(type_packages / ".bin/tsc")

    def type_check() -> list[str]:
        runs = [subprocess.run([tsc, "--noEmit", "-p", config], cwd=root, capture_output=True, text=True, check=False) for config in configs]
        return [run.stdout + run.stderr for run in runs if run.returncode != 0]

    assert type_check() == [], "the fixture type-checks before the install"
    result = install_quietly(cli, root, *extra)
    assert result.exit_code == exit_code, result.stderr
    assert type_check() == []
    assert SECRET not in "".join(p.read_text(errors="replace") for p in (root / "apps").rglob("*.ts*"))


def test_an_e2e_projects_login_command_is_not_the_apps_sign_in(app_copy, cli) -> None:  # type: ignore[no-untyped-def]
    # nx-examples: Nx names end-to-end projects `<app>-e2e`; their Cypress `login` command signs no one in.
    root = app_copy("nx_angular_app", commit=False)
    (root / "apps/shop/src/app/auth.service.ts").unlink()
    write_files(root, {
        "apps/shop/src/app/app.component.ts": (
            "import { Component } from '@angular/core';\nimport { RouterModule } from '@angular/router';\n\n"
            "@Component({\n  standalone: true,\n  imports: [RouterModule],\n  selector: 'app-root',\n  template: '<router-outlet></router-outlet>',\n})\n"
            "export class AppComponent {}\n"
        ),
        "apps/shop-e2e/project.json": '{\n  "name": "shop-e2e",\n  "projectType": "application",\n  "implicitDependencies": ["shop"]\n}\n',
        "apps/shop-e2e/src/support/commands.ts": "Cypress.Commands.add('login', (email: string, password: string) => {\n  cy.get('input[name=email]').type(email);\n});\n",
    })
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "fixture")
    report = json.loads(cli("detect", str(root), "--json").stdout)
    assert [(f["name"], f["root"]) for f in report["frontends"]] == [("angular", "apps/shop")]
    result = install_quietly(cli, root, "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["result"] == "anonymous-only"


@pytest.mark.parametrize(("project_type", "roots"), [(None, ["apps/web"]), ("application", [".", "apps/web"])])
def test_a_root_project_json_is_an_app_only_when_it_says_so(app_copy, cli, project_type: str | None, roots: list[str]) -> None:  # type: ignore[no-untyped-def]
    # A root project for workspace tasks (a local registry) is no app; a standalone Nx app at the root is.
    root = app_copy("nx_react_express", commit=False)
    config = {"name": "@acme/source", "targets": {"local-registry": {"executor": "@nx/js:verdaccio", "options": {"port": 4873}}}}
    if project_type is not None:
        config["projectType"] = project_type
    (root / "project.json").write_text(json.dumps(config, indent=2) + "\n")
    report = json.loads(cli("detect", str(root), "--json").stdout)
    assert sorted(f["root"] for f in report["frontends"]) == roots
