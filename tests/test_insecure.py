"""--insecure: only on request, loudly, and exactly the seed's unsigned snippet with real user attributes."""

import subprocess
import sys

import pytest
from conftest import SECRET, WORKSPACE_ID, snapshot

from intercom_wizard.localserver import BrowserlessClient, free_port, running_server


def test_insecure_is_never_the_default(app_copy, cli):
    root = app_copy("flask_notes")
    assert cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install").exit_code == 0
    page = (root / "flaskr/templates/base.html").read_text()
    assert "intercomSettings" not in page and "intercom-messenger.js" in page


@pytest.mark.parametrize(
    ("name", "command", "login", "credentials", "expected"),
    [
        ("flask_notes", [sys.executable, "-m", "flask", "--app", "flaskr", "run", "--host", "127.0.0.1", "--port", "{port}"],
         "/auth/login", {"username": "alice", "password": "wonderland"}, ['user_id: "1"', 'email: "alice@example.com"']),
        ("django_site", [sys.executable, "manage.py", "runserver", "127.0.0.1:{port}", "--noreload"],
         "/accounts/login/", {"username": "carol", "password": "pass-carol-123"}, ['user_id: "1"', 'email: "carol@example.com"', 'name: "Carol Danvers"']),
    ],
)
def test_insecure_snippet_carries_the_signed_in_user(name, command, login, credentials, expected, app_copy, cli):
    root = app_copy(name)
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--insecure", "--yes")
    assert result.exit_code == 0, result.stderr
    assert "WARNING" in result.stderr and "impersonate" in result.stderr
    files = snapshot(root)
    assert not any("intercom_jwt" in path for path in files), "no token endpoint in insecure mode"
    assert not any(SECRET.encode() in data for data in files.values())
    if name == "django_site":
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=root, check=True)
    port = free_port()
    with running_server([p.replace("{port}", str(port)) for p in command], root, port, {}):
        client = BrowserlessClient(f"http://127.0.0.1:{port}")
        anonymous = client.get("/").body
        assert 'app_id: "abc12345"' in anonymous and "widget.intercom.io/widget/abc12345" in anonymous
        assert "user_id:" not in anonymous
        client.post_form(login, credentials, csrf_from=login if name == "django_site" else None)
        signed_in = client.get("/").body
        for attribute in expected:
            assert attribute in signed_in
    assert cli("uninstall", str(root), "--yes").exit_code == 0
