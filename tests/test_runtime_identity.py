"""Two users signed in over HTTP on the Django and FastAPI fixtures: distinct, stable ids with
their email and name (issue 9). Flask, Express, PHP, Rails and Sinatra have theirs in
tests/backends/test_*_identity.py; Laravel is checked statically only (no Composer packages here)."""

import subprocess
import sys

from conftest import SECRET, copy_app, install_quietly
from identity_checks import AppUser, check_two_users

from intercom_wizard.localserver import BrowserlessClient, free_port, running_server

PY = sys.executable


def test_django_two_users(tmp_path, cli):
    root = copy_app("django_site", tmp_path)
    assert install_quietly(cli, root).exit_code == 0
    subprocess.run([PY, "manage.py", "migrate", "-v", "0"], cwd=root, check=True)

    def sign_in(client: BrowserlessClient, user: AppUser) -> None:
        client.post_form("/accounts/login/", {"username": user.login, "password": user.password}, csrf_from="/accounts/login/")

    def sign_out(client: BrowserlessClient) -> None:
        client.post_form("/accounts/logout/", {}, csrf_from="/")

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

    def sign_in(client: BrowserlessClient, user: AppUser) -> None:
        client.post_form("/login", {"email": user.login, "password": user.password})

    def sign_out(client: BrowserlessClient) -> None:
        client.post_form("/logout", {})

    erin = AppUser("erin@example.com", "reception-desk", "erin@example.com", "Erin Hannon")
    jim = AppUser("jim@example.com", "beet-farm", "jim@example.com", "Jim Halpert")
    port = free_port()
    command = [PY, "-m", "uvicorn", "main:app", "--host", "127.0.0.1", "--port", str(port)]
    with running_server(command, root, port, {"INTERCOM_IDENTITY_SECRET": SECRET}):
        a, b = check_two_users(f"http://127.0.0.1:{port}", SECRET, erin, jim, sign_in, sign_out)
    assert (a["user_id"], b["user_id"]) == ("3", "4")
