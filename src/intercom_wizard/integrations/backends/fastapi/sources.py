"""Small pieces every FastAPI module uses: which files are the app's own code, and pattern captures."""

from ast_grep_py import SgNode

from intercom_wizard.tree import ProjectTree

MODULE_NAME = "intercom_jwt"  # the router module the wizard writes beside the app module
TEST_FOLDERS = frozenset({"tests", "test"})


def python_sources(tree: ProjectTree, under: str = "") -> list[str]:
    """The project's Python modules, without tests and without the module the wizard writes.

    The tree's paths are plain relative POSIX paths, so their parts are split from the string (called
    per .py file on every detection: no Path objects)."""
    sources = []
    for path in tree.glob(".py", under=under):
        parts = path.split("/")
        name = parts[-1]
        if name != f"{MODULE_NAME}.py" and not name.startswith("test_") and not TEST_FOLDERS.intersection(parts):
            sources.append(path)
    return sources


def match_text(match: SgNode, variable: str) -> str:
    """The text a single `$VARIABLE` of a pattern captured (a matched pattern always captures it)."""
    captured = match.get_match(variable)
    if captured is None:
        raise LookupError(f"the pattern matched without capturing ${variable}")
    return captured.text()
