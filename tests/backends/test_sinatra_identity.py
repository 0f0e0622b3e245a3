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


FLAG_APP = {
    "Gemfile": 'source "https://rubygems.org"\n\ngem "sinatra", "~> 3.0"\ngem "puma"\n',
    "app.rb": """
        require "sinatra"
        require "securerandom"

        enable :sessions
        set :session_secret, SecureRandom.hex(64)

        MEMBERS = [
          { id: 31, login: "kim", password: "kim-pass-1" },
          { id: 32, login: "lee", password: "lee-pass-2" },
        ].freeze

        get "/" do
          erb :index
        end

        post "/login" do
          member = MEMBERS.find { |m| m[:login] == params[:login] && m[:password] == params[:password] }
          halt 403, "Wrong login" unless member
          session[:logged_in] = true
          session[:member_id] = member[:id]
          redirect to("/")
        end

        post "/logout" do
          session.clear
          redirect to("/")
        end
    """,
    "views/layout.erb": "<!doctype html>\\n<html>\\n<body>\\n<%= yield %>\\n</body>\\n</html>\\n",
    "views/index.erb": "<p><%= session[:logged_in] ? 'Signed in' : 'Visitor' %></p>\\n",
}


def test_session_flag_beside_the_id_two_users(tmp_path, cli):
    """`session[:logged_in] = true` beside `session[:member_id] = member[:id]`, no current_user helper."""
    from conftest import write_files

    write_files(tmp_path, FLAG_APP)
    result = install_quietly(cli, tmp_path)
    assert result.exit_code == 0, result.stderr
    app = (tmp_path / "app.rb").read_text()
    assert "  user = session[:member_id] && { id: session[:member_id] }\n" in app
    assert "logged_in" not in app.split('get "/api/intercom-jwt" do')[1]
    port = free_port()
    command = ["ruby", "app.rb", "-o", "127.0.0.1", "-p", str(port)]

    def sign_in(client: BrowserlessClient, user: AppUser) -> None:
        client.post_form("/login", {"login": user.login, "password": user.password})

    with running_server(command, tmp_path, port, {"INTERCOM_IDENTITY_SECRET": SECRET, "APP_ENV": "development"}):
        a, b = check_two_users(f"http://127.0.0.1:{port}", SECRET, AppUser("kim", "kim-pass-1"), AppUser("lee", "lee-pass-2"), sign_in, _sign_out)
    assert (a["user_id"], b["user_id"]) == ("31", "32")
