"""Crash safety: a kill or a full disk at every filesystem step of install and uninstall, a lock
holder, and two installs at once. After each, the next command leaves the tree exactly as before or
exactly as after, with no temporary, backup, journal or lock file left.

The steps are the `faults.checkpoint` calls of apply and the journal (run `INTERCOM_WIZARD_FAULT=kill:N`
for N = 1, 2, ... until a run completes); each test asserts how many it found, so it cannot pass by
reaching none.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SECRET, WORKSPACE_ID, copy_app, snapshot

from intercom_wizard import faults
from intercom_wizard.journal import JOURNAL_NAME
from intercom_wizard.lock import LOCK_NAME, TRANSIENT_PREFIX

INSTALL = ("install", "--workspace-id", WORKSPACE_ID, "--yes", "--no-install")
# flask_login_app: creates files in new folders, modifies four, and writes the secret into a new .env.
# express_app: modifies package.json and server code, creates the endpoint module.
APPS = ["flask_login_app", "express_app"]


def transient_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob(f"{TRANSIENT_PREFIX}*") if ".git" not in p.parts)


def run_wizard(root: Path, *args: str, fault: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != faults.FAULT_ENV} | {"INTERCOM_IDENTITY_SECRET": SECRET}
    if fault:
        env[faults.FAULT_ENV] = fault
    command, *rest = args
    return subprocess.run(
        [sys.executable, "-m", "intercom_wizard", command, str(root), *rest], env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def states(tmp_path):
    """The base tree and the installed tree of an app, from an uninterrupted install in another copy."""

    def make(name: str) -> tuple[dict[str, bytes], dict[str, bytes]]:
        reference = copy_app(name, tmp_path / "reference")
        base = snapshot(reference)
        assert run_wizard(reference, *INSTALL).returncode == 0
        return base, snapshot(reference)

    return make


@pytest.mark.parametrize("name", APPS)
def test_a_kill_at_any_step_of_install_is_recovered(name, tmp_path, states, cli):
    base, installed = states(name)
    step, checked = 0, 0
    while True:
        step += 1
        root = copy_app(name, tmp_path / f"step-{step}")
        killed = run_wizard(root, *INSTALL, fault=f"kill:{step}")
        if killed.returncode != faults.KILLED_EXIT_CODE:
            assert killed.returncode == 0, killed.stderr  # the step count ran out: a complete run
            break
        checked += 1
        # detect finds the journal and finishes or rolls back: exactly before or exactly after.
        detected = cli("detect", str(root))
        assert detected.exit_code == 0, (step, detected.stderr)
        assert snapshot(root) in (base, installed), f"step {step}: a half-applied tree"
        assert transient_files(root) == [], f"step {step}: {transient_files(root)}"
        again = cli(*INSTALL[:1], str(root), *INSTALL[1:])
        assert again.exit_code == 0, (step, again.stderr)
        assert snapshot(root) == installed, f"step {step}: the re-run install differs from an uninterrupted one"
        assert cli("uninstall", str(root), "--yes").exit_code == 0
        assert snapshot(root) == base, f"step {step}: uninstall after recovery is not byte-identical to the base"
        assert transient_files(root) == []
    assert checked >= 15, f"only {checked} kill points were reached"


@pytest.mark.parametrize("name", APPS)
def test_a_kill_at_any_step_of_uninstall_is_recovered(name, tmp_path, states, cli):
    base, installed = states(name)
    step, checked = 0, 0
    while True:
        step += 1
        root = copy_app(name, tmp_path / f"step-{step}")
        assert cli(*INSTALL[:1], str(root), *INSTALL[1:]).exit_code == 0
        killed = run_wizard(root, "uninstall", "--yes", fault=f"kill:{step}")
        if killed.returncode != faults.KILLED_EXIT_CODE:
            assert killed.returncode == 0, killed.stderr
            assert snapshot(root) == base
            break
        checked += 1
        detected = cli("detect", str(root))
        assert detected.exit_code == 0, (step, detected.stderr)
        assert snapshot(root) in (installed, base), f"step {step}: a half-removed tree"
        assert transient_files(root) == []
        if snapshot(root) == installed:
            assert cli("uninstall", str(root), "--yes").exit_code == 0
        assert snapshot(root) == base, f"step {step}"
        assert transient_files(root) == []
    assert checked >= 15, f"only {checked} kill points were reached"


@pytest.mark.parametrize("name", APPS)
def test_a_full_disk_at_any_step_changes_nothing(name, tmp_path, states, cli, monkeypatch):
    base, installed = states(name)
    step, failed = 0, 0
    while True:
        step += 1
        root = copy_app(name, tmp_path / f"step-{step}")
        faults.reset()
        monkeypatch.setenv(faults.FAULT_ENV, f"enospc:{step}")
        result = cli(*INSTALL[:1], str(root), *INSTALL[1:])
        monkeypatch.delenv(faults.FAULT_ENV)
        if result.exit_code == 0:
            assert snapshot(root) == installed and transient_files(root) == []
            break
        failed += 1
        assert result.exit_code == 6, (step, result.stderr)
        assert "No space left on device" in result.stderr and "Traceback" not in result.stderr
        if "Every file was left as it was" in result.stderr:
            assert snapshot(root) == base, f"step {step}: 'left as it was' but the tree changed"
            assert transient_files(root) == [], f"step {step}: {transient_files(root)}"
        else:  # the failure came after the commit point, while removing backups: the next run finishes
            assert "The change was applied" in result.stderr
            assert cli("detect", str(root)).exit_code == 0
            assert snapshot(root) == installed and transient_files(root) == []
        assert SECRET not in result.stdout + result.stderr
    assert failed >= 15, f"only {failed} steps were reached"


def test_a_second_run_while_the_lock_is_held_changes_nothing(app_copy, cli):
    root = app_copy("flask_login_app")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600); "
         "os.write(fd, b'%d\\n' % os.getpid()); fcntl.flock(fd, fcntl.LOCK_EX); print('locked', flush=True); sys.stdin.read()",
         str(root / LOCK_NAME)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        before = snapshot(root)
        for command in (INSTALL, ("uninstall", "--yes")):
            result = cli(command[0], str(root), *command[1:])
            assert result.exit_code == 2, result.stderr
            assert f"Another intercom-wizard run (pid {holder.pid}) is changing {root}" in result.stderr
            assert "changed nothing" in result.stderr
            assert snapshot(root) == before
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert cli(*INSTALL[:1], str(root), *INSTALL[1:]).exit_code == 0, "the lock is free once its holder ends"
    assert not (root / LOCK_NAME).exists()


def test_two_installs_at_once_apply_exactly_once(tmp_path, states):
    base, installed = states("flask_login_app")
    root = copy_app("flask_login_app", tmp_path / "shared")
    env = {k: v for k, v in os.environ.items() if k != faults.FAULT_ENV} | {"INTERCOM_IDENTITY_SECRET": SECRET}
    command = [sys.executable, "-m", "intercom_wizard", "install", str(root), *INSTALL[1:]]
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outcomes = []
    for run in runs:
        _, stderr = run.communicate(timeout=120)
        outcomes.append((run.returncode, stderr))
    applied = [stderr for code, stderr in outcomes if code == 0 and "Applied." in stderr]
    others = [(code, stderr) for code, stderr in outcomes if not (code == 0 and "Applied." in stderr)]
    assert len(applied) == 1, outcomes
    code, stderr = others[0]
    assert (code == 2 and "Another intercom-wizard run" in stderr) or (code == 0 and "Nothing to do" in stderr), outcomes
    assert snapshot(root) == installed
    assert transient_files(root) == []


def test_an_unreadable_journal_is_reported_and_nothing_is_touched(app_copy, cli):
    root = app_copy("flask_login_app")
    (root / JOURNAL_NAME).write_text("{ not json")
    before = snapshot(root)
    result = cli(*INSTALL[:1], str(root), *INSTALL[1:])
    assert result.exit_code == 2
    assert f"{JOURNAL_NAME} (left by an interrupted run) cannot be read" in result.stderr
    assert snapshot(root) == before
