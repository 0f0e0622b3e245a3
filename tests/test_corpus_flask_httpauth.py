"""A React SPA and its Flask API with Flask-HTTPAuth bearer tokens, shaped like the corpus entry
react-cra-flask-httpauth (Miguel Grinberg's react-microblog beside its companion microblog-api;
docs/corpus.md, h10new2 round). Fixtures of our own writing; the shapes:

- the API checks its bearer tokens with Flask-HTTPAuth (`token_auth = HTTPTokenAuth()`,
  `@token_auth.verify_token` returning the user's model object): before the fix `"auth": "none"`, a
  fail-closed adapter suggesting a session key to an app without sessions (`incomplete`);
- the app's module (`api/app.py`) is a module of the package `api` (it imports `api.*`) run as
  `flask --app main` from above it: a bare `import intercom_jwt` there is a ModuleNotFoundError;
- its factory imports its blueprints inside itself (their modules import the app's module, so a
  top-level import is circular): ours, which imports the app's auth, must be imported there too;
- the SPA's client copies its env base into a field (`this.base_url = BASE_API_URL + '/api'`) and
  sends `fetch(this.base_url + url, ...)`: the core asked the SPA's own origin for the token.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import jwt
import pytest
from conftest import SECRET, install_and_check_uninstall, install_quietly, write_files

pytest.importorskip("flask_httpauth")  # the dev extra has it; the install is also checked statically below

MODELS = """\
from api.app import db


class User:
    id = None  # the primary key, as an ORM column would declare it

    def __init__(self, id, username, email):
        self.id, self.username, self.email = id, username, email

    @staticmethod
    def from_token(token):
        return db.get(token)
"""

AUTH = """\
from flask_httpauth import HTTPTokenAuth

from api.models import User

token_auth = HTTPTokenAuth()


@token_auth.verify_token
def verify_token(token):
    if token:
        return User.from_token(token)
"""

APP = """\
from flask import Flask, jsonify

db = {}


def create_app():
    app = Flask(__name__)

    from api.posts import posts
    app.register_blueprint(posts, url_prefix="/api")

    from api.models import User
    db["token-of-ann"] = User(41, "ann", "ann@example.com")
    return app
"""

POSTS = """\
from flask import Blueprint, jsonify

from api.auth import token_auth

posts = Blueprint("posts", __name__)


@posts.get("/posts")
@token_auth.login_required
def all_posts():
    return jsonify([])
"""

CLIENT = """\
const BASE_API_URL = process.env.REACT_APP_BASE_API_URL || '';

export default class ApiClient {
  constructor() {
    this.base_url = BASE_API_URL + '/api';
  }

  async request(method, url) {
    return fetch(this.base_url + url, {
      method,
      headers: { Authorization: 'Bearer ' + localStorage.getItem('accessToken') },
    });
  }

  async login(username, password) {
    const response = await fetch(this.base_url + '/tokens', {
      method: 'POST',
      headers: { Authorization: 'Basic ' + btoa(username + ':' + password) },
    });
    if (!response.ok) {
      return 'fail';
    }
    localStorage.setItem('accessToken', (await response.json()).access_token);
    return 'ok';
  }

  async logout() {
    localStorage.removeItem('accessToken');
  }
}
"""

APP_JS = """\
import { BrowserRouter, Routes, Route } from 'react-router-dom';

export default function App() {
  return (
    <BrowserRouter>
      <Routes>
        <Route path="/" element={<p>Home</p>} />
      </Routes>
    </BrowserRouter>
  );
}
"""


def _full_stack(root: Path, auth: str = AUTH) -> None:
    write_files(
        root,
        {
            "api/requirements.txt": "flask==3.0.3\nflask-httpauth==4.8.0\nflask-cors==4.0.1\n",
            "api/main.py": "from api.app import create_app\n\napp = create_app()\n",
            "api/api/__init__.py": "",
            "api/api/app.py": APP,
            "api/api/auth.py": auth,
            "api/api/models.py": MODELS,
            "api/api/posts.py": POSTS,
            "client/package.json": json.dumps({"name": "client", "dependencies": {"react": "^18.2.0", "react-dom": "^18.2.0", "react-router-dom": "^6.4.0"}}),
            "client/src/index.js": "import { createRoot } from 'react-dom/client';\nimport App from './App';\n\ncreateRoot(document.getElementById('root')).render(<App />);\n",
            "client/src/App.js": APP_JS,
            "client/src/ApiClient.js": CLIENT,
        },
    )


def _call(api: Path, token: str | None) -> tuple[int, dict[str, object]]:
    """GET the token endpoint through the app's own factory, as `flask --app main` imports it."""
    program = textwrap.dedent(f"""
        import json
        from main import app
        headers = {{"Authorization": "Bearer " + {token!r}}} if {token!r} else {{}}
        reply = app.test_client().get("/api/intercom-jwt", headers=headers)
        print(json.dumps([reply.status_code, reply.get_json()]))
    """)
    completed = subprocess.run(
        [sys.executable, "-c", program],
        cwd=api,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "INTERCOM_IDENTITY_SECRET": SECRET, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert completed.returncode == 0, completed.stderr
    status, body = json.loads(completed.stdout.strip().splitlines()[-1])
    return status, body


def test_flask_httpauth_tokens_sign_the_verified_user_and_the_core_follows_the_clients_base(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    _full_stack(tmp_path)
    result, after = install_and_check_uninstall(cli, tmp_path, "--auth", "bearer", exit_code=0)
    module = after["api/api/intercom_jwt.py"]
    assert "from .auth import token_auth\n" in module
    assert "@token_auth.login_required(optional=True)\n" in module
    assert "    user = token_auth.current_user()\n" in module
    assert '"user_id": str(user.id),' in module
    # Imported where the factory imports its own blueprints, relatively (api/app.py is `api.app`).
    registered = '    app.register_blueprint(posts, url_prefix="/api")\n    from . import intercom_jwt\n\n    app.register_blueprint(intercom_jwt.bp)\n'
    assert registered in after["api/api/app.py"]
    assert "import intercom_jwt" not in after["api/api/app.py"].split("def create_app")[0]
    core = next(text for path, text in after.items() if path.startswith("client/src/intercom/messenger"))
    assert "const APP_API_BASE = process.env.REACT_APP_BASE_API_URL;" in core
    # Installed for real: the app starts (no circular or missing import) and signs the token's user.
    assert install_quietly(cli, tmp_path, "--auth", "bearer").exit_code == 0
    assert _call(tmp_path / "api", None)[0] == 401
    assert _call(tmp_path / "api", "not-a-token")[0] == 401
    status, body = _call(tmp_path / "api", "token-of-ann")
    assert status == 200
    claims = jwt.decode(str(body["token"]), SECRET, algorithms=["HS256"])
    assert (claims["user_id"], claims["email"], claims["name"]) == ("41", "ann@example.com", "ann")


def test_verify_token_returning_a_name_is_no_id_and_the_endpoint_fails_closed(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """Flask-HTTPAuth's documented example: verify_token returns the token's user name from a dict."""
    names = AUTH.replace("from api.models import User\n", "TOKENS = {'token-of-ann': 'ann'}\n").replace(
        "return User.from_token(token)", "return TOKENS.get(token)"
    )
    _full_stack(tmp_path, auth=names)
    result, after = install_and_check_uninstall(cli, tmp_path, "--auth", "bearer", exit_code=4)
    output = " ".join(result.stderr.split())
    assert "api/api/auth.py:" in output and "verify_token returns TOKENS.get(token), not traced to a user model with an id" in output
    assert "token_auth.current_user()" not in after["api/api/intercom_jwt.py"]


def test_a_script_beside_a_stray_init_keeps_its_bare_import(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """A module in a folder with `__init__.py` that never imports its own package is run as a script
    from that folder (`python app.py`): `from . import` would fail there, so the import stays bare."""
    write_files(
        tmp_path,
        {
            "backend/__init__.py": "",
            "backend/app.py": "from flask import Flask\nfrom flask_login import LoginManager, login_user\n\napp = Flask(__name__)\nlogin_manager = LoginManager(app)\n",
        },
    )
    _, after = install_and_check_uninstall(cli, tmp_path, exit_code=0)
    assert "\nimport intercom_jwt\n" in after["backend/app.py"]
