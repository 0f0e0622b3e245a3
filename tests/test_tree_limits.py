"""Files the wizard will not read: oversized ones are left out with a note, not read and not refused."""

from conftest import WORKSPACE_ID

from intercom_wizard.tree import MAX_FILE_BYTES, ProjectTree


def test_an_oversized_file_is_skipped_with_a_note(app_copy, cli):
    root = app_copy("flask_login_app", commit=False)
    bundle = root / "static" / "vendor.min.js"
    bundle.parent.mkdir(exist_ok=True)
    bundle.write_bytes(b"/* widget.intercom.io */" + b"x" * MAX_FILE_BYTES)
    assert "static/vendor.min.js" not in ProjectTree(root).files
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install")
    assert result.exit_code == 0, result.stderr
    assert "static/vendor.min.js was not read: 4 MiB is over the 4 MiB limit for project files" in result.stderr


def test_sockets_left_by_dev_servers_are_ignored(app_copy, cli):
    import socket

    root = app_copy("flask_login_app", commit=False)
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(root / "dev.sock"))
    server.close()
    assert "dev.sock" not in ProjectTree(root).files
    assert cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install").exit_code == 0
