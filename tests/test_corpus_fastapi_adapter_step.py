"""The manual step of a FastAPI install whose user has no id (issue 10 leftover, i10fastapi).

Seen on fastapi-cookie-bearer-pages: the generated module calls the app's own
`get_current_user_from_cookie(request)`, but the step's example was the generic
`Depends(get_current_user)` / `user.id`, naming a function and a field the app does not have. Now the
example is the module's own function, with the app's lookup as the module calls it and the field of the
user that could stand for an id (with what that takes), and the generic example is kept for apps where
the wizard found no lookup at all. Also here: a session record whose id key is not spelt `id`/`user_id`
(`member_id`) was taken as having no id, and the module returned None for everyone with no step at all.
Fixtures of our own writing.
"""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path
from typing import Any

from conftest import install_and_check_uninstall, install_quietly
from identity_checks import AppUser
from test_corpus_fastapi_cookie_two_deep import FILES, MAIN, _project, club_two_users

PY = sys.executable
GENERIC = "Depends(get_current_user)"


def _steps(cli: Any, root: Path) -> list[dict[str, str]]:
    result = install_quietly(cli, root, "--json")
    assert result.exit_code == 4, result.stderr
    return [step for step in json.loads(result.stdout)["manual_steps"] if step["file"] == "intercom_jwt.py"]


def _comment(snippet: str) -> str:
    """The snippet's comment lines as one sentence."""
    return " ".join(line.strip().removeprefix("# ") for line in snippet.splitlines() if line.strip().startswith("# "))


def _done_by_hand(module: str, snippet: str) -> str:
    """The module with signed_in_user_claims() replaced by the step's snippet, as the developer would."""
    start = module.index("async def signed_in_user_claims(")
    end = module.index("\n\n\n", start)
    return module[:start] + snippet + module[end:]


def test_the_step_starts_from_the_apps_own_cookie_lookup_and_the_field_it_has(tmp_path: Path, cli) -> None:
    files = dict(FILES)
    files["main.py"] = MAIN.replace("        id: int\n", "").replace("Member(id=7, ", "Member(").replace("Member(id=9, ", "Member(")
    root = _project(tmp_path / "club", files)
    [step] = _steps(cli, root)
    snippet = step["snippet"]
    assert GENERIC not in snippet and "user.id" not in snippet  # before: both, and neither exists in this app
    assert "user = member_from_cookie(request)" in snippet and 'request.cookies.get("auth_cookie")' in snippet
    assert '"user_id": user.username,' in snippet and '"email": user.email,' in snippet
    assert _comment(snippet).startswith("Member has no id field: its username will do only if no two users ever share one")
    assert max(len(line) for line in snippet.splitlines()) <= 88

    # The step done as written: the endpoint signs each member's own token.
    module = root / "intercom_jwt.py"
    module.write_text(_done_by_hand(module.read_text(), snippet))

    carol = AppUser("carol", "pw-carol-123", "carol@example.com", "carol")
    dave = AppUser("dave", "pw-dave-123", "dave@example.com", "dave")
    a, b = club_two_users(root, carol, dave)
    assert (a["user_id"], b["user_id"]) == ("carol", "dave")


DEPENDENCY_APP = {
    "requirements.txt": "fastapi\npython-jose\n",
    "main.py": """
        from dataclasses import dataclass

        from fastapi import Depends, FastAPI, HTTPException
        from fastapi.security import OAuth2PasswordBearer
        from jose import JWTError, jwt

        app = FastAPI()
        bearer = OAuth2PasswordBearer(tokenUrl="login")


        @dataclass
        class Member:
            email: str
            display_name: str


        def find_member(subject):
            return None


        def authenticate(token: str = Depends(bearer)) -> Member:
            try:
                claims = jwt.decode(token, "dev", algorithms=["HS256"])
            except JWTError:
                raise HTTPException(status_code=401)
            member = find_member(claims["sub"])
            if member is None:
                raise HTTPException(status_code=401)
            return member


        @app.get("/me")
        def me(member: Member = Depends(authenticate)):
            return {"email": member.email}
    """,
}


def test_the_step_names_the_apps_dependency_and_its_user_type(tmp_path: Path, cli) -> None:
    root = _project(tmp_path / "api", DEPENDENCY_APP)
    [step] = _steps(cli, root)
    snippet = step["snippet"]
    assert GENERIC not in snippet and "user.id" not in snippet
    assert "user: Annotated[Member, Depends(authenticate)]," in snippet
    assert '"user_id": user.email,' in snippet and '"name": user.display_name,' in snippet
    assert _comment(snippet).startswith("Member has no id field: its email will do only if")


def test_a_user_with_neither_id_nor_username_nor_email_is_told_to_get_an_id(tmp_path: Path, cli) -> None:
    files = dict(DEPENDENCY_APP)
    files["main.py"] = DEPENDENCY_APP["main.py"].replace("email: str", "nickname: str").replace("member.email", "member.nickname")
    root = _project(tmp_path / "api", files)
    [step] = _steps(cli, root)
    snippet = step["snippet"]
    assert "Depends(authenticate)" in snippet and '"user_id": str(user.id),' in snippet
    assert _comment(snippet) == "Member has no id field (it has nickname, display_name): give it one, its primary key, and return it here."


def test_with_no_lookup_found_the_step_stays_generic(tmp_path: Path, cli) -> None:
    root = _project(
        tmp_path / "plain",
        {"requirements.txt": "fastapi\n", "main.py": 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/")\ndef home():\n    return {}\n'},
    )
    result = install_quietly(cli, root, "--auth", "cookie", "--json")
    assert result.exit_code == 4, result.stderr
    [step] = [s for s in json.loads(result.stdout)["manual_steps"] if s["file"] == "intercom_jwt.py"]
    assert "user: Annotated[Any, Depends(get_current_user)]," in step["snippet"] and '"user_id": str(user.id),' in step["snippet"]


SESSION_RECORD_APP = {
    "requirements.txt": "fastapi\nuvicorn\npython-multipart\nitsdangerous\n",
    "main.py": """
        from fastapi import FastAPI, Form, Request
        from fastapi.responses import RedirectResponse
        from starlette.middleware.sessions import SessionMiddleware

        app = FastAPI()
        app.add_middleware(SessionMiddleware, secret_key="the-apps-session-key")

        MEMBERS = {
            "erin": {"member_id": 31, "email": "erin@example.com", "password": "pw-erin-123"},
            "finn": {"member_id": 32, "email": "finn@example.com", "password": "pw-finn-123"},
        }


        @app.post("/sign-in")
        def sign_in(request: Request, username: str = Form(...), password: str = Form(...)):
            row = MEMBERS.get(username)
            if row is None or row["password"] != password:
                return RedirectResponse("/", status_code=303)
            request.session["user"] = {"member_id": row["member_id"], "email": row["email"]}
            return RedirectResponse("/", status_code=303)


        @app.get("/sign-out")
        def sign_out(request: Request):
            request.session.clear()
            return RedirectResponse("/", status_code=303)


        @app.get("/")
        def home():
            return {}
    """,
}


def test_a_session_record_keyed_member_id_is_signed_with_that_id(tmp_path: Path, cli) -> None:
    root = _project(tmp_path / "members", SESSION_RECORD_APP)
    result, files = install_and_check_uninstall(cli, root, exit_code=0)
    module = files["intercom_jwt.py"]
    assert '"user_id": str(user["member_id"]),' in module and '"email": user.get("email"),' in module
    assert "no id field was found" not in module  # before: `return None` for everyone, exit 0, no step

    assert install_quietly(cli, root).exit_code == 0

    erin = AppUser("erin", "pw-erin-123", "erin@example.com", None)
    finn = AppUser("finn", "pw-finn-123", "finn@example.com", None)
    a, b = club_two_users(root, erin, finn)
    assert (a["user_id"], b["user_id"]) == ("31", "32")


def test_a_user_class_in_a_module_that_never_says_user_is_still_read(tmp_path: Path, cli) -> None:
    """Member lives in store.py, which the auth scan skipped (no "user", "session" or "Bearer" in it): the
    type was "not found", the module read user.id (Member has none: a 500 for every signed-in user) and the
    install said complete. Now its fields are read there: exit 4 and the step with Member's e-mail."""
    main = DEPENDENCY_APP["main.py"]
    member = main[main.index("        @dataclass\n") : main.index("        def authenticate(")]
    files = {
        **DEPENDENCY_APP,
        "main.py": main.replace(member, "").replace("        from dataclasses import dataclass\n\n", "")
        .replace("        app = FastAPI()\n", "        from store import Member, find_member\n\n        app = FastAPI()\n"),
        "store.py": "from dataclasses import dataclass\n\n\n" + textwrap.dedent(member),
    }
    root = _project(tmp_path / "api", files)
    assert "user" not in (root / "store.py").read_text().lower()
    [step] = _steps(cli, root)
    assert "user: Annotated[Member, Depends(authenticate)]," in step["snippet"] and '"user_id": user.email,' in step["snippet"]
