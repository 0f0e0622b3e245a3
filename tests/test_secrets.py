"""The identity secret: never into a tracked or unignored file, private while written, quoted so every
env-file reader gets it back exactly, refused when it cannot be one line."""

import io
import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from conftest import SECRET, git, install_quietly, snapshot
from dotenv import dotenv_values

from intercom_wizard import apply as apply_module
from intercom_wizard.envfile import quoted_env_value
from intercom_wizard.errors import BadInput
from intercom_wizard.options import parse_secret

# Values that broke the unquoted line: expansion, comments, spaces, quotes, '=' and non-ASCII.
TRICKY_SECRETS = [
    "plain-0123456789abcdef0123456789abcdef",
    "with ${HOME} expansion-0123456789abcdef",
    "with $HOME and $(whoami)-0123456789abcdef",
    "cut short #by a comment-0123456789abcdef",
    "  spaces inside   and # hash-0123456789ab",
    'double "quoted" part-0123456789abcdef012',
    "it's got a single quote-0123456789abcdef",
    "equals=sign==more-0123456789abcdef012345",
    "backtick `cmd` inside-0123456789abcdef01",
    "ünïcödé-sécret-0123456789abcdef01234567",
    "semi;colon&amp|pipe<>-0123456789abcdef01",
    "backslash \\n not a newline-0123456789ab",
]


def test_a_tracked_env_file_never_receives_the_secret(app_copy, cli):
    root = app_copy("flask_login_app", commit=False)
    (root / ".env").write_text("DEBUG=1\n")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "add", "-f", ".env")  # tracked although .gitignore names it: the case check-ignore gets wrong
    git(root, "commit", "-qm", "fixture with a committed .env")
    result = install_quietly(cli, root)
    assert result.exit_code == 0, result.stderr
    assert (root / ".env").read_text() == "DEBUG=1\n"
    assert ".env is tracked by git" in result.stderr
    assert not [path for path, data in snapshot(root).items() if SECRET.encode() in data]


def test_an_env_file_git_does_not_ignore_never_receives_the_secret(app_copy, cli):
    root = app_copy("flask_login_app", commit=False)
    (root / ".gitignore").write_text("__pycache__/\n")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "fixture")
    result = install_quietly(cli, root)
    assert result.exit_code == 0, result.stderr
    assert ".env is not ignored by git" in result.stderr
    assert not (root / ".env").exists()


def test_every_file_holding_the_secret_is_private_while_written(app_copy, cli, monkeypatch):
    root = app_copy("flask_login_app")
    seen: list[tuple[str, int]] = []
    real_fsync = os.fsync

    def spying_fsync(descriptor: int) -> None:
        path = os.readlink(f"/proc/self/fd/{descriptor}")
        if os.path.isfile(path) and SECRET.encode() in Path(path).read_bytes():
            seen.append((path, stat.S_IMODE(os.fstat(descriptor).st_mode)))
        real_fsync(descriptor)

    monkeypatch.setattr(apply_module.os, "fsync", spying_fsync)
    assert install_quietly(cli, root).exit_code == 0
    monkeypatch.undo()
    assert seen and all(mode == 0o600 for _, mode in seen), seen
    assert stat.S_IMODE((root / ".env").stat().st_mode) == 0o600


def test_a_readable_existing_env_file_gets_a_warning(app_copy, cli):
    root = app_copy("flask_login_app")
    (root / ".env").write_text("DEBUG=1\n")
    (root / ".env").chmod(0o644)
    result = install_quietly(cli, root)
    assert result.exit_code == 0, result.stderr
    assert "can be read by other users" in result.stderr and "chmod 600 .env" in result.stderr
    assert dotenv_values(root / ".env")["INTERCOM_IDENTITY_SECRET"] == SECRET


def test_a_short_secret_gets_a_warning(app_copy, cli):
    root = app_copy("flask_login_app")
    result = install_quietly(cli, root, secret="short-secret")
    assert result.exit_code == 0, result.stderr
    assert "shorter than 32 bytes" in result.stderr and "RFC 7518" in result.stderr
    assert "short-secret" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    "secret, named",
    [
        ("abc\ndef-0123456789abcdef0123456789", "a newline"),
        ("abc\rdef-0123456789abcdef0123456789", "a carriage return"),
        ("abc\tdef-0123456789abcdef0123456789", "a tab"),
        ("abc\x1bdef-0123456789abcdef0123456789", "U+001B"),
        ("abc\x7fdef-0123456789abcdef0123456789", "U+007F"),
        ("abc\x85def-0123456789abcdef0123456789", "U+0085"),
    ],
)
def test_a_secret_that_is_not_one_printable_line_is_refused(secret, named, app_copy, cli):
    root = app_copy("flask_login_app")
    before = snapshot(root)
    result = install_quietly(cli, root, secret=secret)
    assert result.exit_code == 2, result.stderr
    assert f"The identity secret contains a control character ({named})" in result.stderr
    assert "Traceback" not in result.stderr and "def-0123" not in result.stdout + result.stderr
    assert snapshot(root) == before


def test_nul_in_a_secret_is_refused():
    # No environment variable can hold NUL; the hidden prompt can.
    with pytest.raises(BadInput, match=r"control character \(NUL\)"):
        parse_secret("abc\0def-0123456789abcdef0123456789")


@pytest.mark.parametrize("secret", TRICKY_SECRETS)
def test_quoted_values_round_trip_through_python_dotenv(secret):
    quoted = quoted_env_value(secret)
    if quoted is None:
        assert "$" in secret or "\\" in secret, "only a $ or a backslash keeps a secret out of the env file"
        return
    assert dotenv_values(stream=io.StringIO(f"A=1\nINTERCOM_IDENTITY_SECRET={quoted}\nB=2\n")) == {
        "A": "1",
        "INTERCOM_IDENTITY_SECRET": secret,
        "B": "2",
    }


@pytest.fixture(scope="session")
def node_dotenv(tmp_path_factory) -> Path:
    if shutil.which("npm") is None or shutil.which("node") is None:
        pytest.skip("npm is not installed: the Node dotenv round trip cannot run")
    folder = tmp_path_factory.mktemp("node-dotenv")
    (folder / "package.json").write_text('{"name": "dotenv-round-trip", "private": true}\n')
    completed = subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "dotenv@16"], cwd=folder, capture_output=True, text=True, timeout=300
    )
    assert completed.returncode == 0, completed.stderr
    return folder


def test_quoted_values_round_trip_through_node_dotenv(node_dotenv):
    written = {secret: quoted_env_value(secret) for secret in TRICKY_SECRETS}
    lines = [f"S{index}={quoted}" for index, quoted in enumerate(written.values()) if quoted is not None]
    (node_dotenv / ".env").write_text("A=1\n" + "\n".join(lines) + "\nB=2\n")
    script = "process.stdout.write(JSON.stringify(require('dotenv').parse(require('fs').readFileSync('.env'))))"
    completed = subprocess.run(["node", "-e", script], cwd=node_dotenv, capture_output=True, text=True, check=True)
    parsed = json.loads(completed.stdout)
    expected = {f"S{index}": secret for index, (secret, quoted) in enumerate(written.items()) if quoted is not None}
    assert {k: v for k, v in parsed.items() if k.startswith("S")} == expected
    assert parsed["A"] == "1" and parsed["B"] == "2"
    assert len(expected) == len([s for s in TRICKY_SECRETS if "$" not in s and "\\" not in s])


def test_the_installed_env_line_reads_back_exactly(app_copy, cli):
    root = app_copy("flask_login_app")
    secret = "it's #not a comment = x  0123456789abcdef"
    result = install_quietly(cli, root, secret=secret)
    assert result.exit_code == 0, result.stderr
    assert dotenv_values(root / ".env") == {"INTERCOM_IDENTITY_SECRET": secret}
    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert not (root / ".env").exists()


def test_a_secret_no_quoting_can_carry_is_not_written(app_copy, cli):
    root = app_copy("flask_login_app")
    result = install_quietly(cli, root, secret="it's a \\ and a $-0123456789abcdef0123456789")
    assert result.exit_code == 0, result.stderr
    assert "was not written into .env" in result.stderr
    assert not (root / ".env").exists()


def test_a_failed_write_leaves_no_temporary_file(app_copy, monkeypatch):
    from test_apply import plan_for

    from intercom_wizard.errors import ApplyFailed
    from intercom_wizard.project import detect

    root = app_copy("flask_login_app")
    before = snapshot(root)
    plan = plan_for(root)

    def disk_full(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(apply_module.os, "fsync", disk_full)
    with pytest.raises(ApplyFailed, match="No space left on device"):
        apply_module.apply_changes(detect(root).tree, plan.changes)
    monkeypatch.undo()
    assert snapshot(root) == before
    assert not [p for p in root.rglob(".intercom-wizard~*")]
