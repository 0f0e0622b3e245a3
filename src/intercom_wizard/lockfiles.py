"""Giving back the package manager's lockfile byte for byte on `uninstall`.

Installing our npm packages lets the package manager rewrite parts of an old lockfile that are not ours
(npm 7+ writes peer dependencies into a lockfileVersion 1 file, re-hoists packages); pruning our packages
on uninstall cannot undo that. When install finds a lockfile tracked by git and unmodified, the receipt
keeps its git blob id: the original bytes are then already in git's object store, and uninstall writes
them back from there. Nothing is copied into the project.
"""

import os
import re
import subprocess
from pathlib import Path

from intercom_wizard.plan import DependencyChange
from intercom_wizard.receipt import GIT_BLOB
from intercom_wizard.tree import ProjectTree, folder_of, join


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes] | None:
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None


def _lockfiles_for(tree: ProjectTree, manifest: str) -> list[str]:
    """The lockfiles the package manager rewrites for `manifest`: those of its folder, else of the nearest
    folder above that has one (a workspace member shares the workspace root's)."""
    from intercom_wizard.integrations.backends.npm_common import LOCKFILES  # here: a plan without npm packages never loads it

    folder: str | None = folder_of(manifest)
    while folder is not None:
        found = [join(folder, name) for name, _ in LOCKFILES if tree.exists(join(folder, name))]
        if found:
            return found
        folder = None if not folder else folder_of(folder)
    return []


def keeps_a_lockfile(tree: ProjectTree, manifest: str) -> bool:
    """Whether the package manager keeps a lockfile for `manifest`, which uninstall's prune brings back in
    line: its folder's, the nearest above in the project, or that of the workspace the project is a
    package of (ember-simple-auth's `packages/test-app`: the pnpm-lock.yaml two folders up)."""
    from intercom_wizard.integrations.backends.npm_common import LOCKFILES

    if _lockfiles_for(tree, manifest):
        return True
    workspace = tree.enclosing_workspace
    return workspace is not None and any((workspace / name).is_file() for name, _ in LOCKFILES)


def pristine_lockfile_blobs(tree: ProjectTree, dependencies: list[DependencyChange]) -> dict[str, str]:
    """path -> git blob id of each lockfile the npm-family installs of `dependencies` will touch, when git
    tracks it and it has no uncommitted change (then the blob is the committed, original content)."""
    if not tree.is_git_repo:
        return {}
    blobs: dict[str, str] = {}
    for manifest in dict.fromkeys(d.manifest for d in dependencies if d.ecosystem == "npm"):
        for path in _lockfiles_for(tree, manifest):
            tracked = _git(tree.root, "ls-files", "--error-unmatch", "--", path)
            unmodified = _git(tree.root, "diff", "--quiet", "--", path)  # same bytes as the index holds
            if tracked is None or tracked.returncode != 0 or unmodified is None or unmodified.returncode != 0:
                continue
            hashed = _git(tree.root, "hash-object", "--", path)
            blob = hashed.stdout.decode().strip() if hashed is not None and hashed.returncode == 0 else ""
            if re.fullmatch(GIT_BLOB, blob):
                blobs[path] = blob
    return blobs


def restore_lockfiles(tree: ProjectTree, blobs: dict[str, str]) -> list[str]:
    """Write each recorded lockfile's original bytes back (atomically) where they differ; one line each
    about what was done. A blob git no longer has (not a repository any more, garbage-collected) leaves
    the lockfile as the package manager wrote it, and says so."""
    from intercom_wizard.journal import transient_name, write_new_file  # only for a real uninstall: a dry run never loads journal

    said = []
    for path, blob in sorted(blobs.items()):
        present = _git(tree.root, "cat-file", "-e", f"{blob}^{{blob}}")
        original = _git(tree.root, "cat-file", "blob", blob) if present is not None and present.returncode == 0 else None
        if original is None or original.returncode != 0:
            said.append(f"{path}: its original (git blob {blob[:12]}) is no longer in git, so it was kept as the package manager left it.")
            continue
        target = tree.resolve(path)
        if target.is_file() and target.read_bytes() == original.stdout:
            continue
        mode = target.stat().st_mode & 0o7777 if target.exists() else 0o644
        temporary = target.parent / transient_name("new", target.name)
        try:
            write_new_file(temporary, original.stdout, mode)
            os.replace(temporary, target)
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            said.append(f"{path}: could not be restored from git ({exc.strerror or exc}); restore it with `git checkout -- {path}`.")
            continue
        said.append(f"{path}: restored byte for byte from git (blob {blob[:12]}), as it was before install.")
    return said
