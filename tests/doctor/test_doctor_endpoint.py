"""The token endpoint read from code: who gets a token, caching, and exp."""

import pytest
from doctor_support import diagnose, write

REQUIREMENTS = {"requirements.txt": "flask\nflask-login\nPyJWT\n"}
PACKAGE = {"package.json": '{"dependencies": {"express": "^4", "jsonwebtoken": "^9"}}'}

FLASK_GUARDED = '''
    """Intercom identity tokens."""
    import os
    import time

    import jwt
    from flask import Blueprint, jsonify
    from flask_login import current_user

    bp = Blueprint("intercom", __name__)


    @bp.get("/api/intercom-jwt")
    def intercom_jwt():
        if not current_user.is_authenticated:
            return jsonify(error="Not signed in"), 401
        now = int(time.time())
        payload = {"user_id": str(current_user.id), "iat": now, "exp": now + 2 * 60 * 60}
        response = jsonify(token=jwt.encode(payload, os.environ["INTERCOM_IDENTITY_SECRET"], algorithm="HS256"))
        response.headers["Cache-Control"] = "no-store"
        return response
'''
FLASK_OPEN = '''
    """Intercom identity tokens."""
    import os
    import time

    import jwt
    from flask import Flask, jsonify

    app = Flask(__name__)


    @app.get("/api/intercom-jwt")
    def intercom_jwt():
        payload = {"user_id": "42", "exp": int(time.time()) + 3600}
        response = jsonify(token=jwt.encode(payload, os.environ["INTERCOM_IDENTITY_SECRET"], algorithm="HS256"))
        response.headers["Cache-Control"] = "no-store"
        return response
'''
EXPRESS_FROM_QUERY = '''
    // Intercom identity tokens
    const jwt = require('jsonwebtoken');
    const express = require('express');
    const router = express.Router();

    router.get('/api/intercom-jwt', (req, res) => {
      res.set('Cache-Control', 'no-store');
      const now = Math.floor(Date.now() / 1000);
      const token = jwt.sign(
        { user_id: req.query.user_id, exp: now + 7200 },
        process.env.INTERCOM_IDENTITY_SECRET,
      );
      res.json({ token });
    });
    module.exports = router;
'''
EXPRESS_WITH_MIDDLEWARE = '''
    // Intercom identity tokens
    const jwt = require('jsonwebtoken');
    const { requireAuth } = require('./auth');

    module.exports = (app) => {
      app.get('/api/intercom-jwt', requireAuth, (req, res) => {
        res.set('Cache-Control', 'no-store');
        const token = jwt.sign({ user_id: String(req.user.id) }, process.env.INTERCOM_IDENTITY_SECRET, { expiresIn: '2h' });
        res.json({ token });
      });
    };
'''
DJANGO_CLASS_VIEW = '''
    """Intercom identity tokens."""
    import os
    import time

    import jwt
    from django.contrib.auth.mixins import LoginRequiredMixin
    from django.http import JsonResponse
    from django.utils.decorators import method_decorator
    from django.views import View
    from django.views.decorators.cache import never_cache


    @method_decorator(never_cache, name="dispatch")
    class IntercomToken(LoginRequiredMixin, View):
        raise_exception = True

        def get(self, request):
            payload = {"user_id": str(self.get_object().pk), "exp": int(time.time()) + 7200}
            return JsonResponse({"token": jwt.encode(payload, os.environ["INTERCOM_IDENTITY_SECRET"], algorithm="HS256")})
'''
RAILS_CONTROLLER = '''
    # Intercom identity tokens
    class IntercomTokensController < ApplicationController
      before_action :authenticate_user!

      def show
        response.headers['Cache-Control'] = 'no-store'
        payload = { user_id: current_user.id.to_s, exp: Time.now.to_i + 2.hours }
        render json: { token: JWT.encode(payload, ENV.fetch('INTERCOM_IDENTITY_SECRET'), 'HS256') }
      end
    end
'''
FASTAPI_DEPENDS = '''
    """Intercom identity tokens."""
    import os
    import time

    import jwt
    from fastapi import APIRouter, Depends, Response

    from .auth import get_current_user

    router = APIRouter()


    @router.get("/api/intercom-jwt")
    def intercom_jwt(response: Response, user=Depends(get_current_user)):
        response.headers["Cache-Control"] = "no-store"
        payload = {"user_id": str(user.id), "exp": int(time.time()) + 7200}
        return {"token": jwt.encode(payload, os.environ["INTERCOM_IDENTITY_SECRET"], algorithm="HS256")}
'''
RAILS_OPEN = '''
    # Intercom identity tokens
    class IntercomTokensController < ApplicationController
      def show
        response.headers['Cache-Control'] = 'no-store'
        payload = { user_id: params[:user_id], exp: Time.now.to_i + 2.hours }
        render json: { token: JWT.encode(payload, ENV.fetch('INTERCOM_IDENTITY_SECRET'), 'HS256') }
      end
    end
'''


def endpoint_findings(tmp_path, files):
    findings = diagnose(write(tmp_path, files))
    return {f.id: f for f in findings if f.id in ("endpoint-unauthenticated", "token-cacheable") or f.id.startswith("exp-")}


def test_guarded_flask_endpoint_is_clean(tmp_path):
    assert endpoint_findings(tmp_path, {"intercom_jwt.py": FLASK_GUARDED, **REQUIREMENTS}) == {}


def test_endpoint_without_a_user_check(tmp_path):
    found = endpoint_findings(tmp_path, {"app.py": FLASK_OPEN, **REQUIREMENTS})
    finding = found.pop("endpoint-unauthenticated")
    assert (finding.file, finding.line, finding.severity.value) == ("app.py", 12, "error")
    assert "without checking" in finding.message
    assert found == {}


def test_user_id_taken_from_the_request(tmp_path):
    found = endpoint_findings(tmp_path, {"routes/intercom.js": EXPRESS_FROM_QUERY, **PACKAGE})
    finding = found.pop("endpoint-unauthenticated")
    assert (finding.file, finding.line) == ("routes/intercom.js", 10)
    assert "req.query.user_id" in finding.message
    assert found == {}


@pytest.mark.parametrize(
    "files",
    [
        {"routes/intercom.js": EXPRESS_WITH_MIDDLEWARE, **PACKAGE},
        {"notes/intercom.py": DJANGO_CLASS_VIEW, "requirements.txt": "django\nPyJWT\n"},
        {"app/controllers/intercom_tokens_controller.rb": RAILS_CONTROLLER, "Gemfile": "gem 'jwt'\n"},
        {"api/intercom.py": FASTAPI_DEPENDS, "requirements.txt": "fastapi\nPyJWT\n"},
    ],
    ids=["express middleware", "django class view with mixin", "rails before_action", "fastapi dependency"],
)
def test_guards_outside_the_handler_count(files, tmp_path):
    assert endpoint_findings(tmp_path, files) == {}


def test_rails_params_user_id(tmp_path):
    found = endpoint_findings(tmp_path, {"app/controllers/intercom_tokens_controller.rb": RAILS_OPEN, "Gemfile": "gem 'jwt'\n"})
    assert found["endpoint-unauthenticated"].line == 5


def test_missing_no_store(tmp_path):
    code = FLASK_GUARDED.replace('        response.headers["Cache-Control"] = "no-store"\n', "")
    found = endpoint_findings(tmp_path, {"intercom_jwt.py": code, **REQUIREMENTS})
    assert list(found) == ["token-cacheable"]
    assert (found["token-cacheable"].line, found["token-cacheable"].severity.value) == (13, "warning")


EXP_CASES = {
    "missing": ('"exp": now + 2 * 60 * 60', '"name": "x"', "exp-missing", 19, "warning"),
    "too long": ('"exp": now + 2 * 60 * 60', '"exp": now + 7 * 24 * 3600', "exp-too-long", 18, "warning"),
    "in the past": ('"exp": now + 2 * 60 * 60', '"exp": now - 60', "exp-in-past", 18, "error"),
    "milliseconds": ('"exp": now + 2 * 60 * 60', '"exp": time.time() * 1000 + 7200000', "exp-milliseconds", 18, "error"),
    "datetime, 2 days": ('"exp": now + 2 * 60 * 60', '"exp": datetime.now(timezone.utc) + timedelta(days=2)', "exp-too-long", 18, "warning"),
}


# line 18 holds the payload, 19 the signing call (one import line added above)
@pytest.mark.parametrize("case", sorted(EXP_CASES))
def test_exp_in_python(case, tmp_path):
    old, new, finding_id, line, severity = EXP_CASES[case]
    code = FLASK_GUARDED.replace(old, new).replace("import time\n", "import time\nfrom datetime import datetime, timedelta, timezone\n")
    found = endpoint_findings(tmp_path, {"intercom_jwt.py": code, **REQUIREMENTS})
    assert list(found) == [finding_id]
    assert (found[finding_id].line, found[finding_id].severity.value) == (line, severity)


@pytest.mark.parametrize(
    ("expression", "finding_id"),
    [
        ("Date.now() + 7200", "exp-milliseconds"),
        ("Date.now() / 1000 + 7200", None),
        ("Math.floor(new Date().getTime() / 1000) + 3 * 86400", "exp-too-long"),
        ("now + 7200", None),
    ],
)
def test_exp_in_javascript(expression, finding_id, tmp_path):
    code = EXPRESS_FROM_QUERY.replace("req.query.user_id", "String(req.session.user.id)").replace("now + 7200", expression)
    found = endpoint_findings(tmp_path, {"routes/intercom.js": code, **PACKAGE})
    assert list(found) == ([finding_id] if finding_id else [])
    if finding_id:
        assert found[finding_id].line == 10


@pytest.mark.parametrize(("expires_in", "finding_id"), [("'2h'", None), ("'48h'", "exp-too-long"), ("7200", None), ("'30 days'", "exp-too-long")])
def test_jsonwebtoken_expires_in(expires_in, finding_id, tmp_path):
    code = EXPRESS_WITH_MIDDLEWARE.replace("'2h'", expires_in)
    found = endpoint_findings(tmp_path, {"routes/intercom.js": code, **PACKAGE})
    assert list(found) == ([finding_id] if finding_id else [])


def test_signing_unrelated_to_intercom_is_ignored(tmp_path):
    """An app's own API tokens (no Intercom in the file, no user_id claim) are not the token endpoint."""
    code = 'import jwt\n\ndef api_token(user):\n    return jwt.encode({"sub": user.id}, "k", algorithm="HS256")\n'
    assert endpoint_findings(tmp_path, {"api.py": code, **REQUIREMENTS}) == {}


def test_a_signing_helper_is_not_an_endpoint(tmp_path):
    """Auth and caching are judged where a request is served; a helper's exp is still read."""
    code = (
        '"""Intercom tokens."""\nimport time\n\nimport jwt\n\n\n'
        "def mint(secret, user_id):\n"
        '    return jwt.encode({"user_id": user_id, "exp": int(time.time()) + 7200}, secret, algorithm="HS256")\n'
    )
    assert endpoint_findings(tmp_path, {"tokens.py": code, **REQUIREMENTS}) == {}
    slow = code.replace("+ 7200", "+ 30 * 86400")
    assert list(endpoint_findings(tmp_path, {"tokens.py": slow, **REQUIREMENTS})) == ["exp-too-long"]


def test_php_script_is_its_own_endpoint(tmp_path):
    code = (
        "<?php\n// Intercom identity token\nuse Firebase\\JWT\\JWT;\n\n"
        "header('Cache-Control: no-store');\n"
        "echo json_encode(['token' => JWT::encode(['user_id' => $_GET['user_id'], 'exp' => time() + 7200], getenv('INTERCOM_IDENTITY_SECRET'), 'HS256')]);\n"
    )
    found = endpoint_findings(tmp_path, {"public/token.php": code, "composer.json": '{"require": {"firebase/php-jwt": "^6"}}'})
    assert list(found) == ["endpoint-unauthenticated"] and found["endpoint-unauthenticated"].line == 6
    guarded = code.replace("header(", "session_start();\nif (!isset($_SESSION['user'])) { http_response_code(401); exit; }\nheader(").replace("$_GET['user_id']", "(string) $_SESSION['user']['id']")
    assert endpoint_findings(tmp_path, {"public/token.php": guarded, "composer.json": '{"require": {"firebase/php-jwt": "^6"}}'}) == {}


def test_next_route_handler(tmp_path):
    code = (
        "import jwt from 'jsonwebtoken';\n\n"
        "export async function GET() {\n"
        "  const token = jwt.sign({ user_id: 'demo', exp: Math.floor(Date.now() / 1000) + 7200 }, process.env.INTERCOM_IDENTITY_SECRET);\n"
        "  return Response.json({ token }, { headers: { 'Cache-Control': 'no-store' } });\n"
        "}\n"
    )
    found = endpoint_findings(tmp_path, {"app/api/intercom-jwt/route.ts": code, **PACKAGE})
    assert list(found) == ["endpoint-unauthenticated"] and found["endpoint-unauthenticated"].line == 3
    guarded = code.replace("export async function GET() {\n", "export async function GET() {\n  const session = await getServerSession(authOptions);\n  if (!session) return new Response(null, { status: 401 });\n")
    assert endpoint_findings(tmp_path, {"app/api/intercom-jwt/route.ts": guarded, **PACKAGE}) == {}


def test_a_guard_on_a_neighbouring_route_does_not_count(tmp_path):
    code = (
        "// Intercom\nconst jwt = require('jsonwebtoken');\n\n"
        "module.exports = (app) => {\n"
        "  app.post('/login', passport.authenticate('local'), (req, res) => res.redirect('/'));\n"
        "  app.get('/api/intercom-jwt', (req, res) => {\n"
        "    res.set('Cache-Control', 'no-store');\n"
        "    res.json({ token: jwt.sign({ user_id: 'demo', exp: Math.floor(Date.now() / 1000) + 60 }, process.env.INTERCOM_IDENTITY_SECRET) });\n"
        "  });\n"
        "};\n"
    )
    found = endpoint_findings(tmp_path, {"routes.js": code, **PACKAGE})
    assert list(found) == ["endpoint-unauthenticated"] and found["endpoint-unauthenticated"].line == 6


def test_controller_method_without_a_guard(tmp_path):
    code = RAILS_CONTROLLER.replace("  before_action :authenticate_user!\n\n", "").replace("current_user.id.to_s", "'demo'")
    found = endpoint_findings(tmp_path, {"app/controllers/intercom_tokens_controller.rb": code, "Gemfile": "gem 'jwt'\n"})
    assert list(found) == ["endpoint-unauthenticated"] and found["endpoint-unauthenticated"].line == 3
