"""express-jwt APIs as the corpus's "SPA + its API" entries run them (docs/corpus.md), as small
projects of our own writing.

cornflourblue's Node APIs (paired with his Angular/React/Vue examples) create the app on the line
after `require('rootpath')()`, above their other requires, and run express-jwt through a helper
module of their own: `app.use(jwt())` from `_helpers/jwt.js` (express-jwt 8, claims in req.auth), or
`authorize()` from `_helpers/authorize.js` on each route (express-jwt 6, claims in req.user). The
install mounted `app.use(intercomJwt)` above `const intercomJwt = require(...)` (a ReferenceError at
start-up), before the app-wide helper (req.auth empty), read req.auth where express-jwt 6 fills
req.user, and called a route with no express-jwt in front of it "complete".
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from conftest import git, install_and_check_uninstall, install_quietly, write_files

SERVER_HEAD = """
    require('rootpath')();
    const express = require('express');
    const app = express();
    const cors = require('cors');
    const errorHandler = require('_helpers/error-handler');
"""
SERVER_TAIL = """
    app.use('/orders', require('./orders/orders.controller'));
    app.use(errorHandler);
    app.listen(4000);
"""
ERROR_HANDLER = """
    module.exports = (err, req, res, next) => res.status(err.name === 'UnauthorizedError' ? 401 : 500).json({});
"""
SIGNING = """
    const jwt = require('jsonwebtoken');
    module.exports = { sign: (account) => jwt.sign({ sub: account.id }, 'x') };
"""


# The API's pages are a single-page app beside it (client/), on another origin, as in the corpus.
BEARER = ("--frontend-origin", "http://127.0.0.1:5173", "--endpoint", "http://localhost:4000/api/intercom-jwt")
CLIENT = {
    "client/package.json": '{\n  "name": "orders-client",\n  "dependencies": {"react": "^18.2.0", "react-dom": "^18.2.0"},\n  "devDependencies": {"vite": "^5.0.0"}\n}\n',
    "client/index.html": '<!doctype html>\n<html><body><div id="root"></div><script type="module" src="/src/main.jsx"></script></body></html>\n',
    "client/src/main.jsx": """
        import { createRoot } from 'react-dom/client';
        import App from './App';

        createRoot(document.getElementById('root')).render(<App />);
    """,
    "client/src/App.jsx": """
        import { useState } from 'react';

        const API = 'http://localhost:4000';

        export function authHeader() {
            const account = JSON.parse(localStorage.getItem('account'));
            return account ? { Authorization: 'Bearer ' + account.token } : {};
        }

        export function logout() {
            localStorage.removeItem('account');
        }

        export default function App() {
            const [account, setAccount] = useState(null);
            async function login(event) {
                event.preventDefault();
                const response = await fetch(`${API}/orders/login`, { method: 'POST', body: new FormData(event.target) });
                const signedIn = await response.json();
                localStorage.setItem('account', JSON.stringify(signedIn));
                setAccount(signedIn);
            }
            return account ? <p>Orders</p> : <form onSubmit={login}><input name="username" /><input name="password" type="password" /><button>Sign in</button></form>;
        }
    """,
}


def _manifest(express_jwt: str) -> str:
    return (
        '{\n  "name": "orders-api",\n  "dependencies": {\n    "cors": "^2.8.5",\n    "express": "^4.18.2",\n'
        f'    "express-jwt": "{express_jwt}",\n    "jsonwebtoken": "^9.0.0",\n    "rootpath": "^0.1.2"\n  }}\n}}\n'
    )


def _lock(express_jwt: str) -> str:
    return (
        '{\n  "name": "orders-api",\n  "lockfileVersion": 3,\n  "packages": {\n'
        f'    "node_modules/express-jwt": {{"version": "{express_jwt}"}}\n  }}\n}}\n'
    )


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "orders"
    write_files(root, CLIENT | {f"api/{path}": text for path, text in files.items()})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "fixture")
    return root


def _app_wide_helper_api(tmp_path: Path) -> Path:
    return _project(
        tmp_path,
        {
            "package.json": _manifest("^8.4.1"),
            "package-lock.json": _lock("8.4.1"),
            "server.js": SERVER_HEAD + "    const jwt = require('_helpers/jwt');\n\n    app.use(cors());\n    app.use(jwt());\n" + SERVER_TAIL,
            "_helpers/jwt.js": """
                const { expressjwt } = require('express-jwt');
                module.exports = () => expressjwt({ secret: 'x', algorithms: ['HS256'] }).unless({ path: ['/orders/login'] });
            """,
            "_helpers/error-handler.js": ERROR_HANDLER,
            "orders/signing.js": SIGNING,
            "orders/orders.controller.js": """
                const router = require('express').Router();
                router.get('/', (req, res) => res.json([]));
                module.exports = router;
            """,
        },
    )


def _per_route_helper_api(tmp_path: Path) -> Path:
    return _project(
        tmp_path,
        {
            "package.json": _manifest("^6.0.0"),
            "package-lock.json": _lock("6.0.0"),
            "server.js": SERVER_HEAD + "\n    app.use(cors());\n" + SERVER_TAIL,
            "_helpers/authorize.js": """
                const jwt = require('express-jwt');
                module.exports = function authorize(roles = []) {
                    return [jwt({ secret: 'x', algorithms: ['HS256'] }), (req, res, next) => next()];
                };
            """,
            "_helpers/error-handler.js": ERROR_HANDLER,
            "orders/signing.js": SIGNING,
            "orders/orders.controller.js": """
                const router = require('express').Router();
                const authorize = require('_helpers/authorize');
                router.get('/', authorize('Admin'), (req, res) => res.json([]));
                router.get('/:id', authorize(), (req, res) => res.json({ id: req.params.id }));
                module.exports = router;
            """,
        },
    )


def _statement_lines(server: str) -> tuple[int, int]:
    lines = server.splitlines()
    return lines.index("const intercomJwt = require('./intercom-jwt');"), lines.index("app.use(intercomJwt);")


def test_app_wide_helper_mounts_the_route_after_it_and_below_the_require(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _app_wide_helper_api(tmp_path)
    result, files = install_and_check_uninstall(cli, root, *BEARER, exit_code=0)
    server, route = files["api/server.js"], files["api/intercom-jwt.js"]
    required, mounted = _statement_lines(server)
    assert required < mounted, "the mount must run after the const it uses"
    assert mounted > server.splitlines().index("app.use(jwt());"), "behind the app's own express-jwt helper"
    assert "return req.auth;" in route  # express-jwt 8
    assert "router.get('/api/intercom-jwt', (req, res)" in route


def test_per_route_helper_guards_the_token_route_and_express_jwt_6_reads_req_user(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _per_route_helper_api(tmp_path)
    result, files = install_and_check_uninstall(cli, root, *BEARER, exit_code=0)
    server, route = files["api/server.js"], files["api/intercom-jwt.js"]
    required, mounted = _statement_lines(server)
    assert required < mounted
    assert "return req.user;" in route  # express-jwt before 7 puts the claims on req.user
    assert "const auth = require('./_helpers/authorize')();" in route
    assert "router.get('/api/intercom-jwt', auth, (req, res) => {" in route


@pytest.mark.skipif(subprocess.run(["node", "--version"], capture_output=True).returncode != 0, reason="needs Node.js")
def test_the_mounted_server_module_has_no_use_before_its_const(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """Node itself: the server's statements up to the mount run without a ReferenceError."""
    root = _per_route_helper_api(tmp_path)
    assert install_quietly(cli, root, *BEARER).exit_code == 0
    server = (root / "api/server.js").read_text()
    head = server[: server.index("app.use(intercomJwt);") + len("app.use(intercomJwt);")]
    # Stand-ins for the packages (no npm here): only the order of the statements is under test.
    probe = "const require = (name) => name === 'express' ? () => ({ use() {} }) : () => ({});\n" + re.sub(r"^require\('rootpath'\)\(\);\n", "", head)
    ran = subprocess.run(["node", "-e", f"(() => {{ {probe} }})(); console.log('ok')"], capture_output=True, text=True)
    assert ran.returncode == 0 and ran.stdout.strip() == "ok", ran.stderr


def test_express_jwt_guarding_no_route_the_token_route_can_use_is_a_manual_step(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _project(
        tmp_path,
        {
            "package.json": _manifest("^8.4.1"),
            "server.js": SERVER_HEAD + "\n    app.use(cors());\n" + SERVER_TAIL,
            "_helpers/error-handler.js": ERROR_HANDLER,
            "orders/signing.js": SIGNING,
            "orders/orders.controller.js": """
                const router = require('express').Router();
                const { expressjwt } = require('express-jwt');
                router.get('/', expressjwt({ secret: 'x', algorithms: ['HS256'] }), (req, res) => res.json([]));
                module.exports = router;
            """,
        },
    )
    result, files = install_and_check_uninstall(cli, root, *BEARER, exit_code=4)
    text = " ".join(result.stdout.split() + result.stderr.split())
    assert "manual step in api/server.js" in text, text
    assert "express-jwt is not applied app-wide here" in text


def test_helper_that_swaps_the_claims_for_the_user_record_reads_its_id(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """cornflourblue's registration/login APIs: `authorize()` loads the user by the token's sub and
    sets `req.user = user.get()`, so the route's user has `id` (the primary key) and no `sub`."""
    root = _per_route_helper_api(tmp_path)
    helper = root / "api/_helpers/authorize.js"
    helper.write_text(
        helper.read_text().replace(
            "(req, res, next) => next()",
            "async (req, res, next) => { const user = await db.User.findByPk(req.user.sub); req.user = user.get(); next(); }",
        )
    )
    git(root, "commit", "-qam", "the record")
    result, files = install_and_check_uninstall(cli, root, *BEARER, exit_code=0)
    route = files["api/intercom-jwt.js"]
    assert "return req.user;" in route
    assert "user_id: String(user.id)," in route and "user.sub" not in route
