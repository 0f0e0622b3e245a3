"""Language levels: the lowest Python, PHP or Ruby version the app declares it runs on."""

import re
from pathlib import PurePosixPath

from intercom_wizard.tree import ProjectTree, join
from intercom_wizard.versions.common import (
    VIRTUALENV_DIRS,
    Found,
    How,
    Language,
    Release,
    folders_up,
    parse_release,
    read_json,
    read_toml,
    text_of,
    toml_table,
)
from intercom_wizard.versions.ranges import composer_range_floor, gem_range_floor, python_specifier_floor


def language_level(tree: ProjectTree, root: str, language: Language) -> Found | None:
    """The lowest language version the app declares it runs on, with where that declaration is."""
    readers = {"python": _python_levels, "php": _php_levels, "ruby": _ruby_levels}
    found = readers[language](tree, root)
    return min(found, key=lambda f: f.release) if found else None


def _python_levels(tree: ProjectTree, root: str) -> list[Found]:
    found: list[Found] = []

    def add(release: Release | None, how: How, source: str) -> None:
        if release is not None:
            found.append(Found("python", release, how, source))

    for venv in VIRTUALENV_DIRS:
        config = tree.root / root / venv / "pyvenv.cfg"
        if config.is_file():
            for line in config.read_text(encoding="utf-8", errors="replace").splitlines():
                key, _, value = line.partition("=")
                if key.strip() in ("version", "version_info"):
                    add(parse_release(value), "installed", join(root, f"{venv}/pyvenv.cfg"))
                    break
    installed = len(found)  # the virtualenv's Python: no declaration, so it does not silence a Dockerfile
    for folder in folders_up(root):
        if tree.exists(join(folder, ".python-version")):
            first = text_of(tree, join(folder, ".python-version")).strip().splitlines()
            add(parse_release(first[0]) if first else None, "declared", join(folder, ".python-version"))
        if tree.exists(join(folder, "runtime.txt")):
            add(parse_release(text_of(tree, join(folder, "runtime.txt")).strip().removeprefix("python-")), "declared", join(folder, "runtime.txt"))
        pyproject = join(folder, "pyproject.toml")
        if tree.exists(pyproject):
            data = read_toml(tree, pyproject)
            requires = toml_table(data, "project").get("requires-python")
            if isinstance(requires, str):
                add(python_specifier_floor(requires), "declared", f"{pyproject} requires-python {requires}")
            poetry_python = toml_table(data, "tool", "poetry", "dependencies").get("python")
            if isinstance(poetry_python, str):
                add(python_specifier_floor(poetry_python), "declared", f"{pyproject} python {poetry_python}")
        pipfile = join(folder, "Pipfile")
        if tree.exists(pipfile):
            pinned = re.search(r"""^python_(?:full_)?version\s*=\s*["']([\d.]+)["']""", text_of(tree, pipfile), re.MULTILINE)
            if pinned:
                add(parse_release(pinned[1]), "declared", f"{pipfile} python_version {pinned[1]}")
        for setup in (join(folder, "setup.py"), join(folder, "setup.cfg")):
            if tree.exists(setup):
                requires = re.search(r"""python_requires\s*[=:]\s*["']?([^"'\n,)]+)""", text_of(tree, setup))
                if requires:
                    add(python_specifier_floor(requires[1].strip()), "declared", f"{setup} python_requires {requires[1].strip()}")
        if len(found) == installed:
            # A Dockerfile's base image is the weakest declaration (often stale, or a build-only stage): it
            # counts only where no .python-version, runtime.txt, requires-python, python_requires or Pipfile does.
            for dockerfile in (p for p in tree.in_folder(folder) if PurePosixPath(p).name.startswith("Dockerfile")):
                for match in re.finditer(r"^\s*FROM\s+(?:\S+/)?python:(\d+\.\d+)", text_of(tree, dockerfile), re.MULTILINE | re.IGNORECASE):
                    add(parse_release(match[1]), "declared", f"{dockerfile} FROM python:{match[1]}")
        if len(found) > installed:
            break  # the nearest folder that declares a level speaks for the app
    return found


def _php_levels(tree: ProjectTree, root: str) -> list[Found]:
    """composer.json's PHP constraints, from the nearest folder (at or above `root`) that has one."""
    folder = next((f for f in folders_up(root) if tree.exists(join(f, "composer.json"))), None)
    return _php_levels_in(tree, folder) if folder is not None else []


def _php_levels_in(tree: ProjectTree, root: str) -> list[Found]:
    manifest = read_json(tree, join(root, "composer.json")) if tree.exists(join(root, "composer.json")) else None
    if not isinstance(manifest, dict):
        return []
    found = []
    require = manifest.get("require")
    if isinstance(require, dict) and isinstance(require.get("php"), str):
        floor = composer_range_floor(require["php"])
        if floor is not None:
            found.append(Found("php", floor, "declared", f"{join(root, 'composer.json')} require.php {require['php']}"))
    config = manifest.get("config")
    platform = config.get("platform") if isinstance(config, dict) else None
    if isinstance(platform, dict) and isinstance(platform.get("php"), str):
        release = parse_release(platform["php"])
        if release is not None:
            found.append(Found("php", release, "declared", f"{join(root, 'composer.json')} config.platform.php {platform['php']}"))
    return found


def _ruby_levels(tree: ProjectTree, root: str) -> list[Found]:
    """The Ruby declarations of the nearest folder (at or above `root`) that has any."""
    for folder in folders_up(root):
        found = _ruby_levels_in(tree, folder)
        if found:
            return found
    return []


def _ruby_levels_in(tree: ProjectTree, root: str) -> list[Found]:
    found = []
    version_file = join(root, ".ruby-version")
    if tree.exists(version_file):
        release = parse_release(text_of(tree, version_file).strip().removeprefix("ruby-"))
        if release is not None:
            found.append(Found("ruby", release, "declared", version_file))
    gemfile = join(root, "Gemfile")
    if tree.exists(gemfile):
        match = re.search(r"""^\s*ruby\s+['"]([^'"]+)['"]""", text_of(tree, gemfile), re.MULTILINE)
        if match and (floor := gem_range_floor([match[1]])) is not None:
            found.append(Found("ruby", floor, "declared", f"{gemfile} ruby {match[1]!r}"))
    lock = join(root, "Gemfile.lock")
    if tree.exists(lock):
        match = re.search(r"^RUBY VERSION\n\s+ruby (\S+)", text_of(tree, lock), re.MULTILINE)
        if match and (release := parse_release(match[1])) is not None:
            found.append(Found("ruby", release, "locked", f"{lock} RUBY VERSION"))
    return found
