"""jwt-library-not-installed: the JWT library is declared, but the app's own environment does not have it.

What `install` does, checked from the other side: the server code imports its JWT library, a manifest
declares it (`jwt-library-missing` covers the case where none does), and the environment the project's
package manager installs into exists — a `.venv`/`venv`, `node_modules`, Composer's `vendor`, a
`Gemfile.lock` — but holds no such library. Then the endpoint fails at import. The fix is the command
`install` itself would run (`packages.plan_installs`), so the two never disagree. Where there is no such
environment (a deploy installs it elsewhere), nothing can be said and nothing is reported.
"""

from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from intercom_wizard.doctor.checks.context import StaticContext
from intercom_wizard.doctor.checks.dependencies import ECOSYSTEMS
from intercom_wizard.doctor.findings import Finding, Severity
from intercom_wizard.packages import VENV_FOLDERS, plan_installs
from intercom_wizard.plan import DependencyChange
from intercom_wizard.tree import ProjectTree, folder_of, join

Ecosystem = Literal["python", "npm", "ruby", "php"]
# language of the importing code -> (ecosystem, package, manifest file names)
MANIFESTS: dict[str, tuple[Ecosystem, str, tuple[str, ...]]] = {
    "python": ("python", "PyJWT", ("requirements.txt", "pyproject.toml")),
    "javascript": ("npm", "jsonwebtoken", ("package.json",)),
    "typescript": ("npm", "jsonwebtoken", ("package.json",)),
    "tsx": ("npm", "jsonwebtoken", ("package.json",)),
    "php": ("php", "firebase/php-jwt", ("composer.json",)),
    "ruby": ("ruby", "jwt", ("Gemfile",)),
}


def check_jwt_library_installed(context: StaticContext) -> Iterable[Finding]:
    tree = context.sources.tree
    reported: set[str] = set()
    for unit in context.sources.backend():
        ecosystem = ECOSYSTEMS.get(unit.language)
        known = MANIFESTS.get(unit.language)
        if ecosystem is None or known is None or not unit.mentions("jwt", "jsonwebtoken"):
            continue
        nodes = ecosystem.imports(unit)
        manifest = _declaring_manifest(tree, folder_of(unit.path), unit.language, known[2])
        if not nodes or manifest is None or manifest in reported:
            continue
        kind, package, _ = known
        missing = _missing_from_environment(tree.root, kind, folder_of(manifest))
        if missing is None:
            continue
        reported.add(manifest)
        [job] = plan_installs(tree.root, [DependencyChange(kind, package, "", manifest, _npm_manager(tree, manifest) if kind == "npm" else None)])
        yield Finding(
            "jwt-library-not-installed",
            Severity.ERROR,
            f"{unit.path} uses {package}, which {manifest} declares, but {missing} does not have it.",
            "The token endpoint fails when it loads the library, so the Messenger never gets a token and no user is identified.",
            f"Install it with the project's own tool, from the project root: `{job.shown}`."
            + (f" ({job.unavailable}.)" if job.unavailable else ""),
            unit.path,
            unit.line_of(nodes[0]),
        )


def _declaring_manifest(tree: ProjectTree, folder: str, language: str, names: tuple[str, ...]) -> str | None:
    """The nearest manifest, from the code's folder up, that declares the library."""
    declares = ECOSYSTEMS[language].declares
    while True:
        if declares(tree, folder):
            return next((join(folder, name) for name in names if tree.exists(join(folder, name))), None)
        if not folder:
            return None
        folder = folder_of(folder)


def _missing_from_environment(root: Path, kind: str, folder: str) -> str | None:
    """The environment (as a phrase) that exists for the manifest in `folder` and lacks the library; None
    when it has it, or when there is no environment to look in."""
    here = root / folder
    if kind == "python":
        for place in [here, *here.parents]:
            for name in VENV_FOLDERS:
                venv = place / name
                if (venv / "pyvenv.cfg").is_file():
                    found = list(venv.glob("lib/python*/site-packages/jwt/__init__.py")) + list(venv.glob("Lib/site-packages/jwt/__init__.py"))
                    return None if found else f"the app's virtual environment {_shown(root, venv)}"
            if place == root:
                break
        return None
    if kind == "npm":
        for place in [here, *here.parents]:
            if (place / "node_modules").is_dir():
                return None if (place / "node_modules/jsonwebtoken/package.json").is_file() else _shown(root, place / "node_modules")
            if place == root:
                break
        return None
    if kind == "php":
        vendor = here / "vendor"
        if not vendor.is_dir():
            return None
        return None if (vendor / "firebase/php-jwt").is_dir() else _shown(root, vendor)
    lock = here / "Gemfile.lock"
    if not lock.is_file():
        return None
    return None if "\n    jwt (" in lock.read_text(encoding="utf-8", errors="replace") else _shown(root, lock)


def _shown(root: Path, path: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def _npm_manager(tree: ProjectTree, manifest: str) -> str:
    from intercom_wizard.integrations.backends.npm_common import package_manager

    return package_manager(tree, folder_of(manifest))
