"""FastAPI apps whose Jinja pages find their user in a cookie holding a JWT (the g10new2 round).

Seen on fastapi-todoapp-cookie-jwt (a popular course's TodoApp, 2024-25): the login page's script
POSTs to /auth/token and writes the JWT into an `access_token` cookie with `document.cookie`; the
page routes call `await get_current_user(request.cookies.get("access_token"))`, and the JSON API
takes the same token from an OAuth2PasswordBearer header. The wizard saw only the bearer dependency,
looked for the token in localStorage, found none and stopped (exit 3: "where the front end keeps its
token is unclear"). The course's older version (2022-23) has its pages call
`await get_current_user_from_cookie(request)`, which reads an httponly cookie its login route set.

Now the endpoint finds its user exactly as the pages do, and the browser sends the cookie itself
(cookie mode, no Authorization header). Fixtures of our own writing; PyJWT stands in for python-jose.
"""

import http.cookiejar
import json
import subprocess
import sys
from pathlib import Path

from conftest import SECRET, WORKSPACE_ID, install_and_check_uninstall, install_quietly, write_files
from identity_checks import AppUser, check_two_users

from intercom_wizard.localserver import BrowserlessClient, free_port, running_server

PY = sys.executable

# The users, their ids and the app's own JWT key (not the Intercom secret), indented as the modules they go in.
USERS = """
        USERS = {
            "alice": {"id": 1, "email": "alice@example.com", "password": "pw-alice-123"},
            "bob": {"id": 2, "email": "bob@example.com", "password": "pw-bob-123"},
        }
        APP_KEY = "the-apps-own-jwt-key"
"""

LAYOUT = """
    <!DOCTYPE html>
    <html>
    <head><title>Todos</title></head>
    <body>
      {% block content %}{% endblock %}
      <script src="{{ url_for('static', path='/js/base.js') }}" defer></script>
    </body>
    </html>
"""

PAGE = """
    {% extends "layout.html" %}
    {% block content %}<h1>Todos of {{ user["username"] }}</h1>{% endblock %}
"""

TOKEN_PASSED_IN = {
    "requirements.txt": "fastapi\nuvicorn\njinja2\npython-multipart\nPyJWT\n",
    "todo/__init__.py": "",
    "todo/main.py": """
        from fastapi import FastAPI
        from fastapi.staticfiles import StaticFiles

        from .routers import auth, todos

        app = FastAPI()
        app.mount("/static", StaticFiles(directory="todo/static"), name="static")
        app.include_router(auth.router)
        app.include_router(todos.router)
    """,
    "todo/routers/__init__.py": "",
    "todo/routers/auth.py": """
        from typing import Annotated

        import jwt
        from fastapi import APIRouter, Depends, HTTPException, Request
        from fastapi.security import OAuth2PasswordBearer, OAuth2PasswordRequestForm
        from fastapi.templating import Jinja2Templates
        """
    + USERS
    + """
        router = APIRouter(prefix="/auth")
        oauth2_bearer = OAuth2PasswordBearer(tokenUrl="auth/token")
        templates = Jinja2Templates(directory="todo/templates")


        @router.get("/login-page")
        def login_page(request: Request):
            return templates.TemplateResponse(request, "login.html")


        @router.post("/token")
        async def login_for_access_token(form: Annotated[OAuth2PasswordRequestForm, Depends()]):
            user = USERS.get(form.username)
            if user is None or user["password"] != form.password:
                raise HTTPException(status_code=401, detail="Could not validate user.")
            claims = {"sub": form.username, "id": user["id"], "email": user["email"]}
            return {"access_token": jwt.encode(claims, APP_KEY, algorithm="HS256"), "token_type": "bearer"}


        async def get_current_user(token: Annotated[str, Depends(oauth2_bearer)]):
            try:
                payload = jwt.decode(token, APP_KEY, algorithms=["HS256"])
            except jwt.PyJWTError:
                raise HTTPException(status_code=401, detail="Could not validate user.")
            return {"username": payload["sub"], "id": payload["id"], "email": payload["email"]}
    """,
    "todo/routers/todos.py": """
        from typing import Annotated

        from fastapi import APIRouter, Depends, Request
        from fastapi.responses import RedirectResponse
        from fastapi.templating import Jinja2Templates

        from .auth import get_current_user

        router = APIRouter(prefix="/todos")
        templates = Jinja2Templates(directory="todo/templates")


        @router.get("/todo-page")
        async def todo_page(request: Request):
            try:
                user = await get_current_user(request.cookies.get("access_token"))
            except Exception:
                return RedirectResponse("/auth/login-page", status_code=302)
            return templates.TemplateResponse(request, "todo.html", {"user": user})


        @router.get("/")
        async def read_all(user: Annotated[dict, Depends(get_current_user)]):
            return []
    """,
    "todo/templates/layout.html": LAYOUT,
    "todo/templates/todo.html": PAGE,
    "todo/templates/login.html": """
        {% extends "layout.html" %}
        {% block content %}
        <form id="loginForm"><input name="username"><input type="password" name="password"><button>Login</button></form>
        {% endblock %}
    """,
    "todo/static/js/base.js": """
        const loginForm = document.getElementById('loginForm');
        if (loginForm) {
            loginForm.addEventListener('submit', async function (event) {
                event.preventDefault();
                const response = await fetch('/auth/token', { method: 'POST', body: new URLSearchParams(new FormData(loginForm)) });
                if (response.ok) {
                    const data = await response.json();
                    document.cookie = `access_token=${data.access_token}; path=/`;
                    window.location.href = '/todos/todo-page';
                }
            });
        }

        async function loadTodos() {
            return fetch('/todos/', { headers: { 'Authorization': `Bearer ${getCookie('access_token')}` } });
        }

        function getCookie(name) {
            const found = document.cookie.split(';').map((c) => c.trim()).find((c) => c.startsWith(name + '='));
            return found ? decodeURIComponent(found.substring(name.length + 1)) : null;
        }
    """,
}

REQUEST_PASSED_IN = {
    "requirements.txt": "fastapi\nuvicorn\njinja2\npython-multipart\nPyJWT\n",
    "main.py": """
        from fastapi import FastAPI
        from fastapi.staticfiles import StaticFiles

        from routers import auth_pages

        app = FastAPI()
        app.mount("/static", StaticFiles(directory="static"), name="static")
        app.include_router(auth_pages.router)
    """,
    "routers/__init__.py": "",
    "routers/auth_pages.py": """
        import jwt
        from fastapi import APIRouter, Form, Request
        from fastapi.responses import RedirectResponse
        from fastapi.templating import Jinja2Templates
        """
    + USERS
    + """
        router = APIRouter()
        templates = Jinja2Templates(directory="templates")


        async def get_user_from_cookie(request: Request):
            token = request.cookies.get("session_token")
            if token is None:
                return None
            try:
                payload = jwt.decode(token, APP_KEY, algorithms=["HS256"])
            except jwt.PyJWTError:
                return None
            return {"username": payload["sub"], "user_id": payload["id"], "email": payload["email"]}


        @router.get("/login")
        async def login_page(request: Request):
            return templates.TemplateResponse(request, "login.html")


        @router.post("/login")
        async def login(username: str = Form(...), password: str = Form(...)):
            user = USERS.get(username)
            if user is None or user["password"] != password:
                return RedirectResponse("/login", status_code=302)
            response = RedirectResponse("/todos", status_code=302)
            token = jwt.encode({"sub": username, "id": user["id"], "email": user["email"]}, APP_KEY, algorithm="HS256")
            response.set_cookie(key="session_token", value=token, httponly=True)
            return response


        @router.get("/logout")
        async def logout():
            response = RedirectResponse("/login", status_code=302)
            response.delete_cookie("session_token")
            return response


        @router.get("/todos")
        async def todos(request: Request):
            user = await get_user_from_cookie(request)
            if user is None:
                return RedirectResponse("/login", status_code=302)
            return templates.TemplateResponse(request, "todo.html", {"user": user})
    """,
    "templates/layout.html": LAYOUT.replace("""      <script src="{{ url_for('static', path='/js/base.js') }}" defer></script>\n""", ""),
    "templates/todo.html": PAGE,
    "templates/login.html": """
        {% extends "layout.html" %}
        {% block content %}
        <form method="post"><input name="username"><input type="password" name="password"><button>Login</button></form>
        {% endblock %}
    """,
    "static/site.css": "body { margin: 0; }\n",
}


def _project(root: Path, files: dict[str, str]) -> Path:
    write_files(root, files)
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "fixture"]):
        subprocess.run(["git", *command], cwd=root, check=True, capture_output=True)
    return root


def test_pages_handing_the_cookie_token_to_the_bearer_dependency_get_a_cookie_endpoint(tmp_path, cli):
    root = _project(tmp_path / "todoapp", TOKEN_PASSED_IN)
    result, files = install_and_check_uninstall(cli, root, exit_code=0)  # was exit 3: no token in localStorage
    module = files["todo/intercom_jwt.py"]
    assert 'token = request.cookies.get("access_token")' in module
    assert "user = await get_current_user(token)" in module
    assert '"user_id": str(user["id"]),' in module and '"email": user.get("email"),' in module
    assert "Depends(get_current_user)" not in module  # the endpoint reads the cookie, never a header
    assert "bearer token" not in result.stderr


def test_token_from_the_cookie_signs_two_users_and_answers_401_signed_out(tmp_path, cli):
    root = _project(tmp_path / "todoapp", TOKEN_PASSED_IN)
    assert install_quietly(cli, root).exit_code == 0

    def sign_in(client: BrowserlessClient, user: AppUser) -> None:
        # What the login page's script does: POST the form, keep the JWT in a cookie of the site.
        reply = client.post_form("/auth/token", {"username": user.login, "password": user.password})
        token = json.loads(reply.body)["access_token"]
        client.cookies.set_cookie(_cookie("access_token", token))

    def sign_out(client: BrowserlessClient) -> None:
        client.cookies.clear()  # the app's logout() expires every cookie

    alice = AppUser("alice", "pw-alice-123", "alice@example.com", "alice")
    bob = AppUser("bob", "pw-bob-123", "bob@example.com", "bob")
    port = free_port()
    command = [PY, "-m", "uvicorn", "todo.main:app", "--host", "127.0.0.1", "--port", str(port)]
    with running_server(command, root, port, {"INTERCOM_IDENTITY_SECRET": SECRET}):
        a, b = check_two_users(f"http://127.0.0.1:{port}", SECRET, alice, bob, sign_in, sign_out)
        forged = BrowserlessClient(f"http://127.0.0.1:{port}")
        forged.cookies.set_cookie(_cookie("access_token", "not-a-jwt"))
        assert forged.get("/api/intercom-jwt").status == 401
    assert (a["user_id"], b["user_id"]) == ("1", "2")


def test_pages_reading_the_cookie_themselves_are_called_with_the_request(tmp_path, cli):
    root = _project(tmp_path / "todos", REQUEST_PASSED_IN)
    _, files = install_and_check_uninstall(cli, root, exit_code=0)
    module = files["intercom_jwt.py"]
    assert "user = await get_user_from_cookie(request)" in module
    assert '"user_id": str(user["user_id"]),' in module and '"name": user.get("username"),' in module

    install = install_quietly(cli, root)
    assert install.exit_code == 0, install.stderr

    def sign_in(client: BrowserlessClient, user: AppUser) -> None:
        client.post_form("/login", {"username": user.login, "password": user.password})

    def sign_out(client: BrowserlessClient) -> None:
        client.get("/logout")

    alice = AppUser("alice", "pw-alice-123", "alice@example.com", "alice")
    bob = AppUser("bob", "pw-bob-123", "bob@example.com", "bob")
    port = free_port()
    command = [PY, "-m", "uvicorn", "main:app", "--host", "127.0.0.1", "--port", str(port)]
    with running_server(command, root, port, {"INTERCOM_IDENTITY_SECRET": SECRET}):
        a, b = check_two_users(f"http://127.0.0.1:{port}", SECRET, alice, bob, sign_in, sign_out)
    assert (a["user_id"], b["user_id"]) == ("1", "2")


def test_a_cookie_read_of_another_function_is_no_evidence(tmp_path, cli):
    """A function that reads a cookie but decodes no JWT (a theme preference) is not the user lookup:
    the bearer-only app still asks where its token is kept (exit 3 with --yes, as before)."""
    files = dict(TOKEN_PASSED_IN)
    files["todo/routers/todos.py"] = (
        files["todo/routers/todos.py"].replace(
            'user = await get_current_user(request.cookies.get("access_token"))', 'user = theme(request.cookies.get("theme"))'
        )
        + "\n\n        def theme(name):\n            return {'username': name}\n"
    )
    root = _project(tmp_path / "todoapp", files)
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install")
    assert result.exit_code == 3, result.stderr
    assert "where the front end keeps its token is unclear" in " ".join(result.stderr.split())


def _cookie(name: str, value: str) -> http.cookiejar.Cookie:
    return http.cookiejar.Cookie(0, name, value, None, False, "127.0.0.1", False, False, "/", True, False, None, True, None, None, {})
