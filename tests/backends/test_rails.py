"""Rails: IntercomJwtsController#show, its route, the jwt gem and the script in the layouts.

Two fixtures run for real on Debian's Rails 6.1 (ruby-rails, ruby-devise) under Puma on 127.0.0.1:
tests/fixtures/rails_app (has_secure_password and a hand-written current_user) and
tests/fixtures/rails_devise_app (Devise, with a global `before_action :authenticate_user!`). Sign in
through the form with its authenticity token, fetch the token, verify it with PyJWT, sign out.
Rails 7.1+ (`no_store`), Rails 8's authentication generator, apps with no sign-in and other shapes
are golden before/after cases (those Rails versions are not installable offline here), each
uninstalled byte for byte, and every generated or edited Ruby file passes `ruby -c`.
"""

import json
import os
import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import jwt
import pytest
from conftest import SECRET, WORKSPACE_ID, copy_app, git, install_and_check_uninstall, install_quietly, snapshot, write_files

from intercom_wizard.localserver import BrowserlessClient, free_port, running_server

FIXTURES = {
    "rails_app": Path(__file__).resolve().parents[1] / "fixtures/rails_app",
    "rails_devise_app": Path(__file__).resolve().parents[1] / "fixtures/rails_devise_app",
}
CONTROLLER = "app/controllers/intercom_jwts_controller.rb"

EXPECTED_CONTROLLER = '''\
# frozen_string_literal: true

# Intercom identity verification: a short-lived JWT for the signed-in user.
#
# Added by intercom-wizard. The Messenger script on each page fetches this token
# and boots with it, so Intercom can trust who the user is. The signing secret is
# read from the INTERCOM_IDENTITY_SECRET environment variable and never leaves
# the server.
class IntercomJwtsController < ApplicationController
  TOKEN_LIFETIME = 2.hours

  skip_before_action :require_login, only: :show
  before_action :prevent_caching
  before_action :require_signed_in_user

  def show
    secret = ENV.fetch("INTERCOM_IDENTITY_SECRET", nil)
    if secret.blank?
      logger.error "INTERCOM_IDENTITY_SECRET is not set: cannot sign Intercom identity tokens"
      return render json: { error: "Identity verification is not configured" }, status: :internal_server_error
    end

    render json: { token: JWT.encode(intercom_claims(current_user), secret, "HS256") }
  end

  private

  # The user's primary key; email and name read safely (nil claims are left out). A name of its own:
  # ApplicationController may have a `claims` of its own (token-based sign-in) that its filters call.
  def intercom_claims(user)
    now = Time.current.to_i
    {
      user_id: user.id.to_s,
      email: user.email,
      name: user.name,
      iat: now,
      exp: now + TOKEN_LIFETIME.to_i
    }.compact
  end

  def prevent_caching
    response.headers["Cache-Control"] = "no-store"
  end

  # A 401, never a redirect to the sign-in page: the Messenger then boots anonymously.
  def require_signed_in_user
    render json: { error: "Not signed in" }, status: :unauthorized unless current_user
  end
end
'''










def ruby_syntax_ok(root: Path, *paths: str) -> None:
    """`ruby -c` on each file (Debian's ruby is a test dependency: this never skips)."""
    for path in paths:
        completed = subprocess.run(["ruby", "-c", str(root / path)], capture_output=True, text=True, check=False)
        assert completed.returncode == 0, f"{path}: {completed.stderr}"


# --- the fixture app ---------------------------------------------------------------------------


def test_fixture_install_golden_idempotent_and_uninstalled(tmp_path, cli):
    root = copy_app("rails_app", tmp_path)
    original = snapshot(root)
    dry = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert snapshot(root) == original
    assert SECRET not in dry.stdout + dry.stderr

    result, after = install_and_check_uninstall(cli, root, exit_code=0)
    assert result.exit_code == 0, result.stderr
    changed = {path for path in after if after[path].encode() != original.get(path)}
    assert changed == {
        CONTROLLER,
        "config/routes.rb",
        "Gemfile",
        "app/views/layouts/application.html.erb",
        "public/intercom-messenger.js",
        ".intercom-wizard.json",
    }
    assert after[CONTROLLER] == EXPECTED_CONTROLLER
    assert after["config/routes.rb"] == (
        'Rails.application.routes.draw do\n  root "home#index"\n\n  get "login", to: "sessions#new"\n'
        '  post "login", to: "sessions#create"\n  delete "logout", to: "sessions#destroy"\n'
        '  get "/api/intercom-jwt", to: "intercom_jwts#show"\nend\n'
    )
    # The Gemfile is single-quoted: so is the new gem, after the last top-level gem, not in a group.
    assert "gem 'bcrypt', '~> 3.1.7'\n# Signs the Intercom Messenger's identity tokens\ngem 'jwt', '~> 2.5'\n\ngroup :development" in after["Gemfile"]
    assert after["app/views/layouts/application.html.erb"].endswith(
        '    <%= yield %>\n    <script src="/intercom-messenger.js" defer></script>\n  </body>\n</html>\n'
    )
    assert "var TOKEN_URL = '/api/intercom-jwt';" in after["public/intercom-messenger.js"]
    notes = result.stderr
    assert "bundle install" in notes and "intercom-rails" in notes and "credentials" in notes
    assert "loads no env file" in notes, "Rails reads no .env by itself: the secret is not written anywhere"
    assert not [path for path, data in after.items() if SECRET in data]


def test_generated_ruby_passes_ruby_c(tmp_path, cli):
    root = copy_app("rails_app", tmp_path)
    assert install_quietly(cli, root).exit_code == 0
    ruby_syntax_ok(root, CONTROLLER, "config/routes.rb", "Gemfile")


def test_insecure_variant_writes_escaped_erb(tmp_path, cli):
    root = copy_app("rails_app", tmp_path)
    _, after = install_and_check_uninstall(cli, root, "--insecure", exit_code=0)
    layout = after["app/views/layouts/application.html.erb"]
    assert '<% if current_user %>\n        user_id: "<%= j current_user.id.to_s %>",' in layout
    assert 'name: "<%= j current_user.name %>",' in layout
    assert CONTROLLER not in after


def test_devise_fixture_golden(tmp_path, cli):
    root = copy_app("rails_devise_app", tmp_path)
    result, after = install_and_check_uninstall(cli, root, exit_code=0)
    assert result.exit_code == 0, result.stderr
    controller = after[CONTROLLER]
    # Devise's authenticate_user! would redirect a */* request and drop the no-store header on its 401.
    assert "  skip_before_action :authenticate_user!, only: :show\n  before_action :prevent_caching\n" in controller
    assert "status: :unauthorized unless user_signed_in?\n" in controller and "JWT.encode(intercom_claims(current_user), secret" in controller
    assert "      email: user.email,\n      name: user.name,\n" in controller
    assert after["config/routes.rb"] == (
        'Rails.application.routes.draw do\n  devise_for :users\n\n  root "home#index"\n'
        '  get "/api/intercom-jwt", to: "intercom_jwts#show"\nend\n'
    )
    assert "gem 'devise', '~> 4.8'\n# Signs the Intercom Messenger's identity tokens\ngem 'jwt', '~> 2.5'\n" in after["Gemfile"]
    (tmp_path / "check.rb").write_text(controller)
    ruby_syntax_ok(tmp_path, "check.rb")


# --- other sign-in systems and shapes (golden) -------------------------------------------------

APPLICATION_RB = """
    require_relative "boot"
    require "rails/all"

    module Shop
      class Application < Rails::Application
        config.load_defaults 7.1
      end
    end
"""
LAYOUT = "<!DOCTYPE html>\n<html>\n  <body>\n    <%= yield %>\n  </body>\n</html>\n"


def rails_app(root: Path, *, gemfile: str, routes: str, controller: str = "class ApplicationController < ActionController::Base\nend\n", extra: dict | None = None) -> None:
    write_files(
        root,
        {
            "Gemfile": gemfile,
            "config/application.rb": APPLICATION_RB,
            "config/routes.rb": routes,
            "app/controllers/application_controller.rb": controller,
            "app/views/layouts/application.html.erb": LAYOUT,
            **(extra or {}),
        },
    )


def test_devise_app_uses_user_signed_in_and_skips_the_global_filter(tmp_path, cli):
    rails_app(
        tmp_path,
        gemfile='source "https://rubygems.org"\n\ngem "rails", "~> 7.1.3"\ngem "devise", "~> 4.9"\n',
        routes='Rails.application.routes.draw do\n  devise_for :users\n  root "dashboard#show"\nend\n',
        controller="class ApplicationController < ActionController::Base\n  before_action :authenticate_user!\nend\n",
        extra={
            "db/schema.rb": """
                ActiveRecord::Schema[7.1].define(version: 2024_01_01_000000) do
                  create_table "users", force: :cascade do |t|
                    t.string "email", default: "", null: false
                    t.string "encrypted_password", default: "", null: false
                    t.string "full_name"
                    t.timestamps
                    t.index ["email"], name: "index_users_on_email", unique: true
                  end
                end
            """,
            "app/views/layouts/mailer.html.erb": "<html>\n  <body>\n    <%= yield %>\n  </body>\n</html>\n",
        },
    )
    _, after = install_and_check_uninstall(cli, tmp_path, exit_code=0)
    controller = after[CONTROLLER]
    assert "  skip_before_action :authenticate_user!, only: :show\n  before_action :prevent_caching\n" in controller
    assert "unless user_signed_in?\n" in controller
    assert "JWT.encode(intercom_claims(current_user), secret" in controller
    assert "      email: user.email,\n      name: user.full_name,\n" in controller
    assert "  def prevent_caching\n    no_store\n  end\n" in controller, "Rails 7.1+ has no_store"
    assert after["Gemfile"].endswith('gem "devise", "~> 4.9"\n# Signs the Intercom Messenger\'s identity tokens\ngem "jwt", "~> 2.5"\n')
    assert "intercom-messenger.js" not in after["app/views/layouts/mailer.html.erb"]
    (tmp_path / "check.rb").write_text(controller)
    ruby_syntax_ok(tmp_path, "check.rb")


def test_rails_8_authentication_generator_answers_401_instead_of_redirecting(tmp_path, cli):
    rails_app(
        tmp_path,
        gemfile='source "https://rubygems.org"\n\ngem "rails", "~> 8.0.1"\ngem "bcrypt", "~> 3.1.7"\n',
        routes="Rails.application.routes.draw do\n  resource :session\n  resources :passwords, param: :token\n  root \"home#index\"\nend\n",
        controller="class ApplicationController < ActionController::Base\n  include Authentication\n  allow_browser versions: :modern\nend\n",
        extra={
            "app/controllers/concerns/authentication.rb": """
                module Authentication
                  extend ActiveSupport::Concern

                  included do
                    before_action :require_authentication
                    helper_method :authenticated?
                  end

                  class_methods do
                    def allow_unauthenticated_access(**options)
                      skip_before_action :require_authentication, **options
                    end
                  end

                  private
                    def authenticated?
                      resume_session
                    end

                    def require_authentication
                      resume_session || request_authentication
                    end

                    def resume_session
                      Current.session ||= find_session_by_cookie
                    end
                end
            """,
            "app/models/current.rb": "class Current < ActiveSupport::CurrentAttributes\n  attribute :session\n  delegate :user, to: :session, allow_nil: true\nend\n",
            "db/schema.rb": """
                ActiveRecord::Schema[8.0].define(version: 2025_01_01_000000) do
                  create_table "users", force: :cascade do |t|
                    t.string "email_address", null: false
                    t.string "password_digest", null: false
                    t.datetime "created_at", null: false
                    t.datetime "updated_at", null: false
                  end
                end
            """,
        },
    )
    _, after = install_and_check_uninstall(cli, tmp_path, exit_code=0)
    controller = after[CONTROLLER]
    assert "  allow_unauthenticated_access only: :show\n  before_action :prevent_caching\n  before_action :require_signed_in_user\n" in controller
    assert "unless authenticated?\n" in controller and "JWT.encode(intercom_claims(Current.user), secret" in controller
    assert (
        "      user_id: user.id.to_s,\n      email: user.email_address,\n"
        "      name: %i[name full_name display_name username].lazy.filter_map { |field| user.try(field).presence }.first,\n"
        "      iat: now,\n"
    ) in controller, "no name column: the name is looked up at run time (a method or concern may define it)"
    assert "no_store\n" in controller
    (tmp_path / "check.rb").write_text(controller)
    ruby_syntax_ok(tmp_path, "check.rb", "config/routes.rb")


def test_no_sign_in_fails_closed_with_a_named_adapter(tmp_path, cli):
    rails_app(
        tmp_path,
        gemfile="source 'https://rubygems.org'\ngem 'rails', '6.1.7'\n",
        routes="Rails.application.routes.draw do\n  get '*path', to: 'pages#show'\nend\n",
        extra={"app/views/layouts/admin.html.haml": "%html\n  %body= yield\n", "app/views/sessions/new.html.erb": "<input type=\"password\" name=\"password\">\n"},
    )
    result, after = install_and_check_uninstall(cli, tmp_path, exit_code=4)
    assert result.exit_code == 4, "the Haml layout is a manual step"
    controller = after[CONTROLLER]
    assert "unless signed_in_user\n" in controller and "JWT.encode(intercom_claims(signed_in_user), secret" in controller
    assert "  def signed_in_user\n    nil\n  end\n" in controller
    assert (
        "email: user.try(:email),\n      name: %i[name full_name display_name username].lazy.filter_map { |field| user.try(field).presence }.first,"
    ) in controller, "no schema: attributes read with try, the name through the usual fields"
    line = controller.splitlines().index("  def signed_in_user") + 1
    assert f"signed_in_user() in {CONTROLLER} (line {line})" in " ".join(result.stderr.split())
    assert "response.headers['Cache-Control'] = 'no-store'" in controller, "quotes follow the app's controllers"
    assert "answers 401 for everyone" in result.stderr
    assert "app/views/layouts/admin.html.haml" in result.stderr
    # Before the catch-all, which would otherwise answer for the token path.
    assert after["config/routes.rb"] == (
        "Rails.application.routes.draw do\n  get '/api/intercom-jwt', to: 'intercom_jwts#show'\n  get '*path', to: 'pages#show'\nend\n"
    )
    (tmp_path / "check.rb").write_text(controller)
    ruby_syntax_ok(tmp_path, "check.rb", "config/routes.rb")


def test_empty_routes_block_dotenv_and_active_csp(tmp_path, cli):
    rails_app(
        tmp_path,
        gemfile='source "https://rubygems.org"\n\ngem "rails", "~> 7.0.8"\ngem "dotenv-rails", groups: [:development, :test]\n',
        routes="Rails.application.routes.draw do\nend\n",
        controller="class ApplicationController < ActionController::Base\n  helper_method :current_user\n\n"
        "  def current_user\n    @current_user ||= User.find_by(id: session[:user_id])\n  end\nend\n",
        extra={
            ".gitignore": "/.env\n",
            "config/initializers/content_security_policy.rb": (
                "Rails.application.configure do\n  config.content_security_policy do |policy|\n"
                "    policy.script_src :self\n  end\nend\n"
            ),
        },
    )
    git(tmp_path, "init", "-q")
    result, after = install_and_check_uninstall(cli, tmp_path, exit_code=0)
    assert after["config/routes.rb"] == 'Rails.application.routes.draw do\n  get "/api/intercom-jwt", to: "intercom_jwts#show"\nend\n'
    assert after[".env"] == f"INTERCOM_IDENTITY_SECRET='{SECRET}'\n", "dotenv-rails loads .env, which git ignores"
    assert "response.headers[\"Cache-Control\"] = \"no-store\"" in after[CONTROLLER], "Rails 7.0 has no no_store yet"
    assert "Content Security Policy" in result.stderr


def test_jwt_already_locked_by_another_gem_keeps_its_major_version(tmp_path, cli):
    rails_app(
        tmp_path,
        gemfile='source "https://rubygems.org"\n\ngem "rails", "~> 7.2.0"\ngem "omniauth-google-oauth2"\n',
        routes="Rails.application.routes.draw do\nend\n",
        extra={"Gemfile.lock": "GEM\n  remote: https://rubygems.org/\n  specs:\n    jwt (3.1.2)\n      base64\n    rails (7.2.2)\n"},
    )
    _, after = install_and_check_uninstall(cli, tmp_path, exit_code=4)
    assert after["Gemfile"].endswith('gem "omniauth-google-oauth2"\n# Signs the Intercom Messenger\'s identity tokens\ngem "jwt", "~> 3.1"\n')
    assert "    no_store\n" in after[CONTROLLER], "the locked Rails 7.2 has no_store"


def test_detects_rails_and_not_a_plain_ruby_project(tmp_path, cli):
    write_files(tmp_path, {"Gemfile": 'gem "rack"\n', "config/application.rb": "module X\nend\n", "index.html": "<html><body></body></html>\n"})
    result = cli("detect", str(tmp_path), "--json")
    assert json.loads(result.stdout)["backends"] == []


# --- the real server ---------------------------------------------------------------------------


def authenticity_token(page: str) -> str:
    match = re.search(r'name="authenticity_token" value="([^"]+)"', page)
    assert match, "the form carries Rails' CSRF token"
    return match.group(1)


@dataclass(frozen=True)
class RuntimeSpec:
    fixture: str
    login_path: str
    credentials: dict[str, str]
    logout_path: str
    expected: dict[str, str]


RUNTIME = [
    RuntimeSpec(
        "rails_app",
        "/login",
        {"email": "erin@example.com", "password": "paper-company"},
        "/logout",
        {"user_id": "1", "email": "erin@example.com", "name": "Erin Hannon"},
    ),
    RuntimeSpec(
        "rails_devise_app",
        "/users/sign_in",
        {"user[email]": "kevin@example.com", "user[password]": "famous-chili"},
        "/users/sign_out",
        {"user_id": "1", "email": "kevin@example.com", "name": "Kevin Malone"},
    ),
]


@pytest.mark.parametrize("spec", RUNTIME, ids=lambda s: s.fixture)
def test_runtime_sign_in_token_sign_out(spec, tmp_path, cli):
    root = copy_app(spec.fixture, tmp_path)
    result = install_quietly(cli, root)
    assert result.exit_code == 0, result.stderr
    env = {"RAILS_ENV": "development", "INTERCOM_IDENTITY_SECRET": SECRET}
    setup = subprocess.run(["ruby", "bin/rails", "db:setup"], cwd=root, env={**os.environ, **env}, capture_output=True, text=True, check=False)
    assert setup.returncode == 0, setup.stdout + setup.stderr
    port = free_port()
    command = ["ruby", "bin/rails", "server", "-b", "127.0.0.1", "-p", str(port)]
    with running_server(command, root, port, env, timeout=120):
        client = BrowserlessClient(f"http://127.0.0.1:{port}")
        replies = []

        signed_out = client.get("/api/intercom-jwt", follow=False)
        replies.append(signed_out)
        assert signed_out.status == 401, "signed out: 401, not the app's redirect to the sign-in page"
        assert signed_out.headers.get("Cache-Control") == "no-store"
        assert json.loads(signed_out.body) == {"error": "Not signed in"}
        plain = client.get("/api/intercom-jwt", follow=False, headers={"Accept": "*/*"})
        assert plain.status == 401, "no redirect whatever the Accept header"
        assert client.get("/", follow=False).status == 302, "the app's own pages still redirect to sign in"

        login_page = client.get(spec.login_path)
        replies.append(login_page)
        assert "intercom-messenger.js" in login_page.body
        home = client.request(spec.login_path, {"authenticity_token": authenticity_token(login_page.body), **spec.credentials})
        replies.append(home)
        assert spec.expected["name"] in home.body

        signed_in = client.get("/api/intercom-jwt", headers={"Accept": "application/json"})
        replies.append(signed_in)
        assert signed_in.status == 200, signed_in.body
        assert signed_in.headers.get("Cache-Control") == "no-store"
        token = json.loads(signed_in.body)["token"]
        assert jwt.get_unverified_header(token)["alg"] == "HS256"
        claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"require": ["user_id", "exp", "iat"]})
        assert {k: claims[k] for k in spec.expected} == spec.expected
        assert claims["exp"] - claims["iat"] == 2 * 60 * 60
        assert abs(claims["iat"] - time.time()) < 120, "seconds, not milliseconds"
        with pytest.raises(jwt.InvalidSignatureError):
            jwt.decode(token, "another-secret-of-the-same-length-but-wrong", algorithms=["HS256"])

        script = client.get("/intercom-messenger.js")
        replies.append(script)
        assert script.status == 200 and f"var APP_ID = '{WORKSPACE_ID}';" in script.body

        # button_to renders a form with _method=delete and its own authenticity token.
        logout = client.request(spec.logout_path, {"_method": "delete", "authenticity_token": authenticity_token(home.body)})
        replies.append(logout)
        after_logout = client.get("/api/intercom-jwt", follow=False)
        replies.append(after_logout)
        assert after_logout.status == 401

    assert not [r for r in replies if SECRET in r.body or SECRET in str(dict(r.headers.items()))]
    assert not [path for path, data in snapshot(root).items() if SECRET.encode() in data]
    logs = "".join(p.read_text(errors="replace") for p in (root / "log").glob("*.log"))
    assert SECRET not in logs
