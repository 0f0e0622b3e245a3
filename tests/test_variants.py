"""Before/after cases for the structural edits beyond the fixture apps: manifests, URLconfs, server
modules in other shapes. Each case is checked for the exact result, and for uninstall restoring it."""

import json

import pytest
from conftest import install_and_check_uninstall, write_files

EXPRESS_SERVER = """
    const express = require('express');
    const session = require('express-session');

    const app = express();
    app.use(session({ secret: 'x', resave: false, saveUninitialized: false }));
    app.use(express.static('public'));

    app.post('/login', (req, res) => {
      req.session.user = { id: 1, email: 'a@example.com', name: 'A' };
      res.redirect('/');
    });

    app.listen(3000);
"""
PAGE = "<!doctype html>\n<html>\n<body>\n  <h1>Hi</h1>\n</body>\n</html>\n"


@pytest.mark.parametrize(
    ("dependencies", "expected"),
    [
        ('{\n    "express": "^4.0.0",\n    "zod": "^3.0.0"\n  }', '"express": "^4.0.0",\n    "jsonwebtoken": "^9.0.2",\n    "zod": "^3.0.0"'),
        ('{\n    "express": "^4.0.0"\n  }', '"express": "^4.0.0",\n    "jsonwebtoken": "^9.0.2"\n  }'),
        ("{}", '"dependencies": {\n    "jsonwebtoken": "^9.0.2"\n  }'),
    ],
)
def test_package_json_dependency_in_npm_order(dependencies, expected, tmp_path, cli):
    manifest = '{\n  "name": "app",\n  "dependencies": ' + dependencies + "\n}\n"
    if dependencies == "{}":
        manifest = '{\n  "name": "app",\n  "devDependencies": {\n    "express": "^4.0.0"\n  }\n}\n'
    write_files(tmp_path, {"package.json": manifest, "server.js": EXPRESS_SERVER, "public/index.html": PAGE})
    _, after = install_and_check_uninstall(cli, tmp_path, exit_code=4)
    assert expected in after["package.json"]
    assert json.loads(after["package.json"])["dependencies"]["jsonwebtoken"] == "^9.0.2"


def test_express_es_module_with_passport(tmp_path, cli):
    write_files(
        tmp_path,
        {
            "package.json": '{\n  "type": "module",\n  "dependencies": {\n    "express": "^4.0.0",\n    "passport": "^0.7.0"\n  }\n}\n',
            "app.mjs": """
                import express from 'express';
                import session from 'express-session';
                import passport from 'passport';

                const app = express();
                app.use(session({ secret: 'x' }));
                app.use(passport.session());
                app.use(express.static('public'));
                export default app;
            """,
            "public/index.html": PAGE,
        },
    )
    _, after = install_and_check_uninstall(cli, tmp_path, exit_code=0)
    assert "import intercomJwt from './intercom-jwt.js';\n" in after["app.mjs"]
    assert "app.use(passport.session());\napp.use(intercomJwt);\n" in after["app.mjs"]
    module = after["intercom-jwt.js"]
    assert "import jwt from 'jsonwebtoken';" in module and "export default router;" in module
    assert "req.isAuthenticated() ? req.user : null" in module


def test_django_urlpatterns_without_trailing_comma_and_custom_user(tmp_path, cli):
    write_files(
        tmp_path,
        {
            "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n',
            "proj/__init__.py": "",
            "proj/settings.py": 'ROOT_URLCONF = "proj.urls"\nAUTH_USER_MODEL = "accounts.User"\n'
            'INSTALLED_APPS = ["django.contrib.staticfiles", "accounts"]\n',
            "proj/urls.py": 'from django.urls import path\n\nurlpatterns = [\n    path("a/", view)\n]\n',
            "accounts/__init__.py": "",
            "accounts/apps.py": "",
            "accounts/templates/base.html": PAGE,
        },
    )
    _, after = install_and_check_uninstall(cli, tmp_path, exit_code=0)
    assert after["proj/urls.py"].endswith('    path("a/", view),\n    path("api/intercom-jwt", intercom_jwt, name="intercom-jwt"),\n]\n')
    assert "user.get_email_field_name()" in after["proj/intercom_jwt.py"]
    # A custom user model keeps its name anywhere: the usual fields are tried at run time (issue 9).
    names = '"name",\n            "full_name",\n            "get_full_name",\n            "display_name",\n            "get_username",\n'
    assert f'"name": user_attribute(\n            user,\n            {names}        ),' in after["proj/intercom_jwt.py"]
    compile(after["proj/intercom_jwt.py"], "intercom_jwt.py", "exec")
    assert after["accounts/static/intercom-messenger.js"]
    assert after["accounts/templates/base.html"].startswith("{% load static %}\n")


def test_flask_without_any_sign_in_is_anonymous_only(tmp_path, cli):
    """No auth library, no login route or form, no session user: no endpoint, no token request, exit 0."""
    write_files(
        tmp_path,
        {
            "app.py": 'from flask import Flask, render_template\n\napp = Flask(__name__)\n\n\n@app.route("/")\ndef index():\n    return render_template("index.html")\n',
            "templates/index.html": PAGE,
            "requirements.txt": "flask",
        },
    )
    result, after = install_and_check_uninstall(cli, tmp_path, exit_code=0)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.rstrip().splitlines()[-1].startswith("result: anonymous-only")
    assert "intercom_jwt.py" not in after and after["requirements.txt"] == "flask" and "intercom" not in after["app.py"]
    assert "var TOKEN_URL = null;" in after["static/intercom-messenger.js"]
    assert "add sign-in to the app, then run `intercom-wizard uninstall` and install again" in result.stderr


def test_flask_with_an_unrecognised_login_fails_closed_and_says_so(tmp_path, cli):
    write_files(
        tmp_path,
        {
            "app.py": 'from flask import Flask, render_template\n\napp = Flask(__name__)\n\n\n@app.route("/")\ndef index():\n    return render_template("index.html")\n',
            "templates/index.html": PAGE.replace("<body>", '<body>\n<form method="post" action="/session"><input type="password" name="pw"></form>'),
            "requirements.txt": "flask",
        },
    )
    result, after = install_and_check_uninstall(cli, tmp_path, exit_code=4)
    assert "answers 401 for everyone" in result.stderr
    assert "    return None" in after["intercom_jwt.py"]
    assert after["requirements.txt"] == "flask\nPyJWT>=2.8"
    assert 'app = Flask(__name__)\napp.register_blueprint(intercom_jwt.bp)\n' in after["app.py"]


def test_poetry_project_gets_pyjwt(tmp_path, cli):
    write_files(
        tmp_path,
        {
            "app.py": "from flask import Flask\nfrom flask_login import LoginManager\n\napp = Flask(__name__)\n",
            "templates/base.html": PAGE,
            "pyproject.toml": '[tool.poetry]\nname = "x"\n\n[tool.poetry.dependencies]\npython = "^3.11"\nflask = "^3.0"\n',
        },
    )
    _, after = install_and_check_uninstall(cli, tmp_path, exit_code=4)
    assert 'flask = "^3.0"\npyjwt = "^2.8"\n' in after["pyproject.toml"]


def test_static_site_boots_leads_only(app_copy, cli):
    root = app_copy("static_site")
    result, after = install_and_check_uninstall(cli, root, exit_code=0)
    assert "var TOKEN_URL = null;" in after["intercom-messenger.js"]
    assert result.exit_code == 0 and result.stderr.rstrip().splitlines()[-1].startswith("result: anonymous-only")
    assert '    <script src="intercom-messenger.js" defer></script>\n  </body>' in after["index.html"]


def test_env_file_not_ignored_keeps_the_secret_out(app_copy, cli):
    root = app_copy("flask_login_app", commit=False)
    (root / ".gitignore").write_text("__pycache__/\n")
    result, after = install_and_check_uninstall(cli, root, exit_code=0)
    assert ".env" not in after
    assert "not ignored by git" in result.stderr


def test_express_views_ejs_layout_and_pug_layout(tmp_path, cli):
    write_files(
        tmp_path,
        {
            "package.json": '{\n  "dependencies": {\n    "ejs": "^3.1.0",\n    "express": "^4.0.0"\n  }\n}\n',
            "server.js": EXPRESS_SERVER.replace("app.use(express.static('public'));", "app.use(express.static('assets'));\napp.set('view engine', 'ejs');"),
            "views/partials/footer.ejs": "  <footer>(c) us</footer>\n</body>\n</html>\n",
            "views/index.ejs": "<%- include('partials/header') %>\n<h1>Home</h1>\n<%- include('partials/footer') %>\n",
            "views/layout.pug": "html\n  body\n    block content\n",
        },
    )
    # Exit 4 for the identity adapter (this server's sign-in keeps no id), not for the Pug layout.
    result, after = install_and_check_uninstall(cli, tmp_path, exit_code=4)
    assert "Add the Messenger script" not in result.stderr, result.stderr
    assert after["views/layout.pug"] == "html\n  body\n    block content\n    script(src='/intercom-messenger.js', defer)\n"
    assert "assets/intercom-messenger.js" in after
    assert '  <script src="/intercom-messenger.js" defer></script>\n</body>' in after["views/partials/footer.ejs"]


def test_express_passport_jwt_route_uses_the_same_strategy(tmp_path, cli):
    write_files(
        tmp_path,
        {
            "package.json": '{\n  "dependencies": {\n    "express": "^4.0.0",\n    "passport": "^0.7.0",\n    "passport-jwt": "^4.0.1"\n  }\n}\n',
            "server.js": """
                const express = require('express');
                const passport = require('passport');

                const app = express();
                app.use(passport.initialize());
                app.use(express.static('public'));
            """,
            "public/index.html": PAGE,
        },
    )
    _, after = install_and_check_uninstall(cli, tmp_path, "--auth", "bearer", "--token-storage-key", "jwt", exit_code=0)
    module = after["intercom-jwt.js"]
    assert "const passport = require('passport');" in module
    assert "const auth = passport.authenticate('jwt', { session: false });" in module
    assert "router.get('/api/intercom-jwt', auth, (req, res) => {" in module
    assert "app.use(passport.initialize());\napp.use(intercomJwt);\n" in after["server.js"]
