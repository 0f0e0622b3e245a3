"""Every error a user can cause: a clear message, its own exit code, and not one file changed."""

from pathlib import Path

import pytest
from conftest import WORKSPACE_ID, install_quietly, snapshot
from install_check import check_install, fixture_files

from intercom_wizard import tree
from intercom_wizard.errors import ExitCode


@pytest.mark.parametrize("bad", ["ABC12345", "abc", "abc-1234", "https://example.com/a/apps/", "abc12345abc12345"])
def test_invalid_workspace_id(bad):
    app = fixture_files("flask_notes")
    result = check_install(app, app, "--workspace-id", bad, exit_code=ExitCode.BAD_INPUT)
    assert "is not an Intercom workspace id" in result.stderr


@pytest.mark.parametrize("flag", ["--secret", "--identity-secret"])
def test_secret_on_the_command_line_is_refused(flag):
    app = fixture_files("flask_notes")
    result = check_install(app, app, flag, "hunter2-the-secret", exit_code=ExitCode.BAD_INPUT)
    assert "never accepted as a command-line value" in result.stderr
    assert "hunter2-the-secret" not in result.stdout + result.stderr


def test_malformed_package_json():
    app = fixture_files("express_app") | {"package.json": '{"name": "broken",\n  "dependencies": {"express": "^4"\n'}
    result = check_install(app, app, exit_code=ExitCode.BAD_INPUT)
    assert "package.json is not valid JSON" in result.stderr


def test_non_utf8_source_file(app_copy, cli):
    root = app_copy("flask_login_app", commit=False)
    layout = root / "templates/layout.html"
    layout.write_bytes(layout.read_text().replace("</main>", "<p>Caf\u00e9</p></main>").encode("latin-1"))
    before = snapshot(root)
    result = install_quietly(cli, root)
    assert result.exit_code == 2
    assert "templates/layout.html is not UTF-8 text" in result.stderr
    assert snapshot(root) == before


def test_unreadable_file(app_copy, cli, monkeypatch):
    root = app_copy("flask_login_app", commit=False)
    before = snapshot(root)
    real_read_bytes = tree.read_file_bytes

    def read_bytes(path: str) -> bytes:
        if Path(path) == root.resolve() / "app.py":
            raise PermissionError(13, "Permission denied")
        return real_read_bytes(path)

    monkeypatch.setattr(tree, "read_file_bytes", read_bytes)
    result = install_quietly(cli, root)
    monkeypatch.undo()
    assert result.exit_code == 2
    assert "Cannot read app.py: Permission denied" in result.stderr
    assert snapshot(root) == before


def test_symlink_escaping_the_project(app_copy, cli, tmp_path):
    root = app_copy("flask_login_app", commit=False)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    layout = root / "templates/layout.html"
    (outside / "layout.html").write_bytes(layout.read_bytes())
    layout.unlink()
    layout.symlink_to(outside / "layout.html")
    before = snapshot(outside)
    result = install_quietly(cli, root)
    assert result.exit_code == 2
    assert "outside the project" in result.stderr
    assert snapshot(outside) == before
    assert not (root / "intercom_jwt.py").exists()


def test_not_a_project():
    notes = {"notes.txt": "just some notes\n"}
    result = check_install(notes, notes, exit_code=ExitCode.NOTHING_DETECTED)
    assert "No web app was found" in result.stderr


def test_missing_folder(tmp_path, cli):
    result = install_quietly(cli, tmp_path / "nope")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_already_installed_by_hand():
    app = fixture_files("flask_login_app")
    hand_written = "<script>window.intercomSettings = {app_id: 'abc12345'};</script>\n</body>"
    app["templates/layout.html"] = app["templates/layout.html"].replace("</body>", hand_written)
    result = check_install(app, app, exit_code=ExitCode.ALREADY_INSTALLED, commit=True)
    assert "templates/layout.html" in result.stderr and "intercomSettings" in result.stderr


def test_dirty_tree(app_copy, cli):
    root = app_copy("flask_login_app")
    (root / "app.py").write_text((root / "app.py").read_text() + "\n# work in progress\n")
    before = snapshot(root)
    result = install_quietly(cli, root)
    assert result.exit_code == 5
    assert "app.py" in result.stderr and "--allow-dirty" in result.stderr
    assert snapshot(root) == before
    assert install_quietly(cli, root, "--allow-dirty").exit_code == 0


def test_unknown_framework_names():
    app = fixture_files("flask_notes")
    check_install(app, app, "--backend", "cobol", exit_code=ExitCode.BAD_INPUT)
    result = check_install(app, app, "--frontend", "svelte", exit_code=ExitCode.BAD_INPUT)
    assert "html" in result.stderr


def test_two_back_ends_need_a_choice():
    monorepo = {f"{name}/{path}": text for name in ("flask_login_app", "express_app") for path, text in fixture_files(name).items()}
    result = check_install(monorepo, monorepo, exit_code=ExitCode.NOTHING_DETECTED)
    assert "flask in flask_login_app" in result.stderr and "express in express_app" in result.stderr
    assert "--backend" in result.stderr


def test_no_anchor_gives_a_manual_step(app_copy, cli):
    root = app_copy("flask_login_app", commit=False)
    for page in (root / "templates").iterdir():
        page.write_text(page.read_text().replace("</body>", ""))
    result = install_quietly(cli, root)
    assert result.exit_code == 4
    assert "manual step" in result.stderr.lower() or "by hand" in result.stderr
    assert '<script src="{{ url_for(\'static\', filename=\'intercom-messenger.js\') }}" defer></script>' in result.stderr


def test_no_confirmation_without_terminal(app_copy, cli):
    root = app_copy("flask_notes")
    before = snapshot(root)
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID)
    assert result.exit_code == 2
    assert "--yes" in result.stderr
    assert snapshot(root) == before


def test_uninstall_without_install(app_copy, cli):
    root = app_copy("flask_notes")
    result = cli("uninstall", str(root), "--yes")
    assert result.exit_code == 3
    assert "has not installed anything" in result.stderr
