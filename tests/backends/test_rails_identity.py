"""Rails 6.1 (Debian's): two users signed in over HTTP get distinct, stable ids (ActiveRecord's
primary key) with their email and name, on the hand-written-login app and the Devise app (issue 9)."""

import os
import subprocess

import pytest
from conftest import SECRET, copy_app, install_quietly
from identity_checks import AppUser, check_two_users
from test_rails import authenticity_token

from intercom_wizard.localserver import BrowserlessClient, free_port, running_server

APPS = {
    "rails_app": ("/login", "email", "password", "/logout",
                  AppUser("erin@example.com", "paper-company", "erin@example.com", "Erin Hannon"),
                  AppUser("oscar@example.com", "accounting-1", "oscar@example.com", "Oscar Martinez")),
    "rails_devise_app": ("/users/sign_in", "user[email]", "user[password]", "/users/sign_out",
                         AppUser("kevin@example.com", "famous-chili", "kevin@example.com", "Kevin Malone"),
                         AppUser("angela@example.com", "sprinkles-cat", "angela@example.com", "Angela Martin")),
}


@pytest.mark.parametrize("fixture", list(APPS))
def test_runtime_two_users_distinct_stable_ids(fixture, tmp_path, cli):
    login_path, email_field, password_field, logout_path, first, second = APPS[fixture]
    root = copy_app(fixture, tmp_path)
    assert install_quietly(cli, root).exit_code == 0
    env = {"RAILS_ENV": "development", "INTERCOM_IDENTITY_SECRET": SECRET}
    setup = subprocess.run(["ruby", "bin/rails", "db:setup"], cwd=root, env={**os.environ, **env}, capture_output=True, text=True, check=False)
    assert setup.returncode == 0, setup.stdout + setup.stderr

    def sign_in(client: BrowserlessClient, user: AppUser) -> None:
        page = client.get(login_path)
        home = client.request(login_path, {"authenticity_token": authenticity_token(page.body), email_field: user.login, password_field: user.password})
        assert user.name in home.body

    def sign_out(client: BrowserlessClient) -> None:
        home = client.get("/")
        client.request(logout_path, {"_method": "delete", "authenticity_token": authenticity_token(home.body)})

    port = free_port()
    command = ["ruby", "bin/rails", "server", "-b", "127.0.0.1", "-p", str(port)]
    with running_server(command, root, port, env, timeout=120):
        a, b = check_two_users(f"http://127.0.0.1:{port}", SECRET, first, second, sign_in, sign_out)
    assert (a["user_id"], b["user_id"]) == ("1", "2")
