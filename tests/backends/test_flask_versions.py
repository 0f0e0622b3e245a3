"""Flask's old bands for real: Flask 0.12 (a Python 3.6 app's pins), Flask 1.1 (and Flask-JWT-Extended 3 on PyJWT 1.x) in their own virtualenv.

The current band (Flask 3, Flask-JWT-Extended 4) runs in tests/test_runtime.py on the dev extra. Here a
virtualenv under the test's tmp dir gets the pins written down in docs/versions.md; the wizard writes
the endpoint for the versions it reads from requirements.txt, and the real server signs a real user.
"""

import json
import sys
import textwrap
from pathlib import Path

import jwt
import pytest
from conftest import SECRET, install_quietly, write_files
from identity_checks import AppUser, check_two_users
from venv_support import pinned_python, pip_install

from intercom_wizard.localserver import BrowserlessClient, free_port, running_server

FLASK_1_PINS = (
    "flask==1.1.4", "werkzeug==1.0.1", "jinja2==2.11.3", "markupsafe==2.0.1", "itsdangerous==1.1.0",
    "click==7.1.2", "flask-login==0.5.0", "PyJWT==2.8.0", "python-dotenv==1.0.1",
)
# Flask 0.12 as a Python 3.6 app would have it: PyJWT 2.3 is what `PyJWT>=2.0,<2.4` installs there.
# This machine has no Python 3.6, so it runs on 3.11 (werkzeug 0.16 and jinja2 2.11 still import there).
FLASK_0_12_PINS = (
    "flask==0.12.5", "werkzeug==0.16.1", "jinja2==2.11.3", "markupsafe==2.0.1", "itsdangerous==1.1.0",
    "click==7.1.2", "flask-login==0.4.1", "PyJWT==2.3.0", "python-dotenv==0.10.5",
)
# Flask-JWT-Extended 3 requires PyJWT 1: a second folder on PYTHONPATH shadows the virtualenv's PyJWT.
JWT_EXTENDED_3_PINS = ("flask-jwt-extended==3.25.1", "PyJWT==1.7.1", "six==1.16.0")


BOB = AppUser("bob@example.com", "canwefixit", "bob@example.com")
WENDY = AppUser("wendy@example.com", "yes-we-can", "wendy@example.com")


def _sign_in(client: BrowserlessClient, user: AppUser) -> None:
    client.post_form("/login", {"email": user.login, "password": user.password})


def _sign_out(client: BrowserlessClient) -> None:
    client.get("/logout")

@pytest.fixture(scope="module")
def flask_1_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pinned_python(tmp_path_factory, "flask-1.1-venv", FLASK_1_PINS)


@pytest.fixture(scope="module")
def flask_0_12_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pinned_python(tmp_path_factory, "flask-0.12-venv", FLASK_0_12_PINS)


@pytest.fixture(scope="module")
def jwt_extended_3_overlay(flask_1_python: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    overlay = tmp_path_factory.mktemp("flask-jwt-extended-3")
    pip_install(flask_1_python, "--no-deps", "--target", str(overlay), *JWT_EXTENDED_3_PINS)
    return overlay


def _serve(python: Path, root: Path, app: str, pythonpath: Path | None = None):  # type: ignore[no-untyped-def]
    port = free_port()
    command = [str(python), "-m", "flask", "run", "--host", "127.0.0.1", "--port", str(port)]  # Flask 1 has no --app
    env = {"FLASK_APP": app, "INTERCOM_IDENTITY_SECRET": SECRET} | ({"PYTHONPATH": str(pythonpath)} if pythonpath else {})
    return port, running_server(command, root, port, env)


def test_flask_1_1_login_app_signs_the_signed_in_user(flask_1_python: Path, app_copy, cli) -> None:  # type: ignore[no-untyped-def]
    root = app_copy("flask_login_app")
    write_files(root, {"requirements.txt": "Flask==1.1.4\nFlask-Login==0.5.0\n"})
    assert install_quietly(cli, root).exit_code == 0
    assert 'methods=["GET"]' in (root / "intercom_jwt.py").read_text()
    port, server = _serve(flask_1_python, root, "app")
    with server:
        client = BrowserlessClient(f"http://127.0.0.1:{port}")
        assert client.get("/api/intercom-jwt", follow=False).status == 401
        client.post_form("/login", {"email": "bob@example.com", "password": "canwefixit"})
        signed_in = client.get("/api/intercom-jwt")
        assert signed_in.status == 200, signed_in.body
        assert "no-store" in signed_in.headers.get("Cache-Control", "")
        claims = jwt.decode(json.loads(signed_in.body)["token"], SECRET, algorithms=["HS256"])
        assert (claims["user_id"], claims["email"]) == ("7", "bob@example.com")
        client.get("/logout")
        assert client.get("/api/intercom-jwt", follow=False).status == 401


def test_flask_0_12_python_3_6_app_signs_two_users(flask_0_12_python: Path, app_copy, cli) -> None:  # type: ignore[no-untyped-def]
    root = app_copy("flask_login_app")
    (root / "pyproject.toml").unlink()
    write_files(
        root,
        {
            "requirements.txt": "-r requirements/common.txt\n",
            "requirements/common.txt": "Flask==0.12.5\nFlask-Login==0.4.1\npython-dotenv==0.10.5\n",
            "Dockerfile": "FROM python:3.6-alpine\n",
        },
    )
    result = install_quietly(cli, root)
    assert result.exit_code == 0, result.output
    assert 'methods=["GET"]' in (root / "intercom_jwt.py").read_text() and "PyJWT>=2.0,<2.4" in (root / "requirements.txt").read_text()
    port, server = _serve(flask_0_12_python, root, "app")
    with server:
        base = f"http://127.0.0.1:{port}"
        bob, wendy = check_two_users(base, SECRET, BOB, WENDY, _sign_in, _sign_out)
        assert bob["exp"] - bob["iat"] == 2 * 60 * 60
        client = BrowserlessClient(base)
        _sign_in(client, BOB)
        assert "no-store" in client.get("/api/intercom-jwt").headers.get("Cache-Control", "")  # Flask 0.12's Response API


JWT_3_API = textwrap.dedent(
    '''
    """A Flask-JWT-Extended 3 API: access tokens, and a user loader in the 3.x spelling."""
    import os
    from collections import namedtuple

    from flask import Flask, jsonify, request
    from flask_jwt_extended import JWTManager, create_access_token, get_current_user, jwt_required

    User = namedtuple("User", "id email name password")
    USERS = {"11": User(11, "erin@example.com", "Erin", "password-11")}

    app = Flask(__name__)
    app.config["JWT_SECRET_KEY"] = os.environ.get("JWT_SECRET_KEY", "dev-only-access-token-key-0123456789")
    jwt = JWTManager(app)


    @jwt.user_loader_callback_loader
    def load_user(identity):
        return USERS.get(str(identity))


    @app.route("/login", methods=["POST"])
    def login():
        body = request.get_json()
        user = next((u for u in USERS.values() if u.email == body["email"] and u.password == body["password"]), None)
        if user is None:
            return jsonify(error="bad credentials"), 401
        return jsonify(access_token=create_access_token(identity=str(user.id)))


    @app.route("/me")
    @jwt_required
    def me():
        return jsonify(email=get_current_user().email)
    '''
)


def test_flask_jwt_extended_3_api_signs_the_token_holder(flask_1_python: Path, jwt_extended_3_overlay: Path, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "api"
    write_files(
        root,
        {
            "app.py": JWT_3_API,
            "requirements.txt": "Flask==1.1.4\nFlask-JWT-Extended==3.25.1\nPyJWT==1.7.1\n",
            "templates/layout.html": "<!doctype html>\n<html>\n<body>\n{% block body %}{% endblock %}\n</body>\n</html>\n",
        },
    )
    result = install_quietly(cli, root, "--token-storage-key", "access_token")
    assert result.exit_code == 0, result.output
    module = (root / "intercom_jwt.py").read_text()
    assert "@jwt_optional" in module and "jwt_required" not in module
    port, server = _serve(flask_1_python, root, "app", jwt_extended_3_overlay)
    with server:
        client = BrowserlessClient(f"http://127.0.0.1:{port}")
        anonymous = client.get("/api/intercom-jwt")
        assert anonymous.status == 401 and "no-store" in anonymous.headers.get("Cache-Control", "")
        login = client.request("/login", body=b'{"email": "erin@example.com", "password": "password-11"}', headers={"Content-Type": "application/json"}, method="POST")
        access = json.loads(login.body)["access_token"]
        signed_in = client.get("/api/intercom-jwt", headers={"Authorization": f"Bearer {access}"})
        assert signed_in.status == 200, signed_in.body
        claims = jwt.decode(json.loads(signed_in.body)["token"], SECRET, algorithms=["HS256"])
        assert (claims["user_id"], claims.get("email")) == ("11", "erin@example.com")
        # A malformed token: Flask-JWT-Extended 3 answers itself (422), before our code runs.
        assert client.get("/api/intercom-jwt", headers={"Authorization": "Bearer not-a-token"}).status == 422


def test_pins_are_written_down() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs/versions.md").read_text()
    assert all(pin in doc for pin in FLASK_1_PINS + FLASK_0_12_PINS + JWT_EXTENDED_3_PINS), "docs/versions.md lists the pins the old-band test installs"
    assert sys.version_info >= (3, 11)
