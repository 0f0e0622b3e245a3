"""Names of the component files the wizard creates, in the project's own convention (issue 13).

A project that lints file names (eslint-plugin-check-file's `check-file/filename-naming-convention`,
e.g. `{ '**/*.{ts,tsx}': 'KEBAB_CASE' }` in bulletproof-react) rejects `IntercomMessenger.tsx`; one
whose components are all `kebab-case.tsx` would at least look odd with it. The name follows, in
order: that lint rule where one of its globs matches the file's path (relative to the folder of the
ESLint config that sets it); else the file names already in the folder we write to (or, when that
folder does not exist yet, in the source folder it lies in), by majority; else the integration's
default. Callers derive every import of the file and the receipt from the returned path, so imports
and `uninstall` always agree with it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import PurePosixPath

from intercom_wizard.js_config import ESLINT_FILES, folders_up, join_path, read_config
from intercom_wizard.js_import_order import balanced_end, glob_regex
from intercom_wizard.tree import ProjectTree

RULE = re.compile(r"""['"]check-file/filename-naming-convention['"]\s*:\s*\[\s*['"]?(?:error|warn|2|1)['"]?\s*,\s*(?=\{)""")
_GLOB_ENTRY = re.compile(r"""['"](?P<glob>[^'"]+)['"]\s*:\s*['"](?P<case>[A-Z_]+)['"]""")

# check-file's built-in conventions, and how a name's words are written in each.
CASES: dict[str, Callable[[list[str]], str]] = {
    "KEBAB_CASE": lambda words: "-".join(words),
    "PASCAL_CASE": lambda words: "".join(word.capitalize() for word in words),
    "CAMEL_CASE": lambda words: words[0] + "".join(word.capitalize() for word in words[1:]),
    "SNAKE_CASE": lambda words: "_".join(words),
    "SCREAMING_SNAKE_CASE": lambda words: "_".join(words).upper(),
    "FLAT_CASE": lambda words: "".join(words),
}
# A stem that can only be one convention (a one-word lower-case name fits several: no evidence).
_EVIDENCE = (
    ("KEBAB_CASE", re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+")),
    ("SNAKE_CASE", re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)+")),
    ("PASCAL_CASE", re.compile(r"[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+|[A-Z][a-z0-9]+")),
    ("CAMEL_CASE", re.compile(r"[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+")),
)


def words_of(name: str) -> list[str]:
    """`IntercomMessenger` / `intercom-messenger` / `intercom_messenger` -> ["intercom", "messenger"]."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("-", " ").replace("_", " ")
    return [word.lower() for word in spaced.split()]


def named_as(path: str, stem: str, suffixes: tuple[str, ...]) -> bool:
    """`path` is a `stem` file in any convention (`lib/intercomMessenger.ts` for `intercom-messenger`), one
    of `suffixes`: how the scans for the app's own evidence pass over the modules an install created."""
    name = PurePosixPath(path).name
    return name.endswith(suffixes) and words_of(name.split(".")[0]) == words_of(stem)


def conventional_path(tree: ProjectTree, path: str, *, component: bool = True) -> str:
    """`path` (a file the plan creates) with its name written in the project's convention. A module that
    is not a component (`component=False`: the core, a hook) follows the lint rule, and its folder's
    names except PascalCase: there those are components' names (`App.js`), not the folder's style."""
    parts = PurePosixPath(path)
    case = lint_case(tree, path)
    if case is None:
        case = folder_case(tree, parts.parent.as_posix(), parts.suffix)
        case = None if case == "PASCAL_CASE" and not component else case
    if case is None:
        return path
    stem = CASES[case](words_of(parts.stem))
    return str(parts.with_name(stem + parts.suffix))


def lint_case(tree: ProjectTree, path: str) -> str | None:
    """The convention check-file's rule demands for `path`, if the project's ESLint config sets one."""
    for folder in folders_up(path):
        for name in ESLINT_FILES:
            text = read_config(tree, join_path(folder, name))
            if not text:
                continue
            relative = path[len(folder) + 1 :] if folder else path
            for rule in RULE.finditer(text):
                for entry in _GLOB_ENTRY.finditer(text[rule.end() : balanced_end(text, rule.end())]):
                    if entry["case"] in CASES and glob_regex(entry["glob"]).fullmatch(relative):
                        return entry["case"]
            return None  # the nearest ESLint config decides (ours is read as one text, not merged)
    return None


def folder_case(tree: ProjectTree, folder: str, suffix: str) -> str | None:
    """The convention most of the folder's `suffix` files follow (those that can only be one)."""
    names = [path for path in tree.in_folder("" if folder == "." else folder) if path.endswith(suffix)]
    while not names and folder not in ("", "."):
        folder = PurePosixPath(folder).parent.as_posix()  # a folder we create: the one it goes in
        if tree.in_folder("" if folder == "." else folder):
            names = tree.glob(suffix, under="" if folder == "." else folder)
            break
    votes: Counter[str] = Counter()
    for path in names:
        stem = PurePosixPath(path).name.split(".")[0]  # `button.test.tsx`: its middle extension aside
        case = next((case for case, pattern in _EVIDENCE if pattern.fullmatch(stem)), None)
        if case is not None:
            votes[case] += 1
    if not votes:
        return None
    (best, count), *rest = votes.most_common(2)
    return best if not rest or rest[0][1] < count else None
