"""Back-end shapes measured on the real-app corpus (docs/corpus.md), each as a minimal project of our own.

Every test here reproduces one failure class seen on a public app: the shape is written from
scratch (never copied), and the assertion is what the wizard must do with it.
"""

import json
import shutil
import textwrap
from pathlib import Path

import pytest
from conftest import WORKSPACE_ID, git, install_and_check_uninstall, snapshot, write_files

from intercom_wizard.localserver import BrowserlessClient, free_port, running_server


def _project(root: Path, files: dict[str, str]) -> Path:
    write_files(root, files)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "shape")
    return root


def _backends(cli, root: Path) -> list[dict]:
    result = cli("detect", str(root), "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["backends"]


def _dry_run(cli, root: Path, *extra: str) -> tuple[int, dict]:
    before = snapshot(root)
    result = cli("install", str(root), "--dry-run", "--yes", "--workspace-id", WORKSPACE_ID, "--json", *extra)
    assert snapshot(root) == before
    return result.exit_code, json.loads(result.stdout)


# --- Django ----------------------------------------------------------------------------------

STARTPROJECT_MANAGE = """
    import os
    import sys


    def main():
        os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shelf.settings')
        from django.core.management import execute_from_command_line
        execute_from_command_line(sys.argv)


    if __name__ == '__main__':
        main()
"""
SINGLE_QUOTED_SETTINGS = """
    INSTALLED_APPS = [
        'django.contrib.auth',
        'django.contrib.contenttypes',
        'django.contrib.sessions',
        'django.contrib.staticfiles',
        'books',
    ]
    ROOT_URLCONF = 'shelf.urls'
    STATIC_URL = 'static/'
"""
URLS = """
    from django.urls import include, path

    urlpatterns = [
        path('', lambda request: None),
        path('accounts/', include('django.contrib.auth.urls')),
    ]
"""
LAYOUT = """
    <!DOCTYPE html>
    <html>
    <body>
      {% if user.is_authenticated %}<a href="{% url 'logout' %}">Sign out</a>{% endif %}
      {% block content %}{% endblock %}
    </body>
    </html>
"""


def test_django_startproject_single_quotes_is_detected_and_routed(tmp_path, cli):
    """Older `django-admin startproject` writes single-quoted strings in manage.py and settings."""
    root = _project(
        tmp_path,
        {
            "manage.py": STARTPROJECT_MANAGE,
            "requirements.txt": "Django>=4.2\n",
            "shelf/__init__.py": "",
            "shelf/settings.py": SINGLE_QUOTED_SETTINGS,
            "shelf/urls.py": URLS,
            "books/__init__.py": "",
            "books/models.py": "",
            "books/templates/base.html": LAYOUT,
        },
    )
    [django] = _backends(cli, root)
    assert django["name"] == "django"
    code, plan = _dry_run(cli, root)
    assert code == 0, plan["manual_steps"]
    paths = {c["path"] for c in plan["changes"]}
    assert {"shelf/intercom_jwt.py", "shelf/urls.py", "books/static/intercom-messenger.js", "books/templates/base.html"} <= paths


def test_django_settings_package_reads_the_star_imported_base(tmp_path, cli):
    """settings/dev.py star-imports settings/base.py, which holds ROOT_URLCONF and INSTALLED_APPS."""
    root = _project(
        tmp_path,
        {
            "manage.py": STARTPROJECT_MANAGE.replace("shelf.settings", "shelf.settings.dev"),
            "requirements.txt": "Django>=4.2\n",
            "shelf/__init__.py": "",
            "shelf/settings/__init__.py": "",
            "shelf/settings/base.py": """
                OWN_APPS = ["books"]
                INSTALLED_APPS = [
                    "django.contrib.auth",
                    "django.contrib.sessions",
                    "django.contrib.staticfiles",
                    *OWN_APPS,
                ]
                MIDDLEWARE = [
                    "django.contrib.sessions.middleware.SessionMiddleware",
                ]
                ROOT_URLCONF = "shelf.urls"
            """,
            "shelf/settings/dev.py": "from .base import *  # noqa\n\nDEBUG = True\n",
            "shelf/urls.py": URLS,
            "books/__init__.py": "",
            "books/models.py": "",
            "books/templates/base.html": LAYOUT,
        },
    )
    code, plan = _dry_run(cli, root, "--frontend-origin", "http://localhost:5173")
    assert code == 0, plan["manual_steps"]
    paths = {c["path"] for c in plan["changes"]}
    assert {"shelf/intercom_jwt.py", "shelf/urls.py", "books/static/intercom-messenger.js"} <= paths
    assert "shelf/settings/base.py" in paths, "CORS goes where INSTALLED_APPS is written, not into dev.py"
    assert "shelf/settings/dev.py" not in paths


def test_django_settings_module_named_only_in_wsgi(tmp_path, cli):
    """manage.py reads the module from the environment; wsgi.py names it."""
    root = _project(
        tmp_path,
        {
            "manage.py": "import sys\nfrom django.core.management import execute_from_command_line\nexecute_from_command_line(sys.argv)\n",
            "shelf/__init__.py": "",
            "shelf/wsgi.py": "import os\nos.environ['DJANGO_SETTINGS_MODULE'] = 'shelf.conf'\n",
            "shelf/conf.py": SINGLE_QUOTED_SETTINGS,
            "shelf/urls.py": URLS,
            "books/__init__.py": "",
            "books/models.py": "",
        },
    )
    [django] = _backends(cli, root)
    assert django["evidence"][0] == "shelf/wsgi.py: DJANGO_SETTINGS_MODULE=shelf.conf"


def test_drf_classes_set_per_view_are_the_token_views_classes(tmp_path, cli):
    """No DEFAULT_AUTHENTICATION_CLASSES: a shared mixin sets them; the token view must use the same ones."""
    root = _project(
        tmp_path,
        {
            "manage.py": STARTPROJECT_MANAGE,
            "requirements.txt": "Django>=4.2\n",
            "shelf/__init__.py": "",
            "shelf/settings.py": textwrap.dedent(SINGLE_QUOTED_SETTINGS).replace("'books',", "'books',\n    'rest_framework',")
            + "REST_FRAMEWORK = {'DEFAULT_AUTHENTICATION_CLASSES': []}\n",
            "shelf/urls.py": URLS + "urlpatterns += []\n",
            "books/__init__.py": "",
            "books/models.py": "",
            "books/auth.py": """
                from rest_framework.authentication import BaseAuthentication, SessionAuthentication
                from rest_framework_simplejwt.authentication import JWTAuthentication


                class QuietSessionAuthentication(SessionAuthentication):
                    def enforce_csrf(self, request):
                        return


                class ApiMixin:
                    authentication_classes = [QuietSessionAuthentication, JWTAuthentication]
            """,
        },
    )
    code, plan = _dry_run(cli, root)
    assert code == 0, plan["manual_steps"]
    view = next(c for c in plan["changes"] if c["path"] == "shelf/intercom_jwt.py")
    diff = plan["diff"]
    assert view and "@authentication_classes([QuietSessionAuthentication, JWTAuthentication])" in diff
    assert "from books.auth import QuietSessionAuthentication" in diff
    assert "from rest_framework_simplejwt.authentication import JWTAuthentication" in diff
    assert "renders no HTML pages" in " ".join(n["text"] if isinstance(n, dict) else str(n) for n in plan["notes"])


# --- Rails -----------------------------------------------------------------------------------

RAILS_BASE = {
    "Gemfile": 'source "https://rubygems.org"\n\ngem "rails", "~> 7.1.0"\n',
    "config/application.rb": """
        require_relative "boot"
        require "rails/all"

        module Depot
          class Application < Rails::Application
            config.load_defaults 7.1
          end
        end
    """,
    "config/routes.rb": 'Rails.application.routes.draw do\n  root "home#index"\nend\n',
    "app/views/layouts/application.html.erb": "<!DOCTYPE html>\n<html>\n<body>\n<%= yield %>\n</body>\n</html>\n",
}


def _controller(plan: dict) -> str:
    return plan["diff"].split("+++ b/app/controllers/intercom_jwts_controller.rb", 1)[1].split("\n--- ", 1)[0]


def test_rails_api_only_renders_no_pages(tmp_path, cli):
    files = RAILS_BASE | {
        "config/application.rb": RAILS_BASE["config/application.rb"].replace("7.1\n", "7.1\n    config.api_only = true\n"),
        "app/controllers/application_controller.rb": "class ApplicationController < ActionController::API\nend\n",
        "app/views/layouts/mailer.html.erb": "<html><body><%= yield %></body></html>\n",
    }
    del files["app/views/layouts/application.html.erb"]
    code, plan = _dry_run(cli, _project(tmp_path, files))
    assert code == 0, plan["manual_steps"]
    assert not any(c["path"].startswith("public/") or "layouts" in c["path"] for c in plan["changes"])


def test_rails_current_attributes_user_is_the_signed_in_user(tmp_path, cli):
    """A CurrentAttributes model whose session is set by the app's own filter (not the generator's concern)."""
    files = RAILS_BASE | {
        "app/models/current.rb": "class Current < ActiveSupport::CurrentAttributes\n  attribute :session\n  delegate :user, to: :session, allow_nil: true\nend\n",
        "app/controllers/application_controller.rb": """
            class ApplicationController < ActionController::Base
              before_action :restore_visit

              private

              def restore_visit
                Current.session = Visit.find_by(token: cookies.signed[:visit])
              end
            end
        """,
    }
    root = _project(tmp_path, files)
    assert _backends(cli, root)[0]["auth"] == "current-attributes"
    code, plan = _dry_run(cli, root)
    assert code == 0
    controller = _controller(plan)
    assert "intercom_claims(Current.user)" in controller and "skip_before_action :restore_visit" not in controller


def test_rails_instance_variable_set_by_before_action(tmp_path, cli):
    """`@current_user` found by a before_action (token APIs): used as the user, and that filter is not skipped."""
    files = RAILS_BASE | {
        "app/controllers/application_controller.rb": """
            class ApplicationController < ActionController::Base
              before_action :authenticate_member

              private

              def authenticate_member
                @current_user = Member.find_by(api_key: request.headers["X-Key"])
                head :unauthorized unless @current_user
              end
            end
        """,
    }
    root = _project(tmp_path, files)
    assert _backends(cli, root)[0]["auth"] == "instance-variable"
    controller = _controller(_dry_run(cli, root)[1])
    assert "intercom_claims(@current_user)" in controller
    assert "skip_before_action :authenticate_member" not in controller


def test_rails_attr_reader_current_user_keeps_its_setter_filter(tmp_path, cli):
    files = RAILS_BASE | {
        "app/controllers/application_controller.rb": """
            class ApplicationController < ActionController::Base
              before_action :authenticate_request
              attr_reader :current_user

              private

              def authenticate_request
                @current_user = Member.from_token(request.headers["Authorization"])
              end
            end
        """,
    }
    controller = _controller(_dry_run(cli, _project(tmp_path, files))[1])
    assert "intercom_claims(current_user)" in controller
    assert "skip_before_action :authenticate_request" not in controller


def test_devise_with_an_overridden_current_user_asks_warden(tmp_path, cli):
    """`current_user` falling back to a guest would make Devise's user_signed_in? true for everyone."""
    files = RAILS_BASE | {
        "Gemfile": RAILS_BASE["Gemfile"] + 'gem "devise"\n',
        "config/routes.rb": 'Rails.application.routes.draw do\n  devise_for :users\n  root "home#index"\nend\n',
        "app/controllers/application_controller.rb": """
            class ApplicationController < ActionController::Base
              def current_user
                super || Guest.new
              end
            end
        """,
    }
    controller = _controller(_dry_run(cli, _project(tmp_path, files))[1])
    assert "intercom_claims(warden.authenticate(scope: :user))" in controller
    assert "user_signed_in?" not in controller


@pytest.mark.parametrize("folder", ["app/controllers/concerns/authentication.rb", "app/controllers/concerns/session_guard.rb"])
def test_rails_8_authentication_generator_in_any_concern(folder, tmp_path, cli):
    files = RAILS_BASE | {
        folder: """
            module Authentication
              extend ActiveSupport::Concern

              private

              def authenticated?
                resume_session
              end

              def require_authentication
                resume_session || redirect_to(new_session_path)
              end

              def resume_session
                Current.session ||= Session.find_by(id: cookies.signed[:session_id])
              end
            end
        """,
        "app/models/current.rb": "class Current < ActiveSupport::CurrentAttributes\n  attribute :session\n  delegate :user, to: :session, allow_nil: true\nend\n",
    }
    root = _project(tmp_path, files)
    assert _backends(cli, root)[0]["auth"] == "rails-authentication"
    assert "intercom_claims(Current.user)" in _controller(_dry_run(cli, root)[1])


# --- Flask and Python dependency files -------------------------------------------------------


def test_flask_layout_with_an_implicitly_closed_body_gets_the_script(tmp_path, cli):
    """The Flask tutorial's base template omits </body> and </html> (valid HTML): the tag ends the document."""
    root = _project(
        tmp_path,
        {
            "requirements.txt": "flask\n",
            "notes/__init__.py": "from flask import Flask\n\n\ndef create_app():\n    app = Flask(__name__)\n    return app\n",
            "notes/templates/base.html": "<!doctype html>\n<title>{% block title %}{% endblock %}</title>\n<main>{% block content %}{% endblock %}</main>\n",
            "notes/templates/index.html": "{% extends 'base.html' %}\n",
        },
    )
    result, after = install_and_check_uninstall(cli, root, exit_code=0)
    assert after["notes/templates/base.html"].endswith(
        "</main>\n<script src=\"{{ url_for('static', filename='intercom-messenger.js') }}\" defer></script>\n"
    )


def test_flask_jwt_api_without_templates_needs_no_token_storage_key_and_sends_its_header_type(tmp_path, cli):
    """A JSON API with Flask-JWT-Extended renders no pages: no question about the front end's token storage."""
    app = """
        from flask import Flask, jsonify
        from flask_jwt_extended import JWTManager, create_access_token

        app = Flask(__name__)
        app.config["JWT_SECRET_KEY"] = "dev"
        app.config["JWT_HEADER_TYPE"] = "JWT"
        jwt = JWTManager(app)


        @app.post("/login")
        def login():
            return jsonify(access_token=create_access_token(identity="1"))
    """
    root = _project(tmp_path, {"app.py": app})
    code, plan = _dry_run(cli, root)
    assert code == 4 and plan["status"] != "error"
    assert not any(c["path"].endswith("intercom-messenger.js") for c in plan["changes"])
    created = next(c for c in plan["changes"] if c["path"] == "requirements.txt")
    assert created["action"] == "create", "no dependency file: a new requirements.txt declares PyJWT"
    # With pages in the same app, the scheme the front end sends is the one JWT_HEADER_TYPE names.
    write_files(root, {"templates/index.html": "<!doctype html>\n<html><body><script>localStorage.getItem('access_token'); fetch('/api', {headers: {Authorization: 'JWT ' + t}})</script></body></html>\n"})
    code, plan = _dry_run(cli, root, "--allow-dirty", "--token-storage-key", "access_token")
    script = plan["diff"].split("+++ b/static/intercom-messenger.js", 1)[1]
    assert "'JWT'" in script or '"JWT"' in script


def test_requirements_in_utf16_is_a_manual_step_not_an_error(tmp_path, cli):
    """`pip freeze > requirements.txt` in PowerShell writes UTF-16; the wizard names the file instead of failing."""
    root = tmp_path
    (root / "main.py").write_text(
        "from fastapi import Depends, FastAPI\nfrom fastapi.security import OAuth2PasswordBearer\n\n"
        "app = FastAPI()\nbearer = OAuth2PasswordBearer(tokenUrl='login')\n\n\n"
        "def get_current_user(token: str = Depends(bearer)) -> dict:\n    return {'id': 1, 'email': 'a@example.com'}\n"
    )
    (root / "requirements.txt").write_bytes("fastapi==0.78.0\n".encode("utf-16"))
    _project(root, {})
    code, plan = _dry_run(cli, root)
    assert code == 4
    assert [step["file"] for step in plan["manual_steps"]] == ["requirements.txt"]


def test_requirements_in_utf16_that_already_declare_pyjwt_need_nothing(tmp_path, cli):
    """django-allauth-email (g10new2): its UTF-16 requirements.txt (with a BOM, CRLF) pins PyJWT already, which
    pip reads; the install was incomplete anyway ("add this line"). Now it is complete and the file untouched."""
    root = tmp_path
    (root / "main.py").write_text(
        "from fastapi import Depends, FastAPI\nfrom fastapi.security import OAuth2PasswordBearer\n\n"
        "app = FastAPI()\nbearer = OAuth2PasswordBearer(tokenUrl='login')\n\n\n"
        "def get_current_user(token: str = Depends(bearer)) -> dict:\n    return {'id': 1, 'email': 'a@example.com'}\n"
    )
    frozen = "fastapi==0.78.0\r\nPyJWT==2.1.0\r\n".encode("utf-16")
    (root / "requirements.txt").write_bytes(frozen)
    _project(root, {})
    code, plan = _dry_run(cli, root)
    assert code == 0, plan["manual_steps"]
    assert "requirements.txt" not in plan["diff"]
    assert (root / "requirements.txt").read_bytes() == frozen


# --- Laravel ---------------------------------------------------------------------------------

LARAVEL_BASE = {
    "artisan": "#!/usr/bin/env php\n<?php\n",
    "composer.json": '{"require": {"php": "^8.2", "laravel/framework": "^11.0", "laravel/sanctum": "^4.0"}}\n',
    "routes/web.php": "<?php\n\nuse Illuminate\\Support\\Facades\\Route;\n\nRoute::get('/', fn () => view('app'));\n",
    "routes/api.php": "<?php\n\nuse Illuminate\\Support\\Facades\\Route;\n\nRoute::middleware('auth:sanctum')->get('/user', fn ($request) => $request->user());\n",
    "resources/views/app.blade.php": "<!DOCTYPE html>\n<html>\n<head>\n    @vite('resources/js/app.js')\n</head>\n<body>\n    @inertia\n</body>\n</html>\n",
    "package.json": '{"private": true, "devDependencies": {"vite": "^5.0.0", "laravel-vite-plugin": "^1.0.0", "@inertiajs/vue3": "^1.0.0", "vue": "^3.4.0"}}\n',
    "resources/js/app.js": "import { createApp, h } from 'vue'\nimport { createInertiaApp } from '@inertiajs/vue3'\n\ncreateInertiaApp({ resolve: (name) => name, setup({ el, App, props, plugin }) { createApp({ render: () => h(App, props) }).use(plugin).mount(el) } })\n",
}


def test_laravel_with_vue_in_resources_js_is_one_app_scripted_in_its_blade_layout(tmp_path, cli):
    """Inertia/Vite front ends live in resources/js: the Blade layout carries the script, no src/ is created."""
    root = _project(tmp_path, dict(LARAVEL_BASE))
    report = json.loads(cli("detect", str(root), "--json").stdout)
    assert [f["name"] for f in report["frontends"]] != ["vue"]
    code, plan = _dry_run(cli, root)
    assert code == 4, plan
    paths = {c["path"] for c in plan["changes"]}
    assert "resources/views/app.blade.php" in paths and "public/intercom-messenger.js" in paths
    assert not any(p.startswith("src/") for p in paths) and not any(s["file"].startswith("src/") for s in plan["manual_steps"])


def test_laravel_stock_sanctum_route_is_not_a_bearer_token_app(tmp_path, cli):
    """The skeleton's `auth:sanctum` /user route alone: the pages keep the session; no token-storage question."""
    root = _project(tmp_path, dict(LARAVEL_BASE))
    [laravel] = _backends(cli, root)
    assert laravel["auth"] != "sanctum"
    write_files(root, {"app/Http/Controllers/TokenController.php": "<?php\n\n$token = $user->createToken('cli')->plainTextToken;\n"})
    [laravel] = _backends(cli, root)
    assert laravel["auth"] == "sanctum", "an app that hands out tokens is one"


# --- Sinatra ---------------------------------------------------------------------------------


def test_sinatra_classic_app_loaded_by_bundler_and_run_from_config_ru(tmp_path, cli):
    """No `require "sinatra"` in the routes file: Bundler.require loads it and config.ru runs Sinatra::Application."""
    root = _project(
        tmp_path,
        {
            "Gemfile": 'source "https://rubygems.org"\ngem "sinatra", "~> 3.0"\n',
            "config.ru": "require 'bundler'\nBundler.require\nrequire './routes'\n\nrun Sinatra::Application\n",
            "routes.rb": """
                get '/' do
                  erb :home
                end

                post '/login' do
                  member = Member.authenticate(params[:email], params[:password])
                  session[:id] = member.id
                  redirect '/'
                end
            """,
            "views/layout.erb": "<!DOCTYPE html>\n<html>\n<body>\n<%= yield %>\n</body>\n</html>\n",
        },
    )
    [sinatra] = _backends(cli, root)
    assert sinatra["evidence"] == ["config.ru: run Sinatra::Application"]
    assert sinatra["auth"] == "session", "session[:id] = <record>.id is the user's id"


def test_sinatra_classic_app_split_over_files_is_one_app(tmp_path, cli):
    """Helpers in a second file that also requires sinatra are not a second app."""
    root = _project(
        tmp_path,
        {
            "app.rb": "require 'sinatra'\nrequire_relative 'helpers'\n\nget '/' do\n  'home'\nend\n\nget '/about' do\n  'about'\nend\n",
            "helpers.rb": "require 'sinatra'\n\ndef greeting\n  'hello'\nend\n",
        },
    )
    assert [b["evidence"] for b in _backends(cli, root)] == [['app.rb: require "sinatra"']]


# --- plain PHP -------------------------------------------------------------------------------


PHP_LOGIN = (
    "<?php\nfunction sign_in($db, $email, $password) {\n    $member = $db->query('SELECT id, email FROM members')->fetch();\n"
    "    if ($member && password_verify($password, 'x')) {\n        $_SESSION['member_id'] = $member['id'];\n"
    "        $_SESSION['member_email'] = $member['email'];\n    }\n}\n"
)


def test_php_pages_that_print_no_body_end_with_the_script_tag(tmp_path, cli):
    """Small login apps print fragments (browsers supply <body>): the web root's scripts that print a page
    (through an included view without <body>) get the tag at the end of their output, after a `?>`."""
    root = _project(
        tmp_path,
        {
            "helpers.php": "<?php\nfunction home_link() { return '<a href=\"/\">Home</a>'; }\n",
            "index.php": "<?php\nrequire_once 'helpers.php';\nsession_start();\nrequire 'pages/login.php';\nif (isset($_SESSION['member_id'])) {\n    include 'views/home.php';\n} else {\n    include('views/login.php');\n}\n",
            "signup.php": "<?php\nsession_start();\n?>\n<form method=\"post\"><input name=\"email\"></form>\n",
            "pages/login.php": PHP_LOGIN,
            "views/home.php": "<h1>Hello</h1>\n<a href=\"index.php?logout\">Log out</a>\n",
            "views/login.php": "<form method=\"post\"><input name=\"email\"><input type=\"password\" name=\"password\"></form>\n",
        },
    )
    result, after = install_and_check_uninstall(cli, root, "--no-install", exit_code=0)
    tag = '<script src="/intercom-messenger.js" defer></script>\n'
    assert after["index.php"].endswith("    include('views/login.php');\n}\n?>\n" + tag)  # PHP was still open: closed first
    assert after["signup.php"].endswith("</form>\n" + tag)  # already in markup: the tag only
    assert after["views/home.php"] == "<h1>Hello</h1>\n<a href=\"index.php?logout\">Log out</a>\n"  # one tag per page, in its entry
    assert after["pages/login.php"] == PHP_LOGIN
    assert "intercom-messenger" not in after["helpers.php"]  # included before session_start(): not a page's end
    assert "manual step" not in result.stderr


def test_php_page_that_echoes_its_markup_ends_with_the_script_tag(tmp_path, cli):
    """One file that echoes everything (no view, no <body>): the tag after the last statement is the page's
    last output, and the browser runs it (the PHP still parses)."""
    page = (
        "<?php\nsession_start();\nclass App {\n    public function __construct() {\n"
        "        $member = $this->find();\n        if ($member) { $_SESSION['member_id'] = $member['id']; }\n"
        "        echo '<form method=\"post\"><input name=\"email\"><input type=\"password\" name=\"pw\"></form>';\n    }\n"
        "    private function find() { return null; }\n}\n\n$app = new App();\n"
    )
    root = _project(tmp_path, {"index.php": page})
    _, after = install_and_check_uninstall(cli, root, "--no-install", exit_code=0)
    assert after["index.php"] == page + '?>\n<script src="/intercom-messenger.js" defer></script>\n'
    install = cli("install", str(root), "--yes", "--no-install", "--workspace-id", WORKSPACE_ID)
    assert install.exit_code == 0, install.stderr
    port = free_port()
    with running_server([shutil.which("php") or "php", "-S", f"127.0.0.1:{port}", "-t", str(root)], root, port, {}):
        html = BrowserlessClient(f"http://127.0.0.1:{port}").get("/index.php").body
    assert html.endswith('</form><script src="/intercom-messenger.js" defer></script>\n')


MYSQL_USERS = """
    CREATE DATABASE IF NOT EXISTS `club`;
    CREATE TABLE IF NOT EXISTS `club`.`members` (
      `member_id` int(11) NOT NULL AUTO_INCREMENT COMMENT 'the member''s id',
      `login` varchar(64) COLLATE utf8_unicode_ci NOT NULL COMMENT 'member''s login name, unique',
      `password_hash` varchar(255) NOT NULL,
      PRIMARY KEY (`member_id`),
      UNIQUE KEY `login` (`login`)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8 COMMENT='members';
"""
SQLITE_USERS = """<?php
$sql = 'CREATE TABLE IF NOT EXISTS `members` (
        `member_id` INTEGER PRIMARY KEY,
        `login` varchar(64),
        `password_hash` varchar(255));
        CREATE UNIQUE INDEX `login_UNIQUE` ON `members` (`login` ASC);';
"""


@pytest.mark.parametrize(
    "schema",
    [{"install/schema.sql": MYSQL_USERS}, {"install/setup.php": SQLITE_USERS}],
    ids=["mysql-database-qualified-table", "sqlite-unique-index-statement"],
)
def test_php_session_keeping_a_unique_login_of_a_table_with_an_id_is_an_exact_manual_step(tmp_path, cli, schema):
    """The session keeps only the unique login name while the table has a primary key: incomplete (exit 4),
    and the step names the login line and the same row's id (`$row->member_id`), never the name as the id."""
    login = (
        "<?php\nsession_start();\nfunction sign_in($db) {\n    $row = $db->query('SELECT login, password_hash FROM members')->fetchObject();\n"
        "    if ($row && password_verify($_POST['pw'], $row->password_hash)) {\n        $_SESSION['login'] = $row->login;\n"
        "        $_SESSION['signed_in'] = true;\n    }\n}\n?>\n<form method=\"post\"><input name=\"login\"><input type=\"password\" name=\"pw\"></form>\n"
    )
    root = _project(tmp_path, {"index.php": login, **{name: textwrap.dedent(text) for name, text in schema.items()}})
    code, plan = _dry_run(cli, root)
    assert code == 4 and plan["result"] == "incomplete"
    [step] = plan["manual_steps"]
    assert step["file"] == "api/intercom-jwt/index.php"
    assert (
        "the login code keeps only the user's login (index.php:6), which is unique in table members, whose primary key is "
        "member_id: store $row->member_id in $_SESSION['user_id'] beside it, and select member_id in the query that loads that row"
    ) in step["instruction"]
    assert "$_SESSION['user_id'] = $row->member_id;" in step["snippet"]


def test_flask_bootstrap_base_layout_gets_the_script_in_its_scripts_block(tmp_path, cli):
    """base.html extends Flask-Bootstrap's "bootstrap/base.html" (a package's page, no </body> of its own)."""
    root = _project(
        tmp_path,
        {
            "requirements.txt": "flask\nflask-bootstrap\n",
            "site/__init__.py": "from flask import Flask\n\n\ndef create_app():\n    app = Flask(__name__)\n    return app\n",
            "site/templates/base.html": (
                '{% extends "bootstrap/base.html" %}\n{% block content %}{% block page %}{% endblock %}{% endblock %}\n'
                "{% block scripts %}\n{{ super() }}\n{% endblock %}\n"
            ),
            "site/templates/index.html": '{% extends "base.html" %}\n{% block page %}hi{% endblock %}\n',
        },
    )
    result, after = install_and_check_uninstall(cli, root, exit_code=0)
    assert after["site/templates/base.html"].endswith(
        "{% block scripts %}\n{{ super() }}\n  <script src=\"{{ url_for('static', filename='intercom-messenger.js') }}\" defer></script>\n{% endblock %}\n"
    )
    assert after["site/templates/index.html"] == '{% extends "base.html" %}\n{% block page %}hi{% endblock %}\n'


# --- FastAPI ---------------------------------------------------------------------------------


def test_fastapi_dependency_that_decodes_a_jwt_under_any_name_is_the_user(tmp_path, cli):
    """`authenticate` decodes the bearer token and loads the member: that is the app's signed-in user."""
    root = _project(
        tmp_path,
        {
            "requirements.txt": "fastapi\npython-jose\n",
            "main.py": """
                from fastapi import Depends, FastAPI, HTTPException
                from fastapi.security import OAuth2PasswordBearer
                from jose import JWTError, jwt

                from store import Member, find_member

                app = FastAPI()
                bearer = OAuth2PasswordBearer(tokenUrl="login")


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
                    return {"id": member.id}
            """,
            "store.py": """
                from dataclasses import dataclass


                @dataclass
                class Member:
                    id: int
                    email: str
                    name: str


                def find_member(subject):
                    return None
            """,
        },
    )
    [fastapi] = _backends(cli, root)
    assert fastapi["auth"] == "dependency (authenticate)"


def test_sinatra_skeleton_with_controllers_under_app_is_one_app_rooted_at_config_ru(tmp_path, cli):
    """config/environment.rb requires sinatra (no routes); app/controllers/*.rb hold the routes; config.ru runs it."""
    root = _project(
        tmp_path,
        {
            "Gemfile": 'source "https://rubygems.org"\ngem "sinatra", "~> 3.0"\ngem "bcrypt"\n',
            "config.ru": "require ::File.expand_path('../config/environment', __FILE__)\n\nrun Sinatra::Application\n",
            "config/environment.rb": "require 'sinatra'\nrequire 'bcrypt'\n\nconfigure do\n  enable :sessions\nend\n\nDir[File.join(__dir__, '..', 'app', '**', '*.rb')].each { |file| require file }\n",
            "app/controllers/pages.rb": "get '/' do\n  erb :index\nend\n",
            "app/controllers/sessions.rb": (
                "get '/login' do\n  erb :login\nend\n\n"
                "post '/login' do\n  member = Member.find_by(email: params[:email])\n  session[:member_id] = member.id\n  redirect '/'\nend\n\n"
                "get '/logout' do\n  session.clear\n  redirect '/'\nend\n"
            ),
            "app/views/layout.erb": "<!DOCTYPE html>\n<html>\n<body>\n<%= yield %>\n</body>\n</html>\n",
        },
    )
    [sinatra] = _backends(cli, root)
    assert sinatra["root"] == "."
    assert sinatra["evidence"] == ["config.ru: run Sinatra::Application (app/controllers/sessions.rb has the most routes)"]
    assert sinatra["auth"] == "session"


def test_sinatra_controllers_composed_by_config_ru_are_one_app_with_the_views_it_sets(tmp_path, cli):
    """`use UsersController` + `run ApplicationController`, each < Sinatra::Base, views set to 'app/views'."""
    controller = """
        # frozen_string_literal: true

        class {name} < Sinatra::Base
          configure do
            set :views, 'app/views'
            enable :sessions
          end

          get '/{path}' do
            erb :index
          end

          post '/{path}login' do
            member = Member.find_by(email: params[:email])
            session[:member_id] = member.id
            redirect '/'
          end
        end
    """
    root = _project(
        tmp_path,
        {
            "Gemfile": 'source "https://rubygems.org"\ngem "sinatra", "~> 3.0"\n',
            "config.ru": "require './environment'\n\nuse UsersController\nrun ApplicationController\n",
            "environment.rb": "require 'sinatra/base'\nrequire_relative 'app/controllers/application_controller'\nrequire_relative 'app/controllers/users_controller'\n",
            "app/controllers/application_controller.rb": controller.replace("{name}", "ApplicationController").replace("{path}", ""),
            "app/controllers/users_controller.rb": controller.replace("{name}", "UsersController").replace("{path}", "users"),
            "app/views/layout.erb": "<!DOCTYPE html>\n<html>\n<body>\n<%= yield %>\n</body>\n</html>\n",
        },
    )
    [sinatra] = _backends(cli, root)
    assert sinatra["evidence"] == ["config.ru: run ApplicationController"]
    result, after = install_and_check_uninstall(cli, root, exit_code=0)
    assert "/intercom-messenger.js" in after["app/views/layout.erb"], "the folder the app sets, relative to config.ru"
    assert after["app/controllers/application_controller.rb"].startswith("# frozen_string_literal: true\n\nrequire 'json'\nrequire 'jwt'\n")
    assert "app/controllers/public/intercom-messenger.js" in after, "Sinatra's default public folder: beside the class file"


def test_laravel_custom_session_guard_guards_the_token_route(tmp_path, cli):
    """config/auth.php adds a `member` session guard and the pages sign in through `auth:member`."""
    files = dict(LARAVEL_BASE) | {
        "config/auth.php": (
            "<?php\n\nreturn [\n    'guards' => [\n        'web' => ['driver' => 'session', 'provider' => 'users'],\n"
            "        'member' => [\n            'driver' => 'session',\n            'provider' => 'members',\n        ],\n    ],\n];\n"
        ),
        "routes/web.php": (
            "<?php\n\nuse Illuminate\\Support\\Facades\\Route;\n\nRoute::get('/', fn () => view('app'));\n"
            "Route::middleware('auth:member')->group(function () {\n    Route::get('/orders', fn () => view('app'));\n});\n"
        ),
    }
    code, plan = _dry_run(cli, _project(tmp_path, files))
    assert code == 4, plan
    routes = plan["diff"].split("+++ b/routes/web.php", 1)[1].split("\n--- ", 1)[0]
    assert "->middleware('auth:member')" in routes
    assert "routes/api.php" not in {c["path"] for c in plan["changes"]}
