"""The JWT library the server code imports must be declared where the app's dependencies are.

The seed's first troubleshooting entry: `Cannot find module 'jsonwebtoken'`, `No module named 'jwt'`,
`cannot load such file -- jwt`. We look for the import (AST), then walk up from the importing file's
folder to the project root for a manifest of that ecosystem that declares the library.
"""

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

import tomlkit
from ast_grep_py import SgNode, SgRoot
from tomlkit.exceptions import TOMLKitError

from intercom_wizard.doctor.checks.context import StaticContext
from intercom_wizard.doctor.findings import Finding, Severity
from intercom_wizard.doctor.sources import CodeUnit, Side
from intercom_wizard.doctor.syntax import call_parts, calls, imported_modules, literal_text, positional
from intercom_wizard.errors import BadInput
from intercom_wizard.integrations.backends.npm_common import package_manager
from intercom_wizard.packages import add_command
from intercom_wizard.tree import ProjectTree, folder_of, join
from intercom_wizard.versions.common import folders_up

_REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


@dataclass(frozen=True)
class Ecosystem:
    language: str
    kind: str  # the package ecosystem, as packages.py names it: python, npm, php, ruby
    package: str
    manifests: str  # for messages
    imports: Callable[[CodeUnit], list[SgNode]]
    declares: Callable[[ProjectTree, str], bool | None]  # None: no manifest of this kind in the folder


def check_jwt_library(context: StaticContext) -> Iterable[Finding]:
    tree = context.sources.tree
    for unit in context.sources.backend():
        ecosystem = ECOSYSTEMS.get(unit.language)
        if ecosystem is None or not unit.mentions("jwt", "jsonwebtoken"):
            continue
        nodes = ecosystem.imports(unit)
        if not nodes:
            continue
        manifest_folder: str | None = None  # the nearest folder with a manifest of this ecosystem
        declared = False
        for folder in folders_up(folder_of(unit.path)):
            result = ecosystem.declares(tree, folder)
            if result is not None and manifest_folder is None:
                manifest_folder = folder
            if result:
                declared = True
                break
        if declared:
            continue
        where = f"in {ecosystem.manifests}" if manifest_folder is not None else f"anywhere: the project has no {ecosystem.manifests}"
        yield Finding(
            "jwt-library-missing",
            Severity.ERROR,
            f"{unit.path} uses the JWT library, but {ecosystem.package} is not declared {where}.",
            "A fresh install of the app (CI, a new server, a container build) will not have it, so the token "
            "endpoint crashes on import and the Messenger never gets a token.",
            _fix(tree, ecosystem, folder_of(unit.path) if manifest_folder is None else manifest_folder),
            unit.path,
            unit.line_of(nodes[0]),
        )


def _fix(tree: ProjectTree, ecosystem: "Ecosystem", folder: str) -> str:
    """The project's own command (the tools `install` runs: packages.add_command), from the manifest's folder."""
    manager = package_manager(tree, folder) if ecosystem.kind == "npm" else None
    command = add_command(tree.root, ecosystem.kind, ecosystem.package, folder, manager)
    if command.declares:
        return f"Declare and install it with the project's own tool, from the project root: `{command.shown}`."
    named = [join(folder, name) for name in ecosystem.manifests.split(" / ") if tree.exists(join(folder, name))]
    manifest = named[0] if named else ecosystem.manifests
    return f"Install it with the project's own tool, from the project root: `{command.shown}`, and add {ecosystem.package} to {manifest}."


# --- what counts as using the library -------------------------------------------------------------


def _python_imports(unit: CodeUnit) -> list[SgNode]:
    return [node for module, node in imported_modules(unit) if module == "jwt" or module.startswith("jwt.")]


def _node_imports(unit: CodeUnit) -> list[SgNode]:
    return [node for module, node in imported_modules(unit) if module == "jsonwebtoken"]


def _php_imports(unit: CodeUnit) -> list[SgNode]:
    found = [node for module, node in imported_modules(unit) if module.startswith("Firebase\\JWT")]
    found += [c for c in calls(unit) if (receiver := call_parts(c).receiver) is not None and receiver.text().lstrip("\\").startswith("Firebase\\JWT")]
    return sorted(found, key=lambda n: n.range().start.index)


def _ruby_imports(unit: CodeUnit) -> list[SgNode]:
    """`require 'jwt'`, or `JWT.encode` alone (Rails loads gems through Bundler.require)."""
    found = [node for module, node in imported_modules(unit) if module == "jwt"]
    found += [c for c in calls(unit) if (receiver := call_parts(c).receiver) is not None and receiver.text() == "JWT"]
    return sorted(found, key=lambda n: n.range().start.index)


# --- what counts as declaring it -------------------------------------------------------------------


def _files_in(tree: ProjectTree, folder: str) -> list[str]:
    return [path for path in tree.files if folder_of(path) == folder]


def _python_declares(tree: ProjectTree, folder: str) -> bool | None:
    results = []
    for path in _files_in(tree, folder):
        name = PurePosixPath(path).name
        if name.startswith("requirements") and name.endswith((".txt", ".in")):
            results.append(_requirements_declare(tree.text(path).splitlines()))
        elif name in ("pyproject.toml", "Pipfile"):
            results.append(_toml_declares(tree, path))
        elif name in ("setup.py", "setup.cfg"):
            results.append(_setup_declares(tree.text(path), name))
    results += [_requirements_declare(tree.text(p).splitlines()) for p in _files_in(tree, join(folder, "requirements")) if p.endswith(".txt")]
    return any(results) if results else None


def _is_pyjwt(requirement: str) -> bool:
    match = _REQUIREMENT_NAME.match(requirement)
    return match is not None and re.sub(r"[-_.]+", "-", match.group(1)).lower() == "pyjwt"


def _requirements_declare(lines: list[str]) -> bool:
    return any(_is_pyjwt(line.split("#", 1)[0]) for line in lines if not line.lstrip().startswith("-"))


def _toml_declares(tree: ProjectTree, path: str) -> bool:
    try:
        document = tomlkit.parse(tree.text(path)).unwrap()
    except TOMLKitError as exc:
        raise BadInput(f"{path} is not valid TOML: {exc}") from None
    names: list[str] = []
    project = document.get("project", {})
    names += project.get("dependencies", [])
    for group in project.get("optional-dependencies", {}).values():
        names += group
    for group in document.get("dependency-groups", {}).values():
        names += [item for item in group if isinstance(item, str)]
    poetry = document.get("tool", {}).get("poetry", {})
    names += list(poetry.get("dependencies", {})) + list(poetry.get("dev-dependencies", {}))
    for group in poetry.get("group", {}).values():
        names += list(group.get("dependencies", {}))
    names += list(document.get("packages", {})) + list(document.get("dev-packages", {}))  # Pipfile
    return any(_is_pyjwt(str(name)) for name in names)


def _setup_declares(text: str, name: str) -> bool:
    if name == "setup.cfg":
        return _requirements_declare([line.strip() for line in text.splitlines()])
    strings = SgRoot(text, "python").root().find_all(kind="string")
    return any(_is_pyjwt(literal_text(s) or "") for s in strings)


def _json_manifest(tree: ProjectTree, path: str) -> dict[str, object] | None:
    if path not in tree.files:
        return None
    try:
        data = json.loads(tree.text(path))
    except ValueError as exc:
        raise BadInput(f"{path} is not valid JSON: {exc}.") from None
    return data if isinstance(data, dict) else {}


def _node_declares(tree: ProjectTree, folder: str) -> bool | None:
    manifest = _json_manifest(tree, join(folder, "package.json"))
    if manifest is None:
        return None
    sections = ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies")
    return any(isinstance(section := manifest.get(s), dict) and "jsonwebtoken" in section for s in sections)


def _composer_declares(tree: ProjectTree, folder: str) -> bool | None:
    manifest = _json_manifest(tree, join(folder, "composer.json"))
    if manifest is None:
        return None
    return any(isinstance(section := manifest.get(s), dict) and "firebase/php-jwt" in section for s in ("require", "require-dev"))


def _gem_declares(tree: ProjectTree, folder: str) -> bool | None:
    manifests = [p for p in _files_in(tree, folder) if PurePosixPath(p).name == "Gemfile" or p.endswith(".gemspec")]
    if not manifests:
        return None
    methods = ("gem", "add_dependency", "add_runtime_dependency")
    for path in manifests:
        unit = CodeUnit(path, "ruby", Side.BACKEND, tree.text(path))
        for call in calls(unit):
            arguments = positional(call)
            if call_parts(call).method in methods and arguments and literal_text(arguments[0]) == "jwt":
                return True
    return False


ECOSYSTEMS = {
    "python": Ecosystem("python", "python", "PyJWT", "requirements.txt / pyproject.toml", _python_imports, _python_declares),
    "javascript": Ecosystem("javascript", "npm", "jsonwebtoken", "package.json", _node_imports, _node_declares),
    "php": Ecosystem("php", "php", "firebase/php-jwt", "composer.json", _php_imports, _composer_declares),
    "ruby": Ecosystem("ruby", "ruby", "jwt", "Gemfile", _ruby_imports, _gem_declares),
}
ECOSYSTEMS["typescript"] = ECOSYSTEMS["tsx"] = ECOSYSTEMS["javascript"]
