"""FastAPI: user_id only from evidence (issue 9).

fastapi_bearer_api is FastAPI's own OAuth2 tutorial shape: the User model has no id, only a username
that is the key of the users dict (unique by construction). That username is the user_id, with a
warning. The same app with a list of users (nothing declares the username unique) is incomplete:
the adapter answers 401 and a manual step names intercom_jwt.py, signed_in_user_claims and its line.
A session app that keeps only a flag is incomplete too.
"""

import json

from conftest import WORKSPACE_ID, copy_app, line_of, write_files

BEARER_OPTIONS = ("--token-storage-key", "access_token")


def test_username_keyed_users_dict_is_the_id_with_a_warning(tmp_path, cli):
    root = copy_app("fastapi_bearer_api", tmp_path)
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install", *BEARER_OPTIONS)
    assert result.exit_code == 0, result.stderr
    assert '"user_id": user.username,' in (root / "app/intercom_jwt.py").read_text()
    assert "User has no id, so Intercom's user_id is its username, which the app keeps unique" in " ".join(result.stderr.split())


def test_username_not_declared_unique_is_no_evidence(tmp_path, cli):
    root = copy_app("fastapi_bearer_api", tmp_path, commit=False)
    main = root / "app/main.py"
    text = main.read_text()
    start = text.index("users_db = {")
    end = text.index("}\n", start) + 2
    main.write_text(
        text[:start]
        + 'users_db = [\n    UserInDB(username="frank", email="frank@example.com", full_name="Frank Grimes", hashed_password=hash_password("hard-working")),\n]\n'
        + text[end:]
    )
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install", "--json", *BEARER_OPTIONS)
    assert result.exit_code == 4, result.stderr
    module = (root / "app/intercom_jwt.py").read_text()
    assert "user.username" not in module
    [step] = [s for s in json.loads(result.stdout)["manual_steps"] if s["file"] == "app/intercom_jwt.py"]
    line = next(n for n, text in enumerate(module.splitlines(), 1) if text.startswith(("def signed_in_user_claims(", "async def signed_in_user_claims(")))
    assert f"signed_in_user_claims() in app/intercom_jwt.py (line {line})" in step["instruction"]
    assert "no username or email the app declares unique" in step["instruction"]


def test_session_flag_only_is_incomplete(tmp_path, cli):
    write_files(
        tmp_path,
        {
            "requirements.txt": "fastapi\nitsdangerous\n",
            "main.py": """
                from fastapi import FastAPI, Request
                from starlette.middleware.sessions import SessionMiddleware

                app = FastAPI()
                app.add_middleware(SessionMiddleware, secret_key="dev")


                @app.post("/login")
                def login(request: Request) -> dict:
                    request.session["user_logged_in"] = True
                    request.session["username"] = request.query_params["name"]
                    return {"ok": True}
            """,
        },
    )
    result = cli("install", str(tmp_path), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install", "--json")
    assert result.exit_code == 4, result.stderr
    said = result.stdout
    flag = line_of((tmp_path / "main.py").read_text(), 'request.session["user_logged_in"] = True')  # as the install wrote main.py
    assert f"main.py:{flag}: session key 'user_logged_in' is a flag" in said
    assert "user_logged_in" not in (tmp_path / "intercom_jwt.py").read_text()
