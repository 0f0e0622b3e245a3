"""What the upgrade tests of an app that boots an Intercom library check alike (test_upgrade_react.py:
react-use-intercom, test_upgrade_sdk.py: the official SDK): a plain install refused with exit 7 and nothing
changed; `--upgrade` complete, and which files it changed; a second run with nothing to do and uninstall
restoring every byte; the generated JWT helper run under Node beside the library, by a harness of the test's."""

import json
import subprocess
from pathlib import Path

from conftest import install_quietly, snapshot


def refused_without_upgrade(cli, root: Path) -> str:  # type: ignore[no-untyped-def]
    """A plain install: exit 7 and the tree unchanged. Its message (stderr), which names each part."""
    before = snapshot(root)
    result = install_quietly(cli, root)
    assert result.exit_code == 7, result.stderr
    assert snapshot(root) == before
    return str(result.stderr)


def upgrade(cli, root: Path) -> tuple[dict[str, bytes], dict[str, bytes], list[str]]:  # type: ignore[no-untyped-def]
    """`install --upgrade`, complete: the files before and after, and the paths it changed (sorted)."""
    before = snapshot(root)
    result = install_quietly(cli, root, "--upgrade")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.rstrip().endswith("result: complete")
    after = snapshot(root)
    return before, after, sorted(path for path in after if before.get(path) != after[path])


def check_rerun_and_uninstall(cli, root: Path, before: dict[str, bytes], *reruns: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    """Each rerun (install's extra options) has nothing to do and changes nothing; uninstall gives `before` back."""
    installed = snapshot(root)
    for extra in reruns:
        again = install_quietly(cli, root, *extra)
        assert again.exit_code == 0 and "Nothing to do" in again.stderr, again.stderr
    assert snapshot(root) == installed
    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert snapshot(root) == before


def run_harness(folder: Path, harness: str, helper_typescript: str, *args: str) -> object:
    """Run `harness` (an ES module) with node in `folder`, where the library is installed: its first argument
    is the generated helper, types stripped, then `args`. What it prints, as JSON."""
    from intercom_wizard.typescript import strip_types

    helper = folder / "intercom-user-jwt-check.mjs"
    helper.write_text(strip_types(helper_typescript))
    (folder / "harness.mjs").write_text(harness)
    run = subprocess.run(["node", "harness.mjs", str(helper), *args], cwd=folder, capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)
