"""NestJS servers are not installed into, and the install says so (nx-nest-next-starter: Nx 19, a
Next.js front end in apps/frontend and a NestJS API in apps/backend run by `@nx/js:node`).

The wizard has no NestJS integration. Before, the install went into the front end only and said
nothing of the API; now a warning names the NestJS server, says nothing of it was changed and no
token endpoint was added there, and what follows for identity. A single-page app that signs users
in against such an API gets a manual step with the endpoint's contract to write by hand (never the
command to run the wizard on the API's code, which would find no back end there). Nx repos of our
own writing, a few files each.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import git, install_and_check_uninstall, install_quietly, snapshot, write_files

NEST_MAIN = """\
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app/app.module';

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  app.setGlobalPrefix('api');
  await app.listen(process.env.PORT || 3000);
}

bootstrap();
"""
NEST_MODULE = """\
import { Module } from '@nestjs/common';

@Module({ controllers: [], providers: [] })
export class AppModule {}
"""
BACKEND_PROJECT = {
    "name": "backend", "sourceRoot": "apps/backend/src", "projectType": "application",
    "targets": {"serve": {"executor": "@nx/js:node", "options": {"buildTarget": "backend:build"}}},
}


def _nx_repo(root: Path, frontend: dict[str, str], frontend_project: dict[str, object], dependencies: dict[str, str]) -> Path:
    write_files(root, {
        "package.json": json.dumps({"name": "@starter/source", "private": True, "dependencies": {
            "@nestjs/common": "^10.0.2", "@nestjs/core": "^10.0.2", **dependencies}, "devDependencies": {"nx": "19.8.4"}}, indent=2) + "\n",
        "nx.json": '{\n  "plugins": []\n}\n',
        ".gitignore": "node_modules\n",
        "apps/backend/project.json": json.dumps(BACKEND_PROJECT, indent=2) + "\n",
        "apps/backend/src/main.ts": NEST_MAIN,
        "apps/backend/src/app/app.module.ts": NEST_MODULE,
        "apps/frontend/project.json": json.dumps(frontend_project, indent=2) + "\n",
        **frontend,
    })
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "nx repo")
    return root


def _backend_files(root: Path) -> dict[str, bytes]:
    return {path: data for path, data in snapshot(root).items() if path.startswith("apps/backend/")}


def test_next_front_end_beside_a_nest_api_says_what_was_not_done(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _nx_repo(tmp_path, {
        "apps/frontend/next.config.js": "module.exports = {};\n",
        "apps/frontend/src/app/layout.tsx": (
            "export default function RootLayout({ children }: { children: React.ReactNode }) {\n"
            "  return (\n    <html lang=\"en\">\n      <body>{children}</body>\n    </html>\n  );\n}\n"
        ),
        "apps/frontend/src/app/page.tsx": "export default function Page() {\n  return <h1>Welcome</h1>;\n}\n",
    }, {"name": "frontend", "sourceRoot": "apps/frontend", "projectType": "application", "targets": {}},
        {"next": "14.2.3", "react": "18.3.1", "react-dom": "18.3.1"})
    backend = _backend_files(root)
    plan = json.loads(install_quietly(cli, root, "--dry-run", "--json").stdout)
    assert (plan["result"], plan["frontend"], plan["backend"]) == ("anonymous-only", "nextjs", None)
    warnings = [note["text"] for note in plan["notes"] if "NestJS" in note["text"]]
    assert warnings == [
        "apps/backend is a NestJS server (apps/backend/src/main.ts calls NestFactory.create): the wizard does not install "
        "into NestJS, so it changed nothing there and added no token endpoint to it. The Messenger was installed in "
        "apps/frontend (nextjs) and boots every visitor as a lead. When this API signs users in, it needs the token endpoint "
        'written by hand (GET /api/intercom-jwt: for a signed-in user 200 {"token": JWT}, HS256 with the secret from '
        "INTERCOM_IDENTITY_SECRET, claims user_id (the user's primary key), email, name, iat, exp = now + 2 h; 401 "
        "otherwise; Cache-Control: no-store); then install again with --auth."
    ]
    result, after = install_and_check_uninstall(cli, root, exit_code=0)
    assert "NestJS server" in " ".join(result.stderr.split())
    assert {path: data.encode() for path, data in after.items() if path.startswith("apps/backend/")} == backend
    assert "<IntercomMessenger />" in after["apps/frontend/src/app/layout.tsx"]


def test_a_spa_that_signs_in_against_a_nest_api_gets_the_endpoint_to_write_by_hand(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    login = (
        "export async function login(email: string, password: string) {\n"
        "  const response = await fetch('/api/auth/login', { method: 'POST', credentials: 'include', body: JSON.stringify({ email, password }) });\n"
        "  return response.ok;\n}\n"
    )
    root = _nx_repo(tmp_path, {
        "apps/frontend/src/index.html": '<!doctype html>\n<html>\n<body>\n<div id="root"></div>\n</body>\n</html>\n',
        "apps/frontend/src/main.tsx": (
            "import { createRoot } from 'react-dom/client';\nimport { App } from './app/app';\n\n"
            "createRoot(document.getElementById('root') as HTMLElement).render(<App />);\n"
        ),
        "apps/frontend/src/app/app.tsx": "export function App() {\n  return <main>Shop</main>;\n}\n",
        "apps/frontend/src/app/session.ts": login,
    }, {"name": "frontend", "sourceRoot": "apps/frontend/src", "projectType": "application",
        "targets": {"build": {"executor": "@nx/webpack:webpack", "options": {"main": "apps/frontend/src/main.tsx"}}}},
        {"react": "18.3.1", "react-dom": "18.3.1"})
    backend = _backend_files(root)
    result = install_quietly(cli, root, "--json")
    assert result.exit_code == 4, result.stderr
    report = json.loads(result.stdout)
    assert report["result"] == "incomplete"
    endpoint_steps = [step for step in report["manual_steps"] if "NestJS" in step["instruction"]]
    assert [step["file"] for step in endpoint_steps] == ["apps/frontend/src/app/session.ts"]
    assert endpoint_steps[0]["snippet"].startswith("GET /api/intercom-jwt: for a signed-in user 200")
    assert "Run the wizard on the API's code" not in result.stdout
    assert _backend_files(root) == backend
