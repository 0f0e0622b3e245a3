"""Which versions a project runs: its frameworks' and its language's, read from evidence.

Generated code must compile on the versions the project actually uses, not the newest ones. For a
package the evidence is, in this order: the installed copy (`node_modules/<pkg>/package.json`, a
virtualenv's `*.dist-info`, Composer's `vendor/composer/installed.json`), else the lockfile
(package-lock.json, yarn.lock, pnpm-lock.yaml, poetry.lock, uv.lock, Pipfile.lock, composer.lock,
Gemfile.lock), else the lowest version the manifest's range allows. For a language level it is the
lowest of every declaration (a project that says `requires-python >= 3.8` and pins 3.12 locally
still has to run on 3.8).

Ranges are read with the ecosystems' own grammars: PEP 440 specifiers with `packaging`, npm ranges
with `node-semver` (a port of npm's own); Composer and RubyGems ranges differ from npm's only in
operators whose lower bound is the same (`~>`, `|`, `,`), so they are rewritten to npm's syntax
for the floor alone.
"""

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal, TypeGuard, get_args

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name

from intercom_wizard.errors import WizardError
from intercom_wizard.tree import ProjectTree, folder_of, join

Ecosystem = Literal["npm", "python", "php", "ruby"]
Language = Literal["python", "php", "ruby"]
Release = tuple[int, int, int]
How = Literal["installed", "locked", "declared"]


def is_language(name: str) -> TypeGuard[Language]:
    """Whether `name` is a language whose level `language_level` can read."""
    return name in get_args(Language)


VIRTUALENV_DIRS = (".venv", "venv", "env", ".env")
_RELEASE = re.compile(r"v?(\d+)(?:\.(\d+))?(?:\.(\d+))?")


@dataclass(frozen=True)
class Found:
    """A version and the evidence it came from."""

    name: str  # the package ("react-router-dom", "flask") or the language ("python")
    release: Release
    how: How
    source: str  # the file (and, for ranges, the range) it was read from

    @property
    def text(self) -> str:
        return ".".join(str(part) for part in self.release)

    def describe(self) -> str:
        return f"{self.name} {self.text} ({self.how}: {self.source})"

    def to_json(self) -> dict[str, str]:
        return {"version": self.text, "how": self.how, "source": self.source}

    def at_least(self, *release: int) -> bool:
        return self.release >= _padded(release)

    def below(self, *release: int) -> bool:
        return self.release < _padded(release)


def _padded(parts: tuple[int, ...]) -> Release:
    padded = (tuple(parts) + (0, 0, 0))[:3]
    return padded[0], padded[1], padded[2]


def parse_release(text: str) -> Release | None:
    """`4.3.1`, `v5.8.38`, `3.9.18` or `7.1` as a (major, minor, patch) tuple; None for anything else."""
    match = _RELEASE.match(text.strip())
    if match is None:
        return None
    return _padded(tuple(int(part) for part in match.groups() if part is not None))


# ---------------------------------------------------------------- range floors


def npm_range_floor(spec: str) -> Release | None:
    """The lowest version an npm range allows: `^4.3.0` -> 4.3.0, `~1.2 || >=2` -> 1.2.0; None when unbounded or not a range."""
    spec = spec.strip()
    if spec.startswith("npm:"):  # an alias: "npm:react-router-dom@^5"
        spec = spec.rpartition("@")[2]
    if not spec or spec in ("*", "latest", "x") or ":" in spec or "/" in spec:
        return None  # a dist-tag, git URL, file:, link: or workspace: reference
    import nodesemver  # only npm ranges need it: a Python or Ruby project never pays for the import

    try:
        parsed = nodesemver.make_range(spec, loose=True)
    except (ValueError, TypeError):
        return None
    if parsed is None:
        return None
    floors: list[Release] = []
    for comparators in parsed.set:
        lower = [
            _padded((c.semver.major, c.semver.minor, c.semver.patch))
            for c in comparators
            if c.operator in ("", ">=", ">") and isinstance(c.semver, nodesemver.SemVer)
        ]
        if not lower:
            return None  # one alternative is unbounded below, so the range has no floor
        floors.append(max(lower))
    return min(floors) if floors else None


def composer_range_floor(spec: str) -> Release | None:
    """Composer constraints (`^7.1.3`, `>=7.1,<8`, `7.1.*`, `^5.5|^6.0`) as the lowest version they allow."""
    cleaned = re.sub(r"@\w+", "", spec).replace("||", "|").replace("|", " || ").replace(",", " ")
    return npm_range_floor(re.sub(r"(?<![\d.])v(?=\d)", "", cleaned))


def gem_range_floor(requirements: list[str]) -> Release | None:
    """RubyGems requirements (`~> 5.2`, `>= 4.2, < 6`): `~>` has the same floor as `>=`."""
    return npm_range_floor(" ".join(r.replace("~>", ">=").replace("!=", "") for r in requirements))


def python_specifier_floor(spec: str) -> Release | None:
    """The lowest release a PEP 440 specifier allows (`>=3.8,<4`, `~=3.9`, `==3.9.*`); None when unbounded."""
    try:
        specifiers = SpecifierSet(spec)
    except InvalidSpecifier:
        return npm_range_floor(spec)  # Poetry's caret/tilde ranges ("^3.9") are npm-like
    floors = [
        release
        for s in specifiers
        if s.operator in (">=", ">", "~=", "==", "===") and (release := parse_release(s.version.rstrip(".*"))) is not None
    ]
    return max(floors) if floors else None


# ---------------------------------------------------------------- npm packages


def npm_version(tree: ProjectTree, root: str, package: str) -> Found | None:
    """The version of an npm package the app at `root` uses: installed, else locked, else its range's floor."""
    for folder in _folders_up(root):
        installed = tree.root / folder / "node_modules" / package / "package.json"
        release = _json_version(installed)
        if release is not None:
            return Found(package, release, "installed", join(folder, f"node_modules/{package}/package.json"))
    spec = _npm_spec(tree, root, package)
    for folder in _folders_up(root):
        locked = _npm_locked(tree, folder, root, package, spec)
        if locked is not None:
            return locked
    if spec is not None and (floor := npm_range_floor(spec)) is not None:
        return Found(package, floor, "declared", f"{join(root, 'package.json')} range {spec} (lowest allowed)")
    return None


def _folders_up(root: str) -> list[str]:
    """`root` and each folder above it up to the project root (where a monorepo hoists and locks)."""
    folders = [root]
    while root:
        root = folder_of(root)
        folders.append(root)
    return folders


def _json_version(path: Path) -> Release | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return parse_release(str(data.get("version", ""))) if isinstance(data, dict) else None


def _text(tree: ProjectTree, path: str) -> str:
    """A file's text, or "" when it cannot be read as text (an unreadable file is no evidence)."""
    try:
        return tree.text(path)
    except WizardError:
        return ""


def _read_json(tree: ProjectTree, path: str) -> object:
    try:
        return json.loads(_text(tree, path))
    except ValueError:  # an unreadable lockfile is no evidence; the manifest still is
        return None


def _npm_spec(tree: ProjectTree, root: str, package: str) -> str | None:
    manifest = _read_json(tree, join(root, "package.json")) if tree.exists(join(root, "package.json")) else None
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
        data = _read_json(tree, lock)
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
    if tree.exists(yarn) and (release := yarn_locked(_text(tree, yarn), package, spec)) is not None:
        return Found(package, release, "locked", yarn)
    pnpm = join(folder, "pnpm-lock.yaml")
    if tree.exists(pnpm) and (release := pnpm_locked(_text(tree, pnpm), package)) is not None:
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


_PNPM_KEY = re.compile(r"^\s{2}'?/?(?P<name>(?:@[^/@]+/)?[^/@]+)[/@](?P<version>\d[^:(_']*)")


def pnpm_locked(text: str, package: str) -> Release | None:
    """pnpm-lock.yaml (v5 `/pkg/1.2.3`, v6 `/pkg@1.2.3`, v9 `pkg@1.2.3`): the lowest locked copy."""
    copies = [
        release
        for line in text.splitlines()
        if (match := _PNPM_KEY.match(line)) and match["name"] == package and (release := parse_release(match["version"]))
    ]
    return min(copies) if copies else None


def module_system(tree: ProjectTree, root: str, entry: str | None = None) -> Literal["esm", "commonjs"]:
    """ESM when the file is .mjs/.mts or package.json says "type": "module"; CommonJS otherwise (Node's own rule)."""
    if entry is not None and entry.endswith((".mjs", ".mts")):
        return "esm"
    if entry is not None and entry.endswith((".cjs", ".cts")):
        return "commonjs"
    manifest = _read_json(tree, join(root, "package.json")) if tree.exists(join(root, "package.json")) else None
    return "esm" if isinstance(manifest, dict) and manifest.get("type") == "module" else "commonjs"


# ---------------------------------------------------------------- Python packages


def python_version(tree: ProjectTree, root: str, package: str) -> Found | None:
    """A Python distribution's version: the app's virtualenv, else poetry.lock / uv.lock / Pipfile.lock, else its requirement's floor."""
    wanted = canonicalize_name(package)
    for venv in VIRTUALENV_DIRS:
        for dist_info in sorted((tree.root / root).glob(f"{venv}/lib/python*/site-packages/*.dist-info")):
            name, _, version = dist_info.name.removesuffix(".dist-info").rpartition("-")
            if canonicalize_name(name) == wanted and (release := parse_release(version)) is not None:
                return Found(package, release, "installed", dist_info.relative_to(tree.root).as_posix())
    for folder in _folders_up(root):
        for lockfile in ("poetry.lock", "uv.lock"):
            path = join(folder, lockfile)
            if tree.exists(path) and (release := _toml_locked(tree, path, wanted)) is not None:
                return Found(package, release, "locked", path)
        pipfile_lock = join(folder, "Pipfile.lock")
        if tree.exists(pipfile_lock) and (release := _pipfile_locked(tree, pipfile_lock, wanted)) is not None:
            return Found(package, release, "locked", pipfile_lock)
    return _python_declared(tree, root, package, wanted)


def _toml_locked(tree: ProjectTree, path: str, wanted: str) -> Release | None:
    try:
        data = tomllib.loads(_text(tree, path))
    except (tomllib.TOMLDecodeError, ValueError):
        return None
    for entry in data.get("package", []):
        if isinstance(entry, dict) and canonicalize_name(str(entry.get("name", ""))) == wanted:
            return parse_release(str(entry.get("version", "")))
    return None


def _pipfile_locked(tree: ProjectTree, path: str, wanted: str) -> Release | None:
    data = _read_json(tree, path)
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
    for folder in _folders_up(root):
        for path in sorted(p for p in tree.in_folder(folder) if PurePosixPath(p).name.startswith("requirements") and p.endswith((".txt", ".in"))):
            for line in _text(tree, path).splitlines():
                found = _requirement_floor(line.split("#", 1)[0].strip(), wanted)
                if found is not None:
                    return Found(package, found[0], "locked" if found[1].startswith("==") else "declared", f"{path} {found[1]}".strip())
        pyproject = join(folder, "pyproject.toml")
        if tree.exists(pyproject):
            try:
                data = tomllib.loads(_text(tree, pyproject))
            except tomllib.TOMLDecodeError:
                data = {}
            declared = _table(data, "project").get("dependencies", [])
            declared = declared if isinstance(declared, list) else []
            for line in declared:
                found = _requirement_floor(str(line), wanted)
                if found is not None:
                    return Found(package, found[0], "declared", f"{pyproject} {found[1]} (lowest allowed)")
            poetry = _table(data, "tool", "poetry", "dependencies")
            for name, spec in poetry.items() if isinstance(poetry, dict) else ():
                version = spec.get("version") if isinstance(spec, dict) else spec
                if canonicalize_name(name) == wanted and isinstance(version, str) and (floor := python_specifier_floor(version)):
                    return Found(package, floor, "declared", f"{pyproject} {version} (lowest allowed)")
    return None


def _table(data: object, *keys: str) -> dict[str, Any]:
    """A nested TOML table, or {} when any level is missing or not a table (a malformed file is no evidence)."""
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data if isinstance(data, dict) else {}


def _requirement_floor(line: str, wanted: str) -> tuple[Release, str] | None:
    if not line or line.startswith("-"):
        return None
    try:
        requirement = Requirement(line)
    except InvalidRequirement:
        return None
    if canonicalize_name(requirement.name) != wanted:
        return None
    spec = str(requirement.specifier)
    floor = python_specifier_floor(spec) if spec else None
    return (floor, spec) if floor is not None else None


# ---------------------------------------------------------------- PHP and Ruby packages


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
    data = _read_json(tree, lock) if tree.exists(lock) else None
    if isinstance(data, dict):
        for entry in list(data.get("packages", [])) + list(data.get("packages-dev", [])):
            if isinstance(entry, dict) and entry.get("name") == package and (release := parse_release(str(entry.get("version", "")))):
                return Found(package, release, "locked", lock)
    manifest = _read_json(tree, join(root, "composer.json")) if tree.exists(join(root, "composer.json")) else None
    if isinstance(manifest, dict):
        for section in ("require", "require-dev"):
            spec = manifest.get(section, {}).get(package) if isinstance(manifest.get(section), dict) else None
            if isinstance(spec, str) and (floor := composer_range_floor(spec)) is not None:
                return Found(package, floor, "declared", f"{join(root, 'composer.json')} {spec} (lowest allowed)")
    return None


_GEMFILE_LOCK_SPEC = re.compile(r"^ {4}(?P<name>[\w.-]+) \((?P<version>[^)]+)\)$")
_GEMFILE_GEM = re.compile(r"""^\s*gem\s+['"](?P<name>[\w.-]+)['"](?P<rest>.*)$""")
_QUOTED = re.compile(r"""['"]([^'"]+)['"]""")


def gem_version(tree: ProjectTree, root: str, gem: str) -> Found | None:
    """A gem's version: Gemfile.lock (what Bundler installs), else the Gemfile requirement's floor."""
    lock = join(root, "Gemfile.lock")
    if tree.exists(lock):
        for line in _text(tree, lock).splitlines():
            match = _GEMFILE_LOCK_SPEC.match(line)
            if match and match["name"] == gem and (release := parse_release(match["version"])):
                return Found(gem, release, "locked", lock)
    gemfile = join(root, "Gemfile")
    if tree.exists(gemfile):
        for line in _text(tree, gemfile).splitlines():
            match = _GEMFILE_GEM.match(line.split("#", 1)[0])
            if match and match["name"] == gem:
                requirements = _QUOTED.findall(match["rest"].split(":", 1)[0] if "=>" not in match["rest"] else match["rest"])
                floor = gem_range_floor(requirements) if requirements else None
                if floor is not None:
                    return Found(gem, floor, "declared", f"{gemfile} {', '.join(requirements)} (lowest allowed)")
    return None


def package_version(tree: ProjectTree, root: str, ecosystem: Ecosystem, package: str) -> Found | None:
    readers = {"npm": npm_version, "python": python_version, "php": composer_version, "ruby": gem_version}
    return readers[ecosystem](tree, root, package)


# ---------------------------------------------------------------- language levels


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
    for folder in _folders_up(root):
        if tree.exists(join(folder, ".python-version")):
            first = _text(tree, join(folder, ".python-version")).strip().splitlines()
            add(parse_release(first[0]) if first else None, "declared", join(folder, ".python-version"))
        if tree.exists(join(folder, "runtime.txt")):
            add(parse_release(_text(tree, join(folder, "runtime.txt")).strip().removeprefix("python-")), "declared", join(folder, "runtime.txt"))
        for dockerfile in (p for p in tree.in_folder(folder) if PurePosixPath(p).name.startswith("Dockerfile")):
            for match in re.finditer(r"^\s*FROM\s+(?:\S+/)?python:(\d+\.\d+)", _text(tree, dockerfile), re.MULTILINE | re.IGNORECASE):
                add(parse_release(match[1]), "declared", f"{dockerfile} FROM python:{match[1]}")
        pyproject = join(folder, "pyproject.toml")
        if tree.exists(pyproject):
            try:
                data = tomllib.loads(_text(tree, pyproject))
            except tomllib.TOMLDecodeError:
                data = {}
            requires = _table(data, "project").get("requires-python")
            if isinstance(requires, str):
                add(python_specifier_floor(requires), "declared", f"{pyproject} requires-python {requires}")
            poetry_python = _table(data, "tool", "poetry", "dependencies").get("python")
            if isinstance(poetry_python, str):
                add(python_specifier_floor(poetry_python), "declared", f"{pyproject} python {poetry_python}")
        pipfile = join(folder, "Pipfile")
        if tree.exists(pipfile):
            pinned = re.search(r"""^python_(?:full_)?version\s*=\s*["']([\d.]+)["']""", _text(tree, pipfile), re.MULTILINE)
            if pinned:
                add(parse_release(pinned[1]), "declared", f"{pipfile} python_version {pinned[1]}")
        if found:
            break  # the nearest folder that declares a level speaks for the app
    return found


def _php_levels(tree: ProjectTree, root: str) -> list[Found]:
    """composer.json's PHP constraints, from the nearest folder (at or above `root`) that has one."""
    folder = next((f for f in _folders_up(root) if tree.exists(join(f, "composer.json"))), None)
    return _php_levels_in(tree, folder) if folder is not None else []


def _php_levels_in(tree: ProjectTree, root: str) -> list[Found]:
    manifest = _read_json(tree, join(root, "composer.json")) if tree.exists(join(root, "composer.json")) else None
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
    for folder in _folders_up(root):
        found = _ruby_levels_in(tree, folder)
        if found:
            return found
    return []


def _ruby_levels_in(tree: ProjectTree, root: str) -> list[Found]:
    found = []
    version_file = join(root, ".ruby-version")
    if tree.exists(version_file):
        release = parse_release(_text(tree, version_file).strip().removeprefix("ruby-"))
        if release is not None:
            found.append(Found("ruby", release, "declared", version_file))
    gemfile = join(root, "Gemfile")
    if tree.exists(gemfile):
        match = re.search(r"""^\s*ruby\s+['"]([^'"]+)['"]""", _text(tree, gemfile), re.MULTILINE)
        if match and (floor := gem_range_floor([match[1]])) is not None:
            found.append(Found("ruby", floor, "declared", f"{gemfile} ruby {match[1]!r}"))
    lock = join(root, "Gemfile.lock")
    if tree.exists(lock):
        match = re.search(r"^RUBY VERSION\n\s+ruby (\S+)", _text(tree, lock), re.MULTILINE)
        if match and (release := parse_release(match[1])) is not None:
            found.append(Found("ruby", release, "locked", f"{lock} RUBY VERSION"))
    return found
