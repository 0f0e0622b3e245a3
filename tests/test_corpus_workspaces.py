"""Monorepo workspaces seen in the real-app corpus (docs/corpus.md), as a small repository of our own:
a package is an app only if something serves it, and a member uses its workspace's package manager.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import git, write_files

WEB = '{\n  "name": "web",\n  "scripts": {"dev": "next dev", "build": "next build"},\n  "dependencies": {"next": "15.1.4", "react": "^19.0.0", "react-dom": "^19.0.0"}\n}\n'
API = '{\n  "name": "api",\n  "scripts": {"dev": "tsx watch src/index.ts"},\n  "dependencies": {"express": "^4.21.2"}\n}\n'
# Email templates previewed by their own tool, and a component library: React, but no app.
EMAIL = '{\n  "name": "@repo/email",\n  "scripts": {"dev": "email dev -p 3002"},\n  "devDependencies": {"react": "^19.0.0", "react-email": "^3.0.4"}\n}\n'
UI = '{\n  "name": "@repo/ui",\n  "exports": {"./button": "./src/button.tsx"},\n  "devDependencies": {"react": "^19.0.0", "typescript": "^5.7.3"}\n}\n'
ADMIN = '{\n  "name": "admin",\n  "scripts": {"dev": "vite", "build": "tsc -b && vite build"},\n  "dependencies": {"react": "^18.3.1", "react-dom": "^18.3.1"}\n}\n'


def _repository(root: Path, layout: dict[str, str]) -> None:
    write_files(root, {
        "apps/web/package.json": WEB,
        "apps/web/app/layout.tsx": "export default function RootLayout({ children }: { children: React.ReactNode }) {\n  return <html><body>{children}</body></html>\n}\n",
        "apps/api/package.json": API,
        "apps/api/src/server.ts": "import express from 'express';\n\nexport const app = express();\n",
        "apps/admin/package.json": ADMIN,
        "apps/admin/index.html": '<!doctype html>\n<html>\n<body>\n<div id="root"></div>\n</body>\n</html>\n',
        "packages/email/package.json": EMAIL,
        "packages/email/src/welcome.tsx": "export default function Welcome() {\n  return <p>Hi</p>\n}\n",
        "packages/ui/package.json": UI,
        "packages/ui/src/button.tsx": "export function Button() {\n  return <button />\n}\n",
        **layout,
    })
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "monorepo")


@pytest.mark.parametrize(
    ("layout", "manager"),
    [
        ({"package.json": '{\n  "private": true,\n  "workspaces": ["apps/*", "packages/*"]\n}\n', "package-lock.json": "{}\n"}, "npm"),
        ({"package.json": '{\n  "private": true,\n  "workspaces": ["apps/*", "packages/*"]\n}\n', "yarn.lock": "# yarn lockfile v1\n"}, "yarn"),
        ({"package.json": '{\n  "private": true,\n  "packageManager": "pnpm@9.15.0"\n}\n', "pnpm-workspace.yaml": "packages:\n  - apps/*\n  - packages/*\n", "turbo.json": "{}\n"}, "pnpm"),
        ({"package.json": '{\n  "private": true\n}\n', "nx.json": "{}\n", "pnpm-lock.yaml": "lockfileVersion: '9.0'\n"}, "pnpm"),
    ],
    ids=["npm-workspaces", "yarn-workspaces", "pnpm-turborepo", "nx"],
)
def test_only_served_packages_are_apps_and_members_use_the_workspace_manager(tmp_path: Path, cli, layout: dict[str, str], manager: str) -> None:  # type: ignore[no-untyped-def]
    _repository(tmp_path, layout)
    result = cli("detect", str(tmp_path), "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert sorted((f["name"], f["root"]) for f in report["frontends"]) == [("nextjs", "apps/web"), ("react", "apps/admin")]
    assert [(b["name"], b["root"]) for b in report["backends"]] == [("express", "apps/api")]
    assert report["package_managers"] == {"apps/admin": manager, "apps/api": manager, "apps/web": manager}


def test_a_standalone_package_needs_no_serving_script(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    # Outside a workspace the dependency is evidence enough (an app without scripts is still an app).
    write_files(tmp_path, {"package.json": UI, "src/button.tsx": "export function Button() {\n  return <button />\n}\n"})
    report = json.loads(cli("detect", str(tmp_path), "--json").stdout)
    assert [(f["name"], f["root"]) for f in report["frontends"]] == [("react", ".")]


# iron-session's examples/next: a pnpm workspace member (`"iron-session": "workspace:*"`) run on its own,
# beside a stale package-lock.json that create-next-app left: npm was chosen and refused the protocol.
MEMBER = '{\n  "name": "next",\n  "scripts": {"dev": "next dev", "build": "next build"},\n  "dependencies": {"iron-session": "workspace:*", "next": "14.2.3", "react": "^18", "react-dom": "^18"}\n}\n'
MEMBER_PAGE = {"src/app/layout.tsx": "export default function RootLayout({ children }: { children: React.ReactNode }) {\n  return <html><body>{children}</body></html>\n}\n"}


@pytest.mark.parametrize(
    ("layout", "manager"),
    [
        ({"package.json": '{\n  "name": "lib",\n  "packageManager": "pnpm@9.6.0"\n}\n', "pnpm-workspace.yaml": "packages:\n  - 'examples/*'\n",
          "examples/next/package-lock.json": '{\n  "lockfileVersion": 3\n}\n'}, "pnpm"),
        ({"package.json": '{\n  "private": true,\n  "workspaces": {"packages": ["examples/*"]}\n}\n', "yarn.lock": "# yarn lockfile v1\n"}, "yarn"),
        # No workspace above names the folder: the protocol alone says it is not npm's.
        ({"package.json": '{\n  "private": true,\n  "workspaces": ["packages/*"]\n}\n', "package-lock.json": "{}\n"}, "pnpm"),
    ],
    ids=["pnpm-member-with-a-stale-npm-lockfile", "yarn-workspace-above", "no-workspace-names-it"],
)
def test_a_member_run_on_its_own_uses_the_manager_of_the_workspace_above_it(tmp_path: Path, cli, layout: dict[str, str], manager: str) -> None:  # type: ignore[no-untyped-def]
    write_files(tmp_path, {"examples/next/package.json": MEMBER, **{f"examples/next/{path}": text for path, text in MEMBER_PAGE.items()}, **layout})
    member = tmp_path / "examples" / "next"
    git(member, "init", "-q")
    report = json.loads(cli("detect", str(member), "--json").stdout)
    assert report["package_managers"] == {".": manager}
    plan = cli("install", str(member), "--workspace-id", "abc12345", "--yes", "--dry-run", "--json", "--no-install")
    assert plan.exit_code == 0, plan.stderr  # a site without sign-in: anonymous-only
    assert {change["package_manager"] for change in json.loads(plan.stdout)["dependencies"]} == {manager}
