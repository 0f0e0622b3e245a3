"""doctor's static user_id check: a token whose user_id is fed from a literal, a boolean, a flag-like
session key or a name field is an error at file:line; the primary key or the auth library's id is
not. One positive and one negative project per language (PHP, Python, JavaScript, Ruby)."""

import pytest
from doctor_support import diagnose, with_id, write

PHP_FLAG = '''
    <?php
    // Intercom identity tokens
    use Firebase\\JWT\\JWT;
    session_start();
    if (empty($_SESSION['user_login_status'])) { http_response_code(401); exit; }
    header('Cache-Control: no-store');
    $now = time();
    $payload = ['user_id' => (string) $_SESSION['user_login_status'], 'iat' => $now, 'exp' => $now + 7200];
    echo json_encode(['token' => JWT::encode($payload, getenv('INTERCOM_IDENTITY_SECRET'), 'HS256')]);
'''
PHP_LOGIN_SETS_LITERAL = '''
    <?php
    if (password_verify($_POST['password'], $row['hash'])) {
        $_SESSION['uid'] = 1;
    }
'''
PHP_SESSION_UID = PHP_FLAG.replace("user_login_status", "uid")
PHP_ID = PHP_FLAG.replace("user_login_status", "user_id")
PHP_LOGIN_SETS_ID = PHP_LOGIN_SETS_LITERAL.replace("$_SESSION['uid'] = 1;", "$_SESSION['uid'] = $row['user_id'];")

PY_TEMPLATE = '''
    """Intercom identity tokens."""
    import os
    import time

    import jwt
    from flask import Blueprint, jsonify, session

    bp = Blueprint("intercom", __name__)


    @bp.get("/api/intercom-jwt")
    def intercom_jwt():
        if not session.get("logged_in"):
            return jsonify(error="Not signed in"), 401
        now = int(time.time())
        payload = {"user_id": USER_ID, "iat": now, "exp": now + 7200}
        response = jsonify(token=jwt.encode(payload, os.environ["INTERCOM_IDENTITY_SECRET"], algorithm="HS256"))
        response.headers["Cache-Control"] = "no-store"
        return response
'''
JS_TEMPLATE = '''
    // Intercom identity tokens
    const jwt = require('jsonwebtoken');
    const express = require('express');
    const router = express.Router();

    router.get('/api/intercom-jwt', (req, res) => {
      if (!req.session.user) return res.status(401).json({ error: 'Not signed in' });
      res.set('Cache-Control', 'no-store');
      const now = Math.floor(Date.now() / 1000);
      const userId = USER_ID;
      const token = jwt.sign({ user_id: userId, iat: now, exp: now + 7200 }, process.env.INTERCOM_IDENTITY_SECRET, { algorithm: 'HS256' });
      res.json({ token });
    });

    module.exports = router;
'''
RUBY_TEMPLATE = '''
    # Intercom identity tokens
    require "jwt"

    get "/api/intercom-jwt" do
      halt 401 unless session[:user_id]
      headers "Cache-Control" => "no-store"
      now = Time.now.to_i
      payload = { user_id: USER_ID, iat: now, exp: now + 7200 }
      json token: JWT.encode(payload, ENV.fetch("INTERCOM_IDENTITY_SECRET"), "HS256")
    end
'''

BAD = [
    ("php flag", {"composer.json": '{"require": {"firebase/php-jwt": "^6"}}', "api/intercom-jwt/index.php": PHP_FLAG}, "api/intercom-jwt/index.php", 8, "flag-like"),
    ("php literal set at login", {"composer.json": '{"require": {"firebase/php-jwt": "^6"}}', "api/intercom-jwt/index.php": PHP_SESSION_UID, "login.php": PHP_LOGIN_SETS_LITERAL}, "api/intercom-jwt/index.php", 8, "sets to a literal"),
    ("python literal", {"requirements.txt": "flask\nPyJWT\n", "intercom_jwt.py": PY_TEMPLATE.replace("USER_ID", '"1"')}, "intercom_jwt.py", 16, "a literal"),
    ("python flag", {"requirements.txt": "flask\nPyJWT\n", "intercom_jwt.py": PY_TEMPLATE.replace("USER_ID", 'str(session["logged_in"])')}, "intercom_jwt.py", 16, "flag-like"),
    ("python boolean", {"requirements.txt": "flask\nPyJWT\n", "intercom_jwt.py": PY_TEMPLATE.replace("USER_ID", "True")}, "intercom_jwt.py", 16, "a boolean"),
    ("js name field", {"package.json": '{"dependencies": {"jsonwebtoken": "^9"}}', "intercom.js": JS_TEMPLATE.replace("USER_ID", "String(req.session.user.username)")}, "intercom.js", 11, "a name field"),
    ("js boolean", {"package.json": '{"dependencies": {"jsonwebtoken": "^9"}}', "intercom.js": JS_TEMPLATE.replace("USER_ID", "`${req.session.isLoggedIn}`")}, "intercom.js", 11, "flag-like"),
    ("ruby flag", {"Gemfile": 'gem "jwt"\n', "app.rb": RUBY_TEMPLATE.replace("USER_ID", "session[:authenticated].to_s")}, "app.rb", 8, "flag-like"),
    ("ruby name", {"Gemfile": 'gem "jwt"\n', "app.rb": RUBY_TEMPLATE.replace("USER_ID", "current_user.name")}, "app.rb", 8, "a name field"),
]
GOOD = [
    ("php id", {"composer.json": '{"require": {"firebase/php-jwt": "^6"}}', "api/intercom-jwt/index.php": PHP_ID}),
    ("php session id set from a row", {"composer.json": '{"require": {"firebase/php-jwt": "^6"}}', "api/intercom-jwt/index.php": PHP_SESSION_UID, "login.php": PHP_LOGIN_SETS_ID}),
    ("python id", {"requirements.txt": "flask\nPyJWT\n", "intercom_jwt.py": PY_TEMPLATE.replace("USER_ID", 'str(session["user_id"])')}),
    ("js id", {"package.json": '{"dependencies": {"jsonwebtoken": "^9"}}', "intercom.js": JS_TEMPLATE.replace("USER_ID", "String(req.session.user.id)")}),
    ("ruby id", {"Gemfile": 'gem "jwt"\n', "app.rb": RUBY_TEMPLATE.replace("USER_ID", "session[:user_id].to_s")}),
]


@pytest.mark.parametrize(("name", "files", "path", "line", "what"), BAD, ids=[case[0] for case in BAD])
def test_user_id_from_a_non_id_is_an_error_at_its_line(tmp_path, name, files, path, line, what):
    findings = with_id(diagnose(write(tmp_path, files)), "user-id-not-an-id")
    assert [(f.file, f.line, f.severity.value) for f in findings] == [(path, line, "error")], findings
    assert what in findings[0].message


@pytest.mark.parametrize(("name", "files"), GOOD, ids=[case[0] for case in GOOD])
def test_user_id_from_the_primary_key_passes(tmp_path, name, files):
    assert with_id(diagnose(write(tmp_path, files)), "user-id-not-an-id") == []
