"""FastAPI: the token endpoint as an APIRouter on the app's own current-user dependency.

Two fixture apps run for real under uvicorn on 127.0.0.1 (a server-rendered app with a session
login form, and a JSON API with OAuth2 bearer tokens); the other shapes (factories, fastapi-users,
session-only, bearer scheme without a user lookup, no auth at all, Poetry / uv manifests) are
before/after cases, each also uninstalled byte for byte, and imported for real where FastAPI can
run them here (Starlette's TestClient).
"""

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import jwt
import pytest
from conftest import SECRET, WORKSPACE_ID, copy_app, install_and_check_uninstall, install_quietly, snapshot, write_files

from intercom_wizard.localserver import BrowserlessClient, free_port, running_server

FIXTURES = {
    "fastapi_session_app": Path(__file__).resolve().parents[1] / "fixtures/fastapi_session_app",
    "fastapi_bearer_api": Path(__file__).resolve().parents[1] / "fixtures/fastapi_bearer_api",
}
PY = sys.executable
ENDPOINT = "/api/intercom-jwt"
# A pure API has no page for the script; its SPA keeps the app's access token under this key.
BEARER_OPTIONS = ("--token-storage-key", "access_token")










def compiles(files: dict[str, str], *paths: str) -> None:
    for path in paths:
        compile(files[path], path, "exec")


def call_with_test_client(root: Path, app_module: str, script: str) -> dict:
    """Import the installed app in a fresh interpreter and run `script` against it with TestClient."""
    program = (
        "import json, sys\nfrom fastapi.testclient import TestClient\n"
        f"from {app_module.rsplit(':', 1)[0]} import {app_module.rsplit(':', 1)[1]} as target\n"
        "app = target() if callable(target) and not hasattr(target, 'router') else target\n"
        "client = TestClient(app)\nresult = {}\n" + textwrap.dedent(script) + "\nprint(json.dumps(result))\n"
    )
    completed = subprocess.run(
        [PY, "-c", program], cwd=root, capture_output=True, text=True, timeout=120,
        env={**os.environ, "INTERCOM_IDENTITY_SECRET": SECRET, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


def decode(token: str) -> dict:
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"require": ["user_id", "exp", "iat"]})
    assert claims["exp"] - claims["iat"] == 2 * 60 * 60
    assert abs(claims["iat"] - time.time()) < 120, "seconds, not milliseconds"
    return claims


# --- the fixture apps: detection, golden edits, idempotency, uninstall ----------------------------


@pytest.mark.parametrize(
    ("name", "frontends"),
    [("fastapi_session_app", ["html"]), ("fastapi_bearer_api", [])],
)
def test_detect(name, frontends, tmp_path, cli):
    root = copy_app(name, tmp_path)
    result = cli("detect", str(root), "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert [(b["name"], b["auth"]) for b in report["backends"]] == [("fastapi", "dependency (get_current_user)")]
    assert [f["name"] for f in report["frontends"]] == frontends


def test_session_app_edits(tmp_path, cli):
    root = copy_app("fastapi_session_app", tmp_path)
    result, after = install_and_check_uninstall(cli, root, exit_code=0)
    assert result.exit_code == 0, result.stderr
    assert set(after) - set(snapshot(root)) == {".env", "intercom_jwt.py", "static/intercom-messenger.js", ".intercom-wizard.json"}
    main = (root / "main.py").read_text()
    assert after["main.py"] == main.replace(
        "from auth import User, authenticate, get_current_user\n",
        "import intercom_jwt\nfrom auth import User, authenticate, get_current_user\n",  # isort/ruff order: `import` first
    ).replace(
        'app.mount("/static", StaticFiles(directory="static"), name="static")\n',
        'app.mount("/static", StaticFiles(directory="static"), name="static")\napp.include_router(intercom_jwt.router)\n',
    )
    assert after["requirements.txt"] == (root / "requirements.txt").read_text() + "PyJWT>=2.8\n"
    assert after["templates/base.html"] == (root / "templates/base.html").read_text().replace(
        "    </main>\n  </body>",
        "    </main>\n    <script src=\"{{ url_for('static', path='intercom-messenger.js') }}\" defer></script>\n  </body>",
    )
    module = after["intercom_jwt.py"]
    assert "\nfrom auth import User, get_current_user\n\nTOKEN_LIFETIME_SECONDS = 2 * 60 * 60\n" in module
    assert textwrap.dedent('''
        async def signed_in_user_claims(
            user: Annotated[User | None, Depends(get_current_user)],
        ) -> dict[str, Any] | None:
            """Identity claims for the user get_current_user returns, or None when nobody is
            signed in."""
            if user is None:
                return None
            return {
                "user_id": str(user.id),
                "email": user.email,
                "name": user.name,
            }


        # async: it only signs (microseconds, no I/O), so it runs on the event loop instead of
        # costing a trip through the thread pool on every request, as a plain `def` endpoint
        # would.
        @router.get("/api/intercom-jwt")
        async def intercom_jwt(
            claims: Annotated[dict[str, Any] | None, Depends(signed_in_user_claims)],
        ) -> dict[str, str]:
            if claims is None:
                raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Not signed in")
    ''') in module
    assert "router = APIRouter(route_class=TokenRoute)" in module and "CORS" not in module
    assert after[".env"] == f"INTERCOM_IDENTITY_SECRET='{SECRET}'\n"
    assert "__IW_" not in module
    compile(module, "intercom_jwt.py", "exec")


def test_bearer_api_edits(tmp_path, cli):
    root = copy_app("fastapi_bearer_api", tmp_path)
    result, after = install_and_check_uninstall(cli, root, *BEARER_OPTIONS, exit_code=0)
    assert set(after) - set(snapshot(root)) == {"app/intercom_jwt.py", ".intercom-wizard.json"}
    # get_current_user lives in the app's own module: that module imports the router once it is defined.
    assert after["app/main.py"] == (root / "app/main.py").read_text() + (
        "\n\n# Imported here, not at the top: intercom_jwt uses get_current_user from this module.\n"
        "from . import intercom_jwt  # noqa: E402\n\napp.include_router(intercom_jwt.router)\n"
    )
    module = after["app/intercom_jwt.py"]
    assert "\nfrom .main import User, get_current_user\n" in module
    assert textwrap.dedent('''
        async def signed_in_user_claims(
            user: Annotated[User, Depends(get_current_user)],
        ) -> dict[str, Any]:
            """Identity claims for the user get_current_user authenticates (it answers 401
            itself otherwise)."""
            return {
                "user_id": user.username,
                "email": user.email,
                "name": user.full_name,
            }
    ''') in module
    assert after["pyproject.toml"] == (root / "pyproject.toml").read_text(), "PyJWT is declared already"
    assert "takes the API's own bearer token" in result.stderr
    assert "SPA integration" in result.stderr
    assert "The app loads no env file" in result.stderr


def test_secret_only_in_the_ignored_env_file(tmp_path, cli):
    for name, extra in (("fastapi_session_app", ()), ("fastapi_bearer_api", BEARER_OPTIONS)):
        root = copy_app(name, tmp_path)
        result = install_quietly(cli, root, *extra)
        holding = [path for path, data in snapshot(root).items() if SECRET.encode() in data]
        assert holding == ([".env"] if name == "fastapi_session_app" else [])
        assert SECRET not in (root / ".intercom-wizard.json").read_text()
        assert SECRET not in result.stdout + result.stderr


def test_insecure_variant_writes_the_template_user(tmp_path, cli):
    root = copy_app("fastapi_session_app", tmp_path)
    before = snapshot(root)
    assert install_quietly(cli, root, "--insecure").exit_code == 0
    after = {k: v.decode() for k, v in snapshot(root).items()}
    assert cli("uninstall", str(root), "--yes").exit_code == 0 and snapshot(root) == before
    base = after["templates/base.html"]
    assert "{% if user %}\n" in base and "user_id: {{ user.id|string|tojson }}," in base
    assert "email: {{ user.email|tojson }}," in base and "name: {{ user.name|tojson }}," in base
    assert "intercom_jwt.py" not in after


# --- runtime: the real apps under uvicorn ---------------------------------------------------------


def test_session_app_runtime(tmp_path, cli, monkeypatch):
    root = copy_app("fastapi_session_app", tmp_path)
    result = install_quietly(cli, root)
    assert result.exit_code == 0, result.stderr
    monkeypatch.delenv("INTERCOM_IDENTITY_SECRET", raising=False)  # the app reads it from the .env the wizard wrote
    port = free_port()
    command = [PY, "-m", "uvicorn", "main:app", "--host", "127.0.0.1", "--port", str(port)]
    with running_server(command, root, port, {}):
        client = BrowserlessClient(f"http://127.0.0.1:{port}")
        replies = [client.get("/")]
        assert f"http://127.0.0.1:{port}/static/intercom-messenger.js" in replies[0].body

        signed_out = client.get(ENDPOINT, follow=False)
        replies.append(signed_out)
        assert signed_out.status == 401, "signed out: 401, not a redirect to the login page"
        assert "no-store" in signed_out.headers.get("cache-control", "")

        replies.append(client.post_form("/login", {"email": "erin@example.com", "password": "wrong"}))
        assert replies[-1].status == 401
        assert client.get(ENDPOINT).status == 401
        replies.append(client.post_form("/login", {"email": "erin@example.com", "password": "reception-desk"}))
        assert replies[-1].status == 200 and "Welcome back, Erin Hannon" in replies[-1].body
        signed_in = client.get(ENDPOINT)
        replies.append(signed_in)
        assert signed_in.status == 200, signed_in.body
        assert "no-store" in signed_in.headers.get("cache-control", "")
        claims = decode(json.loads(signed_in.body)["token"])
        assert {k: claims[k] for k in ("user_id", "email", "name")} == {"user_id": "3", "email": "erin@example.com", "name": "Erin Hannon"}
        with pytest.raises(jwt.InvalidSignatureError):
            jwt.decode(json.loads(signed_in.body)["token"], "another-secret-of-the-same-length-but-wrong", algorithms=["HS256"])

        replies.append(client.post_form("/logout", {}))
        after_logout = client.get(ENDPOINT, follow=False)
        replies.append(after_logout)
        assert after_logout.status == 401 and "no-store" in after_logout.headers.get("cache-control", "")

        script = client.get("/static/intercom-messenger.js")
        replies.append(script)
        assert f"var APP_ID = '{WORKSPACE_ID}';" in script.body and f"var TOKEN_URL = '{ENDPOINT}';" in script.body

    assert not [r for r in replies if SECRET in r.body or SECRET in str(r.headers)]
    assert [path for path, data in snapshot(root).items() if SECRET.encode() in data] == [".env"]


def test_bearer_api_runtime(tmp_path, cli):
    root = copy_app("fastapi_bearer_api", tmp_path)
    result = install_quietly(cli, root, *BEARER_OPTIONS)
    assert result.exit_code == 0, result.stderr
    port = free_port()
    command = [PY, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", str(port)]
    with running_server(command, root, port, {"INTERCOM_IDENTITY_SECRET": SECRET}):
        client = BrowserlessClient(f"http://127.0.0.1:{port}")
        anonymous = client.get(ENDPOINT)
        assert anonymous.status == 401 and "no-store" in anonymous.headers.get("cache-control", "")
        assert anonymous.headers.get("www-authenticate") == "Bearer", "the app's own OAuth2 scheme answered"

        login = client.post_form("/token", {"username": "frank", "password": "hard-working"})
        assert login.status == 200, login.body
        access_token = json.loads(login.body)["access_token"]
        signed_in = client.get(ENDPOINT, headers={"Authorization": f"Bearer {access_token}"})
        assert signed_in.status == 200, signed_in.body
        assert "no-store" in signed_in.headers.get("cache-control", "")
        intercom_token = json.loads(signed_in.body)["token"]
        claims = decode(intercom_token)
        assert {k: claims[k] for k in ("user_id", "email", "name")} == {"user_id": "frank", "email": "frank@example.com", "name": "Frank Grimes"}

        # Neither a forged access token nor the Intercom token itself gets through the app's scheme.
        forged = jwt.encode({"sub": "frank"}, "not-the-apps-access-token-secret-0123456789", algorithm="HS256")
        for bad in (forged, intercom_token, "not-a-token"):
            rejected = client.get(ENDPOINT, headers={"Authorization": f"Bearer {bad}"})
            assert rejected.status == 401 and "no-store" in rejected.headers.get("cache-control", "")
        replies = [anonymous, login, signed_in]
    assert not [r for r in replies if SECRET in r.body or SECRET in str(r.headers)]
    assert [path for path, data in snapshot(root).items() if SECRET.encode() in data] == []


def test_missing_secret_is_a_logged_500_without_the_secret(tmp_path, cli, monkeypatch):
    root = copy_app("fastapi_bearer_api", tmp_path)
    assert install_quietly(cli, root, *BEARER_OPTIONS).exit_code == 0
    monkeypatch.delenv("INTERCOM_IDENTITY_SECRET", raising=False)
    port = free_port()
    command = [PY, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", str(port)]
    with running_server(command, root, port, {}):
        client = BrowserlessClient(f"http://127.0.0.1:{port}")
        access_token = json.loads(client.post_form("/token", {"username": "frank", "password": "hard-working"}).body)["access_token"]
        reply = client.get(ENDPOINT, headers={"Authorization": f"Bearer {access_token}"})
        assert reply.status == 500 and "no-store" in reply.headers.get("cache-control", "")
        assert "token" not in json.loads(reply.body)
        log = (root / ".server.log").read_text()
    assert "INTERCOM_IDENTITY_SECRET is not set" in log


def test_bearer_api_cross_origin_front_end(tmp_path, cli):
    root = copy_app("fastapi_bearer_api", tmp_path)
    origin = "http://localhost:5173"
    result = install_quietly(cli, root, *BEARER_OPTIONS, "--frontend-origin", origin)
    assert result.exit_code == 0, result.stderr
    module = (root / "app/intercom_jwt.py").read_text()
    assert f'FRONTEND_ORIGIN = "{origin}"' in module and "Access-Control-Allow-Credentials" not in module
    port = free_port()
    command = [PY, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", str(port)]
    with running_server(command, root, port, {"INTERCOM_IDENTITY_SECRET": SECRET}):
        client = BrowserlessClient(f"http://127.0.0.1:{port}")
        access_token = json.loads(client.post_form("/token", {"username": "frank", "password": "hard-working"}).body)["access_token"]
        preflight = client.request(
            ENDPOINT, method="OPTIONS",
            headers={"Origin": origin, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization"},
        )
        assert preflight.status == 204 and preflight.headers.get("access-control-allow-origin") == origin
        assert preflight.headers.get("access-control-allow-headers") == "Authorization"
        signed_in = client.get(ENDPOINT, headers={"Authorization": f"Bearer {access_token}", "Origin": origin})
        assert signed_in.status == 200 and signed_in.headers.get("access-control-allow-origin") == origin
        anonymous = client.get(ENDPOINT, headers={"Origin": origin})
        assert anonymous.status == 401 and anonymous.headers.get("access-control-allow-origin") == origin
        stranger = client.get(ENDPOINT, headers={"Authorization": f"Bearer {access_token}", "Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in {k.lower() for k in stranger.headers}
        other_route = client.get("/users/me", headers={"Authorization": f"Bearer {access_token}", "Origin": origin})
        assert "access-control-allow-origin" not in {k.lower() for k in other_route.headers}, "CORS only on the token route"


def test_session_app_cross_origin_uses_credentials(tmp_path, cli):
    root = copy_app("fastapi_session_app", tmp_path)
    origin = "https://pages.example.com"
    _, after = install_and_check_uninstall(cli, root, "--frontend-origin", origin, exit_code=0)
    module = after["intercom_jwt.py"]
    assert '"Access-Control-Allow-Credentials": "true",' in module and "@router.options" not in module
    compile(module, "intercom_jwt.py", "exec")


# --- other shapes: before/after, and imported for real --------------------------------------------

PAGE = "<!doctype html>\n<html>\n<body>\n  <h1>Hi</h1>\n</body>\n</html>\n"


def test_factory_with_dependency_module_and_poetry(tmp_path, cli):
    write_files(
        tmp_path,
        {
            "pyproject.toml": '[tool.poetry]\nname = "x"\n\n[tool.poetry.dependencies]\npython = "^3.11"\nfastapi = "^0.115"\n',
            "app/__init__.py": "",
            "app/deps.py": """
                from typing import Annotated

                from fastapi import Depends, Header, HTTPException, status
                from pydantic import BaseModel


                class Account(BaseModel):
                    id: int
                    email: str
                    display_name: str


                ACCOUNTS = {"k-1": Account(id=11, email="gil@example.com", display_name="Gil Grissom")}


                def get_current_user(x_api_key: Annotated[str | None, Header()] = None) -> Account:
                    account = ACCOUNTS.get(x_api_key or "")
                    if account is None:
                        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Unknown API key")
                    return account
            """,
            "app/items.py": """
                from fastapi import APIRouter

                router = APIRouter()


                @router.get("/items")
                def items() -> list[str]:
                    return ["a"]
            """,
            "app/main.py": """
                from fastapi import FastAPI

                from . import items


                def create_app() -> FastAPI:
                    app = FastAPI()
                    app.include_router(items.router)
                    return app
            """,
        },
    )
    result, after = install_and_check_uninstall(cli, tmp_path, exit_code=0)
    assert "from . import items\nfrom . import intercom_jwt\n" in after["app/main.py"]
    assert "    app.include_router(items.router)\n    app.include_router(intercom_jwt.router)\n    return app\n" in after["app/main.py"]
    assert 'fastapi = "^0.115"\npyjwt = "^2.8"\n' in after["pyproject.toml"]
    module = after["app/intercom_jwt.py"]
    assert "from .deps import Account, get_current_user" in module
    assert '"user_id": str(user.id),' in module and '"name": user.display_name,' in module
    assert "if user is None" not in module, "get_current_user raises 401 itself"
    assert "page" in result.stderr.lower()
    assert install_quietly(cli, tmp_path).exit_code == 0
    seen = call_with_test_client(tmp_path, "app.main:create_app", """
        result["anonymous"] = client.get("/api/intercom-jwt").status_code
        reply = client.get("/api/intercom-jwt", headers={"X-API-Key": "k-1"})
        result["status"] = reply.status_code
        result["cache"] = reply.headers["cache-control"]
        result["token"] = reply.json()["token"]
    """)
    assert (seen["anonymous"], seen["status"], seen["cache"]) == (401, 200, "no-store")
    assert {k: v for k, v in decode(seen["token"]).items() if k in ("user_id", "email", "name")} == {
        "user_id": "11", "email": "gil@example.com", "name": "Gil Grissom"
    }


def test_factory_with_dependency_in_the_app_module_imports_inside_the_factory(tmp_path, cli):
    write_files(
        tmp_path,
        {
            "requirements.txt": "fastapi\n",
            "service/__init__.py": "",
            "service/app.py": """
                from typing import Annotated

                from fastapi import Depends, FastAPI, Request


                def current_user(request: Request) -> dict | None:
                    if request.headers.get("x-user") != "nick":
                        return None
                    return {"id": 5, "email": "nick@example.com", "name": "Nick Stokes"}


                def build() -> FastAPI:
                    application = FastAPI()

                    @application.get("/me")
                    def me(user: Annotated[dict | None, Depends(current_user)]) -> dict | None:
                        return user

                    return application
            """,
        },
    )
    _, after = install_and_check_uninstall(cli, tmp_path, exit_code=0)
    assert "        return user\n\n    from . import intercom_jwt\n\n    application.include_router(intercom_jwt.router)\n    return application\n" in after["service/app.py"]
    module = after["service/intercom_jwt.py"]
    assert "from .app import current_user" in module
    assert textwrap.dedent('''
        async def signed_in_user_claims(
            user: Annotated[Any, Depends(current_user)],
        ) -> dict[str, Any] | None:
            """Identity claims for the user current_user returns, or None when nobody is
            signed in."""
            if user is None:
                return None
            return {
                "user_id": str(user["id"]),
                "email": user.get("email"),
                "name": user.get("name"),
            }
    ''') in module
    assert after["requirements.txt"] == "fastapi\nPyJWT>=2.8\n"
    install_quietly(cli, tmp_path)
    seen = call_with_test_client(tmp_path, "service.app:build", """
        result["anonymous"] = client.get("/api/intercom-jwt").status_code
        result["token"] = client.get("/api/intercom-jwt", headers={"X-User": "nick"}).json()["token"]
    """)
    assert seen["anonymous"] == 401
    assert decode(seen["token"])["user_id"] == "5"


def test_session_user_without_a_dependency_and_a_main_guard(tmp_path, cli):
    write_files(
        tmp_path,
        {
            "requirements.txt": "fastapi\nitsdangerous\n",
            ".gitignore": ".env\n",
            "main.py": """
                import uvicorn
                from dotenv import load_dotenv
                from fastapi import FastAPI, Request
                from starlette.middleware.sessions import SessionMiddleware

                load_dotenv()
                app = FastAPI()
                app.add_middleware(SessionMiddleware, secret_key="dev")


                @app.get("/login-as-grace")
                def login(request: Request) -> dict:
                    grace = find_user("grace@example.com")
                    request.session["user"] = {"id": grace.id, "email": grace.email, "name": grace.name}
                    return {"ok": True}


                def find_user(email):
                    from types import SimpleNamespace
                    return SimpleNamespace(id=9, email=email, name="Grace Hopper")


                if __name__ == "__main__":
                    uvicorn.run("main:app")
            """,
        },
    )
    result, after = install_and_check_uninstall(cli, tmp_path, exit_code=0)
    assert "import uvicorn\nfrom dotenv import load_dotenv" in after["main.py"]
    assert '\n\nimport intercom_jwt\n\nload_dotenv()\napp = FastAPI()\napp.add_middleware(SessionMiddleware, secret_key="dev")\napp.include_router(intercom_jwt.router)\n' in after["main.py"]
    module = after["intercom_jwt.py"]
    assert 'async def signed_in_user_claims(request: Request) -> dict[str, Any] | None:\n' in module
    assert '    user = request.session.get("user")\n' in module and '"user_id": str(user["id"]),' in module
    assert after[".env"] == f"INTERCOM_IDENTITY_SECRET='{SECRET}'\n"
    assert "if __name__" in after["main.py"] and "warning" not in result.stderr
    install_quietly(cli, tmp_path)
    seen = call_with_test_client(tmp_path, "main:app", """
        result["anonymous"] = client.get("/api/intercom-jwt").status_code
        client.get("/login-as-grace")
        result["token"] = client.get("/api/intercom-jwt").json()["token"]
    """)
    assert seen["anonymous"] == 401
    assert {k: v for k, v in decode(seen["token"]).items() if k in ("user_id", "email", "name")} == {
        "user_id": "9", "email": "grace@example.com", "name": "Grace Hopper"
    }


def test_dependency_in_app_module_run_as_a_script(tmp_path, cli):
    write_files(
        tmp_path,
        {
            "requirements.txt": "fastapi\n",
            "server.py": """
                import uvicorn
                from fastapi import FastAPI, HTTPException, Request

                app = FastAPI()


                def get_current_user(request: Request):
                    raise HTTPException(401)


                if __name__ == "__main__":
                    uvicorn.run(app, host="127.0.0.1")
            """,
        },
    )
    result, after = install_and_check_uninstall(cli, tmp_path, exit_code=0)
    assert after["server.py"].endswith(
        "    raise HTTPException(401)\n\n\n"
        "# Imported here, not at the top: intercom_jwt uses get_current_user from this module.\n"
        "import intercom_jwt  # noqa: E402\n\napp.include_router(intercom_jwt.router)\n\n\n"
        'if __name__ == "__main__":\n    uvicorn.run(app, host="127.0.0.1")\n'
    )
    assert "uvicorn.run(\"<module>:app\")" in result.stderr
    assert 'user_attribute(user, "email")' in after["intercom_jwt.py"], "the user's type is unknown: read at run time"
    compiles(after, "server.py", "intercom_jwt.py")


def test_fastapi_users(tmp_path, cli):
    write_files(
        tmp_path,
        {
            "requirements.txt": "fastapi-users[sqlalchemy]\n",
            "app/__init__.py": "",
            "app/db.py": """
                from fastapi_users.db import SQLAlchemyBaseUserTableUUID
                from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


                class Base(DeclarativeBase):
                    pass


                class User(SQLAlchemyBaseUserTableUUID, Base):
                    full_name: Mapped[str | None] = mapped_column(default=None)
            """,
            "app/users.py": """
                import uuid

                from fastapi_users import FastAPIUsers
                from fastapi_users.authentication import AuthenticationBackend, BearerTransport, JWTStrategy

                from .db import User

                bearer_transport = BearerTransport(tokenUrl="auth/jwt/login")
                auth_backend = AuthenticationBackend(name="jwt", transport=bearer_transport, get_strategy=lambda: JWTStrategy("s", 3600))
                fastapi_users = FastAPIUsers[User, uuid.UUID](lambda: None, [auth_backend])
                current_active_user = fastapi_users.current_user(active=True)
            """,
            "app/app.py": """
                from fastapi import Depends, FastAPI

                from .db import User
                from .users import auth_backend, current_active_user, fastapi_users

                app = FastAPI()
                app.include_router(fastapi_users.get_auth_router(auth_backend), prefix="/auth/jwt", tags=["auth"])


                @app.get("/authenticated-route")
                async def authenticated_route(user: User = Depends(current_active_user)):
                    return {"message": f"Hello {user.email}!"}
            """,
        },
    )
    result, after = install_and_check_uninstall(cli, tmp_path, *BEARER_OPTIONS, exit_code=0)
    module = after["app/intercom_jwt.py"]
    assert "from .db import User\nfrom .users import current_active_user\n" in module
    assert "async def signed_in_user_claims(\n    user: Annotated[User, Depends(current_active_user)],\n) -> dict[str, Any]:" in module
    assert '"user_id": str(user.id),\n        "email": user.email,\n        "name": user.full_name,' in module
    assert 'app.include_router(fastapi_users.get_auth_router(auth_backend), prefix="/auth/jwt", tags=["auth"])\napp.include_router(intercom_jwt.router)\n' in after["app/app.py"]
    assert "takes the API's own bearer token" in result.stderr
    compiles(after, "app/app.py", "app/intercom_jwt.py")


def test_bearer_scheme_without_a_user_lookup_fails_closed(tmp_path, cli):
    write_files(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "x"\nversion = "0"\ndependencies = [\n    "fastapi>=0.110",\n]\n\n[tool.uv]\ndev-dependencies = []\n',
            "api.py": """
                from typing import Annotated

                from fastapi import Depends, FastAPI
                from fastapi.security import OAuth2PasswordBearer

                oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")
                app = FastAPI()


                @app.get("/things")
                def things(token: Annotated[str, Depends(oauth2_scheme)]) -> list[str]:
                    return [token[:3]]
            """,
        },
    )
    result, after = install_and_check_uninstall(cli, tmp_path, *BEARER_OPTIONS, exit_code=4)
    assert '    "fastapi>=0.110",\n    "PyJWT>=2.8",\n]' in after["pyproject.toml"]
    module = after["intercom_jwt.py"]
    assert "from api import oauth2_scheme" in module
    assert "\ndef signed_in_user_claims(\n    token: Annotated[str, Depends(oauth2_scheme)],\n) -> dict[str, Any] | None:" in module
    assert result.exit_code == 4, "the endpoint cannot know the user: a manual step"
    said = " ".join(result.stderr.split())
    assert "OAuth2PasswordBearer" in said and "signed_in_user_claims() in intercom_jwt.py (line" in said
    install_quietly(cli, tmp_path, *BEARER_OPTIONS)
    seen = call_with_test_client(tmp_path, "api:app", """
        result["anonymous"] = client.get("/api/intercom-jwt").status_code
        result["with_token"] = client.get("/api/intercom-jwt", headers={"Authorization": "Bearer abc"}).status_code
    """)
    assert seen == {"anonymous": 401, "with_token": 401}


def test_no_auth_fails_closed_and_says_so(tmp_path, cli):
    write_files(
        tmp_path,
        {
            "requirements.txt": "fastapi",
            # A sign-in the wizard does not recognise (so identity cannot be proven):
            "main.py": 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/")\ndef index() -> dict:\n    return {}\n\n\n'
            '@app.post("/login")\ndef login() -> dict:\n    return {}\n',
        },
    )
    result, after = install_and_check_uninstall(cli, tmp_path, exit_code=4)
    assert "answers 401 for everyone" in result.stderr
    assert "\ndef signed_in_user_claims() -> dict[str, Any] | None:" in after["intercom_jwt.py"]
    assert after["requirements.txt"] == "fastapi\nPyJWT>=2.8"
    assert after["main.py"].startswith("from fastapi import FastAPI\n\nimport intercom_jwt\n\napp = FastAPI()\napp.include_router(intercom_jwt.router)\n")
    install_quietly(cli, tmp_path)
    assert call_with_test_client(tmp_path, "main:app", 'result["status"] = client.get("/api/intercom-jwt").status_code') == {"status": 401}


def test_templates_beside_the_module_and_an_unnamed_static_mount(tmp_path, cli):
    write_files(
        tmp_path,
        {
            "requirements.txt": "fastapi\n",
            "web/__init__.py": "",
            "web/templates/layout.html": PAGE,
            "web/templates/home.html": '{% extends "layout.html" %}\n',
            "web/assets/site.css": "",
            "web/main.py": """
                from pathlib import Path

                from fastapi import FastAPI
                from fastapi.staticfiles import StaticFiles
                from fastapi.templating import Jinja2Templates

                HERE = Path(__file__).parent
                app = FastAPI()
                app.mount("/assets", StaticFiles(directory=HERE / "assets"))
                templates = Jinja2Templates(directory=HERE / "templates")
            """,
        },
    )
    _, after = install_and_check_uninstall(cli, tmp_path, exit_code=0)
    assert "web/assets/intercom-messenger.js" in after
    assert '<script src="/assets/intercom-messenger.js" defer></script>\n</body>' in after["web/templates/layout.html"]
    assert after["web/templates/home.html"] == '{% extends "layout.html" %}\n'


def test_app_wide_cors_middleware_is_left_to_the_app(tmp_path, cli):
    write_files(
        tmp_path,
        {
            "requirements.txt": "fastapi\n",
            "main.py": """
                from fastapi import FastAPI, Request
                from fastapi.middleware.cors import CORSMiddleware

                app = FastAPI()
                app.add_middleware(CORSMiddleware, allow_origins=["https://spa.example.com"], allow_credentials=True)


                def get_current_user(request: Request) -> dict | None:
                    return None
            """,
        },
    )
    result, after = install_and_check_uninstall(cli, tmp_path, "--frontend-origin", "https://spa.example.com", exit_code=0)
    assert "FRONTEND_ORIGIN" not in after["intercom_jwt.py"]
    assert "CORSMiddleware answers cross-origin requests" in result.stderr and "allow_credentials=True" in result.stderr


def test_full_stack_template_layout_with_absolute_imports_and_a_token_alias(tmp_path, cli):
    """The shape of fastapi/full-stack-fastapi-template: backend/app, absolute `app.` imports,
    `TokenDep = Annotated[str, Depends(reusable_oauth2)]`, SQLModel users with a base class."""
    write_files(
        tmp_path,
        {
            "backend/pyproject.toml": '[project]\nname = "app"\nversion = "0.1.0"\ndependencies = [\n    "fastapi[standard]<1.0.0,>=0.114.2",\n    "sqlmodel<1.0.0,>=0.0.21",\n]\n',
            "backend/app/__init__.py": "",
            "backend/app/models.py": """
                import uuid

                from pydantic import EmailStr
                from sqlmodel import Field, SQLModel


                class UserBase(SQLModel):
                    email: EmailStr = Field(unique=True, index=True, max_length=255)
                    is_active: bool = True
                    full_name: str | None = Field(default=None, max_length=255)


                class User(UserBase, table=True):
                    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
                    hashed_password: str
            """,
            "backend/app/api/__init__.py": "",
            "backend/app/api/deps.py": """
                from typing import Annotated

                from fastapi import Depends, HTTPException, status
                from fastapi.security import OAuth2PasswordBearer

                from app.models import User

                reusable_oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/login/access-token")
                TokenDep = Annotated[str, Depends(reusable_oauth2)]


                def get_current_user(token: TokenDep) -> User:
                    raise HTTPException(status_code=status.HTTP_403_FORBIDDEN, detail="Could not validate credentials")


                CurrentUser = Annotated[User, Depends(get_current_user)]
            """,
            "backend/app/main.py": """
                from fastapi import FastAPI

                from app.api.main import api_router
                from app.core.config import settings

                app = FastAPI(title=settings.PROJECT_NAME)

                app.include_router(api_router, prefix=settings.API_V1_STR)
            """,
        },
    )
    result, after = install_and_check_uninstall(cli, tmp_path, *BEARER_OPTIONS, exit_code=0)
    main = after["backend/app/main.py"]
    assert "\nfrom app import intercom_jwt\nfrom app.api.main import api_router\n" in main  # where isort/ruff sort it
    assert main.endswith("app.include_router(api_router, prefix=settings.API_V1_STR)\napp.include_router(intercom_jwt.router)\n")
    module = after["backend/app/intercom_jwt.py"]
    assert "\nfrom app.api.deps import get_current_user\nfrom app.models import User\n" in module
    assert '"user_id": str(user.id),\n        "email": user.email,\n        "name": user.full_name,' in module
    assert '    "sqlmodel<1.0.0,>=0.0.21",\n    "PyJWT>=2.8",\n]' in after["backend/pyproject.toml"]
    assert "takes the API's own bearer token" in result.stderr
