"""Two Express APIs in one Nx repo: `--backend-root FOLDER` says which one gets the token endpoint,
as `--frontend-root` does for front ends. Before, such a repo was ambiguous (exit 3) with no way to
answer it but the interactive prompt. The fixture is tests/fixtures/nx_react_express with a second
API of our own in apps/admin-api.
"""

from __future__ import annotations

from pathlib import Path

from conftest import git, install_quietly, snapshot


def _second_api(root: Path) -> None:
    api = root / "apps/api"
    admin = root / "apps/admin-api"
    for source in api.rglob("*"):
        if source.is_file():
            target = admin / source.relative_to(api)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(source.read_text().replace("apps/api", "apps/admin-api").replace('"api', '"admin-api'))
    git(root, "add", "-A")
    git(root, "commit", "-qm", "second api")


def test_several_back_ends_are_chosen_by_folder(app_copy, cli) -> None:  # type: ignore[no-untyped-def]
    root = app_copy("nx_react_express")
    _second_api(root)
    original = snapshot(root)
    ambiguous = install_quietly(cli, root)
    assert ambiguous.exit_code == 3, ambiguous.stderr
    text = " ".join(ambiguous.stderr.split())
    assert "express in apps/admin-api; express in apps/api" in text and "--backend-root FOLDER" in text
    wrong = install_quietly(cli, root, "--backend-root", "apps/web")
    assert wrong.exit_code == 2, wrong.stderr
    assert "No back end was detected in apps/web (detected: apps/admin-api, apps/api)" in " ".join(wrong.stderr.split())
    outside = install_quietly(cli, root, "--backend-root", "../elsewhere")
    assert outside.exit_code == 2, outside.stderr
    assert "--backend-root '../elsewhere' is not a folder inside the project." in " ".join(outside.stderr.split())
    assert snapshot(root) == original
    chosen = install_quietly(cli, root, "--backend-root", "./apps/api/")
    assert chosen.exit_code == 0, chosen.stderr
    assert (root / "apps/api/src/intercom-jwt.ts").is_file()
    assert [path for path in snapshot(root) if path.startswith("apps/admin-api/")] == [path for path in original if path.startswith("apps/admin-api/")]
    assert snapshot(root)["apps/admin-api/src/main.ts"] == original["apps/admin-api/src/main.ts"]
    assert cli("uninstall", str(root), "--yes").exit_code == 0 and snapshot(root) == original
