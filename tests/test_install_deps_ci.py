"""The wizard's own install after it changed package.json, where CI=true is set (the corpus scorer
sets CI=1; so do CI systems): pnpm and Yarn 2+ then refuse to change the lockfile by default, so
nx-nest-next-starter's `pnpm install` failed with ERR_PNPM_OUTDATED_LOCKFILE and the SDK was never
installed (install `incomplete`, the dev server could not resolve `@intercom/messenger-js-sdk`).
The real pnpm 9.15.9 (npx, once) checks it when npm is there.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from intercom_wizard import packages
from intercom_wizard.plan import DependencyChange

PNPM = "pnpm@9.15.9"


def test_pnpm_may_update_the_lockfile_and_yarn_berry_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "1")
    jobs = packages.plan_installs(Path("."), [DependencyChange("npm", "@intercom/messenger-js-sdk", "^0.0.20", "package.json", "pnpm")])
    assert jobs[0].commands == (("pnpm", "install", "--no-frozen-lockfile"),)
    assert packages._environment()["YARN_ENABLE_IMMUTABLE_INSTALLS"] == "false"


def test_real_pnpm_installs_a_new_dependency_under_ci(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if shutil.which("npx") is None:
        pytest.skip("npm is not installed")
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    shim = bin_folder / "pnpm"
    shim.write_text(f'#!/bin/sh\nexec npx -y {PNPM} "$@"\n')
    shim.chmod(0o755)
    project = tmp_path / "app"
    project.mkdir()
    (project / "package.json").write_text(json.dumps({"name": "app", "private": True, "dependencies": {"isarray": "2.0.5"}}) + "\n")
    locked = subprocess.run([str(shim), "install"], cwd=project, capture_output=True, text=True, check=False, timeout=600)
    if locked.returncode != 0:
        pytest.skip(f"pnpm could not run here: {locked.stderr.strip().splitlines()[-1:]}")
    assert (project / "pnpm-lock.yaml").is_file()
    (project / "package.json").write_text(json.dumps({"name": "app", "private": True, "dependencies": {"isarray": "2.0.5", "is-number": "7.0.0"}}) + "\n")
    monkeypatch.setenv("CI", "1")
    monkeypatch.setenv("PATH", f"{bin_folder}:{os.environ['PATH']}")
    job = packages.plan_installs(project, [DependencyChange("npm", "is-number", "7.0.0", "package.json", "pnpm")])[0]
    ok, output = packages.run_commands(project, job.folder, job.commands)
    assert ok, output
    assert (project / "node_modules/is-number/package.json").is_file()
    assert "is-number" in (project / "pnpm-lock.yaml").read_text()
