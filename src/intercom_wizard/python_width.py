"""Our Python lines at the project's own line length, when it is shorter than black's 88.

The Python templates are written black-style for 88 columns with magic trailing commas, so black
and ruff leave them as they are at any length of 88 or more. A project configured for less (PEP 8's
79 is common: `[tool.ruff] line-length = 79`, `[tool.black]`, flake8's `max-line-length`) would see
its own `ruff format --check` / `black --check` / `E501` fail on what we wrote, whenever no formatter
is installed for us to run (formatting.py runs it when it is). Then:

- created modules go through black's own formatter (the library, at the project's length: the
  layout black and `ruff format` produce), and
- what black leaves long is wrapped the way a person would: comment and docstring lines at word
  boundaries, a string literal that stands alone on its line as adjacent literals (black keeps those
  one per line once they do not fit together).

Inserted lines in an existing module are short statements and list entries; they get the same
comment/string wrapping (reformatting the user's module is never an option).
"""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import PurePosixPath

from intercom_wizard.tree import ProjectTree

BLACK_DEFAULT = 88
# A string literal alone on its line (an argument or list entry), optionally followed by `,` or `)`.
# compiled on first use (re's own cache), not at import: most runs never need it (start-up time, issue 14)
_LONE_STRING = r"^(?P<indent>\s*)(?P<quote>[\"'])(?P<body>(?:(?!(?P=quote))[^\\]|\\.)*)(?P=quote)(?P<tail>[,)]*)$"


def python_line_length(tree: ProjectTree, path: str) -> int | None:
    """The line length the project's Python tools use for `path`, from the nearest folder (up from the
    file's) that configures one: ruff (ruff.toml, .ruff.toml, [tool.ruff]), black ([tool.black]), then
    flake8/pycodestyle (setup.cfg, tox.ini, .flake8). None when nothing is configured."""
    folder = PurePosixPath(path).parent
    while True:
        found = _configured_length(tree, "" if str(folder) == "." else folder.as_posix())
        if found is not None:
            return found
        if str(folder) in (".", ""):
            return None
        folder = folder.parent


def _configured_length(tree: ProjectTree, folder: str) -> int | None:
    def at(name: str) -> str:
        return f"{folder}/{name}" if folder else name

    for name in ("ruff.toml", ".ruff.toml"):
        if tree.exists(at(name)):
            value = _toml(tree, at(name)).get("line-length")
            return value if isinstance(value, int) else BLACK_DEFAULT  # ruff's own default
    if tree.exists(at("pyproject.toml")):
        tools = _toml(tree, at("pyproject.toml")).get("tool", {})
        for tool in ("ruff", "black"):
            section = tools.get(tool) if isinstance(tools, dict) else None
            if isinstance(section, dict):
                value = section.get("line-length")
                return value if isinstance(value, int) else BLACK_DEFAULT
    for name in ("setup.cfg", "tox.ini", ".flake8"):
        if tree.exists(at(name)):
            import configparser  # only a project with one of these files pays for it (start-up time, issue 14)

            parser = configparser.ConfigParser(interpolation=None)
            try:
                parser.read_string(tree.text(at(name)))
            except configparser.Error:
                continue
            for section in ("flake8", "pycodestyle"):
                value = str(parser.get(section, "max-line-length", fallback="") or parser.get(section, "max_line_length", fallback=""))
                if value.strip().isdigit():
                    return int(value.strip())
    return None


def _toml(tree: ProjectTree, path: str) -> dict[str, object]:
    import tomllib  # tomllib (with its regexes) only where a TOML file is read (start-up time, issue 14)

    try:
        return tomllib.loads(tree.text(path))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {}


def fit_module(text: str, line_length: int) -> str:
    """A module we create, laid out by black at `line_length`, long comments/docstrings/strings wrapped."""
    # Imported here: only projects configured below 88 columns need black.
    from black import Mode, format_str
    from black.parsing import InvalidInput

    try:
        text = format_str(text, mode=Mode(line_length=line_length))
    except (InvalidInput, ValueError):
        return text
    return wrap_long_lines(text, line_length)


def wrap_long_lines(text: str, line_length: int) -> str:
    """Comment lines, docstring lines and lone string literals longer than `line_length`, wrapped."""
    docstring_lines = _docstring_lines(text)
    shape = _code_shape(text)  # None for a fragment (inserted lines): then only comments are wrapped
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    for number, line in enumerate(lines, start=1):
        body = line.rstrip("\r\n")
        ending = line[len(body):]
        if len(body) <= line_length:
            out.append(line)
        elif number in docstring_lines:
            out.extend(piece + ending for piece in _wrap_docstring_line(body, line_length))
        elif body.lstrip().startswith("#"):
            out.extend(piece + ending for piece in _wrap_comment(body, line_length))
        elif shape is not None:
            split = "".join(piece + ending for piece in _split_lone_string(body, line_length))
            # Only the layout may change: a lone string that is a statement, not an argument or
            # list entry, would become two statements; such a split is not taken.
            candidate = "".join(out) + split + "".join(lines[number:])
            out.append(split if split != line and _code_shape(candidate) == shape else line)
        else:
            out.append(line)
    return "".join(out)


def _code_shape(text: str) -> str | None:
    """The module's AST with docstrings blanked (their wrapping is allowed to change them)."""
    try:
        module = ast.parse(text)
    except SyntaxError:
        return None
    for node in ast.walk(module):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                first.value.value = ""
    return ast.dump(module)


def _docstring_lines(text: str) -> set[int]:
    try:
        module = ast.parse(text)
    except SyntaxError:
        return set()
    lines: set[int] = set()
    for node in ast.walk(module):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                lines.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    return lines


def _wrap_words(indent: str, prefix: str, words: str, line_length: int, continuation: str) -> list[str]:
    width = max(line_length - len(indent) - len(prefix), 20)
    pieces = textwrap.wrap(words, width=width, break_long_words=False, break_on_hyphens=False)
    if not pieces:
        return [indent + prefix.rstrip()]
    return [indent + prefix + pieces[0]] + [indent + continuation + piece for piece in pieces[1:]]


def _wrap_comment(line: str, line_length: int) -> list[str]:
    indent = line[: len(line) - len(line.lstrip())]
    words = line.lstrip()[1:].strip()
    return _wrap_words(indent, "# ", words, line_length, "# ")


def _wrap_docstring_line(line: str, line_length: int) -> list[str]:
    """One docstring line at word boundaries; its opening/closing quotes stay where they were."""
    indent = line[: len(line) - len(line.lstrip())]
    content = line.lstrip()
    opening = next((quote for quote in ('r"""', '"""', "r'''", "'''") if content.startswith(quote)), "")
    content = content[len(opening):]
    closing = next((quote for quote in ('"""', "'''") if content.endswith(quote)), "")
    content = content[: len(content) - len(closing)] if closing else content
    # The closing quotes count on the last line: wrap so that it still fits with them.
    pieces = _wrap_words(indent, opening, content, line_length - len(closing), "")
    pieces[-1] += closing
    return pieces


def _split_lone_string(line: str, line_length: int) -> list[str]:
    """`"a long sentence",` alone on its line as `"a long "` / `"sentence",` (adjacent literals)."""
    match = re.match(_LONE_STRING, line)
    if match is None:
        return [line]
    indent, quote, body, tail = match["indent"], match["quote"], match["body"], match["tail"]
    room = line_length - len(indent) - 2  # the two quotes
    pieces: list[str] = []
    rest = body
    while len(rest) + len(tail) > room:
        cut = rest.rfind(" ", 0, room)
        if cut <= 0 or rest[cut - 1] == "\\":
            return [line]  # no word boundary to cut at: leave it as it is
        pieces.append(rest[: cut + 1])
        rest = rest[cut + 1:]
    pieces.append(rest)
    lines = [f"{indent}{quote}{piece}{quote}" for piece in pieces]
    lines[-1] += tail
    return lines
