"""Composer packages and gems: installed (Composer only), else the lockfile, else the manifest's floor."""

import json
import re

from intercom_wizard.tree import ProjectTree, join
from intercom_wizard.versions.common import Found, parse_release, read_json, text_of
from intercom_wizard.versions.ranges import composer_range_floor, gem_range_floor


def composer_version(tree: ProjectTree, root: str, package: str) -> Found | None:
    """A Composer package's version: vendor/composer/installed.json, else composer.lock, else composer.json's floor."""
    installed = tree.root / root / "vendor/composer/installed.json"
    try:
        data = json.loads(installed.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = None
    entries = data.get("packages") if isinstance(data, dict) else data  # Composer 2 wraps the list
    for entry in entries if isinstance(entries, list) else ():
        if isinstance(entry, dict) and entry.get("name") == package and (release := parse_release(str(entry.get("version", "")))):
            return Found(package, release, "installed", join(root, "vendor/composer/installed.json"))
    lock = join(root, "composer.lock")
    data = read_json(tree, lock) if tree.exists(lock) else None
    if isinstance(data, dict):
        for entry in list(data.get("packages", [])) + list(data.get("packages-dev", [])):
            if isinstance(entry, dict) and entry.get("name") == package and (release := parse_release(str(entry.get("version", "")))):
                return Found(package, release, "locked", lock)
    manifest = read_json(tree, join(root, "composer.json")) if tree.exists(join(root, "composer.json")) else None
    if isinstance(manifest, dict):
        for section in ("require", "require-dev"):
            spec = manifest.get(section, {}).get(package) if isinstance(manifest.get(section), dict) else None
            if isinstance(spec, str) and (floor := composer_range_floor(spec)) is not None:
                return Found(package, floor, "declared", f"{join(root, 'composer.json')} {spec} (lowest allowed)")
    return None


# Patterns kept as text are compiled on first use (re's own cache): a run that never needs them skips the compile (start-up time, issue 14).
_GEMFILE_LOCK_SPEC = r"^ {4}(?P<name>[\w.-]+) \((?P<version>[^)]+)\)$"
_GEMFILE_GEM = r"""^\s*gem\s+['"](?P<name>[\w.-]+)['"](?P<rest>.*)$"""
_QUOTED = r"""['"]([^'"]+)['"]"""


def gem_version(tree: ProjectTree, root: str, gem: str) -> Found | None:
    """A gem's version: Gemfile.lock (what Bundler installs), else the Gemfile requirement's floor."""
    lock = join(root, "Gemfile.lock")
    if tree.exists(lock):
        for line in text_of(tree, lock).splitlines():
            match = re.match(_GEMFILE_LOCK_SPEC, line)
            if match and match["name"] == gem and (release := parse_release(match["version"])):
                return Found(gem, release, "locked", lock)
    gemfile = join(root, "Gemfile")
    if tree.exists(gemfile):
        for line in text_of(tree, gemfile).splitlines():
            match = re.match(_GEMFILE_GEM, line.split("#", 1)[0])
            if match and match["name"] == gem:
                requirements = re.findall(_QUOTED, match["rest"].split(":", 1)[0] if "=>" not in match["rest"] else match["rest"])
                floor = gem_range_floor(requirements) if requirements else None
                if floor is not None:
                    return Found(gem, floor, "declared", f"{gemfile} {', '.join(requirements)} (lowest allowed)")
    return None
