"""Running one of the project's formatters or linters on a text: each tool's own command line, on
stdin with the file's real path (so it finds the project's configuration), or for the tools that
cannot read stdin (Pint, PHP-CS-Fixer) on a copy in a private temporary folder that mirrors the
configuration. Which tools apply to a file is formatting_tools.py's business; formatting.py decides
what to run them on.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from intercom_wizard.js_created_modules import order_rules_off

TOOL_TIMEOUT_SECONDS = 120
PHP_CS_FIXER_CONFIGS = (".php-cs-fixer.php", ".php-cs-fixer.dist.php")


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


def run_prettier(tool: Tool, absolute: Path, text: str, new_modules: tuple[str, ...]) -> str:
    return _execute(tool, ["--stdin-filepath", str(absolute)], text)


def run_eslint(tool: Tool, absolute: Path, text: str, new_modules: tuple[str, ...]) -> str:
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


def run_standard(tool: Tool, absolute: Path, text: str, new_modules: tuple[str, ...]) -> str:
    fixed = _execute(tool, ["--fix", "--stdin", "--stdin-filename", str(absolute)], text, ok=(0, 1))
    return fixed or text


def run_biome(tool: Tool, absolute: Path, text: str, new_modules: tuple[str, ...]) -> str:
    return _execute(tool, ["format", f"--stdin-file-path={absolute}"], text)


def run_ruff_imports(tool: Tool, absolute: Path, text: str, new_modules: tuple[str, ...]) -> str:
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


def run_ruff_format(tool: Tool, absolute: Path, text: str, new_modules: tuple[str, ...]) -> str:
    return _execute(tool, ["format", "--no-cache", "--quiet", "--stdin-filename", str(absolute), "-"], text)


def run_black(tool: Tool, absolute: Path, text: str, new_modules: tuple[str, ...]) -> str:
    return _execute(tool, ["--quiet", "--stdin-filename", str(absolute), "-"], text)


def run_isort(tool: Tool, absolute: Path, text: str, new_modules: tuple[str, ...]) -> str:
    projects = [argument for module in new_modules for argument in ("--project", module)]
    return _execute(tool, [*projects, "--filename", str(absolute), "-"], text)


def run_rubocop(tool: Tool, absolute: Path, text: str, new_modules: tuple[str, ...]) -> str:
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


def run_pint(tool: Tool, absolute: Path, text: str, new_modules: tuple[str, ...]) -> str:
    config = tool.cwd / "pint.json"
    extra = ["--config", str(config)] if config.is_file() else []
    return _in_mirror(tool, absolute, text, ("pint.json",), lambda copy: [*extra, str(copy)], ok=(0, 1))


def run_php_cs_fixer(tool: Tool, absolute: Path, text: str, new_modules: tuple[str, ...]) -> str:
    config = next(tool.cwd / name for name in PHP_CS_FIXER_CONFIGS if (tool.cwd / name).is_file())
    return _in_mirror(
        tool, absolute, text, (), lambda copy: ["fix", "--quiet", "--using-cache=no", "--path-mode=override", f"--config={config}", str(copy)]
    )
