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
