"""Express shapes seen in the real-app corpus (docs/corpus.md), as small fixtures of our own.

express-generator's `var app = express()` + bin/www, `var app = module.exports = express()`,
`export const app = express()`, TypeScript servers (src/app.ts, src/server.ts with a typed
`const app: Express`), one server per package, and files that create an app without serving one
(a front end's mock server, ember-cli's `server/` proxy).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import git, install_and_check_uninstall, write_files


def _commit(root: Path) -> None:
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "fixture")


def _backends(cli, root: Path) -> list[dict]:  # type: ignore[no-untyped-def]
    result = cli("detect", str(root), "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["backends"]


MANIFEST = '{\n  "name": "shop",\n  "scripts": {"start": "node ./bin/www"},\n  "dependencies": {\n    "express": "^4.18.0",\n    "express-session": "^1.17.0"\n  }\n}\n'


@pytest.mark.parametrize(
    ("creation", "app_var"),
    [
        ("var app = express();", "app"),
        ("let server = express();", "server"),
        ("var app = module.exports = express();", "app"),
    ],
)
def test_common_js_creations_are_detected_and_mounted(tmp_path: Path, cli, creation: str, app_var: str) -> None:  # type: ignore[no-untyped-def]
    write_files(tmp_path, {
        "package.json": MANIFEST,
        "app.js": f"""
            var express = require('express');
            var path = require('path');
            var session = require('express-session');

            {creation}
            {app_var}.use(express.static(path.join(__dirname, 'public')));
            {app_var}.use(session({{ secret: 'dev', resave: false, saveUninitialized: false }}));
            {app_var}.post('/login', function (req, res) {{
              var user = findUser(req.body.email, req.body.password);
              req.session.user = user;
              res.redirect('/');
            }});
            module.exports = {app_var};
        """,
        # express-generator's starter: requires the app, never creates one.
        "bin/www": "#!/usr/bin/env node\nvar app = require('../app');\nvar http = require('http');\nhttp.createServer(app).listen(process.env.PORT || 3000);\n",
        "public/index.html": "<!doctype html>\n<html>\n<body>\n<h1>Shop</h1>\n</body>\n</html>\n",
    })
    _commit(tmp_path)
    backends = _backends(cli, tmp_path)
    assert [(b["name"], b["root"]) for b in backends] == [("express", ".")]
    assert f"app.js: {creation.rstrip(';')}" in " ".join(backends[0]["evidence"]) or f"app.js: {creation}" in backends[0]["evidence"]
    result, files = install_and_check_uninstall(cli, tmp_path, exit_code=0)
    assert result.exit_code == 0, result.stderr + result.stdout
    mounted = files["app.js"].splitlines()
    session_line = next(i for i, line in enumerate(mounted) if "session({" in line)
    assert mounted[session_line + 1] == f"{app_var}.use(intercomJwt);"
    assert "const intercomJwt = require('./intercom-jwt');" in mounted
    assert "intercom-jwt.js" in files


def test_exported_app_in_an_es_module(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    write_files(tmp_path, {
        "package.json": '{\n  "type": "module",\n  "dependencies": {\n    "express": "^4.18.0"\n  }\n}\n',
        "src/app.js": """
            import express from 'express';

            export const app = express();
            app.use(express.static('public'));
            app.post('/login', (req, res) => {
              req.session.user = findUser(req.body.email);
              res.redirect('/');
            });
        """,
        "src/index.js": "import { app } from './app.js';\n\napp.listen(3000);\n",
    })
    _commit(tmp_path)
    backends = _backends(cli, tmp_path)
    assert backends[0]["evidence"][1] == "src/app.js: const app = express();"
    result = cli("install", str(tmp_path), "--workspace-id", "abc12345", "--yes", "--no-install", "--dry-run", "--json")
    plan = json.loads(result.stdout)
    assert "src/intercom-jwt.js" in [change["path"] for change in plan["changes"]]
    assert "+import intercomJwt from './intercom-jwt.js';" in plan["diff"]
    # Mounted after the creation (there is no session middleware), outside the export statement.
    assert "export const app = express();\n+app.use(intercomJwt);" in plan["diff"]


TS_APP = """
    import express from "express";
    import session from "express-session";
    import passport from "passport";

    const app = express();
    app.use(session({ secret: "dev", resave: false, saveUninitialized: false }));
    app.use(passport.initialize());
    app.use(passport.session());

    export default app;
"""


def test_typescript_server_gets_a_typescript_route(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    write_files(tmp_path, {
        "package.json": '{\n  "scripts": {"build": "tsc", "start": "node dist/server.js"},\n  "dependencies": {\n    "express": "^4.17.1",\n    "express-session": "^1.17.1",\n    "passport": "^0.6.0"\n  },\n  "devDependencies": {\n    "typescript": "^5.4.0"\n  }\n}\n',
        "tsconfig.json": '{\n  "compilerOptions": {"module": "commonjs", "esModuleInterop": true, "strict": true, "outDir": "dist"},\n  "include": ["src/**/*"]\n}\n',
        "src/app.ts": TS_APP,
        "src/server.ts": 'import app from "./app";\n\napp.listen(3000);\n',
        "src/types/express.d.ts": "declare const app: import('express').Express;\n",
        "src/app.test.ts": 'import express from "express";\nconst app = express();\n',
    })
    _commit(tmp_path)
    backends = _backends(cli, tmp_path)
    assert backends[0]["evidence"][1] == "src/app.ts: const app = express();"
    assert backends[0]["auth"] == "passport"
    result, files = install_and_check_uninstall(cli, tmp_path, exit_code=4)
    assert result.exit_code == 4, result.stderr  # no page layout: a manual step
    route = files["src/intercom-jwt.ts"]
    assert route.startswith("// Intercom identity verification")
    assert "import express from 'express';\nimport jwt from 'jsonwebtoken';" in route.replace('"', "'")
    assert "(req: any, res: express.Response) =>" in route and route.rstrip().endswith("export default router;")
    assert "require(" not in route and "module.exports" not in route
    assert "src/intercom-jwt.js" not in files
    # Written in the file's own quote style (double quotes here): compared quote-agnostically.
    assert "import intercomJwt from './intercom-jwt';" in files["src/app.ts"].replace('"', "'")
    assert 'app.use(passport.session());\napp.use(intercomJwt);' in files["src/app.ts"]
    manifest = json.loads(files["package.json"])
    assert manifest["dependencies"]["jsonwebtoken"] and manifest["dependencies"]["@types/jsonwebtoken"]


def test_typed_creation_and_node16_resolution(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    write_files(tmp_path, {
        "package.json": '{\n  "dependencies": {\n    "express": "^4.21.0"\n  }\n}\n',
        "tsconfig.json": '{\n  "compilerOptions": {"module": "Node16", "moduleResolution": "node16", "strict": true}\n}\n',
        "src/server.ts": """
            import * as express from "express";
            import type { Express } from "express";

            export const app: Express = express();
            app.use(express.json());
        """,
        "src/index.ts": 'import { app } from "./server.js";\n\napp.listen(8080);\n',
        # Some sign-in (an API that checks passwords), so the install is not anonymous-only.
        "src/login.ts": 'import { app } from "./server.js";\n\napp.post("/api/login", (req, res) => res.json({ ok: true }));\n',
    })
    _commit(tmp_path)
    assert _backends(cli, tmp_path)[0]["evidence"][1] == "src/server.ts: const app: Express = express();"
    result = cli("install", str(tmp_path), "--workspace-id", "abc12345", "--yes", "--no-install", "--dry-run", "--json")
    plan = json.loads(result.stdout)
    assert "src/intercom-jwt.ts" in [change["path"] for change in plan["changes"]]
    # node16 resolution needs the extension; a namespace import of express means no esModuleInterop.
    diff = plan["diff"].replace('"', "'")
    assert "+import intercomJwt from './intercom-jwt.js';" in diff
    assert "+import * as express from 'express';\n+import * as jwt from 'jsonwebtoken';" in diff


def test_mock_servers_and_ember_cli_proxies_are_not_back_ends(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    write_files(tmp_path, {
        "web/package.json": '{\n  "dependencies": {"react": "^18.3.0"},\n  "devDependencies": {"express": "^4.19.0", "vite": "^5.2.0"}\n}\n',
        "web/index.html": '<!doctype html>\n<html>\n<body>\n<div id="root"></div>\n<script type="module" src="/src/main.tsx"></script>\n</body>\n</html>\n',
        "web/src/main.tsx": "import { createRoot } from 'react-dom/client';\ncreateRoot(document.getElementById('root')!).render(<h1>Hi</h1>);\n",
        "web/mock-server.ts": "import express from 'express';\nconst app = express();\napp.listen(8080);\n",
        "web/src/testing/mocks/server.ts": "import express from 'express';\nconst app = express();\n",
        "ember/package.json": '{\n  "devDependencies": {"ember-source": "~5.4.0", "express": "^4.18.0"}\n}\n',
        "ember/server/index.js": "module.exports = function (app) {};\n",
        "ember/server/mocks/api.js": "var express = require('express');\nvar app = express();\n",
        "ember/server/demo-api.js": "var express = require('express');\nvar app = express();\n",
        "ember/app/app.js": "import Application from '@ember/application';\nexport default class App extends Application {}\n",
    })
    _commit(tmp_path)
    assert _backends(cli, tmp_path) == []


def test_one_server_per_package_and_workspace_packages_are_their_own(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    write_files(tmp_path, {
        "package.json": '{\n  "private": true,\n  "workspaces": ["apps/*"],\n  "devDependencies": {"express": "^4.21.0"}\n}\n',
        "apps/api/package.json": '{\n  "name": "api",\n  "dependencies": {"express": "^4.21.0"}\n}\n',
        "apps/api/src/server.ts": "import express from 'express';\nexport const app = express();\n",
        "apps/api/src/health/app.ts": "import express from 'express';\nexport const health = express();\n",
        "apps/api/src/index.ts": "import { app } from './server';\napp.listen(4000);\n",
    })
    _commit(tmp_path)
    backends = _backends(cli, tmp_path)
    assert [(b["root"], b["evidence"][1]) for b in backends] == [("apps/api", "apps/api/src/server.ts: const app = express();")]


def test_static_dirname_and_views_set_elsewhere(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    # The pages sit beside the server, served by express.static(__dirname); the views folder is set
    # relative to src/ and holds a Pug layout (which gets the script as its body's last line).
    write_files(tmp_path, {
        "package.json": MANIFEST,
        "src/server.js": """
            var express = require('express');
            var path = require('path');
            var session = require('express-session');

            var app = express();
            app.set('views', path.join(__dirname, '../views'));
            app.set('view engine', 'pug');
            app.use(express.static(__dirname));
            app.use(session({ secret: 'dev', resave: false, saveUninitialized: false }));
            app.post('/login', function (req, res) {
              var user = findUser(req.body.email, req.body.password);
              req.session.user = user;
              res.redirect('/');
            });
            module.exports = app;
        """,
        "src/index.html": "<!doctype html>\n<html>\n<body>\n<div id=\"todos\"></div>\n</body>\n</html>\n",
        "views/layout.pug": "doctype html\nhtml\n  body\n    block content\n",
    })
    _commit(tmp_path)
    result = cli("install", str(tmp_path), "--workspace-id", "abc12345", "--yes", "--no-install", "--dry-run", "--json")
    plan = json.loads(result.stdout)
    assert "src/intercom-messenger.js" in [change["path"] for change in plan["changes"]]
    assert '<div id="todos"></div>\n+  <script src="/intercom-messenger.js" defer></script>\n </body>' in plan["diff"]
    assert "+    script(src='/intercom-messenger.js', defer)\n" in plan["diff"]
    assert plan["manual_steps"] == []


def test_an_api_without_pages_names_the_script_it_wrote(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    write_files(tmp_path, {
        "package.json": '{\n  "dependencies": {\n    "express": "^4.21.0"\n  }\n}\n',
        "src/server.ts": "import express, { type Express } from 'express';\n\nexport const app: Express = express();\napp.use(express.json());\n",
    })
    _commit(tmp_path)
    result = cli("install", str(tmp_path), "--workspace-id", "abc12345", "--yes", "--no-install", "--dry-run", "--json")
    plan = json.loads(result.stdout)
    created = [change["path"] for change in plan["changes"] if change["action"] == "create"]
    steps = [step["file"] for step in plan["manual_steps"]]
    assert steps and all(step in created or (tmp_path / step).is_file() for step in steps), (steps, created)
    assert "your base layout" not in result.stdout


def test_ejs_tags_inside_markup_do_not_hide_the_body_end(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    # A TodoMVC-style view: EJS output inside a start tag (`<li <%- ... %>>`) made the HTML parser
    # give up, so the signed-in page never got the Messenger script.
    view = (
        "<!doctype html>\n<html>\n<body>\n<ul>\n<% todos.forEach(function(todo) { %>\n"
        "<li <%- todo.done ? 'class=\"completed\"' : '' %>><%= todo.title %></li>\n<% }); %>\n</ul>\n</body>\n</html>\n"
    )
    write_files(tmp_path, {
        "package.json": MANIFEST,
        "app.js": """
            var express = require('express');
            var path = require('path');
            var session = require('express-session');

            var app = express();
            app.set('views', path.join(__dirname, 'views'));
            app.set('view engine', 'ejs');
            app.use(express.static(path.join(__dirname, 'public')));
            app.use(session({ secret: 'dev', resave: false, saveUninitialized: false }));
            app.post('/login', function (req, res) {
              var user = findUser(req.body.email, req.body.password);
              req.session.user = user;
              res.redirect('/');
            });
            module.exports = app;
        """,
        "views/index.ejs": view,
    })
    _commit(tmp_path)
    result, files = install_and_check_uninstall(cli, tmp_path, exit_code=0)
    assert result.exit_code == 0, result.output
    assert files["views/index.ejs"].endswith('</ul>\n  <script src="/intercom-messenger.js" defer></script>\n</body>\n</html>\n') or (
        '<script src="/intercom-messenger.js" defer></script>\n</body>' in files["views/index.ejs"]
    )


def test_static_dirname_at_the_project_root(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    # The server sits at the root and serves the root itself (todos-react-express): "" is a folder too.
    write_files(tmp_path, {
        "package.json": MANIFEST,
        "app.js": """
            var express = require('express');
            var session = require('express-session');

            var app = express();
            app.use(express.static(__dirname));
            app.use(session({ secret: 'dev', resave: false, saveUninitialized: false }));
            app.post('/login', function (req, res) {
              var user = findUser(req.body.email, req.body.password);
              req.session.user = user;
              res.redirect('/');
            });
            module.exports = app;
        """,
        "index.html": "<!doctype html>\n<html>\n<body>\n<div id=\"todos\"></div>\n</body>\n</html>\n",
    })
    _commit(tmp_path)
    result, files = install_and_check_uninstall(cli, tmp_path, exit_code=0)
    assert result.exit_code == 0, result.output
    assert "intercom-messenger.js" in files
    assert '<script src="/intercom-messenger.js" defer></script>' in files["index.html"]
