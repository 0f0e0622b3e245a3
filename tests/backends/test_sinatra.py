"""Sinatra: a `get` route in the app itself (classic at the top level, modular inside the class).

Both fixture apps run for real on Debian's ruby-sinatra under Puma on 127.0.0.1: the classic one
with `ruby app.rb` and the secret in the environment, the modular one with `rackup` and the secret
read by dotenv from the git-ignored .env the wizard wrote. Sign in through the form, fetch the
token, verify it with PyJWT, sign out. Other shapes are golden before/after cases, each
uninstalled byte for byte and checked with `ruby -c`.
"""

import json
import subprocess
import time
from pathlib import Path

import jwt
import pytest
from conftest import SECRET, WORKSPACE_ID, copy_app, install_and_check_uninstall, install_quietly, line_of, snapshot, write_files

from intercom_wizard.localserver import BrowserlessClient, free_port, running_server

FIXTURES = {
    "sinatra_classic_app": Path(__file__).resolve().parents[1] / "fixtures/sinatra_classic_app",
    "sinatra_modular_app": Path(__file__).resolve().parents[1] / "fixtures/sinatra_modular_app",
}

CLASSIC_ROUTE = '''\
post "/logout" do
  session.clear
  redirect to("/")
end

# Intercom identity verification: a short-lived JWT for the signed-in user, fetched by
# the Messenger script (public/intercom-messenger.js). Added by intercom-wizard; the
# signing secret is read from INTERCOM_IDENTITY_SECRET and never leaves the server.
get "/api/intercom-jwt" do
  content_type :json
  cache_control :no_store
  user = current_user
  # A 401, never a redirect to the sign-in page: the Messenger then boots anonymously.
  halt 401, { error: "Not signed in" }.to_json if user.nil? || user[:id].to_s.empty?

  secret = ENV.fetch("INTERCOM_IDENTITY_SECRET", nil)
  if secret.to_s.empty?
    warn "INTERCOM_IDENTITY_SECRET is not set: cannot sign Intercom identity tokens"
    halt 500, { error: "Identity verification is not configured" }.to_json
  end

  now = Time.now.to_i
  claims = {
    user_id: user[:id].to_s,
    email: user[:email],
    name: user[:name],
    iat: now,
    exp: now + (2 * 60 * 60) # two hours
  }.compact
  { token: JWT.encode(claims, secret, "HS256") }.to_json
end
'''

MODULAR_ROUTE = '''\
  post '/logout' do
    session.clear
    redirect to('/')
  end

  # Intercom identity verification: a short-lived JWT for the signed-in user, fetched by
  # the Messenger script (public/intercom-messenger.js). Added by intercom-wizard; the
  # signing secret is read from INTERCOM_IDENTITY_SECRET and never leaves the server.
  get '/api/intercom-jwt' do
    content_type :json
    cache_control :no_store
    user = current_user
    # A 401, never a redirect to the sign-in page: the Messenger then boots anonymously.
    halt 401, { error: 'Not signed in' }.to_json if user.nil? || user.id.to_s.empty?

    secret = ENV.fetch('INTERCOM_IDENTITY_SECRET', nil)
    if secret.to_s.empty?
      warn 'INTERCOM_IDENTITY_SECRET is not set: cannot sign Intercom identity tokens'
      halt 500, { error: 'Identity verification is not configured' }.to_json
    end

    now = Time.now.to_i
    claims = {
      user_id: user.id.to_s,
      email: user.email,
      name: user.name,
      iat: now,
      exp: now + (2 * 60 * 60) # two hours
    }.compact
    { token: JWT.encode(claims, secret, 'HS256') }.to_json
  end
end
'''










def ruby_syntax_ok(root: Path, *paths: str) -> None:
    """`ruby -c` on each file (Debian's ruby is a test dependency: this never skips)."""
    for path in paths:
        completed = subprocess.run(["ruby", "-c", str(root / path)], capture_output=True, text=True, check=False)
        assert completed.returncode == 0, f"{path}: {completed.stderr}"


# --- the fixture apps --------------------------------------------------------------------------


def test_classic_app_golden(tmp_path, cli):
    root = copy_app("sinatra_classic_app", tmp_path)
    original = snapshot(root)
    result, after = install_and_check_uninstall(cli, root, exit_code=0)
    assert result.exit_code == 0, result.stderr
    changed = {path for path in after if after[path].encode() != original.get(path)}
    assert changed == {"app.rb", "Gemfile", "views/layout.erb", "public/intercom-messenger.js", ".intercom-wizard.json"}
    app = after["app.rb"]
    assert app.startswith('require "sinatra"\nrequire "bcrypt"\nrequire "securerandom"\nrequire "json"\nrequire "jwt"\n\nenable :sessions\n')
    assert app.endswith(CLASSIC_ROUTE), "after the last route, at the top level, like the app's own"
    assert after["Gemfile"].endswith('gem "puma"\n# Signs the Intercom Messenger\'s identity tokens\ngem "jwt", "~> 2.5"\n')
    assert after["views/layout.erb"].endswith(
        '    <main><%= yield %></main>\n    <script src="/intercom-messenger.js" defer></script>\n  </body>\n</html>\n'
    )
    assert "loads no env file" in result.stderr and "bundle install" in result.stderr


def test_modular_app_golden_with_dotenv(tmp_path, cli):
    root = copy_app("sinatra_modular_app", tmp_path)
    original = snapshot(root)
    result, after = install_and_check_uninstall(cli, root, exit_code=0)
    assert result.exit_code == 0, result.stderr
    changed = {path for path in after if after[path].encode() != original.get(path)}
    assert changed == {"app.rb", "Gemfile", "views/layout.erb", "public/intercom-messenger.js", ".env", ".intercom-wizard.json"}
    app = after["app.rb"]
    assert "require 'securerandom'\nrequire 'json'\nrequire 'jwt'\n\nUser = Struct.new" in app, "the file's own quotes"
    assert app.endswith(MODULAR_ROUTE), "inside the class, after its last route"
    assert "gem 'dotenv', '~> 2.4'\n# Signs the Intercom Messenger's identity tokens\ngem 'jwt', '~> 2.5'\n\ngroup :development do" in after["Gemfile"]
    assert after[".env"] == f"INTERCOM_IDENTITY_SECRET='{SECRET}'\n", "dotenv loads .env, which git ignores"
    assert [path for path, data in after.items() if SECRET in data] == [".env"]


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_installed_fixtures_pass_ruby_c(name, tmp_path, cli):
    root = copy_app(name, tmp_path)
    assert install_quietly(cli, root).exit_code == 0
    ruby_syntax_ok(root, "app.rb", "Gemfile")


# --- other shapes (golden) ---------------------------------------------------------------------

PAGE = "<!doctype html>\n<html>\n<body>\n  <%= yield %>\n</body>\n</html>\n"


def test_session_id_without_a_helper(tmp_path, cli):
    write_files(
        tmp_path,
        {
            "app.rb": """
                require "sinatra"

                enable :sessions

                get "/" do
                  erb :index
                end

                post "/login" do
                  account = Account.authenticate(params[:email], params[:password])
                  session[:signed_in] = true
                  session[:account_id] = account.id
                  redirect "/"
                end
            """,
            "views/layout.erb": PAGE,
        },
    )
    result, after = install_and_check_uninstall(cli, tmp_path, exit_code=0)
    assert result.exit_code == 0, result.stderr
    app = after["app.rb"]
    assert "  user = session[:account_id] && { id: session[:account_id] }\n" in app, "the id, never the signed_in flag"
    assert "  claims = {\n    user_id: user[:id].to_s,\n    iat: now,\n" in app, "only the id is known"
    assert "no Gemfile" in result.stderr
    (tmp_path / "check.rb").write_text(app)
    ruby_syntax_ok(tmp_path, "check.rb")


def test_no_sign_in_fails_closed(tmp_path, cli):
    write_files(
        tmp_path,
        {
            "Gemfile": "source 'https://rubygems.org'\ngem 'sinatra'\n",
            # a sign-in the wizard does not recognise:
            "app.rb": "require 'sinatra'\n\nget '/' do\n  erb :index\nend\n\npost '/login' do\n  redirect '/'\nend\n",
            "views/layout.erb": PAGE,
        },
    )
    result, after = install_and_check_uninstall(cli, tmp_path, exit_code=4)
    assert result.exit_code == 4, result.stderr
    app = after["app.rb"]
    assert "  def intercom_signed_in_user\n    nil\n  end\n" in app
    assert "  user = intercom_signed_in_user\n" in app
    line = app.splitlines().index("  def intercom_signed_in_user") + 1
    assert f"intercom_signed_in_user() in app.rb (line {line})" in " ".join(result.stderr.split())
    assert after["Gemfile"] == "source 'https://rubygems.org'\ngem 'sinatra'\n# Signs the Intercom Messenger's identity tokens\ngem 'jwt', '~> 2.5'\n"
    (tmp_path / "check.rb").write_text(after["app.rb"])
    ruby_syntax_ok(tmp_path, "check.rb")


def test_session_key_assigned_a_literal_is_not_an_id(tmp_path, cli):
    write_files(
        tmp_path,
        {
            "Gemfile": "source 'https://rubygems.org'\ngem 'sinatra'\n",
            "app.rb": "require 'sinatra'\n\nenable :sessions\n\npost '/login' do\n  session[:user_id] = 1\n  session[:logged_in] = true\nend\n",
            "views/layout.erb": PAGE,
        },
    )
    result = install_quietly(cli, tmp_path)
    assert result.exit_code == 4, result.stderr
    said = " ".join(result.stderr.split())
    # the lines of app.rb as the install wrote it, below the requires it added
    assert f"app.rb:{line_of((tmp_path / 'app.rb').read_text(), 'session[:user_id] = 1')}: session key 'user_id' is assigned the literal 1" in said
    assert f"app.rb:{line_of((tmp_path / 'app.rb').read_text(), 'session[:logged_in] = true')}: session key 'logged_in' is a flag" in said
    assert "session[:user_id]" not in (tmp_path / "app.rb").read_text().split("get '/api/intercom-jwt'")[1]


def test_modular_app_without_routes_in_a_subfolder(tmp_path, cli):
    write_files(
        tmp_path,
        {
            "Gemfile": 'source "https://rubygems.org"\ngem "sinatra"\n',
            "config.ru": 'require_relative "app/api"\nrun Api\n',
            "app/api.rb": """
                require "sinatra/base"

                class Api < Sinatra::Application
                  helpers do
                    def current_user
                      @current_user ||= Account.find(session[:user_id])
                    end
                  end
                end
            """,
            "app/views/layout.erb": PAGE,
            "spec/app_spec.rb": 'require "sinatra"\n',
        },
    )
    _, after = install_and_check_uninstall(cli, tmp_path, exit_code=0)
    api = after["app/api.rb"]
    assert 'require "sinatra/base"\nrequire "json"\nrequire "jwt"\n' in api
    assert '    helpers do\n' not in api.split("  get \"/api/intercom-jwt\" do")[1], "after the helpers, before the class's end"
    assert api.endswith("    { token: JWT.encode(claims, secret, \"HS256\") }.to_json\n  end\nend\n")
    assert "      email: read.call(:email),\n      name: read.call(:name, :full_name, :display_name, :username),\n" in api, (
        "nothing says what the user is: email and name are read at run time from a Hash or any object"
    )
    assert "app/public/intercom-messenger.js" in after
    assert after["Gemfile"].endswith('gem "jwt", "~> 2.5"\n')
    ruby_syntax_ok(tmp_path, "app/api.rb")


def test_inline_templates_need_a_manual_step(tmp_path, cli):
    write_files(
        tmp_path,
        {
            "app.rb": 'require "sinatra"\n\nget "/" do\n  erb :index\nend\n\npost "/login" do\n  redirect "/"\nend\n\n__END__\n\n@@ layout\n<html><body><%= yield %></body></html>\n\n@@ index\nHi\n',
        },
    )
    result, after = install_and_check_uninstall(cli, tmp_path, exit_code=4)
    assert result.exit_code == 4
    assert "__END__" in result.stderr
    assert after["app.rb"].index('get "/api/intercom-jwt" do') < after["app.rb"].index("__END__")
    (tmp_path / "check.rb").write_text(after["app.rb"])
    ruby_syntax_ok(tmp_path, "check.rb")


# --- the real servers --------------------------------------------------------------------------


def sign_in_and_verify(port: int, credentials: dict[str, str], expected: dict[str, str]) -> list:
    client = BrowserlessClient(f"http://127.0.0.1:{port}")
    replies = [client.get("/")]
    assert "intercom-messenger.js" in replies[0].body

    signed_out = client.get("/api/intercom-jwt", follow=False)
    replies.append(signed_out)
    assert signed_out.status == 401 and json.loads(signed_out.body) == {"error": "Not signed in"}
    assert signed_out.headers.get("Cache-Control") == "no-store"

    replies.append(client.post_form("/login", credentials))
    assert expected["name"] in replies[-1].body
    signed_in = client.get("/api/intercom-jwt", headers={"Accept": "application/json"})
    replies.append(signed_in)
    assert signed_in.status == 200, signed_in.body
    assert signed_in.headers.get("Cache-Control") == "no-store"
    assert signed_in.headers.get("Content-Type", "").startswith("application/json")
    token = json.loads(signed_in.body)["token"]
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"require": ["user_id", "exp", "iat"]})
    assert {k: claims[k] for k in expected} == expected
    assert claims["exp"] - claims["iat"] == 2 * 60 * 60
    assert abs(claims["iat"] - time.time()) < 120, "seconds, not milliseconds"
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, "another-secret-of-the-same-length-but-wrong", algorithms=["HS256"])

    script = client.get("/intercom-messenger.js")
    replies.append(script)
    assert script.status == 200 and f"var APP_ID = '{WORKSPACE_ID}';" in script.body

    replies.append(client.post_form("/logout", {}))
    after_logout = client.get("/api/intercom-jwt", follow=False)
    replies.append(after_logout)
    assert after_logout.status == 401
    return replies


def assert_secret_nowhere(root: Path, replies: list, allowed: list[str]) -> None:
    assert not [r for r in replies if SECRET in r.body or SECRET in str(dict(r.headers.items()))]
    assert [path for path, data in snapshot(root).items() if SECRET.encode() in data] == allowed


def test_runtime_classic_app(tmp_path, cli):
    root = copy_app("sinatra_classic_app", tmp_path)
    assert install_quietly(cli, root).exit_code == 0
    port = free_port()
    command = ["ruby", "app.rb", "-o", "127.0.0.1", "-p", str(port)]
    with running_server(command, root, port, {"INTERCOM_IDENTITY_SECRET": SECRET, "APP_ENV": "development"}):
        replies = sign_in_and_verify(
            port,
            {"email": "frank@example.com", "password": "rum-ham"},
            {"user_id": "3", "email": "frank@example.com", "name": "Frank Reynolds"},
        )
    assert_secret_nowhere(root, replies, [])


def test_runtime_classic_app_without_the_secret_answers_500_and_says_why(tmp_path, cli):
    root = copy_app("sinatra_classic_app", tmp_path)
    assert install_quietly(cli, root).exit_code == 0
    port = free_port()
    log = tmp_path / "server.log"
    command = ["sh", "-c", f"exec ruby app.rb -o 127.0.0.1 -p {port} 2>{log}"]
    with running_server(command, root, port, {"INTERCOM_IDENTITY_SECRET": ""}):
        client = BrowserlessClient(f"http://127.0.0.1:{port}")
        client.post_form("/login", {"email": "frank@example.com", "password": "rum-ham"})
        reply = client.get("/api/intercom-jwt")
        assert reply.status == 500 and json.loads(reply.body) == {"error": "Identity verification is not configured"}
    assert "INTERCOM_IDENTITY_SECRET is not set" in log.read_text()


def test_runtime_modular_app_reads_the_secret_from_dotenv(tmp_path, cli, monkeypatch):
    root = copy_app("sinatra_modular_app", tmp_path)
    assert install_quietly(cli, root).exit_code == 0
    monkeypatch.delenv("INTERCOM_IDENTITY_SECRET", raising=False)  # only .env has it
    port = free_port()
    command = ["rackup", "-o", "127.0.0.1", "-p", str(port), "config.ru"]
    with running_server(command, root, port, {}):
        replies = sign_in_and_verify(
            port,
            {"email": "grace@example.com", "password": "cobol-1959"},
            {"user_id": "11", "email": "grace@example.com", "name": "Grace Hopper"},
        )
    assert_secret_nowhere(root, replies, [".env"])
