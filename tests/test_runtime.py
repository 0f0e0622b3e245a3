"""Tier 2: the real server of each fixture app, after install, signs real users in and out.

Sign in through the app's own login form, fetch the token, verify it with PyJWT against the
secret; signed out the endpoint answers 401; the response is never cached; the secret is in no
response and in no file but the git-ignored env file.
"""

import json
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field

import jwt
import pytest
from conftest import SECRET, WORKSPACE_ID, snapshot

from intercom_wizard.localserver import BrowserlessClient, free_port, running_server


@dataclass(frozen=True)
class AppSpec:
    name: str
    command: list[str]
    login_path: str
    credentials: dict[str, str]
    logout: tuple[str, str]  # method, path
    expected_claims: dict[str, str]
    prepare: list[list[str]] = field(default_factory=list)
    csrf: bool = False


PY = sys.executable
SPECS = [
    AppSpec(
        "flask_notes",
        [PY, "-m", "flask", "--app", "flaskr", "run", "--host", "127.0.0.1", "--port", "{port}"],
        "/auth/login",
        {"username": "alice", "password": "wonderland"},
        ("GET", "/auth/logout"),
        {"user_id": "1", "email": "alice@example.com", "name": "Alice Liddell"},
    ),
    AppSpec(
        "flask_login_app",
        [PY, "-m", "flask", "--app", "app", "run", "--host", "127.0.0.1", "--port", "{port}"],
        "/login",
        {"email": "bob@example.com", "password": "canwefixit"},
        ("GET", "/logout"),
        {"user_id": "7", "email": "bob@example.com", "name": "Bob Builder"},
    ),
    AppSpec(
        "django_site",
        [PY, "manage.py", "runserver", "127.0.0.1:{port}", "--noreload"],
        "/accounts/login/",
        {"username": "carol", "password": "pass-carol-123"},
        ("POST", "/accounts/logout/"),
        {"user_id": "1", "email": "carol@example.com", "name": "Carol Danvers"},
        prepare=[[PY, "manage.py", "migrate", "-v", "0"]],
        csrf=True,
    ),
    AppSpec(
        "express_app",
        ["node", "server.js"],
        "/login",
        {"email": "dave@example.com", "password": "smeghead"},
        ("POST", "/logout"),
        {"user_id": "42", "email": "dave@example.com", "name": "Dave Lister"},
    ),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_signed_token_for_the_signed_in_user(spec, app_copy, cli):
    if spec.name == "express_app" and shutil.which("npm") is None:
        pytest.skip("needs Node.js and npm")
    root = app_copy(spec.name)
    # npm installs jsonwebtoken for Express; the Python apps run with this interpreter, which has PyJWT, and
    # have no environment of their own to install it into (tests/test_install_deps.py covers that).
    own_environment = () if spec.name == "express_app" else ("--no-install",)
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", *own_environment)
    assert result.exit_code == 0, result.stderr
    for command in spec.prepare:
        subprocess.run(command, cwd=root, check=True)
    port = free_port()
    command = [part.replace("{port}", str(port)) for part in spec.command]
    # Flask's CLI reads .env itself where the wizard wrote the secret; the others get it from the environment.
    env = {"PORT": str(port), "HOST": "127.0.0.1", "INTERCOM_IDENTITY_SECRET": SECRET}
    with running_server(command, root, port, env):
        client = BrowserlessClient(f"http://127.0.0.1:{port}")
        replies = [client.get("/")]
        assert "intercom-messenger.js" in replies[0].body

        signed_out = client.get("/api/intercom-jwt", follow=False)
        replies.append(signed_out)
        assert signed_out.status == 401, "signed out: 401, not a redirect to the login page"
        assert "no-store" in signed_out.headers.get("Cache-Control", "")

        replies.append(client.post_form(spec.login_path, spec.credentials, csrf_from=spec.login_path if spec.csrf else None))
        signed_in = client.get("/api/intercom-jwt")
        replies.append(signed_in)
        assert signed_in.status == 200, signed_in.body
        assert "no-store" in signed_in.headers.get("Cache-Control", "")
        token = json.loads(signed_in.body)["token"]
        assert jwt.get_unverified_header(token)["alg"] == "HS256"
        claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"require": ["user_id", "exp", "iat"]})
        assert {k: claims.get(k) for k in spec.expected_claims} == spec.expected_claims
        assert claims["exp"] - claims["iat"] == 2 * 60 * 60
        assert abs(claims["iat"] - time.time()) < 120, "seconds, not milliseconds"
        with pytest.raises(jwt.InvalidSignatureError):
            jwt.decode(token, "another-secret-of-the-same-length-but-wrong", algorithms=["HS256"])

        method, path = spec.logout
        if method == "GET":
            replies.append(client.get(path))
        else:
            replies.append(client.post_form(path, {}, csrf_from="/" if spec.csrf else None))
        after_logout = client.get("/api/intercom-jwt", follow=False)
        replies.append(after_logout)
        assert after_logout.status == 401

        script = client.get("/static/intercom-messenger.js" if spec.name != "express_app" else "/intercom-messenger.js")
        replies.append(script)
        assert f"var APP_ID = '{WORKSPACE_ID}';" in script.body

    assert not [r for r in replies if SECRET in r.body or SECRET in str(r.headers)]
    holding = [path for path, data in snapshot(root).items() if SECRET.encode() in data]
    assert holding in ([], [".env"]), holding


def test_flask_jwt_extended_api_with_cross_origin_pages(app_copy, cli, tmp_path):
    """A token-authenticated API: the endpoint is protected by the app's own access tokens, and only
    the configured front-end origin may call it cross-origin."""
    from conftest import FIXTURES, copy_app

    FIXTURES.setdefault("flask_jwt_api", FIXTURES["flask_login_app"].parent / "flask_jwt_api")
    root = copy_app("flask_jwt_api", tmp_path)
    origin = "http://localhost:5173"
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--frontend-origin", origin, "--yes", "--no-install")
    assert result.exit_code == 0, result.stderr
    script = (root / "static/intercom-messenger.js").read_text()
    assert "var ACCESS_TOKEN_KEY = 'access_token';" in script and "var AUTH_SCHEME = 'Bearer';" in script
    port = free_port()
    command = [PY, "-m", "flask", "--app", "app", "run", "--host", "127.0.0.1", "--port", str(port)]
    with running_server(command, root, port, {"INTERCOM_IDENTITY_SECRET": SECRET}):
        client = BrowserlessClient(f"http://127.0.0.1:{port}")
        assert client.get("/api/intercom-jwt").status == 401
        login = client.request("/api/login", headers={"Content-Type": "application/json"}, body=json.dumps({"email": "erin@example.com", "password": "paper-company"}).encode())
        access_token = json.loads(login.body)["access_token"]
        bearer = {"Authorization": f"Bearer {access_token}", "Origin": origin}
        signed_in = client.get("/api/intercom-jwt", headers=bearer)
        assert signed_in.status == 200
        assert signed_in.headers["Access-Control-Allow-Origin"] == origin
        assert "no-store" in signed_in.headers["Cache-Control"]
        claims = jwt.decode(json.loads(signed_in.body)["token"], SECRET, algorithms=["HS256"])
        assert (claims["user_id"], claims["email"], claims["name"]) == ("5", "erin@example.com", "Erin Hannon")
        preflight = client.request("/api/intercom-jwt", method="OPTIONS", headers={"Origin": origin, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization"})
        assert preflight.headers.get("Access-Control-Allow-Origin") == origin
        stranger = client.get("/api/intercom-jwt", headers={**bearer, "Origin": "https://evil.example"})
        assert "Access-Control-Allow-Origin" not in stranger.headers
        assert client.get("/api/intercom-jwt", headers={"Authorization": "Bearer not-a-token"}).status in (401, 422)
    assert SECRET not in signed_in.body


def test_django_rest_framework_simplejwt_api_with_cross_origin_pages(app_copy, cli):
    """DRF with simplejwt: the endpoint uses the project's authentication classes; CORS through
    django-cors-headers for the one front-end origin, and only on the token endpoint."""
    root = app_copy("django_site", commit=False)
    settings = root / "mysite/settings.py"
    settings.write_text(
        settings.read_text().replace('INSTALLED_APPS = [\n', 'INSTALLED_APPS = [\n    "rest_framework",\n')
        + '\nREST_FRAMEWORK = {\n    "DEFAULT_AUTHENTICATION_CLASSES": [\n'
        '        "rest_framework_simplejwt.authentication.JWTAuthentication",\n    ],\n}\n'
    )
    urls = root / "mysite/urls.py"
    urls.write_text(
        urls.read_text()
        .replace("from django.urls import include, path\n", "from django.urls import include, path\nfrom rest_framework_simplejwt.views import TokenObtainPairView\n")
        .replace('    path("admin/", admin.site.urls),\n', '    path("admin/", admin.site.urls),\n    path("api/token/", TokenObtainPairView.as_view()),\n')
    )
    from conftest import git

    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "drf api")
    origin = "https://app.example.com"
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--token-storage-key", "access", "--frontend-origin", origin, "--yes", "--no-install")
    assert result.exit_code == 0, result.stderr
    view = (root / "mysite/intercom_jwt.py").read_text()
    assert "@permission_classes([IsAuthenticated])" in view
    settings_text = settings.read_text()
    assert '"corsheaders",\n]' in settings_text and 'MIDDLEWARE = [\n    "corsheaders.middleware.CorsMiddleware",\n' in settings_text
    assert 'CORS_URLS_REGEX = r"^/api/intercom-jwt$"' in settings_text
    assert "django-cors-headers>=4.3" in (root / "requirements.txt").read_text()
    subprocess.run([PY, "manage.py", "migrate", "-v", "0"], cwd=root, check=True)
    port = free_port()
    with running_server([PY, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"], root, port, {"INTERCOM_IDENTITY_SECRET": SECRET}):
        client = BrowserlessClient(f"http://127.0.0.1:{port}")
        anonymous = client.get("/api/intercom-jwt")
        assert anonymous.status == 401 and "no-store" in anonymous.headers["Cache-Control"]
        pair = client.request("/api/token/", headers={"Content-Type": "application/json"}, body=json.dumps({"username": "carol", "password": "pass-carol-123"}).encode())
        access = json.loads(pair.body)["access"]
        signed_in = client.get("/api/intercom-jwt", headers={"Authorization": f"Bearer {access}", "Origin": origin})
        assert signed_in.status == 200, signed_in.body
        assert signed_in.headers["Access-Control-Allow-Origin"] == origin
        assert "no-store" in signed_in.headers["Cache-Control"]
        claims = jwt.decode(json.loads(signed_in.body)["token"], SECRET, algorithms=["HS256"])
        assert (claims["user_id"], claims["email"], claims["name"]) == ("1", "carol@example.com", "Carol Danvers")
        other_page = client.get("/", headers={"Origin": origin})
        assert "Access-Control-Allow-Origin" not in other_page.headers, "CORS only on the token endpoint"
    assert cli("uninstall", str(root), "--yes").exit_code == 0


def test_express_jwt_api_with_cross_origin_pages(app_copy, cli, tmp_path):
    """express-jwt applied app-wide: the token route sits behind it and reads req.auth; cors for one origin."""
    from conftest import FIXTURES, copy_app

    FIXTURES.setdefault("express_jwt_api", FIXTURES["express_app"].parent / "express_jwt_api")
    root = copy_app("express_jwt_api", tmp_path)
    origin = "http://localhost:5173"
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--frontend-origin", origin, "--yes")
    assert result.exit_code == 0, result.stderr
    server = (root / "server.js").read_text()
    assert ".unless({ path: ['/api/login'] }));\napp.use(intercomJwt);\n" in server
    assert "var ACCESS_TOKEN_KEY = 'token';" in (root / "public/intercom-messenger.js").read_text()
    port = free_port()
    with running_server(["node", "server.js"], root, port, {"PORT": str(port), "INTERCOM_IDENTITY_SECRET": SECRET}):
        client = BrowserlessClient(f"http://127.0.0.1:{port}")
        assert client.get("/api/intercom-jwt").status == 401
        login = client.request("/api/login", headers={"Content-Type": "application/json"}, body=json.dumps({"email": "frank@example.com", "password": "grimey"}).encode())
        access = json.loads(login.body)["token"]
        signed_in = client.get("/api/intercom-jwt", headers={"Authorization": f"Bearer {access}", "Origin": origin})
        assert signed_in.status == 200, signed_in.body
        assert signed_in.headers["Access-Control-Allow-Origin"] == origin
        assert "no-store" in signed_in.headers["Cache-Control"]
        claims = jwt.decode(json.loads(signed_in.body)["token"], SECRET, algorithms=["HS256"])
        assert (claims["user_id"], claims["email"], claims["name"]) == ("9", "frank@example.com", "Frank Grimes")
        preflight = client.request("/api/intercom-jwt", method="OPTIONS", headers={"Origin": origin, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization"})
        assert preflight.headers.get("Access-Control-Allow-Origin") == origin
