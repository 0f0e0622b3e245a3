"""Python distributions: the app's virtualenv, else poetry.lock / uv.lock / Pipfile.lock, else a requirement's floor."""

import os
import re
from pathlib import PurePosixPath
from posixpath import normpath

from intercom_wizard.tree import ProjectTree, folder_of, join
from intercom_wizard.versions.common import VIRTUALENV_DIRS, Found, Release, folders_up, parse_release, read_json, read_toml, text_of, toml_table
from intercom_wizard.versions.ranges import plain_specifiers, python_specifier_floor, specifier_set_text

# A requirement line that is a name and plain version specifiers ("flask>=3.0", "Django >=4.2, <5") is
# read without `packaging.requirements`, whose grammar (with markers and platform tags) costs about
# 0.02 s to import; anything else (extras, markers, URLs, parentheses, spaces after an operator) is
# packaging's. tests/test_requirement_fast_path.py compares both readings line by line.
_SPECIFIER = r"(?:===|[=!<>~]=|[<>])[A-Za-z0-9.*+!_-]+"
_PLAIN_REQUIREMENT = re.compile(rf"([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)[ \t]*({_SPECIFIER}(?:[ \t]*,[ \t]*{_SPECIFIER})*)?")


def canonicalize_name(name: str) -> str:
    """packaging.utils.canonicalize_name (PEP 503 normalisation), without importing packaging.utils:
    it loads packaging.tags (platform and libc probing) that reading a version never needs."""
    value = name.lower().replace("_", "-").replace(".", "-")
    while "--" in value:
        value = value.replace("--", "-")
    return value


def python_version(tree: ProjectTree, root: str, package: str) -> Found | None:
    """A Python distribution's version: the app's virtualenv, else poetry.lock / uv.lock / Pipfile.lock, else its requirement's floor."""
    wanted = canonicalize_name(package)
    for venv in VIRTUALENV_DIRS:
        if not os.path.isdir(tree.root / root / venv):
            continue  # what the glob below would find first; a pathlib glob costs more than this stat
        for dist_info in sorted((tree.root / root).glob(f"{venv}/lib/python*/site-packages/*.dist-info")):
            name, _, version = dist_info.name.removesuffix(".dist-info").rpartition("-")
            if canonicalize_name(name) == wanted and (release := parse_release(version)) is not None:
                return Found(package, release, "installed", dist_info.relative_to(tree.root).as_posix())
    for folder in folders_up(root):
        for lockfile in ("poetry.lock", "uv.lock"):
            path = join(folder, lockfile)
            if tree.exists(path) and (release := _toml_locked(tree, path, wanted)) is not None:
                return Found(package, release, "locked", path)
        pipfile_lock = join(folder, "Pipfile.lock")
        if tree.exists(pipfile_lock) and (release := _pipfile_locked(tree, pipfile_lock, wanted)) is not None:
            return Found(package, release, "locked", pipfile_lock)
    return _python_declared(tree, root, package, wanted)


def _toml_locked(tree: ProjectTree, path: str, wanted: str) -> Release | None:
    import tomllib  # tomllib (with its regexes) only where a TOML file is read (start-up time, issue 14)

    try:
        data = tomllib.loads(text_of(tree, path))
    except (tomllib.TOMLDecodeError, ValueError):
        return None
    for entry in data.get("package", []):
        if isinstance(entry, dict) and canonicalize_name(str(entry.get("name", ""))) == wanted:
            return parse_release(str(entry.get("version", "")))
    return None


def _pipfile_locked(tree: ProjectTree, path: str, wanted: str) -> Release | None:
    data = read_json(tree, path)
    if not isinstance(data, dict):
        return None
    for section in ("default", "develop"):
        entries = data.get(section)
        if not isinstance(entries, dict):
            continue
        for name, entry in entries.items():
            if canonicalize_name(name) == wanted and isinstance(entry, dict):
                return parse_release(str(entry.get("version", "")).lstrip("="))
    return None


def _python_declared(tree: ProjectTree, root: str, package: str, wanted: str) -> Found | None:
    for folder in folders_up(root):
        for top in sorted(p for p in tree.in_folder(folder) if PurePosixPath(p).name.startswith("requirements") and p.endswith((".txt", ".in"))):
            for path, line in _requirement_lines(tree, top, set()):
                found = _requirement_floor(line, wanted)
                if found is not None:
                    return Found(package, found[0], "locked" if found[1].startswith("==") else "declared", f"{path} {found[1]}".strip())
        pyproject = join(folder, "pyproject.toml")
        if tree.exists(pyproject):
            data = read_toml(tree, pyproject)
            declared = toml_table(data, "project").get("dependencies", [])
            declared = declared if isinstance(declared, list) else []
            for line in declared:
                found = _requirement_floor(str(line), wanted)
                if found is not None:
                    return Found(package, found[0], "declared", f"{pyproject} {found[1]} (lowest allowed)")
            poetry = toml_table(data, "tool", "poetry", "dependencies")
            for name, spec in poetry.items() if isinstance(poetry, dict) else ():
                version = spec.get("version") if isinstance(spec, dict) else spec
                if canonicalize_name(name) == wanted and isinstance(version, str) and (floor := python_specifier_floor(version)):
                    return Found(package, floor, "declared", f"{pyproject} {version} (lowest allowed)")
    return None


def _requirement_lines(tree: ProjectTree, path: str, seen: set[str]) -> list[tuple[str, str]]:
    """A requirements file's lines (comments stripped) with the files it includes (`-r other.txt`,
    `--requirement`, relative to it) in place: `requirements.txt` is often just `-r requirements/prod.txt`."""
    if path in seen or path.startswith(("../", "/")) or path == ".." or not tree.exists(path):
        return []
    seen.add(path)
    lines: list[tuple[str, str]] = []
    for raw in text_of(tree, path).splitlines():
        line = re.split(r"\s#", raw, maxsplit=1)[0].strip() if not raw.lstrip().startswith("#") else ""
        include = re.match(r"^(?:-r|--requirement)(?:\s+|=)(\S+)$", line)
        if include:
            lines += _requirement_lines(tree, normpath(join(folder_of(path), include[1])), seen)
        elif line:
            lines.append((path, line))
    return lines


def _requirement_floor(line: str, wanted: str) -> tuple[Release, str] | None:
    if not line or line.startswith("-"):
        return None
    plain = _PLAIN_REQUIREMENT.fullmatch(line)
    if plain is not None:
        name, specifiers = plain[1], plain[2] or ""
        if canonicalize_name(name) != wanted:
            return None
        pairs = plain_specifiers(specifiers)
        if pairs is not None:
            spec = specifier_set_text(pairs)  # packaging.specifiers is not imported for a plain line (issue 14)
        else:
            from packaging.specifiers import InvalidSpecifier, SpecifierSet

            try:
                spec = str(SpecifierSet(specifiers))
            except InvalidSpecifier:
                return None
    else:
        from packaging.requirements import InvalidRequirement, Requirement

        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            return None
        if canonicalize_name(requirement.name) != wanted:
            return None
        spec = str(requirement.specifier)
    floor = python_specifier_floor(spec) if spec else None
    return (floor, spec) if floor is not None else None
