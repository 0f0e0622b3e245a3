"""Installing what the plan declared, with the project's own package manager, after the manifests were edited.

The token endpoint imports its JWT library (PyJWT, jsonwebtoken, the `jwt` gem, firebase/php-jwt): declared
but not installed, it fails at import and no user is ever identified. So each declared dependency becomes an
`InstallJob` — the command the project's own tooling uses, run where that tool expects it — or, when no such
tool or environment is here, a job that cannot run and says the exact command to run by hand. The wizard's
own interpreter and the system's Python are never used for the app: only an environment found in the
project (a `.venv`/`venv` folder, or the one uv, Poetry or Pipenv manage for a lock file they own).
"""

import os
import re
import shlex
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from intercom_wizard.plan import SECRET_MASK, DependencyChange, FileChange, Plan
from intercom_wizard.receipt import Receipt

INSTALL_COMMANDS = {
    "npm": ["npm", "install"],
    "yarn": ["yarn", "install"],
    # The wizard has just changed package.json: the lockfile must follow it, also where CI=true would
    # make pnpm (and Yarn 2+, see _environment) refuse any change to it ("specifiers in the lockfile don't
    # match specifiers in package.json").
    "pnpm": ["pnpm", "install", "--no-frozen-lockfile"],
    "bun": ["bun", "install"],
}
SECRET_ENV = "INTERCOM_IDENTITY_SECRET"
VENV_FOLDERS = (".venv", "venv")
OUTPUT_LINES = 15  # of a package manager's output: enough for its error, not its whole log
TIMEOUT_SECONDS = 900
_VERSION_PART = re.compile(r"[\s<>=!~^]")  # where a requirement's version range starts (PyJWT>=2.8, jwt ~> 2.5)
_COMPOSER_ENTRY = re.compile(r'"firebase/php-jwt"\s*:\s*"([^"]*)"')
_GEM_LINE = re.compile(r"""^\s*gem\s*\(?\s*["']jwt["']\s*(?:,\s*["']([^"']+)["'])?""", re.MULTILINE)


@dataclass(frozen=True)
class InstallJob:
    """One run of one package manager for the packages one manifest declares."""

    ecosystem: str
    packages: tuple[str, ...]  # as declared, e.g. "PyJWT>=2.8"
    manifest: str  # relative to the project root
    folder: str  # where the commands run, relative to the root ("" = the root)
    commands: tuple[tuple[str, ...], ...]  # what runs (absolute paths where a venv's python is used)
    shown: str  # the same, as the user would type it from the project root
    unavailable: str | None = None  # why it cannot run here; None when it can

    @property
    def names(self) -> str:
        return ", ".join(_VERSION_PART.split(package, maxsplit=1)[0] for package in self.packages) or "the declared packages"


@dataclass(frozen=True)
class InstallOutcome:
    job: InstallJob
    outcome: str  # "installed", "failed", "not run" (no tool or environment) or "skipped" (--no-install)
    output: str = ""

    def to_json(self) -> dict[str, object]:
        return {
            "ecosystem": self.job.ecosystem,
            "packages": list(self.job.packages),
            "manifest": self.job.manifest,
            "command": self.job.shown,
            "outcome": self.outcome,
            "ok": self.outcome == "installed",
            "output": self.output or self.job.unavailable or "",
        }


# --- what to run --------------------------------------------------------------------------------------


def install_command(change: DependencyChange) -> list[str] | None:
    if change.ecosystem == "npm":
        return INSTALL_COMMANDS.get(change.package_manager or "npm")
    return None


def jwt_gem_dependencies(changes: Iterable[FileChange]) -> list[DependencyChange]:
    """The `jwt` gem the plan adds to a Gemfile (the Ruby back ends declare it by editing the Gemfile only)."""
    return inserted_dependencies((c.path, [i.text for i in c.insertions]) for c in changes if c.action != "delete")


def inserted_dependencies(inserted: Iterable[tuple[str, Sequence[str]]]) -> list[DependencyChange]:
    """The JWT libraries that text inserted into a Gemfile or composer.json declares: from a plan, or from
    the receipt of an earlier install (whose library may still be missing when a re-run has nothing to do)."""
    found = []
    for path, texts in inserted:
        name = PurePosixPath(path).name
        for text in texts:
            gem = _GEM_LINE.search(text) if name == "Gemfile" else None
            composer = _COMPOSER_ENTRY.search(text) if name == "composer.json" else None
            if gem is not None:
                found.append(DependencyChange("ruby", "jwt", f" {gem.group(1)}" if gem.group(1) else "", path, "bundler"))
                break
            if composer is not None:
                found.append(DependencyChange("php", "firebase/php-jwt", composer.group(1), path))
                break
    return found


def to_install(plan: Plan, receipt: Receipt | None, *, npm: bool = True) -> list[DependencyChange]:
    """What the plan declares, the jwt gem it adds to a Gemfile, and what an earlier install's receipt shows it
    declared in a Gemfile or composer.json (a re-run with nothing to do still needs that library installed).
    `npm=False` leaves out the npm family."""
    earlier = [(path, [snippet["text"] for snippet in snippets]) for path, snippets in receipt.inserted.items()] if receipt else []
    dependencies = list(plan.dependencies)
    for change in jwt_gem_dependencies(plan.changes) + inserted_dependencies(earlier):
        if (change.ecosystem, change.manifest) not in {(d.ecosystem, d.manifest) for d in dependencies}:
            dependencies.append(change)
    return [d for d in dependencies if npm or d.ecosystem != "npm"]


def plan_installs(root: Path, dependencies: Sequence[DependencyChange]) -> list[InstallJob]:
    """One job per manifest (and ecosystem), in the order the plan declared them."""
    grouped: dict[tuple[str, str], list[DependencyChange]] = {}
    for change in dependencies:
        grouped.setdefault((change.ecosystem, change.manifest), []).append(change)
    jobs = []
    for (ecosystem, manifest), changes in grouped.items():
        folder = str(PurePosixPath(manifest).parent).removeprefix(".")
        packages = tuple(f"{c.package}{c.spec}" for c in changes if c.package)
        if ecosystem == "npm":
            command = tuple(INSTALL_COMMANDS.get(changes[0].package_manager or "npm", INSTALL_COMMANDS["npm"]))
            jobs.append(InstallJob(ecosystem, packages, manifest, folder, (command,), _shown(folder, [command])))
        elif ecosystem == "python":
            jobs.append(_python_job(root, packages, manifest, folder))
        elif ecosystem == "ruby":
            jobs.append(_tool_job("ruby", packages, manifest, folder, "bundle", [("bundle", "install")], "Bundler"))
        else:
            lock = (root / folder / "composer.lock").is_file()
            # Only the new package moves in an existing lock file; without one, Composer resolves it all once.
            command = ("composer", "update", "firebase/php-jwt", "--no-interaction") if lock else ("composer", "install", "--no-interaction")
            jobs.append(_tool_job("php", packages, manifest, folder, "composer", [command], "Composer"))
    return jobs


def _tool_job(ecosystem: str, packages: tuple[str, ...], manifest: str, folder: str, tool: str, commands: list[tuple[str, ...]], label: str) -> InstallJob:
    missing = None if shutil.which(tool) else f"{label} (`{tool}`) is not installed here"
    return InstallJob(ecosystem, packages, manifest, folder, tuple(commands), _shown(folder, commands), missing)


@dataclass(frozen=True)
class PythonEnvironment:
    """Where the app's Python packages go: the tool that owns the nearest lock file, or a virtual environment."""

    tool: str  # "uv", "poetry", "pipenv" or "venv"
    place: str  # the folder holding the lock file or the venv, relative to the root
    venv: str = ""  # ".venv" or "venv" when tool is "venv"

    @property
    def python(self) -> str:
        """The venv's interpreter as typed from the project root."""
        return str(PurePosixPath(self.place) / self.venv / "bin" / "python") if self.place else f"{self.venv}/bin/python"


def python_environment(root: Path, folder: str, *, requirements: bool = False) -> PythonEnvironment | None:
    """The environment the app's own tooling manages: the nearest lock file of uv, Poetry or Pipenv, or
    virtual environment folder, from `folder` up to the project root. For a requirements file
    (`requirements=True`) Poetry's lock does not count: `poetry install` installs pyproject.toml's
    dependencies, never the requirements file's (react-fastapi-jwt-memory has both, and a venv its
    requirements.txt is installed into)."""
    every_lock = (("uv.lock", "uv"), ("poetry.lock", "poetry"), ("Pipfile.lock", "pipenv"))
    locks = [lock for lock in every_lock if not (requirements and lock[1] == "poetry")]
    for place in _folders_up(folder):
        here = root / place
        for lock, tool in locks:
            if (here / lock).is_file():
                return PythonEnvironment(tool, place)
        for name in VENV_FOLDERS:
            if (here / name / "pyvenv.cfg").is_file() and (here / name / "bin" / "python").exists():
                return PythonEnvironment("venv", place, name)
    return None


def _python_job(root: Path, packages: tuple[str, ...], manifest: str, folder: str) -> InstallJob:
    quoted = [shlex.quote(p.replace(" ", "")) for p in packages]
    is_requirements = PurePosixPath(manifest).name.startswith("requirements")
    environment = python_environment(root, folder, requirements=is_requirements)
    if environment is not None and environment.tool == "venv":
        python = root / environment.place / environment.venv / "bin" / "python"
        command = (str(python), "-m", "pip", "install", "--disable-pip-version-check", "--no-input", *packages)
        return InstallJob("python", packages, manifest, "", (command,), f"{environment.python} -m pip install {' '.join(quoted)}")
    if environment is not None:
        place = environment.place
        if environment.tool == "uv":
            sync = ("uv", "sync") if not is_requirements else ("uv", "pip", "install", *packages)
            return _tool_job("python", packages, manifest, place, "uv", [sync], "uv")
        if environment.tool == "poetry":
            return _tool_job("python", packages, manifest, place, "poetry", [_poetry_lock(), ("poetry", "install")], "Poetry")
        return _tool_job("python", packages, manifest, place, "pipenv", [("pipenv", "install", *packages)], "Pipenv")
    by_hand = f"python -m pip install -r {manifest}" if is_requirements else f"python -m pip install {' '.join(quoted)}"
    return InstallJob(
        "python",
        packages,
        manifest,
        folder="",
        commands=(),
        shown=by_hand,
        unavailable=f"no virtual environment of the app (.venv or venv in {folder or 'the project root'} or above) and no uv, "
        "Poetry or Pipenv lock file was found, and the wizard does not install into an interpreter it cannot tell is the app's",
    )


@dataclass(frozen=True)
class AddCommand:
    """How a library the project does not declare yet gets declared and installed, with the project's own tool."""

    shown: str  # as typed from the project root
    declares: bool  # the command also writes the manifest (npm install, uv add, bundle add, composer require...)


# The npm family's command that installs a package and writes it into package.json.
ADD_COMMANDS = {"npm": ("npm", "install"), "yarn": ("yarn", "add"), "pnpm": ("pnpm", "add"), "bun": ("bun", "add")}
PYTHON_ADD_COMMANDS = {"uv": ("uv", "add"), "poetry": ("poetry", "add"), "pipenv": ("pipenv", "install")}


def add_command(root: Path, ecosystem: str, package: str, folder: str, package_manager: str | None = None) -> AddCommand:
    """The command that adds `package` to the project whose manifest is in `folder`: the same tools
    `plan_installs` runs (the npm family's lockfile, Bundler, Composer, uv/Poetry/Pipenv or the app's venv)."""
    if ecosystem == "npm":
        return AddCommand(_shown(folder, [(*ADD_COMMANDS.get(package_manager or "npm", ADD_COMMANDS["npm"]), package)]), True)
    if ecosystem == "ruby":
        return AddCommand(_shown(folder, [("bundle", "add", package)]), True)
    if ecosystem == "php":
        return AddCommand(_shown(folder, [("composer", "require", package)]), True)
    environment = python_environment(root, folder)
    if environment is None:
        return AddCommand(f"python -m pip install {shlex.quote(package)}", False)
    if environment.tool == "venv":
        return AddCommand(f"{environment.python} -m pip install {shlex.quote(package)}", False)
    return AddCommand(_shown(environment.place, [(*PYTHON_ADD_COMMANDS[environment.tool], package)]), True)


def _poetry_lock() -> tuple[str, ...]:
    """Re-lock for the new dependency without upgrading the others: `--no-update` on Poetry 1, the default on 2."""
    try:
        version = subprocess.run(["poetry", "--version"], capture_output=True, text=True, check=False, timeout=60, env=_environment()).stdout
    except (OSError, subprocess.TimeoutExpired):
        version = ""
    major = re.search(r"(\d+)\.\d+", version)
    return ("poetry", "lock") if major is not None and int(major.group(1)) >= 2 else ("poetry", "lock", "--no-update")


def _folders_up(folder: str) -> list[str]:
    folders = [folder]
    while folder:
        folder = str(PurePosixPath(folder).parent).removeprefix(".")
        folders.append(folder)
    return folders


def _shown(folder: str, commands: Sequence[Sequence[str]]) -> str:
    line = " && ".join(shlex.join(command) for command in commands)
    return f"cd {shlex.quote(folder)} && {line}" if folder else line


# --- running it -----------------------------------------------------------------------------------------


def _environment() -> dict[str, str]:
    """The wizard's environment without the identity secret: no package manager needs it, and its scripts
    (npm lifecycle scripts, gem extensions, Composer plugins) must not be able to read it. Yarn 2+ may update
    the lockfile for the manifest the wizard changed, also under CI=true (Yarn 1 ignores the variable)."""
    return {key: value for key, value in os.environ.items() if key != SECRET_ENV} | {"YARN_ENABLE_IMMUTABLE_INSTALLS": "false"}


def _redacted(text: str, secret: str | None) -> str:
    return text.replace(secret, SECRET_MASK) if secret else text


def run_commands(root: Path, folder: str, commands: Sequence[Sequence[str]], secret: str | None = None) -> tuple[bool, str]:
    """Run each command in `folder` until one fails; the last lines of the output, the secret masked."""
    output: list[str] = []
    for command in commands:
        try:
            completed = subprocess.run(
                list(command), cwd=root / folder, capture_output=True, text=True, check=False, timeout=TIMEOUT_SECONDS, env=_environment()
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return False, _redacted(f"{shlex.join(command)} could not run: {exc}", secret)
        output += (completed.stdout + completed.stderr).strip().splitlines()
        if completed.returncode != 0:
            return False, _redacted("\n".join(output[-OUTPUT_LINES:]), secret)
    return True, _redacted("\n".join(output[-OUTPUT_LINES:]), secret)


def run_install(root: Path, change: DependencyChange) -> tuple[bool, str]:
    """The npm-family install of one manifest's folder (install, uninstall's prune, --check-build's rollback)."""
    command = install_command(change)
    if command is None:
        return False, "not an npm dependency"
    return run_commands(root, str(Path(change.manifest).parent), [command])


def run_job(root: Path, job: InstallJob, secret: str | None) -> InstallOutcome:
    if job.unavailable is not None:
        return InstallOutcome(job, "not run")
    if job.ecosystem == "npm":
        # One code path for every npm-family install (and the one the tests can replace).
        ok, output = run_install(root, DependencyChange("npm", "", "", job.manifest, job.commands[0][0]))
        output = _redacted(output, secret)
    else:
        ok, output = run_commands(root, job.folder, job.commands, secret)
    return InstallOutcome(job, "installed" if ok else "failed", output)


def manual_instruction(outcome: InstallOutcome) -> str:
    """Why the library is not installed, for the manual step whose snippet is `job.shown`."""
    job = outcome.job
    if outcome.outcome == "failed":
        return (
            f"{job.shown.split(' && ')[-1]} failed (its last lines are above), so {job.names} is declared in {job.manifest} "
            "but not installed and the token endpoint cannot load it; once the cause is fixed, run from the project root:"
        )
    return (
        f"{job.names} is declared in {job.manifest} but not installed: {job.unavailable}. The token endpoint cannot load "
        "it until it is; where the app runs, run from the project root:"
    )
