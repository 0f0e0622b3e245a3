"""Two users signed in over HTTP on the Django and FastAPI fixtures: distinct, stable ids with
their email and name (issue 9). Flask, Express, PHP, Rails and Sinatra have theirs in
tests/backends/test_*_identity.py; Laravel is checked statically only (no Composer packages here)."""

import subprocess
import sys

from conftest import SECRET, copy_app, install_quietly
from identity_checks import AppUser, check_two_users, form_sign_in_out

from intercom_wizard.localserver import free_port, running_server

PY = sys.executable


def test_django_two_users(tmp_path, cli):
    root = copy_app("django_site", tmp_path)
    assert install_quietly(cli, root).exit_code == 0
    subprocess.run([PY, "manage.py", "migrate", "-v", "0"], cwd=root, check=True)

    sign_in, sign_out = form_sign_in_out("/accounts/login/", "/accounts/logout/", login_field="username", csrf_from=("/accounts/login/", "/"))
    carol = AppUser("carol", "pass-carol-123", "carol@example.com", "Carol Danvers")
    monica = AppUser("monica", "pass-monica-456", "monica@example.com", "Monica Rambeau")
    port = free_port()
    command = [PY, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    with running_server(command, root, port, {"INTERCOM_IDENTITY_SECRET": SECRET}):
        a, b = check_two_users(f"http://127.0.0.1:{port}", SECRET, carol, monica, sign_in, sign_out)
    assert (a["user_id"], b["user_id"]) == ("1", "2"), "Django's pk"


def test_fastapi_session_app_two_users(tmp_path, cli):
    root = copy_app("fastapi_session_app", tmp_path)
    assert install_quietly(cli, root).exit_code == 0

    sign_in, sign_out = form_sign_in_out()
    erin = AppUser("erin@example.com", "reception-desk", "erin@example.com", "Erin Hannon")
    jim = AppUser("jim@example.com", "beet-farm", "jim@example.com", "Jim Halpert")
    port = free_port()
    command = [PY, "-m", "uvicorn", "main:app", "--host", "127.0.0.1", "--port", str(port)]
    with running_server(command, root, port, {"INTERCOM_IDENTITY_SECRET": SECRET}):
        a, b = check_two_users(f"http://127.0.0.1:{port}", SECRET, erin, jim, sign_in, sign_out)
    assert (a["user_id"], b["user_id"]) == ("3", "4")
