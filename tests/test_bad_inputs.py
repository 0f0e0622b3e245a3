"""Every error a user can cause: a clear message, its own exit code, and not one file changed."""

from pathlib import Path

import pytest
from conftest import WORKSPACE_ID, git, snapshot


def install(cli, root, *extra, **kwargs):
    return cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install", *extra, **kwargs)


@pytest.mark.parametrize("bad", ["ABC12345", "abc", "abc-1234", "https://example.com/a/apps/", "abc12345abc12345"])
def test_invalid_workspace_id(bad, app_copy, cli):
    root = app_copy("flask_notes")
    before = snapshot(root)
    result = cli("install", str(root), "--workspace-id", bad, "--yes")
    assert result.exit_code == 2
    assert "is not an Intercom workspace id" in result.stderr
    assert snapshot(root) == before


@pytest.mark.parametrize("flag", ["--secret", "--identity-secret"])
def test_secret_on_the_command_line_is_refused(flag, app_copy, cli):
    root = app_copy("flask_notes")
    before = snapshot(root)
    result = install(cli, root, flag, "hunter2-the-secret")
    assert result.exit_code == 2
    assert "never accepted as a command-line value" in result.stderr
    assert "hunter2-the-secret" not in result.stdout + result.stderr
    assert snapshot(root) == before


def test_malformed_package_json(app_copy, cli):
    root = app_copy("express_app", commit=False)
    (root / "package.json").write_text('{"name": "broken",\n  "dependencies": {"express": "^4"\n')
    before = snapshot(root)
    result = install(cli, root)
    assert result.exit_code == 2
    assert "package.json is not valid JSON" in result.stderr
    assert snapshot(root) == before


def test_non_utf8_source_file(app_copy, cli):
    root = app_copy("flask_login_app", commit=False)
    layout = root / "templates/layout.html"
    layout.write_bytes(layout.read_text().replace("</main>", "<p>Caf\u00e9</p></main>").encode("latin-1"))
    before = snapshot(root)
    result = install(cli, root)
    assert result.exit_code == 2
    assert "templates/layout.html is not UTF-8 text" in result.stderr
    assert snapshot(root) == before


def test_unreadable_file(app_copy, cli, monkeypatch):
    root = app_copy("flask_login_app", commit=False)
    before = snapshot(root)
    real_read_bytes = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        if path.name == "app.py" and path.parent == root:
            raise PermissionError(13, "Permission denied")
        return real_read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    result = install(cli, root)
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
    result = install(cli, root)
    assert result.exit_code == 2
    assert "outside the project" in result.stderr
    assert snapshot(outside) == before
    assert not (root / "intercom_jwt.py").exists()


def test_not_a_project(tmp_path, cli):
    (tmp_path / "notes.txt").write_text("just some notes\n")
    result = install(cli, tmp_path)
    assert result.exit_code == 3
    assert "No web app was found" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_missing_folder(tmp_path, cli):
    result = install(cli, tmp_path / "nope")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_already_installed_by_hand(app_copy, cli):
    root = app_copy("flask_login_app")
    layout = root / "templates/layout.html"
    layout.write_text(layout.read_text().replace("</body>", "<script>window.intercomSettings = {app_id: 'abc12345'};</script>\n</body>"))
    git(root, "commit", "-qam", "hand-written intercom")
    before = snapshot(root)
    result = install(cli, root)
    assert result.exit_code == 7
    assert "templates/layout.html" in result.stderr and "intercomSettings" in result.stderr
    assert snapshot(root) == before


def test_dirty_tree(app_copy, cli):
    root = app_copy("flask_login_app")
    (root / "app.py").write_text((root / "app.py").read_text() + "\n# work in progress\n")
    before = snapshot(root)
    result = install(cli, root)
    assert result.exit_code == 5
    assert "app.py" in result.stderr and "--allow-dirty" in result.stderr
    assert snapshot(root) == before
    assert install(cli, root, "--allow-dirty").exit_code == 0


def test_unknown_framework_names(app_copy, cli):
    root = app_copy("flask_notes")
    before = snapshot(root)
    assert install(cli, root, "--backend", "cobol").exit_code == 2
    result = install(cli, root, "--frontend", "svelte")
    assert result.exit_code == 2 and "html" in result.stderr
    assert snapshot(root) == before


def test_two_back_ends_need_a_choice(app_copy, cli, tmp_path):
    monorepo = tmp_path / "mono"
    monorepo.mkdir()
    from conftest import copy_app

    copy_app("flask_login_app", monorepo, commit=False)
    copy_app("express_app", monorepo, commit=False)
    before = snapshot(monorepo)
    result = install(cli, monorepo)
    assert result.exit_code == 3
    assert "flask in flask_login_app" in result.stderr and "express in express_app" in result.stderr
    assert "--backend" in result.stderr
    assert snapshot(monorepo) == before


def test_no_anchor_gives_a_manual_step(app_copy, cli):
    root = app_copy("flask_login_app", commit=False)
    for page in (root / "templates").iterdir():
        page.write_text(page.read_text().replace("</body>", ""))
    result = install(cli, root)
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
