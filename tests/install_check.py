"""`check_install(before, after, *options)`: one install, checked as a whole tree (after django-upgrade's
`check_transformed`).

The `before` files are written to a fresh folder, `intercom-wizard install` runs on it (`--yes
--no-install`, the workspace id unless the options give one, the identity secret in the environment),
its exit code is compared exactly and then the whole resulting tree with `after`: a file the install
should not have written, or one it left out, fails the test. The receipt (`.intercom-wizard.json`, hashes of every change) is
compared only when `after` lists it; otherwise it must exist exactly when the tree changed. Contents
are compared exactly (write the cases with `textwrap.dedent`, as django-upgrade's tests do).

When the install changed files and succeeded (exit 0 or 4), a second install must have nothing to do
and `uninstall` must restore every byte of `before`.
"""

import tempfile
from pathlib import Path

from click.testing import Result
from conftest import FIXTURES, IGNORED, SECRET, WORKSPACE_ID, git
from typer.testing import CliRunner

from intercom_wizard.cli import app
from intercom_wizard.receipt import RECEIPT_PATH


def check_install(
    before_files: dict[str, str],
    after_files: dict[str, str],
    *cli_args: str,
    exit_code: int = 0,
    secret: str | None = SECRET,
    commit: bool = False,
) -> Result:
    """Install on `before_files` with `cli_args`; assert the exit code and that the tree is `after_files`.

    `commit=True` makes the folder a git repository with `before_files` committed (the dirty-tree
    check reads git). Returns the CLI result, for assertions on what it printed.
    """
    before, after = dict(before_files), dict(after_files)
    with tempfile.TemporaryDirectory(prefix="check-install-") as folder:
        root = Path(folder) / "app"
        write_tree(root, before)
        if commit:
            git(root, "init", "-q")
            git(root, "add", "-A")
            git(root, "commit", "-qm", "before")
        result = run_cli("install", str(root), *_install_options(cli_args), secret=secret)
        output = f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        assert result.exit_code == exit_code, output
        found = read_tree(root)
        receipt = found.pop(RECEIPT_PATH, None)
        if RECEIPT_PATH in after:
            assert receipt == after[RECEIPT_PATH], output
        assert found == {path: text for path, text in after.items() if path != RECEIPT_PATH}, output
        assert (receipt is not None) == (found != before), "a receipt exactly when the install changed the tree"
        if found != before and exit_code in (0, 4):
            again = run_cli("install", str(root), *_install_options(cli_args), secret=secret)
            assert "Nothing to do" in again.stderr, f"a second install changes nothing:\n{again.stderr}"
            assert run_cli("uninstall", str(root), "--yes").exit_code == 0
            assert read_tree(root) == before, "uninstall restores every byte"
    return result


def fixture_files(name: str) -> dict[str, str]:
    """A fixture app (tests/fixtures/<name>) as `check_install` takes it: text by relative path."""
    return read_tree(FIXTURES[name])


def write_tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode())  # exactly these characters: no newline translation
    root.mkdir(parents=True, exist_ok=True)


def read_tree(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes().decode()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(root).parts and not set(path.relative_to(root).parts) & set(IGNORED)
    }


def run_cli(*args: str, secret: str | None = SECRET) -> Result:
    env = {"INTERCOM_IDENTITY_SECRET": secret or ""}
    return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)


def _install_options(cli_args: tuple[str, ...]) -> list[str]:
    workspace = [] if any(arg.startswith("--workspace-id") for arg in cli_args) else ["--workspace-id", WORKSPACE_ID]
    return [*workspace, "--yes", "--no-install", *cli_args]



