"""Old back-end bands that used to be refused: Sinatra 1.4 on Ruby 2.x, Rails 5.0 on Ruby 2.3, Flask 0.12 on
Python 3.6. Each app is written here in that version's shape (lockfiles of the time, hashrockets, a
`-r` requirements layout, a Dockerfile's Python); the golden diff is in tests/golden/bands/."""

import ast
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from bands import band_diff
from conftest import SECRET, install_quietly, write_files
from identity_checks import AppUser, check_two_users
from test_version_bands import added_file

from intercom_wizard.localserver import free_port, running_server
from intercom_wizard.outputcheck import python_3_7_problems, runtime_annotation_problems
from intercom_wizard.rubycompat import newer_ruby
from intercom_wizard.tree import ProjectTree
from intercom_wizard.versions import language_level

SINATRA_14_LOCK = """\
GEM
  remote: https://rubygems.org/
  specs:
    rack (1.6.13)
    rack-protection (1.5.5)
      rack
    sinatra (1.4.8)
      rack (~> 1.5)
      rack-protection (~> 1.4)
      tilt (>= 1.3, < 3)
    tilt (2.0.10)

PLATFORMS
  ruby

DEPENDENCIES
  sinatra (~> 1.4.5)

BUNDLED WITH
   1.17.3
"""

SINATRA_14_APP = {
    "Gemfile": "source 'https://rubygems.org'\n\ngem 'sinatra', '~> 1.4.5'\n",
    "Gemfile.lock": SINATRA_14_LOCK,
    "config.ru": "require './app'\nrun Shelf\n",
    "app.rb": """\
        require 'sinatra/base'

        # A bookshelf of the Sinatra 1.4 days: a modular app, hashrocket hashes, users kept in memory.
        class Shelf < Sinatra::Base
          enable :sessions
          set :session_secret, ENV['SESSION_SECRET'] || 'shelf-development-secret'

          READERS = [
            { :id => 11, :email => 'ada@example.org', :name => 'Ada', :password => 'engine' },
            { :id => 12, :email => 'grace@example.org', :name => 'Grace', :password => 'cobol' }
          ]

          helpers do
            def current_user
              READERS.detect { |reader| reader[:id] == session[:reader_id] }
            end
          end

          get '/' do
            erb :index
          end

          post '/login' do
            reader = READERS.detect { |r| r[:email] == params[:email] && r[:password] == params[:password] }
            halt 401, erb(:index) unless reader
            session[:reader_id] = reader[:id]
            redirect '/'
          end

          get '/logout' do
            session.clear
            redirect '/'
          end
        end
        """,
    "views/layout.erb": "<!DOCTYPE html>\n<html>\n<head><title>Shelf</title></head>\n<body>\n<%= yield %>\n</body>\n</html>\n",
    "views/index.erb": "<% if current_user %><p>Hello <%= current_user[:name] %></p><% end %>\n",
}


def _route(diff: str) -> str:
    """What the diff adds to app.rb."""
    return diff.split("+++ b/app.rb\n", 1)[1].split("\n--- ", 1)[0]


def test_sinatra_1_4_without_a_declared_ruby_writes_ruby_2_code(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    write_files(tmp_path, SINATRA_14_APP)
    diff = band_diff(cli, tmp_path, "sinatra-1.4")
    assert "}.reject { |_claim, value| value.nil? }" in diff and ".compact" not in _route(diff)
    assert "+gem 'jwt', '~> 2.3.0'" in diff  # jwt 2.4+ needs Ruby 2.5
    # The file as written: valid for ruby -c (the machine's Ruby) and free of anything newer than Ruby 2.2.
    assert install_quietly(cli, tmp_path).exit_code == 0
    written = (tmp_path / "app.rb").read_text()
    checked = subprocess.run(["ruby", "-c", str(tmp_path / "app.rb")], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    assert newer_ruby(written, (2, 2, 0), active_support=False) == []


def test_sinatra_1_4_shaped_app_runs_on_debians_sinatra_with_two_users(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """Sinatra 1.4 is not installable here (Debian packages 3.x): the Ruby-2 form of the route runs on
    Debian's Sinatra and Ruby 3 instead, which is what this can prove (the 1.4 API it uses is the same)."""
    write_files(tmp_path, SINATRA_14_APP)
    assert install_quietly(cli, tmp_path).exit_code == 0
    port = free_port()
    command = ["rackup", "-o", "127.0.0.1", "-p", str(port), "config.ru"]
    # Rack 2's cookie sessions want a 64-byte secret; the app reads it from the environment.
    with running_server(command, tmp_path, port, {"INTERCOM_IDENTITY_SECRET": SECRET, "SESSION_SECRET": "s" * 64}):
        ada, grace = check_two_users(
            f"http://127.0.0.1:{port}", SECRET,
            AppUser("ada@example.org", "engine", "ada@example.org"), AppUser("grace@example.org", "cobol", "grace@example.org"),
            lambda client, user: client.post_form("/login", {"email": user.login, "password": user.password}),
            lambda client: client.get("/logout"),
        )
    assert (ada["user_id"], grace["user_id"]) == ("11", "12")


def test_sinatra_2_on_a_declared_ruby_2_3_takes_the_old_forms_too(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    write_files(tmp_path, SINATRA_14_APP | {"Gemfile.lock": SINATRA_14_LOCK.replace("sinatra (1.4.8)", "sinatra (2.0.8)"), ".ruby-version": "2.3.8\n"})
    result = install_quietly(cli, tmp_path, "--dry-run")
    assert result.exit_code == 0, result.output
    assert ".reject { |_claim, value| value.nil? }" in result.stdout and "'~> 2.3.0'" in result.stdout


def test_sinatra_on_ruby_3_keeps_hash_compact(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    write_files(tmp_path, SINATRA_14_APP | {"Gemfile.lock": SINATRA_14_LOCK.replace("sinatra (1.4.8)", "sinatra (3.0.6)"), ".ruby-version": "3.1.2\n"})
    result = install_quietly(cli, tmp_path, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "}.compact" in result.stdout and ".reject {" not in result.stdout and "'~> 2.5'" in result.stdout


def test_sinatra_below_1_4_and_ruby_below_2_2_are_refused(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    write_files(tmp_path, SINATRA_14_APP | {"Gemfile.lock": SINATRA_14_LOCK.replace("sinatra (1.4.8)", "sinatra (1.3.6)"), ".ruby-version": "2.1.10\n"})
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    result = install_quietly(cli, tmp_path)
    assert result.exit_code == 2
    message = " ".join(result.stderr.split())
    assert "Sinatra 1.3.6 (locked: Gemfile.lock) is outside the supported range >= 1.4, < 5.0" in message
    assert "Ruby 2.1.10 (declared: .ruby-version) is outside the supported range >= 2.2" in message
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def _rails_5_0(root: Path) -> None:
    """The Devise fixture as a Rails 5.0 app on Ruby 2.3 (a lockfile of the time; no schema, so the
    user's name is read at run time)."""
    (root / "db/schema.rb").unlink()
    gemfile = (root / "Gemfile").read_text().replace("gem 'rails', '~> 6.1.7'", "ruby '2.3.1'\ngem 'rails', '~> 5.0.0'")
    write_files(
        root,
        {
            "Gemfile": gemfile.replace("gem 'devise', '~> 4.8'", "gem 'devise', '~> 4.2'"),
            ".ruby-version": "2.3.1\n",
            "Gemfile.lock": """\
                GEM
                  remote: https://rubygems.org/
                  specs:
                    activesupport (5.0.7.2)
                    devise (4.2.1)
                    rails (5.0.7.2)
                      activesupport (= 5.0.7.2)

                PLATFORMS
                  ruby

                DEPENDENCIES
                  devise (~> 4.2)
                  rails (~> 5.0.0)

                RUBY VERSION
                   ruby 2.3.1p112

                BUNDLED WITH
                   1.17.3
                """,
        },
    )


def test_rails_5_0_on_ruby_2_3(app_copy: Callable[..., Path], cli) -> None:  # type: ignore[no-untyped-def]
    root = app_copy("rails_devise_app")
    _rails_5_0(root)
    diff = band_diff(cli, root, "rails-5.0-ruby-2.3")
    controller = added_file(diff, "app/controllers/intercom_jwts_controller.rb")
    assert "filter_map" not in controller and ".map { |field| user.try(field).presence }.compact.first" in controller
    assert 'response.headers["Cache-Control"] = "no-store"' in controller
    assert "+gem 'jwt', '~> 2.3.0'" in diff
    notes = " ".join(install_quietly(cli, root, "--dry-run").stderr.split())
    assert "Rails.application.secrets.intercom_identity_secret" in notes and "credentials:edit" not in notes  # credentials are Rails 5.2+
    assert newer_ruby(controller, (2, 3, 1), active_support=True) == []  # Hash#compact comes from ActiveSupport 5.0


def test_flask_0_12_on_python_3_6(app_copy: Callable[..., Path], cli) -> None:  # type: ignore[no-untyped-def]
    root = app_copy("flask_login_app")
    (root / "pyproject.toml").unlink()
    write_files(
        root,
        {
            # The layout of its day: requirements.txt includes per-environment files, Docker pins the Python.
            "requirements.txt": "-r requirements/common.txt\n",
            "requirements/common.txt": "Flask==0.12.5\nFlask-Login==0.4.1\npython-dotenv==0.10.5\n",
            "Dockerfile": "FROM python:3.6-alpine\nCOPY . /app\nRUN pip install -r /app/requirements.txt\n",
        },
    )
    diff = band_diff(cli, root, "flask-0.12-python-3.6")
    module = added_file(diff, "intercom_jwt.py")
    assert '@bp.route("/api/intercom-jwt", methods=["GET"])' in module and "@bp.get(" not in module
    assert "+PyJWT>=2.0,<2.4" in diff  # PyJWT 2.4 dropped Python 3.6
    parsed = ast.parse(module, feature_version=(3, 6))
    assert python_3_7_problems(parsed, (3, 6)) == [] and runtime_annotation_problems(parsed, (3, 6)) == []


def test_flask_below_python_3_6_is_refused(app_copy: Callable[..., Path], cli) -> None:  # type: ignore[no-untyped-def]
    root = app_copy("flask_login_app")
    (root / "pyproject.toml").unlink()  # its requires-python would outrank the Dockerfile
    write_files(root, {"requirements.txt": "Flask==1.1.4\nFlask-Login==0.5.0\n", "Dockerfile": "FROM python:3.5-slim\n"})
    result = install_quietly(cli, root)
    assert result.exit_code == 2
    assert "Python 3.5.0 (declared: Dockerfile FROM python:3.5) is outside the supported range >= 3.6" in " ".join(result.stderr.split())


def test_flask_login_before_0_3_is_refused(app_copy: Callable[..., Path], cli) -> None:  # type: ignore[no-untyped-def]
    """Flask-Login 0.2's `is_authenticated()` is a method: `if not current_user.is_authenticated` would pass
    for every visitor, so the endpoint would sign anonymous users. Refused, nothing changed."""
    root = app_copy("flask_login_app")
    (root / "pyproject.toml").unlink()
    write_files(root, {"requirements.txt": "Flask==0.12.5\nFlask-Login==0.2.11\n"})
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    result = install_quietly(cli, root)
    assert result.exit_code == 2
    message = " ".join(result.stderr.split())
    assert "Flask-Login 0.2.11 (locked: requirements.txt ==0.2.11) is outside the supported range >= 0.3" in message
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize(
    ("files", "level"),
    [
        ({"Dockerfile": "FROM python:3.6-alpine\n"}, "3.6.0"),
        # A Dockerfile is the weakest declaration: any other one in the folder outranks it.
        ({"Dockerfile": "FROM python:3.6-alpine\n", ".python-version": "3.11.4\n"}, "3.11.4"),
        ({"Dockerfile": "FROM python:3.6-alpine\n", "runtime.txt": "python-3.10.13\n"}, "3.10.13"),
        ({"Dockerfile": "FROM python:3.6\n", "setup.py": "from setuptools import setup\nsetup(name='x', python_requires='>=3.7')\n"}, "3.7.0"),
        ({"setup.cfg": "[options]\npython_requires = >=3.8\n"}, "3.8.0"),
        # Declarations still take the lowest of themselves: the code must run on each.
        ({".python-version": "3.12.1\n", "runtime.txt": "python-3.9.18\n"}, "3.9.18"),
    ],
)
def test_python_level_evidence_and_its_precedence(tmp_path: Path, files: dict[str, str], level: str) -> None:
    write_files(tmp_path, files)
    found = language_level(ProjectTree(tmp_path), "", "python")
    assert found is not None and found.text == level


@pytest.mark.parametrize(
    ("code", "level", "expected"),
    [
        ("user&.email\n", (2, 2, 0), "safe navigation (&.) needs Ruby 2.3"),
        ("{ a: nil }.compact\n", (2, 3, 1), "Hash#compact needs Ruby 2.4"),
        ("[1].filter_map { |x| x }\n", (2, 6, 0), "Enumerable#filter_map needs Ruby 2.7"),
        ("1.then { |x| x }\n", (2, 5, 0), "Kernel#then needs Ruby 2.6"),
        ("{ a: 1 }.transform_keys(&:to_s)\n", (2, 4, 0), "Hash#transform_keys needs Ruby 2.5"),
        ("[1].map { _1 + 1 }\n", (2, 6, 0), "a numbered block parameter (_1) needs Ruby 2.7"),
        ("def sq(x) = x * x\n", (2, 7, 0), "an endless method (def name(...) = ...) needs Ruby 3.0"),
        ("x = 1\n{ x: }\n", (3, 0, 0), "hash shorthand ({key:}) needs Ruby 3.1"),
    ],
)
def test_ruby_feature_check_names_what_is_too_new(code: str, level: tuple[int, int, int], expected: str) -> None:
    problems = newer_ruby(code, level, active_support=False)
    assert len(problems) == 1 and expected in problems[0]
    assert newer_ruby(code, (3, 4, 0), active_support=False) == []  # fine on a Ruby that has it


def test_ruby_feature_check_allows_what_active_support_adds_and_array_compact() -> None:
    assert newer_ruby("{ a: nil }.compact\n{ a: 1 }.transform_keys(&:to_s)\n", (2, 3, 1), active_support=True) == []
    assert newer_ruby("[1, nil].compact\n[1].map { |x| x }\n", (2, 2, 0), active_support=False) == []


def test_python_3_6_check_finds_what_3_7_added() -> None:
    module = ast.parse("from __future__ import annotations\nimport dataclasses\nfrom contextvars import ContextVar\n")
    problems = python_3_7_problems(module, (3, 6))
    assert [p.split(":", 1)[0] for p in problems] == ["line 1", "line 2", "line 3"] and all("needs Python 3.7" in p for p in problems)
    assert python_3_7_problems(module, (3, 7)) == []


def test_classic_entry_that_only_loads_route_files_gets_the_route_in_the_busiest_one(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """A Sinatra 1.4 classic app whose main file requires `routes/*.rb` and keeps its user in a class
    variable (no session, no helper): the route joins the loaded file with the most routes, fails closed,
    and the install is incomplete (exit 4) with the helper to fill in, not a crash."""
    write_files(
        tmp_path,
        {
            "Gemfile": "source 'https://rubygems.org'\ngem 'sinatra', '~> 1.4.5'\n",
            "Gemfile.lock": SINATRA_14_LOCK,
            "notes.rb": "require 'sinatra'\n\nrequire_relative 'routes/accounts'\nrequire_relative 'routes/notes'\n",
            "routes/accounts.rb": (
                "before do\n  @@member ||= nil\nend\n\npost '/login' do\n  @@member = params[:name] if params[:password] == 'letmein'\n"
                "  redirect '/'\nend\n\nget '/logout' do\n  @@member = nil\n  redirect '/'\nend\n"
            ),
            "routes/notes.rb": "get '/' do\n  erb :index\nend\n\nget '/notes/:id' do\n  erb :note\nend\n\npost '/notes' do\n  redirect '/'\nend\n",
            "views/layout.erb": "<html>\n<body>\n<%= yield %>\n</body>\n</html>\n",
        },
    )
    result = install_quietly(cli, tmp_path)
    assert result.exit_code == 4, result.output
    notes = (tmp_path / "routes/notes.rb").read_text()
    assert "get '/api/intercom-jwt' do" in notes and "def intercom_signed_in_user" in notes
    assert "intercom_signed_in_user() in routes/notes.rb" in " ".join(result.stderr.split())
    assert "require 'jwt'" in (tmp_path / "notes.rb").read_text() and "api/intercom-jwt" not in (tmp_path / "routes/accounts.rb").read_text()

