"""`uninstall` gives back the package manager's lockfile byte for byte (issue 10: next11-login and
vue2-role-auth kept an npm-rewritten package-lock.json).

Installing our npm package lets today's npm rewrite an old lockfile (lockfileVersion 1 becomes 3, peer
dependencies written in); the prune on uninstall cannot undo that. The receipt keeps the git blob id of
the lockfile git held unmodified before install, and uninstall writes those bytes back.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import WORKSPACE_ID, copy_app, git, install_quietly, snapshot

from intercom_wizard.receipt import RECEIPT_PATH

SMALL_LOCKFILE = '{\n  "name": "express-app",\n  "lockfileVersion": 1,\n  "requires": true,\n  "dependencies": {}\n}\n'


@pytest.fixture(scope="session")
def npm6_lockfile(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A lockfileVersion 1 package-lock.json of the Express fixture, made by npm 6 as an old project has it."""
    folder = tmp_path_factory.mktemp("npm6")
    shutil.copy(copy_app("express_app", folder, commit=False) / "package.json", folder / "package.json")
    subprocess.run(["npx", "-y", "npm@6", "install", "--package-lock-only", "--no-audit"], cwd=folder, check=True, capture_output=True, timeout=300)
    lockfile = (folder / "package-lock.json").read_bytes()
    assert json.loads(lockfile)["lockfileVersion"] == 1
    return lockfile


def _app_with_lockfile(tmp_path: Path, lockfile: bytes) -> Path:
    root = copy_app("express_app", tmp_path, commit=False)
    (root / "package-lock.json").write_bytes(lockfile)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "app with an old lockfile")
    return root


def _install_with_npm(cli, root: Path):  # type: ignore[no-untyped-def]
    return cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes")


@pytest.mark.parametrize("prune", [True, False], ids=["with-prune", "no-install"])
def test_uninstall_gives_back_the_lockfile_npm_rewrote(tmp_path, cli, npm6_lockfile, prune):  # type: ignore[no-untyped-def]
    root = _app_with_lockfile(tmp_path, npm6_lockfile)
    before = snapshot(root)  # every file but node_modules and .git
    installed = _install_with_npm(cli, root)
    assert installed.exit_code == 0, installed.stdout + installed.stderr
    rewritten = (root / "package-lock.json").read_bytes()
    assert rewritten != npm6_lockfile and json.loads(rewritten)["lockfileVersion"] != 1  # npm really rewrote it
    assert "node_modules/jsonwebtoken" in json.loads(rewritten)["packages"]
    blob = git(root, "rev-parse", "HEAD:package-lock.json").strip()  # the committed original
    assert json.loads((root / RECEIPT_PATH).read_text())["lockfiles"] == {"package-lock.json": blob}

    removed = cli("uninstall", str(root), "--yes", *([] if prune else ["--no-install"]))

    assert removed.exit_code == 0, removed.stderr
    assert "package-lock.json: restored byte for byte from git" in " ".join(removed.stderr.split())
    assert snapshot(root) == before
    assert git(root, "status", "--porcelain", "--untracked-files=all", "--", ".", ":!node_modules") == ""


def test_a_lockfile_git_no_longer_has_is_kept_and_named(tmp_path, cli):  # type: ignore[no-untyped-def]
    root = _app_with_lockfile(tmp_path, SMALL_LOCKFILE.encode())
    assert install_quietly(cli, root).exit_code == 0
    assert json.loads((root / RECEIPT_PATH).read_text())["lockfiles"].keys() == {"package-lock.json"}
    pruned = SMALL_LOCKFILE.replace('"requires": true', '"requires": false').encode()  # as a package manager might leave it
    (root / "package-lock.json").write_bytes(pruned)
    shutil.rmtree(root / ".git")  # not a repository any more: the original is gone

    removed = cli("uninstall", str(root), "--yes", "--no-install")

    assert removed.exit_code == 0, removed.stderr
    assert "package-lock.json: its original" in removed.stderr and "is no longer in git, so it was kept" in " ".join(removed.stderr.split())
    assert (root / "package-lock.json").read_bytes() == pruned


def test_a_lockfile_with_uncommitted_changes_is_not_recorded(tmp_path, cli):  # type: ignore[no-untyped-def]
    root = _app_with_lockfile(tmp_path, SMALL_LOCKFILE.encode())
    (root / "package-lock.json").write_text(SMALL_LOCKFILE.replace("1", "2"))  # the user's own work in progress
    assert install_quietly(cli, root).exit_code == 0
    assert "lockfiles" not in json.loads((root / RECEIPT_PATH).read_text())


@pytest.mark.parametrize(
    "lockfiles",
    [
        ["package-lock.json"],
        {"package-lock.json": "not-a-blob"},
        {"package-lock.json": 7},
        {"server.js": "0" * 40},  # a receipt may give back a lockfile, never another file
        {"../package-lock.json": "0" * 40},
    ],
)
def test_a_malformed_lockfiles_entry_is_refused_with_nothing_changed(tmp_path, cli, lockfiles):  # type: ignore[no-untyped-def]
    root = _app_with_lockfile(tmp_path, SMALL_LOCKFILE.encode())
    assert install_quietly(cli, root).exit_code == 0
    receipt = json.loads((root / RECEIPT_PATH).read_text())
    (root / RECEIPT_PATH).write_text(json.dumps(receipt | {"lockfiles": lockfiles}))
    before = snapshot(root)

    removed = cli("uninstall", str(root), "--yes", "--no-install")

    assert removed.exit_code == 2
    assert "is not a receipt this version can read" in " ".join(removed.stderr.split())
    assert snapshot(root) == before
