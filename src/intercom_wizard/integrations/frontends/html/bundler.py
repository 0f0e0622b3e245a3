"""Pages a bundler renders from a template (webpack's HtmlWebpackPlugin, as TodoMVC's ES6 example
does): the build emits the page and what its entry imports, nothing else, so a `<script src>` to a
file beside the template loads nothing once built. The Messenger script reaches such a page through
the entry instead, as a side-effect import (`import './intercom-messenger.js';`).

Read from the webpack configuration's own code: `new HtmlWebpackPlugin({ template })` and `entry`,
as string paths or `path.resolve|join(__dirname, ...)`. A configuration with several entries, or one
the wizard cannot read, keeps the tag (as before).
"""

import posixpath

from ast_grep_py import SgNode

from intercom_wizard.astgrep import field_text
from intercom_wizard.edits import parse
from intercom_wizard.tree import ProjectTree, folder_of

# webpack.common.js: the shared part that webpack-merge puts into webpack.dev.js/webpack.prod.js (TodoMVC's ES6 example).
CONFIG_NAMES = ("webpack.config.js", "webpack.config.cjs", "webpack.config.mjs", "webpack.config.ts", "webpack.common.js")


def bundled_pages(tree: ProjectTree) -> dict[str, str]:
    """{template page: the entry module that reaches it} for each HtmlWebpackPlugin template of the project."""
    found: dict[str, str] = {}
    for name in CONFIG_NAMES:
        for config in tree.named(name):
            root = parse(tree.text(config), "typescript" if config.endswith(".ts") else "javascript")
            folder = folder_of(config)
            entries = [path for path in _entry_files(root, folder) if tree.exists(path)]
            if len(entries) != 1:
                continue
            for template in _templates(root, folder):
                found.setdefault(template, entries[0])
    return found


def import_specifier(entry: str, script: str) -> str:
    """The relative specifier, extension included, that imports `script` from `entry`."""
    relative = posixpath.relpath(script, posixpath.dirname(entry) or ".")
    return relative if relative.startswith(".") else f"./{relative}"


def _templates(root: SgNode, folder: str) -> list[str]:
    pages = []
    for plugin in root.find_all(pattern="new HtmlWebpackPlugin($$$)"):
        options = plugin.find(kind="object")
        for pair in options.children() if options is not None else []:
            value = pair.field("value") if pair.kind() == "pair" and field_text(pair, "key") == "template" else None
            path = _path_value(value, folder) if value is not None else None
            if path is not None:
                pages.append(path)
    return pages


def _entry_files(root: SgNode, folder: str) -> list[str]:
    """The modules of the configuration's `entry` (a path, an array of them, or an object of named ones)."""
    for pair in root.find_all(kind="pair"):
        if field_text(pair, "key") != "entry":
            continue
        value = pair.field("value")
        if value is None:
            return []
        values = [c for c in value.children() if c.kind() not in ("{", "}", "[", "]", ",", "comment")] if value.kind() in ("object", "array") else [value]
        paths = []
        for item in values:
            target = item.field("value") if item.kind() == "pair" else item
            path = _path_value(target, folder) if target is not None else None
            if path is None:
                return []  # an entry we cannot read: keep to the tag
            paths.append(path)
        return paths
    return []


def _path_value(node: SgNode, folder: str) -> str | None:
    """A path the configuration builds from string parts: 'src/x', or path.resolve|join(__dirname, 'src', 'x')."""
    if node.kind() == "string":
        parts = [node.text()[1:-1]]
    elif node.kind() == "call_expression" and field_text(node, "function") in ("path.resolve", "path.join"):
        arguments = node.field("arguments")
        items = [c for c in arguments.children() if c.kind() not in ("(", ")", ",", "comment")] if arguments is not None else []
        if not items or items[0].text() != "__dirname" or any(item.kind() != "string" for item in items[1:]):
            return None
        parts = [item.text()[1:-1] for item in items[1:]]
    else:
        return None
    path = posixpath.normpath(posixpath.join(folder or ".", *parts))
    return None if path.startswith("..") or posixpath.isabs(path) else path.removeprefix("./")
