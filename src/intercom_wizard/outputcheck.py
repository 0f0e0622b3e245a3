"""Checking our own output before it is written: every planned file must parse at the project's level.

Called by `install` after planning and before the transaction renames anything into place. Each
created or modified file is parsed the way the project's toolchain would:

- Python: `ast.parse(..., feature_version=...)` at the project's Python level (the versions package; a 3.6
  project also has `from __future__ import annotations`, dataclasses and contextvars refused), plus
  the annotations that are *evaluated* at import time (`X | Y` before 3.10, `dict[...]` before
  3.9, unless the module has `from __future__ import annotations`), which parse but raise TypeError;
- JavaScript/TypeScript (also a Vue file's `<script>`): the project's own `typescript` package when
  it is installed (run with Node), else ast-grep's tree-sitter grammar (error nodes);
- PHP: `php -l`, plus the syntax newer than the project's PHP level (arrow functions and typed
  properties need 7.4, `match`/`?->`/promoted constructor parameters 8.0, enums/readonly 8.1), since
  the machine's PHP is newer than many projects'; Ruby: `ruby -c`, plus the syntax and core methods
  newer than the project's Ruby (`rubycompat.py`: the machine's Ruby 3 accepts them all); JSON: Python's parser.

A file that already failed before the plan touched it is not held against us: only problems the
plan introduces count. Any such problem stops the install (exit 6) with the file and the error; a
checker that is not on this machine is reported, not silently skipped.
"""

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePosixPath

from ast_grep_py import SgNode

from intercom_wizard.edits import parse
from intercom_wizard.errors import ApplyFailed
from intercom_wizard.plan import FileChange
from intercom_wizard.rubycompat import newer_ruby
from intercom_wizard.tree import ProjectTree, folder_of
from intercom_wizard.versions import Release, gem_version, language_level
from intercom_wizard.versions.common import folders_up

TYPESCRIPT_SYNTAX_SCRIPT = Path(__file__).with_name("typescript-syntax.cjs")
SCRIPT_SUFFIXES = {".js": "javascript", ".jsx": "tsx", ".mjs": "javascript", ".cjs": "javascript", ".ts": "typescript", ".mts": "typescript", ".cts": "typescript", ".tsx": "tsx"}
# The lowest feature_version ast.parse accepts: (3, 4) up to Python 3.12, (3, 7) from 3.13 (below
# that it is clamped, and python_3_7_problems still finds what 3.6 lacks).
OLDEST_PARSER_LEVEL = (3, 4) if sys.version_info < (3, 13) else (3, 7)
# What Python 3.7 added that a 3.6 parser or import rejects: (module, name or None for the module, what).
PYTHON_3_7_IMPORTS = (
    ("__future__", "annotations", "`from __future__ import annotations`"),
    ("dataclasses", None, "the dataclasses module"),
    ("contextvars", None, "the contextvars module"),
)
# PHP syntax by the version that introduced it: (tree-sitter-php node kind, what it is, version).
PHP_FEATURES = (
    ("arrow_function", "an arrow function (fn)", (7, 4, 0)),
    ("match_expression", "a match expression", (8, 0, 0)),
    ("nullsafe_member_access_expression", "the nullsafe operator ?->", (8, 0, 0)),
    ("nullsafe_member_call_expression", "the nullsafe operator ?->", (8, 0, 0)),
    ("property_promotion_parameter", "a promoted constructor parameter", (8, 0, 0)),
    ("enum_declaration", "an enum", (8, 1, 0)),
    ("readonly_modifier", "a readonly property", (8, 1, 0)),
)
PHP_TYPE_KINDS = frozenset({"primitive_type", "named_type", "optional_type", "union_type", "intersection_type"})
BUILTIN_GENERICS = frozenset({"dict", "list", "tuple", "set", "frozenset", "type"})


@dataclass(frozen=True)
class SyntaxProblem:
    path: str
    error: str


@dataclass
class CheckResult:
    problems: list[SyntaxProblem] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    not_checked: list[str] = field(default_factory=list)  # why some files could not be checked here


class OutputCheckFailed(ApplyFailed):
    """The plan would write a file that does not parse at the project's level: nothing is written."""


def check_changes(tree: ProjectTree, changes: list[FileChange]) -> CheckResult:
    """Parse every file the plan writes; problems the plan did not introduce are ignored."""
    result = CheckResult()
    scripts: list[tuple[FileChange, str, str]] = []  # (change, name to parse as, text after)
    for change in changes:
        if change.action == "delete":
            continue
        name = PurePosixPath(change.path).name
        suffix = PurePosixPath(change.path).suffix
        if suffix == ".py":
            _record(result, change, partial(_python_problems, tree, change.path))
        elif suffix == ".json" and not name.startswith("."):
            _record(result, change, _json_problems)
        elif suffix == ".php":
            _record(result, change, partial(_php_problems, tree, change.path, result=result))
        elif suffix == ".rb" or name in ("Gemfile", "Rakefile") or name.endswith(".ru"):
            _record(result, change, partial(_ruby_problems, tree, change.path, result=result))
        elif suffix in SCRIPT_SUFFIXES:
            scripts.append((change, change.path, change.after))
        elif suffix == ".vue":
            script = _vue_script(change.after)
            if script is not None:
                scripts.append((change, change.path + script[0], script[1]))
    if scripts:
        _check_scripts(tree, scripts, result)
    return result


def ensure_parses(tree: ProjectTree, changes: list[FileChange]) -> CheckResult:
    """`check_changes`, raising (exit 6, nothing written) when a planned file does not parse."""
    result = check_changes(tree, changes)
    if result.problems:
        listed = "\n  ".join(f"{p.path}: {p.error}" for p in result.problems)
        raise OutputCheckFailed(
            f"The planned changes would leave files that do not parse at this project's language level:\n  {listed}\n"
            "Nothing was written.",
            hint="This is a wizard bug for this project's versions: please report it with the output of `intercom-wizard detect`.",
        )
    return result


def _record(result: CheckResult, change: FileChange, problems_of: Callable[[str], list[str] | None]) -> None:
    after = problems_of(change.after)
    if after is None:
        return  # the checker is not available; problems_of said why
    result.checked.append(change.path)
    before = set(problems_of(change.before) or []) if change.before is not None else set()
    result.problems += [SyntaxProblem(change.path, error) for error in after if _without_position(error) not in {_without_position(b) for b in before}]


def _without_position(error: str) -> str:
    """Errors compared across before/after regardless of where the insertion moved them."""
    return re.sub(r"(line \d+(,? column \d+)?|^\d+:\d+ |on line \d+|\(char \d+\))", "", error).strip()


# --- Python -----------------------------------------------------------------------------------


def python_level(tree: ProjectTree, path: str) -> Release | None:
    found = language_level(tree, folder_of(path), "python")
    return found.release if found is not None else None


def _python_problems(tree: ProjectTree, path: str, text: str) -> list[str]:
    level = python_level(tree, path)
    feature = max((level[0], level[1]) if level else (3, 13), OLDEST_PARSER_LEVEL)
    try:
        module = ast.parse(text, filename=path, feature_version=feature)
    except SyntaxError as exc:
        return [f"line {exc.lineno}: {exc.msg} (Python {feature[0]}.{feature[1]})"]
    if level is None:
        return []
    return python_3_7_problems(module, (level[0], level[1])) + runtime_annotation_problems(module, (level[0], level[1]))


def python_3_7_problems(module: ast.Module, level: tuple[int, int]) -> list[str]:
    """Imports a Python 3.6 project cannot run: postponed annotations (a SyntaxError there), dataclasses, contextvars."""
    if level >= (3, 7):
        return []
    problems = []
    for node in ast.walk(module):
        imported: list[tuple[str | None, str | None]]
        if isinstance(node, ast.ImportFrom):
            imported = [(node.module, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            imported = [(alias.name, None) for alias in node.names]
        else:
            continue
        for module_name, name in imported:
            for needs_module, needs_name, what in PYTHON_3_7_IMPORTS:
                if module_name == needs_module and needs_name in (None, name):
                    problems.append(f"line {node.lineno}: {what} needs Python 3.7 (found {level[0]}.{level[1]})")
    return problems


def runtime_annotation_problems(module: ast.Module, level: tuple[int, int]) -> list[str]:
    """Annotations Python evaluates at import that need a newer Python than `level` (a TypeError there)."""
    postponed = any(
        isinstance(node, ast.ImportFrom) and node.module == "__future__" and any(a.name == "annotations" for a in node.names)
        for node in module.body
    )
    if postponed or level >= (3, 10):
        return []
    problems = []
    for annotation in evaluated_annotations(module):
        for node in ast.walk(annotation):
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
                problems.append(f"line {node.lineno}: `{ast.unparse(node)}` in an annotation needs Python 3.10 (found {level[0]}.{level[1]})")
            elif level < (3, 9) and isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id in BUILTIN_GENERICS:
                problems.append(f"line {node.lineno}: `{ast.unparse(node)}` in an annotation needs Python 3.9 (found {level[0]}.{level[1]})")
    return problems


def evaluated_annotations(module: ast.Module) -> list[ast.expr]:
    """Function signatures and module/class-level variable annotations (not those inside functions)."""
    found: list[ast.expr] = []
    for node in ast.walk(module):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            arguments = node.args
            every = arguments.posonlyargs + arguments.args + arguments.kwonlyargs + [a for a in (arguments.vararg, arguments.kwarg) if a]
            found += [a.annotation for a in every if a.annotation is not None]
            if node.returns is not None:
                found.append(node.returns)
    bodies = [module.body] + [n.body for n in ast.walk(module) if isinstance(n, ast.ClassDef)]
    found += [statement.annotation for body in bodies for statement in body if isinstance(statement, ast.AnnAssign)]
    return found


# --- JSON, PHP, Ruby --------------------------------------------------------------------------


def _json_problems(text: str) -> list[str]:
    try:
        json.loads(text)
    except ValueError as exc:
        return [str(exc)]
    return []


def _php_problems(tree: ProjectTree, path: str, text: str, result: CheckResult) -> list[str] | None:
    problems = _external_problems(["php", "-l"], ".php", text, result, "PHP")
    level = language_level(tree, folder_of(path), "php")
    if level is None:
        return problems
    root = parse(text, "php")
    found = []
    for kind, what, needs in PHP_FEATURES:
        for node in root.find_all(kind=kind):
            if level.release < needs:
                found.append(f"line {node.range().start.line + 1}: {what} needs PHP {needs[0]}.{needs[1]} (the project declares {level.text})")
    if level.release < (7, 4, 0):
        for declaration in root.find_all(kind="property_declaration"):
            if any(child.kind() in PHP_TYPE_KINDS for child in declaration.children()):
                found.append(f"line {declaration.range().start.line + 1}: a typed property needs PHP 7.4 (the project declares {level.text})")
    return (problems or []) + found


def _ruby_problems(tree: ProjectTree, path: str, text: str, result: CheckResult) -> list[str] | None:
    """`ruby -c` (the machine's Ruby), plus syntax and core methods newer than the project's Ruby."""
    problems = _external_problems(["ruby", "-c"], ".rb", text, result, "Ruby")
    level = language_level(tree, folder_of(path), "ruby")
    if level is None:
        return problems
    # ActiveSupport (a Rails app's, or a Sinatra app's through ActiveRecord) adds Hash#compact and transform_* to old Rubies.
    # Without a lockfile the Gemfile names rails or activerecord, which bring it.
    active_support = any(
        gem_version(tree, folder, gem) is not None for folder in folders_up(folder_of(path)) for gem in ("activesupport", "rails", "activerecord")
    )
    return (problems or []) + newer_ruby(text, level.release, active_support=active_support)


def _external_problems(command: list[str], suffix: str, text: str, result: CheckResult, language: str) -> list[str] | None:
    """Run the language's own syntax check on a private temporary copy; None when it is not installed."""
    if shutil.which(command[0]) is None:
        note = f"{language} files were not syntax-checked: `{command[0]}` is not on this machine."
        if note not in result.not_checked:
            result.not_checked.append(note)
        return None
    with tempfile.TemporaryDirectory(prefix="intercom-wizard-check-") as folder:  # mode 0700
        candidate = Path(folder) / f"candidate{suffix}"
        candidate.write_text(text, encoding="utf-8")
        try:
            completed = subprocess.run([*command, str(candidate)], capture_output=True, text=True, check=False, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return [f"{' '.join(command)} could not run: {exc}"]
    if completed.returncode == 0:
        return []
    output = (completed.stdout + completed.stderr).replace(str(candidate), "the file").replace(folder, "")
    lines = [line.strip() for line in output.splitlines() if line.strip() and not line.startswith(("Errors parsing", "No syntax errors"))]
    return lines[:3] or [f"{' '.join(command)} failed"]


# --- JavaScript and TypeScript ----------------------------------------------------------------


def _vue_script(text: str) -> tuple[str, str] | None:
    """A single-file component's <script> block as (suffix to parse it as, its text), blanking the rest."""
    match = re.search(r"<script\b([^>]*)>(.*?)</script>", text, re.DOTALL)
    if match is None:
        return None
    lang = re.search(r"""lang=["'](\w+)["']""", match[1])
    suffix = {"ts": ".ts", "tsx": ".tsx", "jsx": ".jsx"}.get(lang[1] if lang else "", ".js")
    # Keep line numbers: everything before the block becomes blank lines.
    return suffix, "\n" * text[: match.start(2)].count("\n") + match[2]


def project_typescript(tree: ProjectTree, path: str) -> Path | None:
    """The typescript package the project installed nearest to `path` (its own parser and version)."""
    folder = folder_of(path)
    while True:
        candidate = tree.root / folder / "node_modules/typescript"
        if (candidate / "package.json").is_file():
            return candidate
        if not folder:
            return None
        folder = folder_of(folder)


def _check_scripts(tree: ProjectTree, scripts: list[tuple[FileChange, str, str]], result: CheckResult) -> None:
    by_typescript: dict[Path | None, list[tuple[FileChange, str, str]]] = {}
    for item in scripts:
        typescript = project_typescript(tree, item[0].path) if shutil.which("node") else None
        by_typescript.setdefault(typescript, []).append(item)
    for typescript, items in by_typescript.items():
        after_texts = [(name, text) for _, name, text in items]
        before_texts = [(name, original) for change, name, _ in items if (original := _script_before(change)) is not None]
        after = _typescript_errors(typescript, after_texts) if typescript else None
        before = _typescript_errors(typescript, before_texts) if typescript and after is not None else None
        if after is None or before is None:  # no usable TypeScript here: tree-sitter's grammar
            after = {name: _grammar_errors(name, text) for name, text in after_texts}
            before = {name: _grammar_errors(name, text) for name, text in before_texts}
        for change, name, _ in items:
            result.checked.append(change.path)
            known = {_without_position(e) for e in before.get(name, [])}
            result.problems += [SyntaxProblem(change.path, e) for e in after.get(name, []) if _without_position(e) not in known]


def _script_before(change: FileChange) -> str | None:
    if change.before is None or PurePosixPath(change.path).suffix != ".vue":
        return change.before
    return _vue_before(change)


def _vue_before(change: FileChange) -> str | None:
    script = _vue_script(change.before) if change.before is not None else None
    return script[1] if script else None


def _typescript_errors(typescript: Path, files: list[tuple[str, str]]) -> dict[str, list[str]] | None:
    request = json.dumps({"typescript": str(typescript), "files": [{"path": name, "text": text} for name, text in files]})
    try:
        completed = subprocess.run(
            ["node", str(TYPESCRIPT_SYNTAX_SCRIPT)], input=request, capture_output=True, text=True, check=False, timeout=120, env=os.environ | {"NODE_OPTIONS": ""}
        )
        return json.loads(completed.stdout) if completed.returncode == 0 else None
    except (OSError, subprocess.TimeoutExpired, ValueError):
        return None  # fall back to the grammar


def _grammar_errors(name: str, text: str) -> list[str]:
    language = SCRIPT_SUFFIXES[PurePosixPath(name).suffix]
    root = parse(text, language)
    return [f"line {node.range().start.line + 1}: cannot parse `{_excerpt(node)}`" for node in _error_nodes(root)]


def _error_nodes(root: SgNode) -> list[SgNode]:
    return list(root.find_all(kind="ERROR"))


def _excerpt(node: SgNode) -> str:
    text = " ".join(node.text().split())
    return text if len(text) <= 40 else text[:37] + "..."
