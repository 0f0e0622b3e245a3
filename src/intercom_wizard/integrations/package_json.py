"""Reading package.json manifests: the one parser every npm-aware integration uses."""

import json
from typing import Any

from intercom_wizard.errors import BadInput
from intercom_wizard.tree import ProjectTree


def read_package_json(tree: ProjectTree, path: str) -> dict[str, Any]:
    try:
        data = json.loads(tree.text(path))
    except ValueError as exc:
        raise BadInput(f"{path} is not valid JSON: {exc}.", hint="Fix the file (npm cannot read it either).") from None
    if not isinstance(data, dict):
        raise BadInput(f"{path} is not a package manifest (expected a JSON object).")
    return data


def dependencies_of(manifest: dict[str, Any]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for key in ("dependencies", "devDependencies"):
        section = manifest.get(key)
        if isinstance(section, dict):
            merged.update(section)
    return merged
