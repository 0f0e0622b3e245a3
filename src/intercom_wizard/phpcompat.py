"""Our generated PHP, written for the project's PHP when that is older than 7.4.

The templates use arrow functions (`fn ($v) => ...`, PHP 7.4). For a project that declares an older
PHP (composer.json `require.php` / `config.platform.php`) each one becomes the closure PHP 7.1
understands, with `use (...)` for the outer variables an arrow function would have captured.
"""

from dataclasses import replace

from intercom_wizard.edits import parse
from intercom_wizard.plan import FileChange
from intercom_wizard.tree import ProjectTree, folder_of
from intercom_wizard.versions import language_level

ARROW_FUNCTIONS_SINCE = (7, 4, 0)


def closures_for_arrow_functions(source: str) -> str:
    """Every arrow function as an anonymous function with `use` for the variables it captures."""
    root = parse(source, "php")
    edits = []
    for arrow in root.find_all(kind="arrow_function"):
        if any(a.kind() == "arrow_function" for a in arrow.ancestors()):
            continue  # rewritten with its outer function's text below
        parameters = arrow.field("parameters")
        body = arrow.field("body")
        if parameters is None or body is None:
            continue
        static = "static " if any(child.kind() == "static_modifier" or child.text() == "static" for child in arrow.children()) else ""
        own = {v.text() for v in parameters.find_all(kind="variable_name")}
        captured = list(dict.fromkeys(v.text() for v in body.find_all(kind="variable_name") if v.text() not in own and v.text() != "$this"))
        uses = f" use ({', '.join(captured)})" if captured else ""
        inner = closures_for_arrow_functions(body.text()) if "fn" in body.text() else body.text()
        closure = f"{static}function {parameters.text()}{uses} {{ return {inner}; }}"
        edits.append((arrow.range().start.index, arrow.range().end.index, closure))
    for start, end, text in sorted(edits, reverse=True):
        source = source[:start] + text + source[end:]
    return source


def fit_created_php(tree: ProjectTree, changes: list[FileChange]) -> list[FileChange]:
    """The plan's new PHP files, spelled for the PHP each one's project declares."""
    fitted = []
    for change in changes:
        if change.action == "create" and change.path.endswith(".php"):
            level = language_level(tree, folder_of(change.path), "php")
            if level is not None and level.release < ARROW_FUNCTIONS_SINCE:
                change = replace(change, after=closures_for_arrow_functions(change.after))
        fitted.append(change)
    return fitted
