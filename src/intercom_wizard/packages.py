"""Running the project's own package manager after the manifests were edited."""

import subprocess
from pathlib import Path

from intercom_wizard.plan import DependencyChange

INSTALL_COMMANDS = {
    "npm": ["npm", "install"],
    "yarn": ["yarn", "install"],
    "pnpm": ["pnpm", "install"],
    "bun": ["bun", "install"],
}


def install_command(change: DependencyChange) -> list[str] | None:
    if change.ecosystem == "npm":
        return INSTALL_COMMANDS.get(change.package_manager or "npm")
    return None


def install_hint(change: DependencyChange) -> str:
    """The command that installs a dependency the wizard declared but does not install itself."""
    folder = str(Path(change.manifest).parent)
    where = "" if folder == "." else f" (in {folder})"
    if change.ecosystem == "ruby":
        return f"bundle install{where}"
    if change.ecosystem == "php":
        return f"composer update {change.package}{where}"
    if change.manifest.endswith("requirements.txt"):
        return f"pip install -r {change.manifest}"
    return f"pip install '{change.package}{change.spec}'  (declared in {change.manifest})"


def run_install(root: Path, change: DependencyChange) -> tuple[bool, str]:
    command = install_command(change)
    if command is None:
        return False, "not an npm dependency"
    folder = root / Path(change.manifest).parent
    try:
        completed = subprocess.run(command, cwd=folder, capture_output=True, text=True, check=False, timeout=900)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"{' '.join(command)} could not run: {exc}"
    output = (completed.stdout + completed.stderr).strip().splitlines()
    return completed.returncode == 0, "\n".join(output[-15:])
