"""jwt-library-missing: the server imports its JWT library, but the project does not declare it."""

import pytest
from doctor_support import diagnose, with_id, write

PY_ENDPOINT = """
    import jwt


    def token(secret):
        return jwt.encode({"user_id": "1"}, secret, algorithm="HS256")
"""
JS_SERVER = """
    const jwt = require('jsonwebtoken');
    module.exports = (secret) => jwt.sign({ user_id: '1' }, secret);
"""
PHP_ENDPOINT = """
    <?php
    use Firebase\\JWT\\JWT;
    function token($secret) { return JWT::encode(['user_id' => '1'], $secret, 'HS256'); }
"""
RUBY_ENDPOINT = """
    require 'jwt'
    def token(secret) = JWT.encode({ user_id: '1' }, secret, 'HS256')
"""

MISSING = {
    "python requirements": {"app.py": PY_ENDPOINT, "requirements.txt": "flask>=3\n"},
    "python pyproject": {"app.py": PY_ENDPOINT, "pyproject.toml": '[project]\nname = "x"\ndependencies = ["flask"]\n'},
    "python, no manifest at all": {"app.py": PY_ENDPOINT},
    "node": {"server.js": JS_SERVER, "package.json": '{"dependencies": {"express": "^4"}}'},
    "php": {"token.php": PHP_ENDPOINT, "composer.json": '{"require": {"php": ">=8.1"}}'},
    "ruby": {"app.rb": RUBY_ENDPOINT, "Gemfile": "source 'https://rubygems.org'\ngem 'sinatra'\n"},
}
DECLARED = {
    "python requirements": {"app.py": PY_ENDPOINT, "requirements.txt": "flask>=3\nPyJWT>=2.8  # tokens\n"},
    "python pyproject extras": {"app.py": PY_ENDPOINT, "pyproject.toml": '[project]\nname = "x"\ndependencies = ["pyjwt[crypto]>=2"]\n'},
    "python poetry": {"app.py": PY_ENDPOINT, "pyproject.toml": '[tool.poetry.dependencies]\npython = "^3.11"\nPyJWT = "^2.8"\n'},
    "python manifest in a parent folder": {"backend/app.py": PY_ENDPOINT, "requirements.txt": "pyjwt\n"},
    "node": {"server.js": JS_SERVER, "package.json": '{"dependencies": {"jsonwebtoken": "^9.0.2"}}'},
    "php": {"token.php": PHP_ENDPOINT, "composer.json": '{"require": {"firebase/php-jwt": "^6.10"}}'},
    "ruby": {"app.rb": RUBY_ENDPOINT, "Gemfile": "source 'https://rubygems.org'\ngem 'jwt', '~> 2.8'\n"},
}


@pytest.mark.parametrize("case", sorted(MISSING))
def test_import_without_declaration_is_reported_at_the_import(case, tmp_path):
    findings = with_id(diagnose(write(tmp_path, MISSING[case])), "jwt-library-missing")
    assert len(findings) == 1, findings
    finding = findings[0]
    assert finding.severity.value == "error"
    assert finding.line in (1, 2)  # the import line (PHP: after the <?php tag)
    assert finding.why and finding.fix
    if case == "python, no manifest at all":
        assert "no requirements.txt" in finding.message


@pytest.mark.parametrize("case", sorted(DECLARED))
def test_declared_library_is_not_reported(case, tmp_path):
    assert with_id(diagnose(write(tmp_path, DECLARED[case])), "jwt-library-missing") == []


def test_rails_style_usage_without_require_counts(tmp_path):
    root = write(tmp_path, {"app/controllers/tokens_controller.rb": "class T\n  def show = JWT.encode({}, 'k')\nend\n", "Gemfile": "gem 'rails'\n"})
    findings = with_id(diagnose(root), "jwt-library-missing")
    assert [(f.file, f.line) for f in findings] == [("app/controllers/tokens_controller.rb", 2)]


def test_front_end_imports_are_not_a_dependency_problem(tmp_path):
    """jsonwebtoken in the browser is a secret leak (reported elsewhere), not a missing server dependency."""
    root = write(tmp_path, {"static/app.js": "import jwt from 'jsonwebtoken';\n", "package.json": "{}"})
    assert with_id(diagnose(root), "jwt-library-missing") == []


# The fix is the project's own command (packages.add_command: the tools `install` runs), from the project
# root; a command that does not write the manifest (pip into the app's venv) also names the manifest.
VENV = {".venv/pyvenv.cfg": "home = /usr/bin\n", ".venv/bin/python": ""}
FIX_COMMANDS = {
    "python, no environment": ({"app.py": PY_ENDPOINT, "requirements.txt": "flask\n"}, "`python -m pip install PyJWT`, and add PyJWT to requirements.txt."),
    "python venv": ({"app.py": PY_ENDPOINT, "requirements.txt": "flask\n", **VENV}, "`.venv/bin/python -m pip install PyJWT`, and add PyJWT to requirements.txt."),
    "python venv beside a back end in a folder": (
        {"api/app.py": PY_ENDPOINT, "api/requirements.txt": "flask\n", **{f"api/{k}": v for k, v in VENV.items()}},
        "`api/.venv/bin/python -m pip install PyJWT`, and add PyJWT to api/requirements.txt.",
    ),
    "uv": ({"app.py": PY_ENDPOINT, "pyproject.toml": '[project]\nname = "x"\ndependencies = ["flask"]\n', "uv.lock": ""}, "`uv add PyJWT`."),
    "poetry in a folder": (
        {"api/app.py": PY_ENDPOINT, "api/pyproject.toml": '[tool.poetry.dependencies]\nflask = "^3"\n', "api/poetry.lock": ""},
        "`cd api && poetry add PyJWT`.",
    ),
    "pipenv": ({"app.py": PY_ENDPOINT, "Pipfile": '[packages]\nflask = "*"\n', "Pipfile.lock": "{}"}, "`pipenv install PyJWT`."),
    "npm": ({"server.js": JS_SERVER, "package.json": '{"dependencies": {"express": "^4"}}', "package-lock.json": "{}"}, "`npm install jsonwebtoken`."),
    "yarn": ({"server.js": JS_SERVER, "package.json": '{"dependencies": {"express": "^4"}}', "yarn.lock": ""}, "`yarn add jsonwebtoken`."),
    "pnpm workspace member": (
        {"apps/api/server.js": JS_SERVER, "apps/api/package.json": '{"dependencies": {"express": "^4"}}', "pnpm-lock.yaml": "", "package.json": "{}"},
        "`cd apps/api && pnpm add jsonwebtoken`.",
    ),
    "composer in a folder": ({"server/token.php": PHP_ENDPOINT, "server/composer.json": '{"require": {"php": ">=8.1"}}'}, "`cd server && composer require firebase/php-jwt`."),
    "bundler": ({"app.rb": RUBY_ENDPOINT, "Gemfile": "gem 'sinatra'\n"}, "`bundle add jwt`."),
}


@pytest.mark.parametrize("case", sorted(FIX_COMMANDS))
def test_the_fix_is_the_projects_own_command(case, tmp_path):
    files, expected = FIX_COMMANDS[case]
    [finding] = with_id(diagnose(write(tmp_path, files)), "jwt-library-missing")
    assert finding.fix is not None and finding.fix.endswith(expected), finding.fix
    declares = "add PyJWT to" not in expected
    assert finding.fix.startswith("Declare and install it" if declares else "Install it"), finding.fix
