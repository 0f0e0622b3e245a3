"""The project's own formatter and linter, run on what the wizard writes - at plan time, never in place.

A pull request that turns the project's CI red is not mergeable, so what we write must pass the
project's own checks. For every file we create or modify this finds the tools the project uses for
that language (prettier, ESLint, Biome, standard; ruff, black, isort; Pint, PHP-CS-Fixer; RuboCop,
standardrb) and runs only the binary the project has installed (`node_modules/.bin`, its virtualenv,
`vendor/bin`, `bin/`); nothing is ever installed. Tools read the text on stdin with the file's real
path (so they find the project's configuration) or, when they cannot, a copy in a temporary folder
that mirrors the configuration. The project is never written to: the formatted text becomes the
plan, so the diff, the applied bytes and the receipt all hold what is really written.

Created files are formatted fully. A modified file is formatted only by a tool under which it was
clean before (so only our lines change), and only when the result still amounts to insertions into
the original text (so `uninstall` can take them out byte-exactly); otherwise the insertion stays as
the style inference (`style.py`) wrote it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from intercom_wizard.integrations import component_suffixes
from intercom_wizard.js_created_modules import order_rules_off
from intercom_wizard.plan import Insertion, pure_insertions
from intercom_wizard.tree import ProjectTree

TOOL_TIMEOUT_SECONDS = 120
JS_SUFFIXES = (".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts")
PRETTIER_CONFIGS = (
    ".prettierrc", ".prettierrc.json", ".prettierrc.json5", ".prettierrc.yaml", ".prettierrc.yml", ".prettierrc.toml", ".prettierrc.js",
    ".prettierrc.cjs", ".prettierrc.mjs", ".prettierrc.ts", "prettier.config.js", "prettier.config.cjs", "prettier.config.mjs", "prettier.config.ts",
)
ESLINT_CONFIGS = ("eslint.config.js", "eslint.config.mjs", "eslint.config.cjs", "eslint.config.ts", "eslint.config.mts",
                  ".eslintrc", ".eslintrc.js", ".eslintrc.cjs", ".eslintrc.json", ".eslintrc.yaml", ".eslintrc.yml")
BIOME_CONFIGS = ("biome.json", "biome.jsonc")
PHP_CS_FIXER_CONFIGS = (".php-cs-fixer.php", ".php-cs-fixer.dist.php")
VENV_DIRS = (".venv", "venv", "env", ".env")


class ToolFailed(Exception):
    """The project's tool could not process the text (a crash, a config error, a timeout)."""


@dataclass(frozen=True)
class Tool:
    """One installed formatter or linter with a fixer, bound to the folder it runs in."""

    name: str
    binary: Path
    cwd: Path
    run: Callable[[Tool, Path, str, tuple[str, ...]], str]  # (tool, absolute path, text, new modules) -> fixed text

    def fix(self, absolute: Path, text: str, new_modules: tuple[str, ...] = ()) -> str:
        return self.run(self, absolute, text, new_modules)


@dataclass
class Formatted:
    """What the formatting pass did, for the plan's notes."""

    by_tool: dict[str, list[str]] = field(default_factory=dict)  # tool -> paths it formatted
    failures: list[str] = field(default_factory=list)


class ProjectFormatter:
    """Finds and runs the project's tools for each path, caching per folder and per original text."""

    def __init__(self, tree: ProjectTree) -> None:
        self.tree = tree
        self.report = Formatted()
        self._tools: dict[tuple[str, str], list[Tool]] = {}
        self._clean: dict[tuple[str, str], bool] = {}
        # Top-level Python modules the plan creates: not on disk yet, but first-party for import sorting.
        self.new_modules: set[str] = set()
        self.new_scripts: set[str] = set()  # JS/TS files the plan creates: ESLint cannot resolve them yet

    def created(self, path: str) -> None:
        parts = PurePosixPath(path)
        if parts.suffix == ".py":
            self.new_modules.add(parts.stem)
        elif parts.suffix in JS_SUFFIXES:
            self.new_scripts.add(path)

    def tools_for(self, path: str) -> list[Tool]:
        suffix = PurePosixPath(path).suffix
        folder = PurePosixPath(path).parent.as_posix()
        key = (folder, suffix)
        if key not in self._tools:
            self._tools[key] = _find_tools(self.tree, folder, suffix)
        return self._tools[key]

    def format_created(self, path: str, text: str) -> str:
        """The whole new file through each of the project's tools, in order."""
        result = text
        for tool in self.tools_for(path):
            fixed = self._run(tool, path, result)
            if fixed is not None and fixed != result:
                self.report.by_tool.setdefault(tool.name, []).append(path)
                result = fixed
        return result

    def format_modified(self, path: str, before: str, after: str) -> list[Insertion] | None:
        """Insertions that turn `before` into the tool-formatted `after`, or None to keep ours as they are.

        Only tools under which `before` was already clean run, so they change only our lines; a
        result that would also touch the project's own text (a comma added to the line above) is
        rejected, because uninstall could not take it back out.
        """
        result = after
        used: list[str] = []
        for tool in self.tools_for(path):
            if not self._was_clean(tool, path, before):
                continue
            fixed = self._run(tool, path, result)
            if fixed is not None and fixed != result:
                result, used = fixed, used + [tool.name]
        if result == after:
            return None
        insertions = pure_insertions(before, result)
        if insertions is None:
            self.report.failures.append(
                f"{path}: {', '.join(used)} would also change the file's own lines around ours, so our lines were "
                "written in the file's style instead"
            )
            return None
        for name in used:
            self.report.by_tool.setdefault(name, []).append(path)
        return insertions

    def _was_clean(self, tool: Tool, path: str, before: str) -> bool:
        key = (tool.name, path)
        if key not in self._clean:
            self._clean[key] = self._run(tool, path, before) == before
        return self._clean[key]

    def _run(self, tool: Tool, path: str, text: str) -> str | None:
        try:
            created = self.new_scripts if tool.name == "eslint" else self.new_modules  # each tool's own notion of new modules
            return tool.fix(self._named_path(path), text, tuple(sorted(created)))
        except ToolFailed as error:
            self.report.failures.append(f"{path}: {tool.name} failed ({error}); left as generated")
            return None

    def _named_path(self, path: str) -> Path:
        """The file, or for one created in a folder not there yet, its name in the nearest existing folder (the same
        configuration): prettier 1 and ESLint 5 list the file's folder for it and fail on a missing one (react-boilerplate)."""
        absolute = self.tree.root / path
        return next(folder for folder in absolute.parents if folder.is_dir() or folder == self.tree.root) / absolute.name


# -- finding the project's tools ----------------------------------------------------------------


def _ancestors(tree: ProjectTree, folder: str) -> list[Path]:
    """The file's folder and every folder above it up to the project root, nearest first."""
    start = tree.root / ("" if folder in ("", ".") else folder)
    chain = [start, *start.parents]
    return [path for path in chain if path == tree.root or tree.root in path.parents]


def _installed(folders: list[Path], *relatives: str) -> tuple[Path, Path] | None:
    """(binary, the folder it belongs to) for the nearest folder that has one of these executables."""
    for folder in folders:
        for relative in relatives:
            candidate = folder / relative
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return candidate, folder
    return None


def _package_json(folder: Path) -> dict[str, Any]:
    """The folder's package.json object (JSON: values of any type), {} when absent or not an object."""
    try:
        data = json.loads((folder / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _declares(manifest: dict[str, Any], package: str) -> bool:
    return any(package in (manifest.get(key) or {}) for key in ("dependencies", "devDependencies"))


def _has_any(folder: Path, names: tuple[str, ...]) -> bool:
    return any((folder / name).is_file() for name in names)


def _find_tools(tree: ProjectTree, folder: str, suffix: str) -> list[Tool]:
    folders = _ancestors(tree, folder)
    if suffix in JS_SUFFIXES + component_suffixes():  # single-file components (.vue) are formatted as scripts
        return _javascript_tools(folders)
    if suffix == ".py":
        return _python_tools(folders)
    if suffix == ".php":
        return _php_tools(folders)
    if suffix == ".rb" or suffix == ".rake":
        return _ruby_tools(folders)
    # JSON (the receipt) is laid out by Biome or prettier: `biome check .` covers it too.
    return [tool for tool in _javascript_tools(folders) if tool.name in ("biome", "prettier")] if suffix == ".json" else []


def _node_tool(folders: list[Path], name: str, used: Callable[[Path, dict[str, Any]], bool]) -> tuple[Path, Path] | None:
    """The package's binary where the project uses it: configured or declared, and installed."""
    found = _installed(folders, f"node_modules/.bin/{name}")
    if found is None:
        return None
    for folder in folders:
        if used(folder, _package_json(folder)):
            return found
        if folder == found[1]:
            break  # configuration above the package that has the binary belongs to another project
    return None


def _javascript_tools(folders: list[Path]) -> list[Tool]:
    biome = _node_tool(folders, "biome", lambda folder, manifest: _has_any(folder, BIOME_CONFIGS))
    if biome is not None:
        return [Tool("biome", biome[0], biome[1], _run_biome)]
    tools = []
    prettier = _node_tool(
        folders, "prettier", lambda folder, manifest: _has_any(folder, PRETTIER_CONFIGS) or "prettier" in manifest or _declares(manifest, "prettier")
    )
    installed = _installed(folders, "node_modules/.bin/prettier")
    if prettier is None and installed is not None and any(_has_any(folder, PRETTIER_CONFIGS) for folder in folders):
        # Prettier resolves its configuration upwards from the file, past package boundaries: a workspace
        # root's .prettierrc applies to a member whose own prettier is only a peer (eslint-plugin-prettier).
        prettier = installed
    if prettier is not None:
        tools.append(Tool("prettier", prettier[0], prettier[1], _run_prettier))
    eslint = _node_tool(folders, "eslint", lambda folder, manifest: _has_any(folder, ESLINT_CONFIGS) or "eslintConfig" in manifest)
    if eslint is not None:
        tools.append(Tool("eslint", eslint[0], eslint[1], _run_eslint))
    standard = _node_tool(folders, "standard", lambda folder, manifest: _declares(manifest, "standard"))
    if standard is not None and eslint is None:
        tools.append(Tool("standard", standard[0], standard[1], _run_standard))
    return tools


def _python_tools(folders: list[Path]) -> list[Tool]:
    def binary(name: str) -> tuple[Path, Path] | None:
        return _installed(folders, *(f"{venv}/bin/{name}" for venv in VENV_DIRS))

    tools = []
    ruff, black, isort = binary("ruff"), binary("black"), binary("isort")
    if ruff is not None:
        tools.append(Tool("ruff check --select I", ruff[0], ruff[1], _run_ruff_imports))
    elif isort is not None:
        tools.append(Tool("isort", isort[0], isort[1], _run_isort))
    if black is not None:
        tools.append(Tool("black", black[0], black[1], _run_black))
    elif ruff is not None:
        tools.append(Tool("ruff format", ruff[0], ruff[1], _run_ruff_format))
    return tools


def _php_tools(folders: list[Path]) -> list[Tool]:
    pint = _installed(folders, "vendor/bin/pint")
    if pint is not None:
        return [Tool("pint", pint[0], pint[1], _run_pint)]
    fixer = _installed(folders, "vendor/bin/php-cs-fixer")
    if fixer is not None and _has_any(fixer[1], PHP_CS_FIXER_CONFIGS):
        return [Tool("php-cs-fixer", fixer[0], fixer[1], _run_php_cs_fixer)]
    return []


def _ruby_tools(folders: list[Path]) -> list[Tool]:
    found = _installed(folders, "bin/rubocop")
    if found is not None:
        return [Tool("rubocop", found[0], found[1], _run_rubocop)]
    found = _installed(folders, "bin/standardrb")
    return [Tool("standardrb", found[0], found[1], _run_rubocop)] if found is not None else []


# -- running them -------------------------------------------------------------------------------


def _execute(tool: Tool, arguments: list[str], text: str | None, *, cwd: Path | None = None, ok: tuple[int, ...] = (0,)) -> str:
    try:
        completed = subprocess.run(
            [str(tool.binary), *arguments],
            input=text,
            cwd=cwd or tool.cwd,
            capture_output=True,
            text=True,
            timeout=TOOL_TIMEOUT_SECONDS,
            check=False,
            env=os.environ | {"NO_COLOR": "1", "FORCE_COLOR": "0"},
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ToolFailed(str(error).splitlines()[0]) from None
    if completed.returncode not in ok:
        detail = (completed.stderr or completed.stdout).strip().splitlines()
        raise ToolFailed(f"exit {completed.returncode}: {detail[0] if detail else 'no output'}")
    return completed.stdout


def _run_prettier(tool: Tool, absolute: Path, text: str, new_modules: tuple[str, ...]) -> str:
    return _execute(tool, ["--stdin-filepath", str(absolute)], text)


def _run_eslint(tool: Tool, absolute: Path, text: str, new_modules: tuple[str, ...]) -> str:
    # Exit 1 only means problems remain that --fix cannot fix; 2 is a crash or a broken config.
    arguments = ["--fix-dry-run", "--format", "json", *order_rules_off(text, new_modules), "--stdin", "--stdin-filename", str(absolute)]
    output = _execute(tool, arguments, text, ok=(0, 1))
    try:  # the JSON is the last line: plugins may print before it (Nx's "No cached ProjectGraph is available")
        results = json.loads(output.strip().rsplit("\n", 1)[-1])
    except ValueError:
        raise ToolFailed("unreadable output") from None
    if not results:
        return text
    fixed = results[0].get("output", text)  # no "output" when standard had nothing to fix
    if not isinstance(fixed, str):
        raise ToolFailed("unreadable output")
    return fixed


def _run_standard(tool: Tool, absolute: Path, text: str, new_modules: tuple[str, ...]) -> str:
    fixed = _execute(tool, ["--fix", "--stdin", "--stdin-filename", str(absolute)], text, ok=(0, 1))
    return fixed or text


def _run_biome(tool: Tool, absolute: Path, text: str, new_modules: tuple[str, ...]) -> str:
    return _execute(tool, ["format", f"--stdin-file-path={absolute}"], text)


def _run_ruff_imports(tool: Tool, absolute: Path, text: str, new_modules: tuple[str, ...]) -> str:
    # --no-cache: ruff would otherwise write .ruff_cache into the project. A module the plan creates is
    # not on disk yet, so ruff would sort its import as third-party: name it first-party, with the project's own.
    extra = []
    if new_modules:
        known = sorted(set(new_modules) | set(_ruff_known_first_party(tool.cwd)))
        extra = ["--config", f"lint.isort.known-first-party = {json.dumps(known)}"]
    return _execute(
        tool, ["check", "--no-cache", *extra, "--fix", "--select", "I", "--exit-zero", "--quiet", "--stdin-filename", str(absolute), "-"], text
    )


def _ruff_known_first_party(folder: Path) -> list[str]:
    """The project's own `known-first-party` list, which a --config override would otherwise replace."""
    import tomllib  # tomllib (with its regexes) only where a TOML file is read (start-up time, issue 14)
    for name, prefix in (("ruff.toml", ()), (".ruff.toml", ()), ("pyproject.toml", ("tool", "ruff"))):
        try:
            data = tomllib.loads((folder / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for key in prefix:
            data = data.get(key, {}) if isinstance(data, dict) else {}
        if not data:
            continue
        isort = (data.get("lint", {}) or {}).get("isort") or data.get("isort") or {}
        return [str(module) for module in isort.get("known-first-party", [])]
    return []


def _run_ruff_format(tool: Tool, absolute: Path, text: str, new_modules: tuple[str, ...]) -> str:
    return _execute(tool, ["format", "--no-cache", "--quiet", "--stdin-filename", str(absolute), "-"], text)


def _run_black(tool: Tool, absolute: Path, text: str, new_modules: tuple[str, ...]) -> str:
    return _execute(tool, ["--quiet", "--stdin-filename", str(absolute), "-"], text)


def _run_isort(tool: Tool, absolute: Path, text: str, new_modules: tuple[str, ...]) -> str:
    projects = [argument for module in new_modules for argument in ("--project", module)]
    return _execute(tool, [*projects, "--filename", str(absolute), "-"], text)


def _run_rubocop(tool: Tool, absolute: Path, text: str, new_modules: tuple[str, ...]) -> str:
    # With --stderr the report goes to stderr and the corrected source alone to stdout;
    # exit 1 only means offenses remain that autocorrect does not fix.
    flag = "--fix" if tool.name == "standardrb" else "--autocorrect"
    return _execute(tool, [flag, "--stderr", "--format", "quiet", "--stdin", str(absolute)], text, ok=(0, 1))


def _in_mirror(tool: Tool, absolute: Path, text: str, configs: tuple[str, ...], arguments: Callable[[Path], list[str]], ok: tuple[int, ...] = (0,)) -> str:
    """For tools without stdin: fix a copy at the same relative path in a private temporary folder
    that holds the project's configuration files, and read it back."""
    import tempfile  # only Pint and PHP-CS-Fixer need a mirror folder (start-up time, issue 14)

    relative = absolute.relative_to(tool.cwd)
    with tempfile.TemporaryDirectory(prefix="intercom-wizard-format-") as scratch:
        mirror = Path(scratch)
        for name in configs:
            if (tool.cwd / name).is_file():
                shutil.copy2(tool.cwd / name, mirror / name)
        copy = mirror / relative
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text(text, encoding="utf-8", newline="")
        _execute(tool, arguments(copy), None, cwd=mirror, ok=ok)
        # Bytes, not read_text(newline=""): that argument only exists from Python 3.13.
        return copy.read_bytes().decode("utf-8")


def _run_pint(tool: Tool, absolute: Path, text: str, new_modules: tuple[str, ...]) -> str:
    config = tool.cwd / "pint.json"
    extra = ["--config", str(config)] if config.is_file() else []
    return _in_mirror(tool, absolute, text, ("pint.json",), lambda copy: [*extra, str(copy)], ok=(0, 1))


def _run_php_cs_fixer(tool: Tool, absolute: Path, text: str, new_modules: tuple[str, ...]) -> str:
    config = next(tool.cwd / name for name in PHP_CS_FIXER_CONFIGS if (tool.cwd / name).is_file())
    return _in_mirror(
        tool, absolute, text, (), lambda copy: ["fix", "--quiet", "--using-cache=no", "--path-mode=override", f"--config={config}", str(copy)]
    )
