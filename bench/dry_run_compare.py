#!/usr/bin/env python3
"""Check that start-up and detection work changed no plan: `install --dry-run --json` with two copies of the code.

Runs `python -m intercom_wizard install APP --workspace-id abc12345 --dry-run --yes --json` once with
the code under test and once with OLD_SRC first on PYTHONPATH (e.g. `git archive main src | tar -x -C
DIR`, then DIR/src), on every fixture in tests/fixtures, the bundled samples and any extra folders
given (the bench's generated 100,000-file tree), with the same identity secret, and compares exit
code, stdout and stderr byte for byte. Each app is copied into a temporary folder twice, once
git-committed as a user's project would be and once without git (the wizard then walks the folder
itself), and each copy is checked to be unchanged after both runs. With `--plain`, each app is also run
without `--json` (the plan, the diff and the result line as a user reads them, written to pipes).

Usage: python bench/dry_run_compare.py [--plain] OLD_SRC [EXTRA_APP ...]
Exit status 1 when any output differs (the differing apps are named on stderr).
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
APPS = sorted(p for p in (REPO / "tests" / "fixtures").iterdir() if p.is_dir()) + sorted(
    p for p in (REPO / "src" / "intercom_wizard" / "samples").iterdir() if p.is_dir()
)
ARGS = ("--workspace-id", "abc12345", "--dry-run", "--yes")


def dry_run(app: Path, env: dict[str, str], output: tuple[str, ...]) -> tuple[int, bytes, bytes]:
    argv = [sys.executable, "-m", "intercom_wizard", "install", str(app), *ARGS, *output]
    completed = subprocess.run(argv, env=env, capture_output=True, check=False)
    return completed.returncode, completed.stdout, completed.stderr


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file() and not path.is_symlink() and ".git" not in path.relative_to(root).parts
    }


def plain_copy(app: Path, into: Path) -> Path:
    copy = into / "plain" / app.name
    shutil.copytree(app, copy, symlinks=True, ignore=shutil.ignore_patterns("node_modules", ".venv", "__pycache__"))
    return copy


def committed_copy(app: Path, into: Path, env: dict[str, str]) -> Path:
    copy = into / "git" / app.name
    shutil.copytree(app, copy, symlinks=True, ignore=shutil.ignore_patterns("node_modules", ".venv", "__pycache__"))
    for argv in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-qm", "app"]):
        subprocess.run(argv, cwd=copy, env=env, check=True, capture_output=True)
    return copy


def main(argv: list[str]) -> int:
    outputs: list[tuple[str, ...]] = [("--json",)]
    if argv[:1] == ["--plain"]:
        argv, outputs = argv[1:], [("--json",), ()]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    old_src, extras = Path(argv[0]).resolve(), [Path(a).resolve() for a in argv[1:]]
    env = {k: v for k, v in os.environ.items() if k not in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "PYTHONPATH")}
    env["INTERCOM_IDENTITY_SECRET"] = secrets.token_urlsafe(32)
    old_env = dict(env, PYTHONPATH=str(old_src))
    differing: list[str] = []
    with tempfile.TemporaryDirectory(prefix="iw-dry-run-compare-") as scratch:
        env["GIT_CEILING_DIRECTORIES"] = old_env["GIT_CEILING_DIRECTORIES"] = scratch
        copies = [committed_copy(app, Path(scratch), env) for app in APPS] + [plain_copy(app, Path(scratch)) for app in APPS]
        apps = copies + extras
        runs = [(app, output) for app in apps for output in outputs]
        for app, output in runs:
            before = snapshot(app) if app in copies else None
            new, old = dry_run(app, env, output), dry_run(app, old_env, output)
            same = new == old and (before is None or snapshot(app) == before)
            label = f"{app.parent.name}/{app.name}" if app in copies else str(app)
            kind = "json " if output else "plain"
            print(f"{'same' if same else 'DIFFERENT'}  exit {new[0]}  {len(new[1]):7d} B {kind} {label}")
            if not same:
                differing.append(f"{label} ({kind.strip()})")
    print(f"{len(runs) - len(differing)} of {len(runs)} runs: identical exit code, stdout and stderr")
    if differing:
        print("different: " + ", ".join(differing), file=sys.stderr)
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
