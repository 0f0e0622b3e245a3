"""Express + passport whose users' primary key is not `id` (the g10new2 round).

Seen on express-sequelize-hbs (2019: passport-local, a Sequelize model `User` whose primary key is
`uid`, `passport.serializeUser((user, cb) => cb(null, user.uid))`): the token route signed
`String(user.id)`, which a Sequelize instance without an `id` attribute answers with undefined, so
every user would have become Intercom's user "undefined". What passport keeps in the session is the
user's id by passport's own contract: the route now reads that property. Fixture of our own writing.
"""

import subprocess

from conftest import install_and_check_uninstall, write_files

SERVER = """
    const express = require('express');
    const session = require('express-session');
    const passport = require('passport');
    const LocalStrategy = require('passport-local').Strategy;
    const members = require('./members');

    const app = express();
    app.set('view engine', 'ejs');
    app.use(express.urlencoded({ extended: false }));
    app.use(express.static('public'));
    app.use(session({ secret: 'dev', resave: false, saveUninitialized: false }));
    app.use(passport.initialize());
    app.use(passport.session());

    passport.use(new LocalStrategy((username, password, done) => {
      const member = members.byName(username);
      return done(null, member && member.password === password ? member : false);
    }));
    passport.serializeUser(SERIALIZE);
    passport.deserializeUser((key, cb) => cb(null, members.byKey(key)));

    app.get('/', (req, res) => res.render('index', { member: req.user }));
    app.post('/login', passport.authenticate('local', { successRedirect: '/', failureRedirect: '/' }));
    app.listen(process.env.PORT || 3000);
"""


def _app(root, serialize: str):  # type: ignore[no-untyped-def]
    write_files(
        root,
        {
            "package.json": '{"name": "members", "private": true, "dependencies": {"ejs": "^3.1.10", "express": "^4.21.2", '
            '"express-session": "^1.18.1", "passport": "^0.7.0", "passport-local": "^1.0.0"}}\n',
            "server.js": SERVER.replace("SERIALIZE", serialize),
            "members.js": """
                const all = [{ uid: 7, name: 'ada', email: 'ada@example.com', password: 'pw-ada' }];
                exports.byName = (name) => all.find((m) => m.name === name);
                exports.byKey = (key) => all.find((m) => m.uid === key || m.name === key);
            """,
            "views/index.ejs": "<!DOCTYPE html>\n<html>\n<body>\n<p><%= member ? member.name : 'visitor' %></p>\n</body>\n</html>\n",
            "public/site.css": "body { margin: 0; }\n",
        },
    )
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "fixture"]):
        subprocess.run(["git", *command], cwd=root, check=True, capture_output=True)
    return root


def test_the_property_passport_serializes_is_the_user_id(tmp_path, cli):
    root = _app(tmp_path / "members", "(user, cb) => cb(null, user.uid)")
    _, files = install_and_check_uninstall(cli, root, exit_code=0)
    route = files["intercom-jwt.js"]
    assert "user_id: String(user.uid)," in route
    assert "user.id)" not in route


def test_a_classic_serializer_function_is_read_too(tmp_path, cli):
    root = _app(tmp_path / "members", "function (member, done) { done(null, member.memberId); }")
    _, files = install_and_check_uninstall(cli, root, exit_code=0)
    assert "user_id: String(user.memberId)," in files["intercom-jwt.js"]


def test_a_serialized_name_is_no_id_and_the_id_property_stays(tmp_path, cli):
    root = _app(tmp_path / "members", "(user, cb) => cb(null, user.name)")
    _, files = install_and_check_uninstall(cli, root, exit_code=0)
    assert "user_id: String(user.id)," in files["intercom-jwt.js"]
