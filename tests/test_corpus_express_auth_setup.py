"""Express servers that set up their sign-in under names the mount patterns did not know (the h10new round).

Seen on express-hbs-sequelize-todo (a 2023 bootcamp todo list): `const expSession =
require('express-session')` + `app.use(expSession({...}))`, then `usePassport(app)` from
`./config/passport.js`, which calls `app.use(passport.session())`. Neither matched `app.use(session(...))`
or `app.use(passport.session())`, so the token route was mounted right after `const app = express()`,
above both: `req.isAuthenticated` is not there yet (a TypeError, 500 for everyone). The route now goes
after the last of them. Fixtures of our own writing.
"""

import subprocess

from conftest import install_and_check_uninstall, write_files

SERVER = """
    const express = require('express');
    const keepSession = require('express-session');
    const wirePassport = require('./setup/wire-passport');
    const useLogging = require('./setup/logging');

    const app = express();
    app.set('view engine', 'ejs');
    app.use(express.urlencoded({ extended: false }));
    app.use(keepSession({ secret: 'dev', resave: false, saveUninitialized: false }));
    PASSPORT_LINE
    useLogging(app);

    app.get('/', (req, res) => res.render('index', { member: req.user }));
    app.listen(process.env.PORT || 3000);
"""

WIRE_PASSPORT = """
    const passport = require('passport');
    const LocalStrategy = require('passport-local').Strategy;
    const members = [{ id: 3, name: 'cy', password: 'pw-cy' }];

    module.exports = (app) => {
      app.use(passport.initialize());
      app.use(passport.session());
      passport.use(new LocalStrategy((name, password, done) => done(null, members.find((m) => m.name === name && m.password === password) || false)));
      passport.serializeUser((member, cb) => cb(null, member.id));
      passport.deserializeUser((id, cb) => cb(null, members.find((m) => m.id === id)));
      app.post('/login', passport.authenticate('local', { successRedirect: '/', failureRedirect: '/' }));
    };
"""


def _app(root, passport_line: str):  # type: ignore[no-untyped-def]
    write_files(
        root,
        {
            "package.json": '{"name": "club", "private": true, "dependencies": {"ejs": "^3.1.10", "express": "^4.21.2", '
            '"express-session": "^1.18.1", "passport": "^0.7.0", "passport-local": "^1.0.0"}}\n',
            "server.js": SERVER.replace("PASSPORT_LINE", passport_line),
            "setup/wire-passport.js": WIRE_PASSPORT,
            "setup/logging.js": "module.exports = (app) => { app.use((req, res, next) => next()); };\n",
            "views/index.ejs": "<!DOCTYPE html>\n<html>\n<body>\n<p><%= member ? member.name : 'visitor' %></p>\n</body>\n</html>\n",
        },
    )
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "fixture"]):
        subprocess.run(["git", *command], cwd=root, check=True, capture_output=True)
    return root


def _line_before_mount(server: str) -> str:
    lines = server.splitlines()
    return lines[lines.index("app.use(intercomJwt);") - 1]


def test_the_route_goes_after_the_apps_own_passport_module(tmp_path, cli):
    root = _app(tmp_path / "club", "wirePassport(app);")
    _, files = install_and_check_uninstall(cli, root, exit_code=0)
    assert _line_before_mount(files["server.js"]) == "wirePassport(app);"


def test_an_inline_require_of_the_passport_module_counts_too(tmp_path, cli):
    root = _app(tmp_path / "club", "require('./setup/wire-passport')(app);")
    _, files = install_and_check_uninstall(cli, root, exit_code=0)
    assert _line_before_mount(files["server.js"]) == "require('./setup/wire-passport')(app);"


def test_a_session_under_another_name_is_an_anchor_and_other_app_modules_are_not(tmp_path, cli):
    """Without the passport module the anchor is the session (named keepSession); the app's logging
    module, also handed the app, installs no sign-in and does not move the route."""
    root = _app(tmp_path / "club", "")
    _, files = install_and_check_uninstall(cli, root, exit_code=0)
    assert _line_before_mount(files["server.js"]).startswith("app.use(keepSession(")
