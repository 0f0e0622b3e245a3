"""Pages that a bundler renders: webpack's HtmlWebpackPlugin takes `src/index.html` as a template
and emits into `dist/` only the template and what the entry imports. A `<script src>` added beside
the template points at a file that is never emitted (TodoMVC's javascript-es6 example), so there the
Messenger script is imported by the bundle's entry instead (it is a self-contained IIFE).
"""

import posixpath

from ast_grep_py import SgNode

from intercom_wizard.edits import parse
from intercom_wizard.tree import ProjectTree

CONFIG_NAMES = ("webpack.config.js", "webpack.config.cjs", "webpack.config.mjs", "webpack.common.js", "webpack.prod.js", "webpack.dev.js")


def bundle_entry_for_template(tree: ProjectTree, page: str) -> str | None:
    """The entry module of the webpack build whose HtmlWebpackPlugin renders `page`, if any."""
    folder = posixpath.dirname(page)
    for config in _configs(tree, folder):
        root = parse(tree.text(config), "javascript")
        base = posixpath.dirname(config)
        templates = [_path_value(pair.field("value"), base) for pair in _pairs(root, "template") if _in_html_plugin(pair)]
        if page not in templates:
            continue
        for pair in _pairs(root, "entry"):
            entry = _first_path(pair.field("value"), base)
            if entry is not None and tree.exists(entry):
                return entry
    return None


def _configs(tree: ProjectTree, folder: str) -> list[str]:
    """webpack configs in the page's folder and the folders above it (the project's root last)."""
    found: list[str] = []
    while True:
        found += [posixpath.join(folder, name) if folder else name for name in CONFIG_NAMES if tree.exists(posixpath.join(folder, name) if folder else name)]
        if not folder:
            return found
        folder = posixpath.dirname(folder)


def _pairs(root: SgNode, key: str) -> list[SgNode]:
    return [pair for pair in root.find_all(kind="pair") if (name := pair.field("key")) is not None and name.text().strip("'\"") == key]


def _in_html_plugin(pair: SgNode) -> bool:
    call = next((node for node in pair.ancestors() if node.kind() == "new_expression"), None)
    constructor = call.field("constructor") if call is not None else None
    return constructor is not None and constructor.text() == "HtmlWebpackPlugin"


def _first_path(value: SgNode | None, base: str) -> str | None:
    """`'./src/app.js'`, `path.resolve(__dirname, 'src', 'app.js')`, `{ app: ... }` or `[...]`: the first module."""
    if value is None:
        return None
    if value.kind() in ("object", "array"):
        for child in value.children():
            inner = child.field("value") if child.kind() == "pair" else child
            path = _first_path(inner, base) if inner is not None and inner.kind() not in ("{", "}", "[", "]", ",") else None
            if path is not None:
                return path
        return None
    return _path_value(value, base)


def _path_value(value: SgNode | None, base: str) -> str | None:
    """A path written as a string or as path.resolve/path.join(__dirname, ...strings), relative to the project."""
    if value is None:
        return None
    if value.kind() == "string":
        parts = [value.text()[1:-1]]
    elif value.kind() == "call_expression" and (function := value.field("function")) is not None and function.text() in ("path.resolve", "path.join"):
        arguments = value.field("arguments")
        nodes = [node for node in (arguments.children() if arguments is not None else []) if node.kind() not in ("(", ")", ",")]
        if not nodes or nodes[0].text() != "__dirname" or any(node.kind() != "string" for node in nodes[1:]):
            return None
        parts = [node.text()[1:-1] for node in nodes[1:]]
    else:
        return None
    joined = posixpath.normpath(posixpath.join(base, *parts))
    return None if joined.startswith("..") else joined.removeprefix("./")
