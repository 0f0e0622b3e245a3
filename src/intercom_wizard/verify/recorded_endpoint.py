"""Where the token endpoint is, read from what the install wrote into the project (no `--endpoint`).

The receipt (`.intercom-wizard.json`) records the endpoint: a whole URL when install was given one,
else its path. A single-page app whose API is on another origin gets a Messenger core that builds the
token URL at run time on the app's own API base (`const APP_API_BASE = import.meta.env.VITE_API_URL`,
`process.env.REACT_APP_API_URL`, Angular's `environment.apiUrl`, a webpack external's `APP_CONFIG.apiUrl`): the value of that expression is in
the project's files (the bundler's `.env` files, the environment modules, webpack's `externals`), so that is where it is
read. Signed out, a bearer-token SPA sends no token request for verify to follow, so without this the
signed-out probe could only go to the pages' own origin.

Nothing is guessed: an expression whose value no file sets gives `unknown` (the reason), and the
probe says so instead of asking a URL the app never uses. Builds of different modes may set different
values (`.env.development` and `.env.production`, `environment.ts` and `environment.prod.ts`): each is
a candidate, and the page's own scripts tell which one the served build inlined (`choose`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin, urlsplit

from intercom_wizard.errors import BadInput

RECEIPT_PATH = ".intercom-wizard.json"
CODE_SUFFIXES = (".ts", ".js", ".tsx", ".jsx", ".mjs")
# The core's base line, as the template writes it (types stripped in JavaScript, quotes as the project's formatter left them).
APP_API_BASE = re.compile(r"^\s*const\s+APP_API_BASE\b[^=\n]*=\s*(?P<expression>[^;\n]+?)\s*;?\s*$", re.MULTILINE)
ENV_EXPRESSION = re.compile(r"(?:import\.meta\.env|process\.env)\.(?P<name>\w+)")
ENVIRONMENT_EXPRESSION = re.compile(r"environment\.(?P<name>\w+)")
# A webpack external's field, as the core reads it (`APP_CONFIG.apiUrl`, after `import APP_CONFIG from 'config'`).
EXTERNAL_EXPRESSION = re.compile(r"APP_CONFIG\.(?P<name>\w+)")
EXTERNAL_IMPORT = re.compile(r"""import\s+APP_CONFIG\s+from\s*['"](?P<module>[^'"]+)['"]""")
ENVIRONMENT_IMPORT = re.compile(r"""import\s*\{[^}]*\benvironment\b[^}]*\}\s*from\s*['"](?P<module>[^'"]+)['"]""")
# The env files a bundler (Vite, Create React App, Next.js) reads for one mode, the winning one first.
MODE_ENV_FILES = {mode: (f".env.{mode}.local", ".env.local", f".env.{mode}", ".env") for mode in ("production", "development")}
ENV_LINE = re.compile(r"^\s*(?:export\s+)?(?P<name>[A-Za-z_]\w*)\s*=\s*(?P<value>.*?)\s*$")
MAX_BYTES = 500_000


@dataclass(frozen=True)
class Candidate:
    """One token URL a build of the project uses: the base's value and where it was read."""

    url: str  # the token URL (relative when the base is a path on the pages' origin)
    base: str  # the base's value, as the bundler inlines it into the page's scripts
    source: str  # "client/.env sets VITE_API_URL"


@dataclass(frozen=True)
class RecordedEndpoint:
    """The token endpoint as the install recorded it, and where verify read it."""

    endpoint: str  # the receipt's settings.endpoint: a path, or the whole URL install was given
    source: str  # a sentence for the report: where the endpoint (and its base) was read
    candidates: tuple[Candidate, ...] = ()  # the core builds the URL on an API base: what the project sets it to
    unknown: str | None = None  # the core builds the URL on a base that nothing recorded sets: why

    def choose(self, bodies: Iterable[bytes]) -> tuple[Candidate | None, str | None]:
        """(the candidate to probe, a note) — with several values, the one the page's scripts hold."""
        values = {candidate.base for candidate in self.candidates}
        if len(values) <= 1:
            return (self.candidates[0] if self.candidates else None), None
        held = set()
        for body in bodies:
            held |= {value for value in values if value.encode() in body}
        inlined = [candidate for candidate in self.candidates if candidate.base in held]
        if len({candidate.base for candidate in inlined}) == 1:
            return inlined[0], f"of {', '.join(sorted(values))}, the page's scripts hold {inlined[0].base}"
        return None, (
            f"the project sets the API base to {', '.join(sorted(values))} "
            f"({'; '.join(candidate.source for candidate in self.candidates)}) and the page's scripts hold "
            f"{'several of them' if inlined else 'none of them'}"
        )


def recorded_endpoint(project: Path, *, required: bool) -> RecordedEndpoint | None:
    """What the install in `project` recorded (None: no receipt there, and none was `required`)."""
    receipt = project / RECEIPT_PATH
    if not receipt.is_file():
        if required:
            raise BadInput(f"--project {project}: there is no {RECEIPT_PATH} (the install's receipt) in that folder.",
                           hint="Pass the folder install ran in, or --endpoint with the token endpoint's path or URL.")
        return None
    settings, created = _read_receipt(receipt)
    endpoint = settings.get("endpoint") or "/api/intercom-jwt"
    where = f"{RECEIPT_PATH}'s settings.endpoint"
    if urlsplit(endpoint).scheme in ("http", "https"):
        return RecordedEndpoint(endpoint, f"the whole URL install was given ({where})")
    for path in created:
        if not path.endswith(CODE_SUFFIXES):
            continue
        core = _text(project / path)
        found = APP_API_BASE.search(core or "")
        if core is None or found is None:
            continue
        expression = found.group("expression")
        about = f"{where} {endpoint}, on the API base the Messenger core {path} builds it on ({expression})"
        candidates = tuple(_candidates(project, path, core, expression, endpoint))
        if not candidates:
            unknown = (f"the Messenger core {path} builds the token URL on {expression} at run time, and no file the "
                       f"install can read sets it{_where_looked(expression)}")
            return RecordedEndpoint(endpoint, about, unknown=unknown)
        return RecordedEndpoint(endpoint, about, candidates)
    return RecordedEndpoint(endpoint, f"{where} {endpoint}, on the pages' own origin (no Messenger core the install wrote builds it on an API base)")


def _read_receipt(receipt: Path) -> tuple[dict[str, str], list[str]]:
    try:
        data = json.loads(receipt.read_text(encoding="utf-8"))
        settings = data.get("settings", {})
        created = data.get("created", {})
        if not isinstance(settings, dict) or not isinstance(created, dict):
            raise ValueError("settings and created must be objects")
    except (OSError, ValueError, AttributeError) as error:
        raise BadInput(f"{receipt} is not a receipt verify can read ({error}).",
                       hint="Pass --endpoint with the token endpoint's path or URL.") from None
    return {str(key): str(value) for key, value in settings.items()}, sorted(str(path) for path in created)


def _text(path: Path) -> str | None:
    try:
        if not path.is_file() or path.stat().st_size > MAX_BYTES:
            return None
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _candidates(project: Path, core_path: str, core: str, expression: str, endpoint: str) -> Iterable[Candidate]:
    """One candidate per value; a value several files agree on names them all (environment.ts and .prod.ts)."""
    sources: dict[str, list[str]] = {}
    for base, source in _base_values(project, core_path, core, expression):
        if source not in sources.setdefault(base, []):  # one .env serves both modes: named once
            sources[base].append(source)
    for base, named in sources.items():
        # As the core does: `new URL(path, base)` — the endpoint's path replaces the base's.
        yield Candidate(urljoin(base, endpoint), base, ", ".join(named))


def _base_values(project: Path, core_path: str, core: str, expression: str) -> Iterable[tuple[str, str]]:
    if env := ENV_EXPRESSION.fullmatch(expression):
        yield from _env_file_values(project, PurePosixPath(core_path).parent, env.group("name"))
    elif (field := ENVIRONMENT_EXPRESSION.fullmatch(expression)) and (imported := ENVIRONMENT_IMPORT.search(core)):
        yield from _environment_values(project, PurePosixPath(core_path).parent, imported.group("module"), field.group("name"))
    elif (field := EXTERNAL_EXPRESSION.fullmatch(expression)) and (imported := EXTERNAL_IMPORT.search(core)):
        yield from _external_values(project, PurePosixPath(core_path).parent, imported.group("module"), field.group("name"))


def _env_file_values(project: Path, folder: PurePosixPath, name: str) -> Iterable[tuple[str, str]]:
    """NAME in the nearest folder (from the core's up to the project) that has .env files: per mode, the winning file's."""
    while True:
        here = project / folder
        if any((here / file).is_file() for files in MODE_ENV_FILES.values() for file in files):
            for files in MODE_ENV_FILES.values():
                for file in files:
                    value = _env_value(here / file, name)
                    if value is not None:
                        yield value, f"{(folder / file).as_posix().removeprefix('./')} sets {name}"
                        break
            return
        if folder in (PurePosixPath("."), PurePosixPath("")):
            return
        folder = folder.parent


def _env_value(path: Path, name: str) -> str | None:
    text = _text(path)
    for line in (text or "").splitlines():
        found = ENV_LINE.match(line)
        if found and found.group("name") == name:
            value = found.group("value")
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            else:
                value = value.split(" #", 1)[0].strip()
            return value or None
    return None


def _environment_values(project: Path, folder: PurePosixPath, module: str, name: str) -> Iterable[tuple[str, str]]:
    """Angular: `name` in the environment module the core imports, and in its per-configuration siblings
    (environment.prod.ts, which angular.json's fileReplacements put in its place)."""
    if not module.startswith("."):
        return
    target = PurePosixPath(_normalise(folder / module))
    stem = target.name
    files = [target.with_name(stem + ".ts"), target.with_name(stem + ".js")]
    directory = project / target.parent
    if directory.is_dir():
        files += sorted(target.parent / entry.name for entry in directory.iterdir()
                        if entry.name.startswith(stem + ".") and entry.name.endswith((".ts", ".js")) and entry.name not in (stem + ".ts", stem + ".js"))
    field = re.compile(rf"""(?<![\w$.]){re.escape(name)}\s*:\s*(['"`])(?P<value>[^'"`$\\]*)\1""")
    for file in files:
        found = field.search(_text(project / file) or "")
        if found and found.group("value"):
            yield found.group("value"), f"{file.as_posix()} sets {name}"


def _external_values(project: Path, folder: PurePosixPath, module: str, name: str) -> Iterable[tuple[str, str]]:
    """A webpack external's field: `externals: { MODULE: JSON.stringify({ NAME: '...' }) }` in the webpack
    configuration of the nearest folder (from the core's up) that has one."""
    from intercom_wizard.integrations.frontends.api_base import WEBPACK_CONFIG_NAMES

    entry = re.compile(rf"""['"]?{re.escape(module)}['"]?\s*:\s*JSON\.stringify\(\s*\{{(?P<body>[^}}]*)\}}""")
    field = re.compile(rf"""(?<![\w$.]){re.escape(name)}['"]?\s*:\s*(['"`])(?P<value>[^'"`$\\]*)\1""")
    while True:
        configs = [folder / config for config in WEBPACK_CONFIG_NAMES if (project / folder / config).is_file()]
        for config in configs:
            text = _text(project / config) or ""
            externals = re.search(r"\bexternals\s*:\s*\{", text)
            found = entry.search(text, externals.end()) if externals else None
            value = field.search(found.group("body")) if found else None
            if value is not None and value.group("value"):
                yield value.group("value"), f"{config.as_posix()}'s externals.{module} sets {name}"
        if configs or folder in (PurePosixPath("."), PurePosixPath("")):
            return
        folder = folder.parent


def _normalise(path: PurePosixPath) -> str:
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts) or "."


def _where_looked(expression: str) -> str:
    if ENV_EXPRESSION.fullmatch(expression):
        return " (no .env, .env.local, .env.production or .env.development file beside the app names it)"
    if ENVIRONMENT_EXPRESSION.fullmatch(expression):
        return " (the environment module the core imports, and its siblings, give it no string)"
    if EXTERNAL_EXPRESSION.fullmatch(expression):
        return " (no webpack configuration beside the app gives that external's field a string)"
    return ""
