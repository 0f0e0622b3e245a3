"""Shapes that only showed when corpus apps were started and verified in Chromium (docs/corpus.md),
as small projects of our own writing.

django-bakerydemo: `STATICFILES_DIRS = [os.path.join(PROJECT_DIR, "static")]` where the settings
package computes `PROJECT_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))`: the
folder is the package's `static/`, not one at the project root. The script written to the root's
`static/` was never served (404), so no page loaded the Messenger.

todos-react-express (passport's own example): no `app.use(passport.initialize())` or
`app.use(passport.session())`; each route runs `passport.authenticate('session')` itself. The token
route called `req.isAuthenticated()`, which nothing had added to the request: every call was a 500
(TypeError), so no visitor was ever booted.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import install_and_check_uninstall
from test_corpus_backend_shapes import LAYOUT, STARTPROJECT_MANAGE, URLS, _dry_run, _project

SETTINGS_WITH_COMPUTED_DIRS = {
    "os.path": """
        import os

        PROJECT_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        BASE_DIR = os.path.dirname(PROJECT_DIR)
        STATICFILES_DIRS = [
            os.path.join(PROJECT_DIR, "static"),
        ]
    """,
    "pathlib": """
        from pathlib import Path

        PROJECT_DIR = Path(__file__).resolve().parent.parent
        BASE_DIR = PROJECT_DIR.parent
        STATICFILES_DIRS = [PROJECT_DIR / "static"]
    """,
}


@pytest.mark.parametrize("style", sorted(SETTINGS_WITH_COMPUTED_DIRS))
def test_static_folder_computed_from_the_settings_file_is_the_one_served(tmp_path: Path, cli, style: str) -> None:  # type: ignore[no-untyped-def]
    root = _project(
        tmp_path,
        {
            "manage.py": STARTPROJECT_MANAGE.replace("shelf.settings", "shelf.settings.dev"),
            "requirements.txt": "Django>=4.2\n",
            "shelf/__init__.py": "",
            "shelf/settings/__init__.py": "",
            "shelf/settings/base.py": SETTINGS_WITH_COMPUTED_DIRS[style] + """
        INSTALLED_APPS = [
            "django.contrib.auth",
            "django.contrib.sessions",
            "django.contrib.staticfiles",
            "books",
        ]
        MIDDLEWARE = ["django.contrib.sessions.middleware.SessionMiddleware"]
        ROOT_URLCONF = "shelf.urls"
        STATIC_URL = "/static/"
    """,
            "shelf/settings/dev.py": "from .base import *  # noqa\n",
            "shelf/urls.py": URLS,
            "shelf/templates/base.html": LAYOUT,
            "books/__init__.py": "",
            "books/models.py": "",
        },
    )
    code, plan = _dry_run(cli, root)
    assert code == 0, plan["manual_steps"]
    paths = {change["path"] for change in plan["changes"]}
    # shelf/settings/base.py -> dirname twice -> shelf/; its static/ is what FileSystemFinder serves.
    assert "shelf/static/intercom-messenger.js" in paths, sorted(paths)
    assert "static/intercom-messenger.js" not in paths


PER_ROUTE_PASSPORT = {
    "package.json": '{\n  "name": "todos",\n  "dependencies": {\n    "express": "~4.16.1",\n    "express-session": "^1.17.2",\n    "passport": "^0.5.3",\n    "passport-local": "^1.0.0"\n  }\n}\n',
    "app.js": """
        const express = require('express');
        const session = require('express-session');

        const app = express();
        const accountRouter = require('./routes/account');
        const notesRouter = require('./routes/notes');

        app.use(express.json());
        app.use(express.static(__dirname));
        app.use(session({ secret: 'dev only', resave: false, saveUninitialized: false }));
        app.use('/', accountRouter);
        app.use('/notes', notesRouter);

        module.exports = app;
    """,
    "routes/account.js": """
        const express = require('express');
        const passport = require('passport');
        const LocalStrategy = require('passport-local');

        passport.use(new LocalStrategy(function verify(username, password, done) {
          findAccount(username, password, done);
        }));
        passport.serializeUser((user, done) => done(null, { id: user.id, username: user.username }));
        passport.deserializeUser((user, done) => done(null, user));

        const router = express.Router();
        router.post('/login/password', passport.authenticate('local'), (req, res) => {
          res.json({ id: req.user.id });
        });
        router.post('/signup', (req, res, next) => {
          createAccount(req.body.username, req.body.password, (err, user) => {
            if (err) { return next(err); }
            req.login(user, (err) => (err ? next(err) : res.json({ id: user.id })));
          });
        });
        router.post('/logout', passport.authenticate('session'), (req, res) => {
          req.logout();
          res.json({});
        });
        module.exports = router;
    """,
    "routes/notes.js": """
        const express = require('express');
        const passport = require('passport');

        const router = express.Router();
        router.get('/', passport.authenticate('session'), (req, res) => {
          if (!req.user) {
            return res.status(401).end();
          }
          res.json([]);
        });
        module.exports = router;
    """,
    "index.html": "<!doctype html>\n<html>\n<head><title>Notes</title></head>\n<body>\n<main id=\"root\"></main>\n</body>\n</html>\n",
}



def test_passport_run_per_route_runs_in_the_token_route_too(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _project(tmp_path, PER_ROUTE_PASSPORT)
    result, files = install_and_check_uninstall(cli, root, exit_code=0)
    assert result.exit_code == 0, result.stderr
    route = files["intercom-jwt.js"]
    # The route restores the session's user the way the app's own routes do, before reading it.
    assert "const passport = require('passport');" in route
    assert "const auth = passport.authenticate('session');" in route, route
    assert "router.get('/api/intercom-jwt', auth, (req, res) => {" in route, route
