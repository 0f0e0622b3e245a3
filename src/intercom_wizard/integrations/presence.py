"""Cheap pre-tests: could this integration be in the project at all? Asked before its package is imported.

Detection (`project.detect`) asks each registered integration's pre-test first and imports and runs
the integration's `detect()` only when it answers yes, so a project pays neither the import nor the
scan of frameworks it cannot contain (issue 14: on a Flask tree, the seven other back ends' packages).

A pre-test is a *necessary* condition of its integration's `detect()`: it may say yes for a project
the full detection then rejects, never no for one it would find. Each reads only the tree's file
listing and name index (`ProjectTree.named`, `glob`), or bytes through `ProjectTree.mentions`, which
answers no only for an ASCII file without the needle (a file that does not decode is left to the
detector, which reports it as before). tests/test_registry_contract.py holds every pre-test to that
over the fixtures, samples and golden apps.
"""

from collections.abc import Callable

from intercom_wizard.tree import ProjectTree

PreTest = Callable[[ProjectTree], bool]


def always(tree: ProjectTree) -> bool:
    """For an integration whose evidence is anywhere (the pages front end, which is also the fallback)."""
    return True


def named(name: str) -> PreTest:
    """A file called `name` somewhere: the marker file detection starts from (manage.py, package.json)."""

    def present(tree: ProjectTree) -> bool:
        return bool(tree.named(name))

    return present


def files(suffix: str) -> PreTest:
    """Any `suffix` file at all (for a detector that reads every one of them)."""

    def present(tree: ProjectTree) -> bool:
        return bool(tree.glob(suffix))

    return present


def code(suffix: str, *needles: bytes) -> PreTest:
    """A `suffix` file that may contain one of `needles` (the text detection looks for first, e.g. `Flask(`)."""

    def present(tree: ProjectTree) -> bool:
        return bool(tree.mentioning(tree.glob(suffix), needles))

    return present
