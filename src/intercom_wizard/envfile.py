"""Putting the identity secret where the back end reads it, and nowhere a commit could take it."""

from __future__ import annotations

import subprocess
from typing import TYPE_CHECKING

import pathspec

from intercom_wizard.edits import append_lines
from intercom_wizard.plan import Insertion
from intercom_wizard.tree import ProjectTree

if TYPE_CHECKING:  # the integrations import this module: a runtime import would be circular
    from intercom_wizard.integrations.base import PlanContext

SECRET_ENV = "INTERCOM_IDENTITY_SECRET"


def plan_secret(context: PlanContext, env_file: str | None) -> None:
    """Write the secret into `env_file` when the app loads it and git ignores it; otherwise explain."""
    tree, builder = context.tree, context.builder
    how_to_set = f"Set {SECRET_ENV} in the environment the server runs in (never in front-end code or a committed file)."
    if context.secret is None:
        builder.note(
            f"No identity verification secret was given. {how_to_set} Copy it from the Messenger Security page: "
            f"{context.options.workspace.security_settings_url}",
            "warning",
        )
        return
    if env_file is None:
        builder.note(f"The app loads no env file, so the secret was not written anywhere. {how_to_set}")
        return
    if not is_git_ignored(tree, env_file):
        builder.note(
            f"{env_file} is not ignored by git, so the secret was not written into it. "
            f"Add {env_file} to .gitignore and run install again, or: {how_to_set}",
            "warning",
        )
        return
    line = f"{SECRET_ENV}={context.secret}\n"
    if not tree.exists(env_file):
        builder.create(env_file, line, f"the identity secret, read by the server ({env_file} is git-ignored)", holds_secret=True)
        return
    existing = [raw for raw in tree.text(env_file).splitlines() if raw.split("=", 1)[0].strip() == SECRET_ENV]
    if existing:
        builder.note(f"{env_file} already sets {SECRET_ENV}; left as it is.")
        return
    insertion = append_lines(tree.read(env_file), line)
    builder.insert(
        env_file,
        [Insertion(insertion.offset, insertion.text, secret_env=SECRET_ENV)],
        f"the identity secret, read by the server ({env_file} is git-ignored)",
    )


def is_git_ignored(tree: ProjectTree, relative: str) -> bool:
    if tree.is_git_repo:
        completed = subprocess.run(
            ["git", "check-ignore", "--quiet", "--no-index", relative], cwd=tree.root, check=False, capture_output=True
        )
        return completed.returncode == 0
    # Without git there is no commit to leak into yet; still insist on an ignore rule being in place.
    for ignore_file in tree.named(".gitignore"):
        base = ignore_file.rpartition("/")[0]
        if base and not relative.startswith(base + "/"):
            continue
        spec = pathspec.GitIgnoreSpec.from_lines(tree.text(ignore_file).splitlines())
        if spec.match_file(relative[len(base) + 1 :] if base else relative):
            return True
    return False
