"""The transactional writer: all files or none, bytes and line endings kept, nothing outside the root."""

import os

import pytest
from conftest import WORKSPACE_ID, snapshot

from intercom_wizard import apply as apply_module
from intercom_wizard.apply import apply_changes
from intercom_wizard.errors import ApplyFailed
from intercom_wizard.options import InstallOptions, parse_workspace_id
from intercom_wizard.planner import make_plan
from intercom_wizard.project import detect


def plan_for(root):
    return make_plan(detect(root), InstallOptions(workspace=parse_workspace_id(WORKSPACE_ID)), "s3cret-for-apply-0123456789abcdef0123")


@pytest.mark.parametrize("failing_call", range(0, 12))
def test_a_failure_at_any_write_leaves_the_tree_unchanged(failing_call, app_copy, monkeypatch):
    root = app_copy("flask_login_app")
    before = snapshot(root)
    plan = plan_for(root)
    calls = {"replace": 0}
    real_replace = os.replace

    def flaky_replace(src, dst):
        calls["replace"] += 1
        if calls["replace"] == failing_call + 1:
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(apply_module.os, "replace", flaky_replace)
    try:
        apply_changes(detect(root).tree, plan.changes)
    except ApplyFailed as error:
        assert "Every file was left as it was" in error.message
        assert snapshot(root) == before
        assert not [p for p in root.rglob(".intercom-wizard~*")], "no temporary files are left behind"
    else:
        assert failing_call + 1 > calls["replace"], "the injected failure was never reached"


def test_a_failure_while_writing_temp_files_changes_nothing(app_copy, monkeypatch):
    root = app_copy("django_site")
    before = snapshot(root)
    plan = plan_for(root)
    written = []
    real_write = apply_module.write_new_file

    def failing_third(path, data, mode):
        if len(written) == 2:
            raise PermissionError(13, "Permission denied")
        written.append(path)
        return real_write(path, data, mode)

    monkeypatch.setattr(apply_module, "write_new_file", failing_third)
    with pytest.raises(ApplyFailed):
        apply_changes(detect(root).tree, plan.changes)
    assert snapshot(root) == before
    assert not [p for p in root.rglob(".intercom-wizard~*")], "no temporary files are left behind"


def test_crlf_bom_and_missing_final_newline_are_kept(app_copy, cli):
    root = app_copy("flask_notes", commit=False)
    base = root / "flaskr/templates/base.html"
    text = base.read_text().replace("\n", "\r\n").rstrip("\r\n")
    base.write_bytes(b"\xef\xbb\xbf" + text.encode())
    factory = root / "flaskr/__init__.py"
    factory.write_bytes(factory.read_bytes().replace(b"\n", b"\r\n"))
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install")
    assert result.exit_code == 0, result.stderr
    data = base.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert not data.endswith(b"\n")
    assert b"intercom-messenger.js" in data
    factory_data = factory.read_bytes()
    assert b"app.register_blueprint(intercom_jwt.bp)\r\n" in factory_data
    assert b"\n" not in factory_data.replace(b"\r\n", b"")
    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert base.read_bytes() == b"\xef\xbb\xbf" + text.encode()


def test_file_mode_is_kept(app_copy, cli):
    root = app_copy("flask_login_app", commit=False)
    app_py = root / "app.py"
    app_py.chmod(0o750)
    assert cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install").exit_code == 0
    assert app_py.stat().st_mode & 0o777 == 0o750
