"""secret-literal, secret-in-frontend, secret-in-tracked-file: the secret belongs in the server's environment only."""

import json

import pytest
from doctor_support import SECRET, diagnose, with_id, write

LITERALS = {
    "python constant": ('INTERCOM_IDENTITY_SECRET = "sk-real-looking-4f1a9"\n', "app.py", 1),
    "python env default": ('import os\nsecret = os.environ.get("INTERCOM_IDENTITY_SECRET", "fallback-8c2d1e")\n', "app.py", 2),
    "python or-fallback": ('import os\nINTERCOM_SECRET = os.environ.get("X") or "fallback-8c2d1e"\n', "app.py", 2),
    "python dict setting": ('SETTINGS = {"INTERCOM_IDENTITY_SECRET": "sk-real-looking-4f1a9"}\n', "settings.py", 1),
    "js fallback": ("const secret = process.env.INTERCOM_IDENTITY_SECRET || 'dev-secret-77';\n", "server.js", 1),
    "js literal signing key": (
        "// Intercom identity\nconst jwt = require('jsonwebtoken');\nmodule.exports = () => jwt.sign({ user_id: '1' }, 'hardcoded-key-1');\n",
        "server.js",
        3,
    ),
    "js signing key through a variable": (
        "// Intercom\nconst jwt = require('jsonwebtoken');\nconst key = 'hardcoded-key-1';\nmodule.exports = () => jwt.sign({ user_id: '1' }, key);\n",
        "server.js",
        3,
    ),
    "js literal fallback for the signing key": (
        "// Intercom\nconst jwt = require('jsonwebtoken');\nmodule.exports = () => jwt.sign({ user_id: '1' }, process.env.JWT_KEY || 'dev-key-123');\n",
        "server.js",
        3,
    ),
    "php define": ("<?php\ndefine('INTERCOM_IDENTITY_SECRET', 'sk-real-looking-4f1a9');\n", "config.php", 2),
    "ruby fetch default": ("SECRET = ENV.fetch('INTERCOM_IDENTITY_SECRET', 'sk-real-looking-4f1a9')\n", "config.rb", 1),
}
CLEAN = {
    "python environ": ('import os\nINTERCOM_IDENTITY_SECRET = os.environ["INTERCOM_IDENTITY_SECRET"]\n', "app.py"),
    "python empty default": ('import os\nsecret = os.environ.get("INTERCOM_IDENTITY_SECRET", "")\n', "app.py"),
    "js env": ("const secret = process.env.INTERCOM_IDENTITY_SECRET;\n", "server.js"),
    "unrelated session secret": ("app.use(session({ secret: process.env.SESSION_SECRET || 'dev-only-secret' }));\n", "server.js"),
}


@pytest.mark.parametrize("case", sorted(LITERALS))
def test_secret_literal_in_server_code(case, tmp_path):
    code, path, line = LITERALS[case]
    findings = with_id(diagnose(write(tmp_path, {path: code})), "secret-literal")
    assert [(f.file, f.line, f.severity.value) for f in findings] == [(path, line, "error")]


@pytest.mark.parametrize("case", sorted(CLEAN))
def test_secret_from_the_environment_is_fine(case, tmp_path):
    code, path = CLEAN[case]
    findings = diagnose(write(tmp_path, {path: code}))
    assert with_id(findings, "secret-literal") == [] and with_id(findings, "secret-in-frontend") == []


def test_placeholder_is_a_warning_and_values_are_never_printed(tmp_path):
    root = write(tmp_path, {"app.py": 'INTERCOM_IDENTITY_SECRET = "your-secret-here"\n'})
    [finding] = with_id(diagnose(root), "secret-literal")
    assert finding.severity.value == "warning"
    assert "your-secret-here" not in json.dumps(finding.to_json())


FRONTEND = {
    "literal in a static script": ("static/app.js", "const INTERCOM_SECRET = 'sk-real-looking-4f1a9';\n", 1),
    "public build variable": ("src/intercom.ts", "export const key = import.meta.env.VITE_INTERCOM_SECRET;\n", 1),
    "process.env in a component": ("src/Chat.jsx", "const s = process.env.NEXT_PUBLIC_INTERCOM_IDENTITY_SECRET;\nexport default () => null;\n", 1),
    "signing in the browser": (
        "src/Chat.tsx",
        "import { sign } from 'jsonwebtoken';\nexport const t = (k: string) => sign({ user_id: '1' }, k);\n",
        1,
    ),
    "inline script in a page": (
        "templates/base.html",
        "<html><body>\n<script>\n  var intercomSecret = 'sk-real-looking-4f1a9';\n</script>\n</body></html>\n",
        3,
    ),
}


@pytest.mark.parametrize("case", sorted(FRONTEND))
def test_secret_in_front_end_code(case, tmp_path):
    path, code, line = FRONTEND[case]
    findings = with_id(diagnose(write(tmp_path, {path: code})), "secret-in-frontend")
    assert [(f.file, f.line, f.severity.value) for f in findings] == [(path, line, "error")]


def test_front_end_that_fetches_a_token_is_fine(tmp_path):
    code = "fetch('/api/intercom-jwt', { credentials: 'include' }).then((r) => r.json()).then(({ token }) => {\n" \
           "  window.Intercom('boot', { app_id: 'abc12345', intercom_user_jwt: token });\n});\n"
    assert with_id(diagnose(write(tmp_path, {"static/intercom.js": code})), "secret-in-frontend") == []


def test_secret_value_found_in_files(tmp_path):
    """The value from the environment (or the project's env file) is looked for everywhere else."""
    root = write(
        tmp_path,
        {
            ".gitignore": ".env\n",
            ".env": f"INTERCOM_IDENTITY_SECRET={SECRET}\n",
            "static/config.json": json.dumps({"intercom": {"key": SECRET}}, indent=2) + "\n",
            "docs/setup.md": f"# Setup\n\nWe used {SECRET} for staging.\n",
            "app.py": "import os\nSECRET = os.environ['INTERCOM_IDENTITY_SECRET']\n",
        },
        commit=True,
    )
    findings = diagnose(root)  # the value comes from .env alone: no secret in the environment
    assert [(f.file, f.line) for f in with_id(findings, "secret-in-frontend")] == [("static/config.json", 3)]
    assert [(f.file, f.line) for f in with_id(findings, "secret-in-tracked-file")] == [("docs/setup.md", 3)]


def test_secret_only_in_the_ignored_env_file_is_fine(tmp_path):
    root = write(tmp_path, {".gitignore": ".env\n", ".env": f"INTERCOM_IDENTITY_SECRET={SECRET}\n", "app.py": "x = 1\n"}, commit=True)
    findings = diagnose(root, secret=SECRET)
    assert not [f for f in findings if f.id.startswith("secret-")]


def test_env_files(tmp_path):
    tracked = write(tmp_path / "tracked", {".env": "DEBUG=1\nINTERCOM_IDENTITY_SECRET=a1b2c3d4e5f6\n"}, commit=True)
    [finding] = with_id(diagnose(tracked), "secret-in-tracked-file")
    assert (finding.file, finding.line, finding.severity.value) == (".env", 2, "error")
    assert "git rm --cached .env" in finding.fix

    untracked = write(tmp_path / "untracked", {"app.py": "x = 1\n"}, commit=True)
    (untracked / ".env").write_text("INTERCOM_IDENTITY_SECRET=a1b2c3d4e5f6\n")
    [finding] = with_id(diagnose(untracked), "secret-in-tracked-file")
    assert finding.severity.value == "warning" and "not ignored" in finding.message

    fine = write(
        tmp_path / "fine",
        {
            ".gitignore": ".env\n",
            ".env": "INTERCOM_IDENTITY_SECRET=a1b2c3d4e5f6\n",
            ".env.example": "INTERCOM_IDENTITY_SECRET=\n",
            "docker-compose.yml": "services:\n  web:\n    environment:\n      INTERCOM_IDENTITY_SECRET: ${INTERCOM_IDENTITY_SECRET}\n",
            ".github/workflows/ci.yml": "env:\n  INTERCOM_IDENTITY_SECRET: ${{ secrets.INTERCOM_IDENTITY_SECRET }}\n",
        },
        commit=True,
    )
    assert not [f for f in diagnose(fine) if f.id.startswith("secret-")]


def test_public_env_variable_is_a_front_end_leak_even_when_ignored(tmp_path):
    """Bundlers inline NEXT_PUBLIC_* / VITE_* values at build time, from ignored env files too."""
    root = write(tmp_path, {".env.local": "NEXT_PUBLIC_INTERCOM_IDENTITY_SECRET=a1b2c3d4e5f6\n", ".gitignore": ".env.local\n"}, commit=True)
    [finding] = with_id(diagnose(root), "secret-in-frontend")
    assert (finding.file, finding.line) == (".env.local", 1) and "bundle" in finding.message
    (root / ".env.local").write_text("INTERCOM_IDENTITY_SECRET=a1b2c3d4e5f6\n")
    assert with_id(diagnose(root), "secret-in-frontend") == []
