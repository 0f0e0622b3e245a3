"""The project's code as parsed units, each known to run in the browser or on the server.

A unit is one parse tree: a Python/Ruby/PHP/JS module, an HTML-like page (templates included: the
HTML parser treats template tags as text) or one inline `<script>` of such a page, parsed on its own
with its line offset so findings still point at the right line of the file.
"""

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from pathlib import PurePosixPath
from typing import Any, TypeVar

from ast_grep_py import SgNode, SgRoot

from intercom_wizard.doctor.syntax import imported_modules, string_directives
from intercom_wizard.errors import BadInput
from intercom_wizard.integrations import component_suffixes
from intercom_wizard.receipt import RECEIPT_PATH
from intercom_wizard.tree import ProjectTree

T = TypeVar("T")
MAX_BYTES = 1_000_000
PAGE_SUFFIXES = (
    ".html", ".htm", ".jinja", ".jinja2", ".j2", ".njk", ".hbs", ".handlebars", ".mustache", ".ejs",
    ".erb", ".twig", ".liquid", ".blade.php", ".svelte",
)
SCRIPT_LANGUAGES = {
    ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascript",
    ".ts": "typescript", ".mts": "typescript", ".cts": "typescript", ".tsx": "tsx",
}
# Folders whose files are served to browsers as they are.
PUBLIC_DIRS = frozenset({"static", "public", "assets", "www", "wwwroot", "htdocs"})
# Folders whose code runs on the server.
SERVER_DIRS = frozenset({"server", "api", "backend", "controllers", "middleware", "middlewares"})
SERVER_MODULES = frozenset(
    {
        "express", "koa", "fastify", "@hapi/hapi", "hapi", "restify", "http", "https", "fs", "path", "crypto",
        "os", "net", "child_process", "jsonwebtoken", "express-session", "cookie-session", "passport",
        "dotenv", "body-parser", "cors", "helmet", "next/server", "next/headers", "@nestjs/common",
        "mongoose", "pg", "mysql", "mysql2", "sqlite3", "knex", "sequelize", "@prisma/client",
    }
)
TEST_DIRS = frozenset({"test", "tests", "spec", "specs", "__tests__", "e2e", "cypress"})
SCRIPT_TYPES = frozenset({"", "text/javascript", "application/javascript", "module", "text/babel", "text/jsx"})


class Side(str, Enum):
    FRONTEND = "frontend"
    BACKEND = "backend"


@dataclass
class CodeUnit:
    path: str
    language: str  # an ast-grep language name
    side: Side
    text: str
    line_offset: int = 0  # where the unit starts in its file (0-based line)
    _by_kind: dict[str, list[SgNode]] = field(default_factory=dict, init=False, repr=False)
    _memo: dict[str, Any] = field(default_factory=dict, init=False, repr=False)

    @cached_property
    def root(self) -> SgNode:
        """The parse tree, built on first use (most files never need one)."""
        return SgRoot(self.text, self.language).root()

    def line_of(self, node: SgNode) -> int:
        return node.range().start.line + self.line_offset + 1

    def find_all(self, *kinds: str) -> list[SgNode]:
        """Every node of these kinds, in source order (kinds this language lacks are skipped)."""
        found: list[SgNode] = []
        for kind in kinds:
            if kind not in self._by_kind:
                try:
                    self._by_kind[kind] = list(self.root.find_all(kind=kind))
                except RuntimeError:  # not a node kind of this grammar
                    self._by_kind[kind] = []
            found += self._by_kind[kind]
        return sorted(found, key=lambda n: n.range().start.index) if len(kinds) > 1 else found

    def memo(self, name: str, compute: Callable[[], T]) -> T:
        """Compute something about this unit once (bindings, Messenger calls, signing calls)."""
        if name not in self._memo:
            self._memo[name] = compute()
        value: T = self._memo[name]  # stored by `compute` under this name: a T
        return value

    def mentions(self, *words: str) -> bool:
        """A cheap pre-filter on the unit's text before any tree is walked (case-insensitive)."""
        lowered = self.memo("lowered", self.text.lower)
        return any(word.lower() in lowered for word in words)

    @property
    def is_script(self) -> bool:
        return self.language in ("javascript", "typescript", "tsx")


@dataclass
class Sources:
    tree: ProjectTree
    units: list[CodeUnit]
    files: list[str]  # every scanned file, code or not

    def frontend(self) -> list[CodeUnit]:
        return [u for u in self.units if u.side is Side.FRONTEND]

    def backend(self) -> list[CodeUnit]:
        return [u for u in self.units if u.side is Side.BACKEND]


def is_test_path(path: str) -> bool:
    pure = PurePosixPath(path)
    name = pure.name
    return (
        bool(set(pure.parts[:-1]) & TEST_DIRS)
        or name == "conftest.py"
        or name.startswith("test_")
        or name.endswith(("_test.py", "_spec.rb", "_test.rb"))
        or any(f".{marker}." in name for marker in ("test", "spec"))
    )


def scanned_files(tree: ProjectTree) -> list[str]:
    """The project's own files: no tests, no minified bundles, nothing huge, not our receipt."""
    kept = []
    for path in tree.files:
        if path == RECEIPT_PATH or is_test_path(path) or ".min." in path or path.endswith(".map"):
            continue
        try:
            if os.stat(tree.root / path).st_size > MAX_BYTES:
                continue
        except OSError:
            continue
        kept.append(path)
    return kept


def load_sources(tree: ProjectTree) -> Sources:
    files = scanned_files(tree)
    units: list[CodeUnit] = []
    for path in files:
        if not is_code_path(path):
            continue
        try:
            units += units_of(path, tree.text(path))
        except BadInput:
            continue  # not UTF-8: not source code we can read
    return Sources(tree, units, files)


def is_code_path(path: str) -> bool:
    name = PurePosixPath(path).name
    return name.endswith((*PAGE_SUFFIXES, *component_suffixes())) or PurePosixPath(name).suffix in (".py", ".rb", ".php", *SCRIPT_LANGUAGES)


def units_of(path: str, text: str) -> list[CodeUnit]:
    name = PurePosixPath(path).name
    suffix = PurePosixPath(path).suffix
    if name.endswith((*PAGE_SUFFIXES, *component_suffixes())):
        return page_units(path, text)
    if suffix == ".py":
        return [CodeUnit(path, "python", Side.BACKEND, text)]
    if suffix == ".rb":
        return [CodeUnit(path, "ruby", Side.BACKEND, text)]
    if suffix == ".php":
        units = [CodeUnit(path, "php", Side.BACKEND, text)] if "<?php" in text or "<?=" in text else []
        if "<script" in text.lower() or "<html" in text.lower():
            units += page_units(path, text)
        return units
    language = SCRIPT_LANGUAGES.get(suffix)
    if language is None:
        return []
    unit = CodeUnit(path, language, Side.FRONTEND, text)
    unit.side = script_side(unit)
    return [unit]


def page_units(path: str, text: str) -> list[CodeUnit]:
    """The page itself (markup: links, forms) and each inline script, all front end."""
    page = CodeUnit(path, "html", Side.FRONTEND, text)
    units = [page]
    for script in page.find_all("script_element"):
        start = script.child(0)
        attributes = _attributes(start) if start is not None and start.kind() == "start_tag" else {}
        if "src" in attributes or attributes.get("type", "").lower() not in SCRIPT_TYPES:
            continue
        body = next((c for c in script.children() if c.kind() == "raw_text"), None)
        if body is None or not body.text().strip():
            continue
        language = "typescript" if attributes.get("lang", "") in ("ts", "typescript") else "javascript"
        units.append(CodeUnit(path, language, Side.FRONTEND, body.text(), body.range().start.line))
    return units


def _attributes(start_tag: SgNode) -> dict[str, str]:
    attributes = {}
    for attribute in start_tag.children():
        if attribute.kind() != "attribute":
            continue
        name = next((c.text().lower() for c in attribute.children() if c.kind() == "attribute_name"), "")
        value = attribute.find(kind="attribute_value")
        attributes[name] = value.text() if value is not None else ""
    return attributes


def script_side(unit: CodeUnit) -> Side:
    """Browser or server, for a JS/TS module, from where it lives and what it imports."""
    parts = PurePosixPath(unit.path).parts
    folders, name = set(parts[:-1]), parts[-1]
    if folders & PUBLIC_DIRS:
        return Side.FRONTEND
    if _is_next_server_file(parts):
        return Side.BACKEND
    if name.endswith((".jsx", ".tsx")):
        return Side.FRONTEND
    modules = {module for module, _ in imported_modules(unit)}
    if modules & SERVER_MODULES or any(m.startswith("node:") for m in modules) or "use server" in string_directives(unit):
        return Side.BACKEND
    if ".config." in name or folders & SERVER_DIRS or PurePosixPath(name).stem == "server":
        return Side.BACKEND
    return Side.FRONTEND


def _is_next_server_file(parts: tuple[str, ...]) -> bool:
    stem = PurePosixPath(parts[-1]).stem
    if "pages" in parts and "api" in parts[parts.index("pages") :]:
        return True
    return ("app" in parts and stem == "route") or (len(parts) <= 2 and stem == "middleware")
