"""Refusing to edit files that hold uncommitted work, so the wizard's diff stays reviewable."""

import subprocess

from intercom_wizard.errors import DirtyTree
from intercom_wizard.tree import ProjectTree


def ensure_clean(tree: ProjectTree, paths: list[str]) -> None:
    if not tree.is_git_repo or not paths:
        return
    completed = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no", "--", *paths],
        cwd=tree.root,
        capture_output=True,
        text=True,
        check=False,
    )
    dirty = [line[3:] for line in completed.stdout.splitlines() if line.strip()]
    if dirty:
        raise DirtyTree(
            "These files have uncommitted changes and the plan edits them: " + ", ".join(dirty),
            hint="Commit or stash them first so the wizard's changes can be reviewed on their own, or pass --allow-dirty.",
        )
