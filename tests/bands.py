"""Golden outputs per version band: the dry-run diff of an app pinned to that band."""

import os
from pathlib import Path

from conftest import WORKSPACE_ID

BANDS = Path(__file__).parent / "golden" / "bands"


def band_diff(cli, root: Path, band: str, *extra: str, exit_code: int = 0) -> str:  # type: ignore[no-untyped-def]
    """The dry run's diff for `root`, checked against tests/golden/bands/<band>.diff (UPDATE_GOLDEN=1 rewrites it)."""
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--dry-run", *extra)
    assert result.exit_code == exit_code, result.output
    golden = BANDS / f"{band}.diff"
    diff = result.stdout.replace(str(root), "<app>")
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(diff)
    assert diff == golden.read_text(), f"dry-run diff differs from {golden}; review, then UPDATE_GOLDEN=1"
    return diff
