"""The front end's Messenger calls: user_hash, insecure boot, shutdown on logout, region, workspace id."""

import pytest
from doctor_support import diagnose, with_id, write

from intercom_wizard.options import Region

LOADER = "(function(){var w=window;var s=document.createElement('script');s.src='https://widget.intercom.io/widget/abc12345';document.head.appendChild(s);})();\n"


def page(script: str) -> str:
    return f"<!doctype html>\n<html>\n<body>\n<script>\n{script}</script>\n</body>\n</html>\n"


SECURE_BOOT = "fetch('/api/intercom-jwt', { credentials: 'include' }).then((r) => r.json()).then(({ token }) => {\n  window.Intercom('boot', { app_id: 'abc12345', intercom_user_jwt: token });\n});\n"


def test_no_messenger_is_an_info_and_skips_front_end_checks(tmp_path):
    root = write(tmp_path, {"templates/base.html": "<html><body><a href='/logout'>Log out</a></body></html>\n"})
    findings = diagnose(root)
    [finding] = with_id(findings, "messenger-not-found")
    assert finding.severity.value == "info"
    assert with_id(findings, "no-shutdown") == []


def test_messenger_found(tmp_path):
    assert with_id(diagnose(write(tmp_path, {"static/intercom.js": LOADER + SECURE_BOOT})), "messenger-not-found") == []


# --- user_hash ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "code", "line"),
    [
        ("templates/base.html", page("window.intercomSettings = {\n  app_id: 'abc12345',\n  user_hash: '{{ user_hash }}',\n};\n"), 7),
        ("views.py", 'import hmac\n\ndef settings(user):\n    return {"user_id": user.id, "user_hash": hmac.new(b"k", b"1", "sha256").hexdigest()}\n', 4),
        ("src/Chat.jsx", "import { useIntercom } from 'react-use-intercom';\nexport function Chat({ u }) {\n  const { boot } = useIntercom();\n  boot({ userId: u.id, userHash: u.hash });\n}\n", 4),
    ],
    ids=["template", "server", "react-use-intercom"],
)
def test_user_hash_is_reported(path, code, line, tmp_path):
    [finding] = with_id(diagnose(write(tmp_path, {path: code})), "user-hash")
    assert (finding.file, finding.line, finding.severity.value) == (path, line, "warning")
    assert "JWT" in finding.fix


def test_jwt_install_has_no_user_hash(tmp_path):
    assert with_id(diagnose(write(tmp_path, {"static/intercom.js": LOADER + SECURE_BOOT})), "user-hash") == []


# --- insecure boot --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "code", "line"),
    [
        ("templates/base.html", page("window.intercomSettings = {\n  app_id: 'abc12345',\n  email: '{{ user.email }}',\n};\n" + LOADER), 5),
        ("static/intercom.js", LOADER + "window.Intercom('boot', { app_id: 'abc12345', name: user.name, user_id: user.id });\n", 2),
        ("static/intercom.js", LOADER + "var settings = { app_id: 'abc12345', email: user.email };\nwindow.Intercom('boot', settings);\n", 3),
        ("src/intercom.ts", "import Intercom from '@intercom/messenger-js-sdk';\nIntercom({ app_id: 'abc12345', user_id: user.id });\n", 2),
    ],
    ids=["intercomSettings", "boot call", "boot with a settings variable", "SDK"],
)
def test_insecure_boot(path, code, line, tmp_path):
    [finding] = with_id(diagnose(write(tmp_path, {path: code})), "insecure-boot")
    assert (finding.file, finding.line, finding.severity.value) == (path, line, "error")


@pytest.mark.parametrize(
    "code",
    [
        LOADER + SECURE_BOOT,
        LOADER + "window.Intercom('boot', { app_id: 'abc12345' });\n",
        LOADER + "window.Intercom('boot', { app_id: 'abc12345', email: u.email, intercom_user_jwt: token });\n",
    ],
    ids=["jwt", "anonymous", "attributes with a jwt"],
)
def test_secure_or_anonymous_boot(code, tmp_path):
    assert with_id(diagnose(write(tmp_path, {"static/intercom.js": code})), "insecure-boot") == []


# --- shutdown -------------------------------------------------------------------------------------

FLASK_LOGOUT = 'from flask import Flask\napp = Flask(__name__)\n\n@app.route("/logout")\ndef logout():\n    return "bye"\n'


def test_logout_without_shutdown(tmp_path):
    root = write(tmp_path, {"app.py": FLASK_LOGOUT, "static/intercom.js": LOADER + SECURE_BOOT})
    [finding] = with_id(diagnose(root), "no-shutdown")
    assert (finding.file, finding.line, finding.severity.value) == ("app.py", 4, "error")


@pytest.mark.parametrize(
    "files",
    [
        {"app.py": FLASK_LOGOUT, "static/intercom.js": LOADER + SECURE_BOOT + "document.getElementById('logout').onclick = () => window.Intercom('shutdown');\n"},
        {"src/auth.ts": "import { shutdown } from '@intercom/messenger-js-sdk';\nexport function signOut() { shutdown(); }\n", "src/boot.ts": "import Intercom from '@intercom/messenger-js-sdk';\nIntercom({ app_id: 'abc12345' });\n"},
        {"static/intercom.js": LOADER + SECURE_BOOT},  # no logout anywhere
    ],
    ids=["snippet shutdown", "SDK shutdown", "no logout in the app"],
)
def test_shutdown_present_or_not_needed(files, tmp_path):
    assert with_id(diagnose(write(tmp_path, files)), "no-shutdown") == []


def test_logout_link_in_a_template_counts(tmp_path):
    root = write(tmp_path, {"templates/base.html": "<html><body>\n<form action=\"/accounts/logout/\" method=\"post\"><button>Sign out</button></form>\n</body></html>\n", "static/intercom.js": LOADER + SECURE_BOOT})
    [finding] = with_id(diagnose(root), "no-shutdown")
    assert (finding.file, finding.line) == ("templates/base.html", 2)


# --- region ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("region", "code", "finding_id"),
    [
        (Region.EU, LOADER + SECURE_BOOT, "region-missing"),
        (Region.EU, LOADER + SECURE_BOOT.replace("app_id: 'abc12345',", "app_id: 'abc12345', api_base: 'https://api-iam.eu.intercom.io',"), None),
        (Region.EU, LOADER + SECURE_BOOT.replace("app_id: 'abc12345',", "app_id: 'abc12345', api_base: 'https://api-iam.au.intercom.io',"), "region-mismatch"),
        (Region.AU, "import Intercom from '@intercom/messenger-js-sdk';\nIntercom({ app_id: 'abc12345', region: 'ap' });\n", None),
        (Region.AU, "import Intercom from '@intercom/messenger-js-sdk';\nIntercom({ app_id: 'abc12345', region: 'au' });\n", "region-mismatch"),
        (Region.AU, "import Intercom from '@intercom/messenger-js-sdk';\nIntercom({ app_id: 'abc12345', api_base: 'https://api-iam.au.intercom.io' });\n", "region-missing"),
        (Region.US, LOADER + SECURE_BOOT, None),
        (None, LOADER + SECURE_BOOT, None),
    ],
    ids=["eu missing", "eu api_base", "eu given au", "au sdk ap", "au sdk 'au'", "au sdk api_base only", "us", "not given"],
)
def test_region(region, code, finding_id, tmp_path):
    path = "src/intercom.ts" if "@intercom" in code else "static/intercom.js"
    findings = diagnose(write(tmp_path, {path: code}), region=region)
    found = [f for f in findings if f.id.startswith("region-")]
    assert [f.id for f in found] == ([finding_id] if finding_id else [])
    assert all(f.severity.value == "error" and f.line for f in found)


def test_wizard_script_carries_the_region(tmp_path):
    """The generated script sets API_BASE for EU/AU: no finding."""
    from doctor_support import installed_copy

    root = installed_copy("flask_notes", tmp_path, region=Region.EU)
    assert [f for f in diagnose(root, region=Region.EU) if f.id.startswith("region-")] == []
    assert [f.id for f in diagnose(root, region=Region.AU) if f.id.startswith("region-")] == ["region-mismatch"]


# --- workspace id ---------------------------------------------------------------------------------


def test_workspace_id_placeholder_and_mismatch(tmp_path):
    code = LOADER.replace("abc12345", "YOUR_WORKSPACE_ID") + "window.Intercom('boot', { app_id: 'YOUR_WORKSPACE_ID' });\n"
    findings = diagnose(write(tmp_path / "a", {"static/intercom.js": code}))
    assert [(f.id, f.line) for f in findings if f.id.startswith("workspace-")] == [("workspace-id-placeholder", 1), ("workspace-id-placeholder", 2)]

    other = write(tmp_path / "b", {"static/intercom.js": LOADER + SECURE_BOOT})
    assert [f.id for f in diagnose(other, workspace_id="zzz99999") if f.id.startswith("workspace-")] == ["workspace-id-mismatch"] * 2
    assert [f for f in diagnose(other, workspace_id="abc12345") if f.id.startswith("workspace-")] == []


def test_user_hash_mentioned_in_passing_is_not_a_setting(tmp_path):
    root = write(tmp_path, {"notes.py": 'SIGNS = ("user_hash", "widget.intercom.io")\n', "static/a.js": "console.log('user_hash is deprecated');\n"})
    assert with_id(diagnose(root), "user-hash") == []


def test_react_use_intercom_hooks(tmp_path):
    component = (
        "import { useIntercom } from 'react-use-intercom';\n"
        "export function Account({ user }) {\n"
        "  const { boot, shutdown: stopMessenger } = useIntercom();\n"
        "  const logout = () => { stopMessenger(); };\n"
        "  boot({ email: user.email });\n"
        "}\n"
    )
    findings = diagnose(write(tmp_path, {"src/Account.jsx": component}))
    assert [(f.id, f.line) for f in findings if f.id in ("insecure-boot", "no-shutdown")] == [("insecure-boot", 5)]


def test_unrelated_update_calls_are_not_messenger_calls(tmp_path):
    component = (
        "import Intercom from '@intercom/messenger-js-sdk';\n"
        "import { update } from './store';\n"
        "Intercom({ app_id: 'abc12345' });\n"
        "update({ email: 'x@example.com', name: 'X' });\n"
    )
    assert with_id(diagnose(write(tmp_path, {"src/boot.ts": component})), "insecure-boot") == []
