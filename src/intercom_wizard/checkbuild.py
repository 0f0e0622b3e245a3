"""`install --check-build`: the project's own build or type check, before and after the install.

The script comes from the manifest of each app the plan touches (the nearest package.json above a
changed file): `typecheck`/`type-check`/`check-types`/`tsc` when the project defines one, else
`build`. It runs with the project's own package manager before anything is written and again
after the install (and after the package manager added our dependency). When it passed before and
fails after, the install is undone exactly as `uninstall` would (the receipt's inverse plan), so the
install never turns a passing build into a failing one.
"""

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from intercom_wizard.apply import apply_changes
from intercom_wizard.errors import WizardError
from intercom_wizard.integrations.backends.npm_common import LOCKFILES, package_manager
from intercom_wizard.packages import run_install
from intercom_wizard.plan import DependencyChange, FileChange
from intercom_wizard.tree import ProjectTree, folder_of, join
from intercom_wizard.uninstall import make_uninstall_plan

CHECK_SCRIPTS = ("typecheck", "type-check", "check-types", "tsc", "build")
TIMEOUT_SECONDS = 900


class BuildBroken(WizardError):
    """--check-build: the install turned a passing build into a failing one (exit 1, undone)."""


@dataclass(frozen=True)
class BuildScript:
    folder: str  # the app's folder, relative to the project root
    manager: str
    script: str

    @property
    def command(self) -> list[str]:
        return [self.manager, "run", self.script]

    def describe(self) -> str:
        return f"`{' '.join(self.command)}` in {self.folder or '.'}"


@dataclass(frozen=True)
class BuildRun:
    ok: bool
    output: str  # the last lines, enough to see why it failed

    def to_json(self) -> dict[str, object]:
        return {"ok": self.ok, "output": self.output}


def find_build_scripts(tree: ProjectTree, changes: list[FileChange]) -> list[BuildScript]:
    """The build or type-check script of each app the plan touches, by the nearest package.json."""
    found: dict[str, BuildScript] = {}
    for change in changes:
        folder = folder_of(change.path)
        while True:
            manifest = join(folder, "package.json")
            if tree.exists(manifest):
                if folder not in found and (script := _check_script(tree, manifest)) is not None:
                    found[folder] = BuildScript(folder, package_manager(tree, folder), script)
                break
            if not folder:
                break
            folder = folder_of(folder)
    return list(found.values())


def _check_script(tree: ProjectTree, manifest: str) -> str | None:
    try:
        scripts = json.loads(tree.text(manifest)).get("scripts")
    except (ValueError, AttributeError):
        return None
    if not isinstance(scripts, dict):
        return None
    return next((name for name in CHECK_SCRIPTS if isinstance(scripts.get(name), str)), None)


def run_build(root: Path, script: BuildScript) -> BuildRun:
    try:
        completed = subprocess.run(
            script.command, cwd=root / script.folder, capture_output=True, text=True, check=False, timeout=TIMEOUT_SECONDS
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return BuildRun(False, f"{' '.join(script.command)} could not run: {exc}")
    lines = (completed.stdout + completed.stderr).strip().splitlines()
    return BuildRun(completed.returncode == 0, "\n".join(lines[-20:]))


def roll_back(root: Path, *, run_package_manager: bool) -> list[str]:
    """Undo the install as `uninstall` does; the package manager brings the lockfile back in line."""
    tree = ProjectTree(root)
    plan = make_uninstall_plan(tree)
    apply_changes(tree, plan.changes)
    restored = [change.path for change in plan.changes]
    for change in plan.changes:
        folder = folder_of(change.path)
        if PurePosixPath(change.path).name != "package.json" or change.action != "modify" or not run_package_manager:
            continue
        if any(tree.exists(join(folder, lockfile)) for lockfile, _ in LOCKFILES):
            run_install(root, DependencyChange("npm", "", "", change.path, package_manager(tree, folder)))
    return restored


@dataclass
class BuildCheck:
    """The before/after runs of every touched app's script, and whether the install was undone."""

    root: Path
    scripts: list[BuildScript]
    before: dict[str, BuildRun]
    after: dict[str, BuildRun] = field(default_factory=dict)
    rolled_back: list[str] = field(default_factory=list)

    @classmethod
    def start(cls, tree: ProjectTree, changes: list[FileChange]) -> "BuildCheck":
        scripts = find_build_scripts(tree, changes)
        return cls(tree.root, scripts, {s.folder: run_build(tree.root, s) for s in scripts})

    def finish(self, *, run_package_manager: bool) -> None:
        self.after = {s.folder: run_build(self.root, s) for s in self.scripts}
        if self.broken:
            self.rolled_back = roll_back(self.root, run_package_manager=run_package_manager)

    @property
    def broken(self) -> list[BuildScript]:
        """Scripts that passed before the install and fail after it."""
        return [s for s in self.scripts if self.before[s.folder].ok and s.folder in self.after and not self.after[s.folder].ok]

    def report(self) -> list[str]:
        if not self.scripts:
            return ["--check-build: no build or type-check script (" + ", ".join(CHECK_SCRIPTS) + ") in the package.json of the apps the install touches; nothing was run."]
        lines = []
        for script in self.scripts:
            before, after = self.before[script.folder], self.after.get(script.folder)
            verdict = "not run" if after is None else "passes" if after.ok else "FAILS"
            lines.append(f"--check-build: {script.describe()}: before the install {'passes' if before.ok else 'FAILS'}, after it {verdict}.")
            if after is not None and not after.ok:
                lines.append(after.output)
        return lines

    def to_json(self) -> dict[str, object]:
        return {
            "scripts": [
                {"folder": s.folder or ".", "command": s.command, "before": self.before[s.folder].to_json(), "after": self.after[s.folder].to_json() if s.folder in self.after else None}
                for s in self.scripts
            ],
            "rolled_back": bool(self.rolled_back),
        }
