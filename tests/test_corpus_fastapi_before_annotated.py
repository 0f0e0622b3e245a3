"""FastAPI before 0.95, shaped like the corpus app vue3-fastapi-cookie-jwt (testdriven.io's
fastapi-vue, FastAPI 0.88.0 pinned in requirements.txt; docs/corpus.md, g10new round): a JWT kept in
an HttpOnly cookie, read by the app's own `OAuth2` subclass, and a `get_current_user` dependency
written in that era's idiom (`token: str = Depends(security)`).

Before the fix the install was refused (exit 2, "outside the supported range >= 0.95"): the
generated router declared its dependencies as `Annotated[..., Depends(...)]` parameters, which
FastAPI reads only from 0.95. Now such apps get `name: T = Depends(dep)` parameters; from 0.95 on
the Annotated form stays. The default-value form runs on every FastAPI version, so the router is
also imported and called here (on this machine's FastAPI) with the app's own cookie.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import jwt
from conftest import SECRET, install_and_check_uninstall, install_quietly, snapshot, write_files

DEPENDENCY = """\
from types import SimpleNamespace
from typing import Optional

from fastapi import Depends, HTTPException, Request
from fastapi.openapi.models import OAuthFlows as OAuthFlowsModel
from fastapi.security import OAuth2

# The user as an object with attributes, as an ORM's schema model is (no type the wizard can read).
USERS = {"cookie-of-ann": SimpleNamespace(id=41, username="ann", email="ann@example.com")}


class CookieBearer(OAuth2):
    def __init__(self, token_url: str):
        super().__init__(flows=OAuthFlowsModel(password={"tokenUrl": token_url, "scopes": {}}))

    async def __call__(self, request: Request) -> Optional[str]:
        token = request.cookies.get("Authorization")
        if not token:
            raise HTTPException(status_code=401, detail="Not authenticated")
        return token


security = CookieBearer(token_url="/login")


async def get_current_user(token: str = Depends(security)):
    user = USERS.get(token)
    if user is None:
        raise HTTPException(status_code=401, detail="Could not validate credentials")
    return user
"""

MAIN = """\
from fastapi import FastAPI

from src.auth import get_current_user

app = FastAPI()


@app.get("/")
def home():
    return "Hello"
"""


def _app(root: Path, fastapi_pin: str) -> None:
    write_files(root, {
        "requirements.txt": f"fastapi=={fastapi_pin}\nuvicorn==0.20.0\n",
        "src/__init__.py": "",
        "src/auth.py": DEPENDENCY,
        "src/main.py": MAIN,
    })


def _call(root: Path, cookie: str | None) -> tuple[int, dict[str, object]]:
    program = textwrap.dedent(f"""
        import json
        from fastapi.testclient import TestClient
        from src.main import app
        client = TestClient(app)
        cookies = {{"Authorization": {cookie!r}}} if {cookie!r} else {{}}
        reply = client.get("/api/intercom-jwt", cookies=cookies)
        print(json.dumps([reply.status_code, reply.json()]))
    """)
    completed = subprocess.run(
        [sys.executable, "-c", program], cwd=root, capture_output=True, text=True, timeout=120,
        env={**os.environ, "INTERCOM_IDENTITY_SECRET": SECRET, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert completed.returncode == 0, completed.stderr
    status, body = json.loads(completed.stdout.strip().splitlines()[-1])
    return status, body


def test_fastapi_0_88_gets_default_value_dependencies_and_signs_the_cookie_users_token(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    _app(tmp_path, "0.88.0")
    _, after = install_and_check_uninstall(cli, tmp_path, exit_code=0)
    module = after["src/intercom_jwt.py"]
    assert "Annotated" not in module
    assert "    user: Any = Depends(get_current_user),\n" in module
    assert "    claims: dict[str, Any] | None = Depends(signed_in_user_claims),\n" in module
    assert "from typing import Any\n" in module
    # Installed for real: the router runs (default-value dependencies work on every FastAPI).
    assert install_quietly(cli, tmp_path).exit_code == 0
    assert _call(tmp_path, None)[0] == 401
    status, body = _call(tmp_path, "cookie-of-ann")
    assert status == 200
    claims = jwt.decode(str(body["token"]), SECRET, algorithms=["HS256"])
    assert (claims["user_id"], claims["email"]) == ("41", "ann@example.com")


def test_fastapi_0_95_keeps_annotated_dependencies(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    _app(tmp_path, "0.95.0")
    _, after = install_and_check_uninstall(cli, tmp_path, exit_code=0)
    module = after["src/intercom_jwt.py"]
    assert "user: Annotated[Any, Depends(get_current_user)]," in module
    assert "from typing import Annotated, Any\n" in module


def test_fastapi_older_than_0_88_is_still_refused_with_nothing_changed(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    _app(tmp_path, "0.87.0")
    before = snapshot(tmp_path)
    result = install_quietly(cli, tmp_path)
    assert result.exit_code == 2, result.output
    assert ">= 0.88" in " ".join(result.output.split())
    assert snapshot(tmp_path) == before


def test_a_namespace_package_run_as_src_main_is_imported_by_its_name(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """fastapi-vue's layout: services/backend/src has no __init__.py, its modules import `src.*`, and it
    runs as `uvicorn src.main:app` from services/backend. Before the fix the wizard took src/ for the
    app's root: `import intercom_jwt` and `from auth import ...` (ModuleNotFoundError at start-up) and
    a new src/requirements.txt for PyJWT."""
    write_files(tmp_path, {
        "backend/requirements.txt": "fastapi==0.88.0\n",
        "backend/src/auth.py": DEPENDENCY,
        "backend/src/main.py": MAIN.replace("from src.auth import get_current_user\n", "from src.auth import get_current_user  # noqa: F401\n"),
    })
    _, after = install_and_check_uninstall(cli, tmp_path, exit_code=0)
    assert "from src import intercom_jwt\n" in after["backend/src/main.py"]
    assert "from src.auth import get_current_user\n" in after["backend/src/intercom_jwt.py"]
    assert after["backend/requirements.txt"] == "fastapi==0.88.0\nPyJWT>=2.8\n"
    assert "backend/src/requirements.txt" not in after
    assert install_quietly(cli, tmp_path).exit_code == 0
    status, body = _call(tmp_path / "backend", "cookie-of-ann")
    assert status == 200 and jwt.decode(str(body["token"]), SECRET, algorithms=["HS256"])["user_id"] == "41"
