"""Uninstall removes exactly the bytes install inserted into an env file: the user's blank lines and
newlines stay, also after the user edits the end of the file (the reported bug: a file ending in a
blank line lost it when its last line had lost its newline)."""

import pytest
from conftest import SECRET, WORKSPACE_ID

SECRET_LINE = f"INTERCOM_IDENTITY_SECRET='{SECRET}'"


def end_without_newline(text: str) -> str:
    return text.rstrip("\r\n")


USER_EDITS = {
    "none": lambda text: text,
    "blank line appended": lambda text: text + "\n",
    "blank line prepended": lambda text: "\n" + text,
    "final newline removed": end_without_newline,
}
# What the file must be after uninstall, from the original and the user's edit.
EXPECTED = {
    "none": lambda original: original,
    "blank line appended": lambda original: original + "\n",
    "blank line prepended": lambda original: "\n" + original,
    "final newline removed": lambda original: original,  # the newline removed was the one install added with its line
}


@pytest.mark.parametrize("original", ["A=1\n", "A=1\n\n", "\n", "", "A=1", "A=1\r\nB=2\r\n", "A=1\r\nB=2", "A=1\n\n\n"])
@pytest.mark.parametrize("edit", list(USER_EDITS))
def test_only_the_secret_line_and_its_own_newline_are_removed(original, edit, app_copy, cli):
    root = app_copy("flask_login_app")
    env = root / ".env"
    env.write_bytes(original.encode())
    assert cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install").exit_code == 0
    installed = env.read_bytes().decode()
    assert SECRET_LINE in installed
    env.write_bytes(USER_EDITS[edit](installed).encode())
    result = cli("uninstall", str(root), "--yes")
    assert result.exit_code == 0, result.stderr
    assert env.read_bytes().decode() == EXPECTED[edit](original)
