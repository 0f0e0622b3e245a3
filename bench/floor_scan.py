#!/usr/bin/env python3
"""The floor for `install --dry-run` on a git project: list and read the files the wizard looks at.

What any tool must do at the least: one interpreter start, the same git listing the wizard asks
for (`git ls-files -z --cached --others --exclude-standard`), the same pruned folders, and every
listed file read once and scanned for Intercom code with a byte search, the way the wizard looks
for an existing installation. No parsing, no plan. Prints how many files it read and how many
mention Intercom, so the work cannot be skipped.

Usage: python bench/floor_scan.py PROJECT
"""

import os
import subprocess
import sys

# The folders the wizard prunes from git's listing (intercom_wizard.tree.PRUNED_DIRS), kept here as
# a copy so this script imports nothing of the wizard's.
PRUNED_DIRS = frozenset(
    {
        ".git", "node_modules", "bower_components", ".venv", "venv", "env", "__pycache__", ".tox",
        ".mypy_cache", ".pytest_cache", ".ruff_cache", "dist", "build", ".next", ".nuxt", ".svelte-kit",
        ".angular", ".cache", "coverage", "tmp", "vendor", "site-packages", "instance", "staticfiles",
    }
)
NEEDLES = (b"ntercom", b"user_hash")


def main(root: str) -> int:
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root, capture_output=True, check=True,
    ).stdout
    read = mentions = 0
    for name in sorted({n.decode() for n in listing.split(b"\0") if n}):
        if not PRUNED_DIRS.isdisjoint(name.split("/")):
            continue
        try:
            with open(os.path.join(root, name), "rb") as handle:
                data = handle.read()
        except (FileNotFoundError, IsADirectoryError):
            continue
        read += 1
        mentions += any(needle in data for needle in NEEDLES)
    print(f"{read} files read, {mentions} mention Intercom")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
