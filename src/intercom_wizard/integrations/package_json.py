"""Reading JSON manifests (package.json, composer.json): the one parser the integrations use."""

import json
from typing import Any

from intercom_wizard.errors import BadInput
from intercom_wizard.tree import ProjectTree


def read_json_manifest(tree: ProjectTree, path: str, *, tool: str, kind: str) -> dict[str, Any]:
    """A manifest that must be a JSON object; `tool` names who else would fail to read it."""
    try:
        data = json.loads(tree.text(path))
    except ValueError as exc:
        raise BadInput(f"{path} is not valid JSON: {exc}.", hint=f"Fix the file ({tool} cannot read it either).") from None
    if not isinstance(data, dict):
        raise BadInput(f"{path} is not a {kind} manifest (expected a JSON object).")
    for section in DEPENDENCY_SECTIONS[tool]:
        value = data.get(section)
        if value == [] and tool == "Composer":  # PHP's json_encode writes an empty object as []
            data[section] = {}
        elif value is not None and not (isinstance(value, dict) and all(isinstance(v, str) for v in value.values())):
            raise BadInput(
                f"{path}: \"{section}\" must be an object of package names to version strings.",
                hint=f"Fix the file ({tool} cannot read it either).",
            )
    return data


# The sections the integrations read package names and versions from, per tool.
DEPENDENCY_SECTIONS = {
    "npm": ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies"),
    "Composer": ("require", "require-dev"),
}


def read_package_json(tree: ProjectTree, path: str) -> dict[str, Any]:
    return read_json_manifest(tree, path, tool="npm", kind="package")


def dependencies_of(manifest: dict[str, Any]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for key in ("dependencies", "devDependencies"):
        section = manifest.get(key)
        if isinstance(section, dict):
            merged.update(section)
    return merged


def manifest_folder(tree: ProjectTree, folder: str) -> str:
    """The folder whose package.json holds the dependencies of the code in `folder`: its own, else the
    nearest one above it (an Nx integrated repository's apps have only a project.json; the workspace
    root's package.json declares their dependencies and is where npm installs go)."""
    current = folder
    while True:
        if tree.exists(f"{current}/package.json" if current else "package.json"):
            return current
        if not current:
            return folder
        current = current.rsplit("/", 1)[0] if "/" in current else ""


def manifest_of(tree: ProjectTree, folder: str) -> str:
    """The path of the package.json that declares the dependencies of the app in `folder`."""
    found = manifest_folder(tree, folder)
    return f"{found}/package.json" if found else "package.json"
