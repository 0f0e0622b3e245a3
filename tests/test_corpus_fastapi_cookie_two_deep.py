"""FastAPI pages whose cookie lookup is two functions deep (the h10fastapi round).

Seen on fastapi-cookie-bearer-pages (a 2022 blog post's app): the pages call
`get_current_user_from_cookie(request)`, which reads `request.cookies.get(settings.COOKIE_NAME)` (a
string constant of a `Settings` class, through its module-level instance) and hands the token to the
app's own `decode_token(token)`, which calls `jwt.decode`. The wizard looked for the cookie name as a
string literal and for the decode in the called function's own body only, so it found no user lookup.

Now one level of the app's own calls and constant class attributes are resolved statically. A user
with an id gets a complete install (two users signed in, 401 signed out); a user with only a username
stays incomplete with a manual step naming the generated function (no id is invented).
Fixtures of our own writing.
"""

import json
import subprocess
import sys
from pathlib import Path

from conftest import SECRET, WORKSPACE_ID, install_and_check_uninstall, install_quietly, write_files
from identity_checks import AppUser, check_two_users

from intercom_wizard.localserver import BrowserlessClient, free_port, running_server

PY = sys.executable

MAIN = """
    from dataclasses import dataclass

    import jwt
    from fastapi import FastAPI, Form, HTTPException, Request
    from fastapi.responses import RedirectResponse
    from fastapi.staticfiles import StaticFiles
    from fastapi.templating import Jinja2Templates


    class Config:
        JWT_KEY: str = "the-apps-own-jwt-key"
        SESSION_COOKIE = "auth_cookie"


    config = Config()
    app = FastAPI()
    app.mount("/assets", StaticFiles(directory="assets"), name="assets")
    pages = Jinja2Templates(directory="pages")


    @dataclass
    class Member:
        id: int
        username: str
        email: str
        password: str


    MEMBERS = [
        Member(id=7, username="carol", email="carol@example.com", password="pw-carol-123"),
        Member(id=9, username="dave", email="dave@example.com", password="pw-dave-123"),
    ]


    def find_member(username: str) -> Member | None:
        return next((m for m in MEMBERS if m.username == username), None)


    def read_token(token: str) -> Member:
        try:
            claims = jwt.decode(token, config.JWT_KEY, algorithms=["HS256"])
        except jwt.PyJWTError:
            raise HTTPException(status_code=401, detail="bad token")
        member = find_member(claims["name"])
        if member is None:
            raise HTTPException(status_code=401, detail="unknown member")
        return member


    def member_from_cookie(request: Request) -> Member:
        raw = request.cookies.get(config.SESSION_COOKIE)
        return read_token(raw.split(" ", 1)[1])


    @app.get("/")
    def home(request: Request):
        try:
            member = member_from_cookie(request)
        except Exception:
            member = None
        return pages.TemplateResponse(request, "home.html", {"member": member})


    @app.post("/sign-in")
    def sign_in(username: str = Form(...), password: str = Form(...)):
        member = find_member(username)
        if member is None or member.password != password:
            return RedirectResponse("/", status_code=302)
        response = RedirectResponse("/", status_code=302)
        token = jwt.encode({"name": member.username}, config.JWT_KEY, algorithm="HS256")
        response.set_cookie(key=config.SESSION_COOKIE, value=f"Bearer {token}", httponly=True)
        return response


    @app.get("/sign-out")
    def sign_out():
        response = RedirectResponse("/", status_code=302)
        response.delete_cookie(config.SESSION_COOKIE)
        return response
"""

FILES = {
    "requirements.txt": "fastapi\nuvicorn\njinja2\npython-multipart\nPyJWT\n",
    "main.py": MAIN,
    "pages/base.html": """
        <!DOCTYPE html>
        <html><head><title>Club</title></head>
        <body>{% block body %}{% endblock %}</body>
        </html>
    """,
    "pages/home.html": """
        {% extends "base.html" %}
        {% block body %}<h1>{% if member %}Hello {{ member.username }}{% else %}Hello visitor{% endif %}</h1>{% endblock %}
    """,
    "assets/site.css": "body { margin: 0; }\n",
}


def _project(root: Path, files: dict[str, str]) -> Path:
    write_files(root, files)
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "fixture"]):
        subprocess.run(["git", *command], cwd=root, check=True, capture_output=True)
    return root


def club_two_users(root: Path, a: AppUser, b: AppUser) -> tuple[dict, dict]:
    """The club app (this module's shape: a form post to /sign-in, a GET of /sign-out) under uvicorn on a
    loopback port, two members through `check_two_users`, and a request without the cookie answered 401."""

    def sign_in(client: BrowserlessClient, user: AppUser) -> None:
        client.post_form("/sign-in", {"username": user.login, "password": user.password})

    def sign_out(client: BrowserlessClient) -> None:
        client.get("/sign-out")

    port = free_port()
    command = [PY, "-m", "uvicorn", "main:app", "--host", "127.0.0.1", "--port", str(port)]
    with running_server(command, root, port, {"INTERCOM_IDENTITY_SECRET": SECRET}):
        claims = check_two_users(f"http://127.0.0.1:{port}", SECRET, a, b, sign_in, sign_out)
        assert BrowserlessClient(f"http://127.0.0.1:{port}").get("/api/intercom-jwt").status == 401  # no cookie: not a 500
    return claims


def test_cookie_name_from_a_settings_constant_and_decode_one_call_deep(tmp_path, cli):
    root = _project(tmp_path / "club", FILES)
    _, files = install_and_check_uninstall(cli, root, exit_code=0)  # was exit 4: no user lookup found, a stub
    module = files["intercom_jwt.py"]
    assert "user = member_from_cookie(request)" in module
    assert 'if not request.cookies.get("auth_cookie"):' in module
    assert '"user_id": str(user.id),' in module and '"email": user.email,' in module

    assert install_quietly(cli, root).exit_code == 0

    carol = AppUser("carol", "pw-carol-123", "carol@example.com", "carol")
    dave = AppUser("dave", "pw-dave-123", "dave@example.com", "dave")
    a, b = club_two_users(root, carol, dave)
    assert (a["user_id"], b["user_id"]) == ("7", "9")


def test_a_member_with_only_a_username_stays_incomplete(tmp_path, cli):
    files = dict(FILES)
    files["main.py"] = MAIN.replace("        id: int\n", "").replace("Member(id=7, ", "Member(").replace("Member(id=9, ", "Member(")
    root = _project(tmp_path / "club", files)
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install", "--json")
    assert result.exit_code == 4, result.stderr
    module = (root / "intercom_jwt.py").read_text()
    assert "user = member_from_cookie(request)" in module
    assert "user.username" not in module  # no id invented from a name nothing declares unique
    [step] = [s for s in json.loads(result.stdout)["manual_steps"] if s["file"] == "intercom_jwt.py"]
    assert "signed_in_user_claims() in intercom_jwt.py" in step["instruction"]
