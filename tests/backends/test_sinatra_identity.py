"""Sinatra: two users signed in over HTTP get distinct, stable ids with their email and name (issue 9).

sinatra_classic_app keeps users in a Hash (current_user[:id]), sinatra_modular_app in a Struct
(current_user.id); both now have two users.
"""

from conftest import SECRET, copy_app, install_quietly
from identity_checks import AppUser, check_two_users
from intercom_wizard.localserver import BrowserlessClient, free_port, running_server


def _sign_in(client: BrowserlessClient, user: AppUser) -> None:
    client.post_form("/login", {"email": user.login, "password": user.password})


def _sign_out(client: BrowserlessClient) -> None:
    client.post_form("/logout", {})


def test_runtime_classic_app_two_users(tmp_path, cli):
    root = copy_app("sinatra_classic_app", tmp_path)
    assert install_quietly(cli, root).exit_code == 0
    port = free_port()
    command = ["ruby", "app.rb", "-o", "127.0.0.1", "-p", str(port)]
    frank = AppUser("frank@example.com", "rum-ham", "frank@example.com", "Frank Reynolds")
    dee = AppUser("dee@example.com", "bird-of-prey", "dee@example.com", "Dee Reynolds")
    with running_server(command, root, port, {"INTERCOM_IDENTITY_SECRET": SECRET, "APP_ENV": "development"}):
        a, b = check_two_users(f"http://127.0.0.1:{port}", SECRET, frank, dee, _sign_in, _sign_out)
    assert (a["user_id"], b["user_id"]) == ("3", "4")


def test_runtime_modular_app_two_users(tmp_path, cli):
    root = copy_app("sinatra_modular_app", tmp_path)
    assert install_quietly(cli, root).exit_code == 0
    port = free_port()
    command = ["rackup", "-o", "127.0.0.1", "-p", str(port), "config.ru"]
    grace = AppUser("grace@example.com", "cobol-1959", "grace@example.com", "Grace Hopper")
    alan = AppUser("alan@example.com", "enigma-1912", "alan@example.com", "Alan Turing")
    with running_server(command, root, port, {"INTERCOM_IDENTITY_SECRET": SECRET}):
        a, b = check_two_users(f"http://127.0.0.1:{port}", SECRET, grace, alan, _sign_in, _sign_out)
    assert (a["user_id"], b["user_id"]) == ("11", "12")
