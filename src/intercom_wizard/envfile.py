"""Putting the identity secret where the back end reads it, and nowhere a commit could take it."""

from __future__ import annotations

import stat
import subprocess
from typing import TYPE_CHECKING

from intercom_wizard.edits import append_lines
from intercom_wizard.plan import Insertion
from intercom_wizard.tree import ProjectTree

if TYPE_CHECKING:  # the integrations import this module: a runtime import would be circular
    from intercom_wizard.integrations.base import PlanContext

SECRET_ENV = "INTERCOM_IDENTITY_SECRET"
# RFC 7518 section 3.2: an HS256 key should be at least as long as the hash output (256 bits).
MIN_SECRET_BYTES = 32
# Characters some env-file reader treats specially inside double quotes: python-dotenv and phpdotenv
# unescape backslashes, the Ruby dotenv gem runs $(command), Node's dotenv turns \\n into a newline.
_SPECIAL_IN_DOUBLE_QUOTES = frozenset('\\"$`')


def quoted_env_value(value: str) -> str | None:
    """`value` quoted so python-dotenv, Node's dotenv, the dotenv gem and phpdotenv all read it back as is.

    Single quotes are literal in all of them, except that python-dotenv unescapes \\\\ and \\' inside
    them; double quotes carry a value holding a single quote. A `$` is never written: python-dotenv
    expands ${VAR} whatever the quotes, and Next.js expands $VAR in .env files, with no escape both
    accept. None when no quoting reads back identically everywhere.
    """
    if "$" in value:
        return None
    if "'" not in value and "\\" not in value:
        return f"'{value}'"
    if not _SPECIAL_IN_DOUBLE_QUOTES & set(value):
        return f'"{value}"'
    return None


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
    if len(context.secret.encode("utf-8")) < MIN_SECRET_BYTES:
        builder.note(
            f"The identity secret is shorter than {MIN_SECRET_BYTES} bytes; RFC 7518 recommends a key at least as long "
            "as the SHA-256 output for HS256. Use the secret exactly as the Messenger Security page shows it.",
            "warning",
        )
    if env_file is None:
        builder.note(f"The app loads no env file, so the secret was not written anywhere. {how_to_set}")
        return
    refusal = why_not_safe_for_secret(tree, env_file)
    if refusal is not None:
        builder.note(f"{refusal}, so the secret was not written into it. Add {env_file} to .gitignore (and `git rm --cached` it if it is tracked) and run install again, or: {how_to_set}", "warning")
        return
    value = quoted_env_value(context.secret)
    if value is None:
        builder.note(
            f"The identity secret holds a $, or a quote together with a \\ \" or `, which env-file readers disagree on, so it "
            f"was not written into {env_file}. {how_to_set}",
            "warning",
        )
        return
    line = f"{SECRET_ENV}={value}\n"
    reason = f"the identity secret, read by the server ({env_file} is git-ignored and untracked)"
    if not tree.exists(env_file):
        builder.create(env_file, line, reason, holds_secret=True)
        return
    existing = [raw for raw in tree.text(env_file).splitlines() if raw.split("=", 1)[0].strip() == SECRET_ENV]
    if existing:
        builder.note(f"{env_file} already sets {SECRET_ENV}; left as it is.")
        return
    mode = tree.resolve(env_file).stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        builder.note(
            f"{env_file} can be read by other users (mode {stat.filemode(mode)}) and now holds the identity secret: "
            f"chmod 600 {env_file}.",
            "warning",
        )
    insertion = append_lines(tree.read(env_file), line)
    builder.insert(env_file, [Insertion(insertion.offset, insertion.text, secret_env=SECRET_ENV)], reason)


def why_not_safe_for_secret(tree: ProjectTree, relative: str) -> str | None:
    """Why a commit could take a secret written into `relative`, or None when it could not."""
    if tree.is_git_repo:
        # `check-ignore --no-index` answers "ignored" for a file git already tracks: tracked-ness first.
        tracked = subprocess.run(
            ["git", "ls-files", "--error-unmatch", "--", relative], cwd=tree.root, check=False, capture_output=True
        )
        if tracked.returncode == 0:
            return f"{relative} is tracked by git (an ignore rule does not stop a tracked file from being committed)"
        if not is_git_ignored(tree, relative):
            return f"{relative} is not ignored by git"
        return None
    return None if is_git_ignored(tree, relative) else f"{relative} is not ignored by git"


def is_git_ignored(tree: ProjectTree, relative: str) -> bool:
    if tree.is_git_repo:
        completed = subprocess.run(
            ["git", "check-ignore", "--quiet", "--no-index", relative], cwd=tree.root, check=False, capture_output=True
        )
        return completed.returncode == 0
    # Without git there is no commit to leak into yet; still insist on an ignore rule being in place.
    import pathspec  # only here: a git project asks git (start-up time, issue 14)

    for ignore_file in tree.named(".gitignore"):
        base = ignore_file.rpartition("/")[0]
        if base and not relative.startswith(base + "/"):
            continue
        spec = pathspec.GitIgnoreSpec.from_lines(tree.text(ignore_file).splitlines())
        if spec.match_file(relative[len(base) + 1 :] if base else relative):
            return True
    return False
