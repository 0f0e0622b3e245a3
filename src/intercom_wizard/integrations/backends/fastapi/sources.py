"""Small pieces every FastAPI module uses: which files are the app's own code, and pattern captures."""

from pathlib import PurePosixPath

from ast_grep_py import SgNode

from intercom_wizard.tree import ProjectTree

MODULE_NAME = "intercom_jwt"  # the router module the wizard writes beside the app module


def python_sources(tree: ProjectTree, under: str = "") -> list[str]:
    """The project's Python modules, without tests and without the module the wizard writes."""
    return [
        path
        for path in tree.glob(".py", under=under)
        if PurePosixPath(path).name != f"{MODULE_NAME}.py"
        and not PurePosixPath(path).name.startswith("test_")
        and not {"tests", "test"} & set(PurePosixPath(path).parts)
    ]


def match_text(match: SgNode, variable: str) -> str:
    """The text a single `$VARIABLE` of a pattern captured (a matched pattern always captures it)."""
    captured = match.get_match(variable)
    if captured is None:
        raise LookupError(f"the pattern matched without capturing ${variable}")
    return captured.text()
