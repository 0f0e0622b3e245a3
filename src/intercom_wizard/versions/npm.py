"""npm packages: installed copy, else package-lock.json / yarn.lock / pnpm-lock.yaml, else the range's floor."""

import json
import re
from pathlib import Path
from typing import Literal

from intercom_wizard.integrations.package_json import manifest_folder
from intercom_wizard.tree import ProjectTree, join
from intercom_wizard.versions.common import Found, Release, folders_up, parse_release, read_json, text_of
from intercom_wizard.versions.ranges import npm_range_floor


def npm_version(tree: ProjectTree, root: str, package: str) -> Found | None:
    """The version of an npm package the app at `root` uses: installed, else locked, else its range's floor."""
    for folder in folders_up(root):
        installed = tree.root / folder / "node_modules" / package / "package.json"
        release = _json_version(installed)
        if release is not None:
            return Found(package, release, "installed", join(folder, f"node_modules/{package}/package.json"))
    spec = _npm_spec(tree, root, package)
    for folder in folders_up(root):
        locked = _npm_locked(tree, folder, root, package, spec)
        if locked is not None:
            return locked
    if spec is not None and (floor := npm_range_floor(spec)) is not None:
        return Found(package, floor, "declared", f"{join(manifest_folder(tree, root), 'package.json')} range {spec} (lowest allowed)")
    return None



def _json_version(path: Path) -> Release | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return parse_release(str(data.get("version", ""))) if isinstance(data, dict) else None


def _npm_spec(tree: ProjectTree, root: str, package: str) -> str | None:
    root = manifest_folder(tree, root)  # an Nx app without a package.json: the workspace root's
    manifest = read_json(tree, join(root, "package.json")) if tree.exists(join(root, "package.json")) else None
    if not isinstance(manifest, dict):
        return None
    for section in ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies"):
        declared = manifest.get(section)
        if isinstance(declared, dict) and isinstance(declared.get(package), str):
            return str(declared[package])
    return None


def _npm_locked(tree: ProjectTree, folder: str, root: str, package: str, spec: str | None) -> Found | None:
    lock = join(folder, "package-lock.json")
    if tree.exists(lock):
        data = read_json(tree, lock)
        if isinstance(data, dict):
            below = f"{root[len(folder):].strip('/')}/" if root != folder else ""
            packages = data.get("packages")
            for key in (f"{below}node_modules/{package}", f"node_modules/{package}"):
                if isinstance(packages, dict) and isinstance(packages.get(key), dict):
                    release = parse_release(str(packages[key].get("version", "")))
                    if release is not None:
                        return Found(package, release, "locked", lock)
            legacy = data.get("dependencies")  # lockfileVersion 1
            if isinstance(legacy, dict) and isinstance(legacy.get(package), dict):
                release = parse_release(str(legacy[package].get("version", "")))
                if release is not None:
                    return Found(package, release, "locked", lock)
    yarn = join(folder, "yarn.lock")
    if tree.exists(yarn) and (release := yarn_locked(text_of(tree, yarn), package, spec)) is not None:
        return Found(package, release, "locked", yarn)
    pnpm = join(folder, "pnpm-lock.yaml")
    if tree.exists(pnpm) and (release := pnpm_locked(text_of(tree, pnpm), package)) is not None:
        return Found(package, release, "locked", pnpm)
    return None


def yarn_locked(text: str, package: str, spec: str | None) -> Release | None:
    """yarn.lock (classic and Berry): the entry for `package@spec`, else the lowest locked copy."""
    direct: Release | None = None
    copies: list[Release] = []
    descriptors: list[str] = []
    for line in text.splitlines():
        if line and not line[0].isspace() and line.rstrip().endswith(":"):
            descriptors = [d.strip().strip('"') for d in line.rstrip()[:-1].split(",")]
            descriptors = [d for d in descriptors if d.rpartition("@")[0] == package]
            continue
        stripped = line.strip()
        if descriptors and stripped.startswith("version"):
            release = parse_release(stripped.removeprefix("version").strip(' :"'))
            if release is None:
                continue
            copies.append(release)
            ranges = {d.rpartition("@")[2].removeprefix("npm:") for d in descriptors}
            if spec is not None and spec in ranges:
                direct = release
            descriptors = []
    return direct or (min(copies) if copies else None)


# compiled on first use (re's own cache), not at import: most runs never need it (start-up time, issue 14)
_PNPM_KEY = r"^\s{2}'?/?(?P<name>(?:@[^/@]+/)?[^/@]+)[/@](?P<version>\d[^:(_']*)"


def pnpm_locked(text: str, package: str) -> Release | None:
    """pnpm-lock.yaml (v5 `/pkg/1.2.3`, v6 `/pkg@1.2.3`, v9 `pkg@1.2.3`): the lowest locked copy."""
    copies = [
        release
        for line in text.splitlines()
        if (match := re.match(_PNPM_KEY, line)) and match["name"] == package and (release := parse_release(match["version"]))
    ]
    return min(copies) if copies else None


def module_system(tree: ProjectTree, root: str, entry: str | None = None) -> Literal["esm", "commonjs"]:
    """ESM when the file is .mjs/.mts or package.json says "type": "module"; CommonJS otherwise (Node's own rule)."""
    if entry is not None and entry.endswith((".mjs", ".mts")):
        return "esm"
    if entry is not None and entry.endswith((".cjs", ".cts")):
        return "commonjs"
    root = manifest_folder(tree, root)
    manifest = read_json(tree, join(root, "package.json")) if tree.exists(join(root, "package.json")) else None
    return "esm" if isinstance(manifest, dict) and manifest.get("type") == "module" else "commonjs"
