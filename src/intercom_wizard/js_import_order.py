"""Where an import we add goes among a JavaScript/TypeScript file's own imports (issue 13).

The project's order decides: ESLint's `import/order` (its `groups`, `pathGroups`, `alphabetize`,
`newlines-between`; an alias its resolver resolves, such as tsconfig's `@/*` under
eslint-import-resolver-typescript, is "internal": `internal_prefixes`, filled by js_project_order.py)
or `simple-import-sort` (side effects, node:, packages, other such as `@/`, relative; sorted, groups
apart), else the file's own grouping (packages, then aliases such as `@/`/`~/`, then relative paths,
in the order the file already has them; blank lines between groups kept; alphabetical within a group
only when that group already is). A file whose imports follow no such order keeps the old rule: after
its last import.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cmp_to_key
from typing import Any

from ast_grep_py import SgNode

from intercom_wizard.edits import parse

# eslint-plugin-import's default `groups`; types it leaves out ("internal", "unknown"...) come last.
IMPORT_ORDER_DEFAULT_GROUPS: tuple[tuple[str, ...], ...] = (("builtin",), ("external",), ("parent",), ("sibling",), ("index",))
# A file's own grouping, by default: packages, aliases, relative paths.
COARSE = {"builtin": "package", "external": "package", "internal": "alias", "unknown": "alias",
          "parent": "relative", "sibling": "relative", "index": "relative"}  # fmt: skip
COARSE_ORDER = ("package", "alias", "relative")
NODE_BUILTINS = frozenset(
    "assert buffer child_process crypto dns events fs http http2 https module net os path process querystring "
    "readline stream string_decoder timers tls tty url util v8 vm worker_threads zlib".split()
)


@dataclass(frozen=True)
class ImportOrder:
    """How the project orders imports: a rank per import, sorted within a rank or not, groups apart or not."""

    source: str  # "import/order", "simple-import-sort", "file"
    groups: tuple[tuple[str, ...], ...] = IMPORT_ORDER_DEFAULT_GROUPS
    alphabetize: bool = False
    separated: bool = False
    internal_regex: str | None = None  # eslint-plugin-import's `import/internal-regex` setting (e.g. "^@/")
    internal_prefixes: tuple[str, ...] = ()  # aliases the project's resolver resolves to its own files ("@")
    path_groups: tuple[PathGroup, ...] = ()
    path_groups_excluded: tuple[str, ...] = ("builtin", "external", "object")  # `pathGroupsExcludedImportTypes`

    def rank(self, specifier: str, side_effect: bool) -> int:
        if self.source == "simple-import-sort":
            if side_effect:
                return 0
            if specifier.startswith("node:"):
                return 1
            if re.match(r"^@?\w", specifier):
                return 2
            return 4 if specifier.startswith(".") else 3
        internal = _matches(self.internal_regex, specifier) or any(specifier.startswith(f"{prefix}/") for prefix in self.internal_prefixes)
        kind = "internal" if internal else specifier_kind(specifier)
        if self.source == "file":
            kind = COARSE[kind]
        offset = 0
        if kind not in self.path_groups_excluded:
            # eslint-plugin-import: the first pathGroup whose pattern matches decides; `position` puts it
            # just before or after that group's other imports (a distinct group of its own).
            for index, path_group in enumerate(self.path_groups):
                if path_group.matches(specifier):
                    kind = path_group.group
                    offset = {"before": index - len(self.path_groups), "after": index + 1}.get(path_group.position or "", 0)
                    break
        group = next((index for index, group in enumerate(self.groups) if kind in group), len(self.groups))
        return group * GROUP_STRIDE + offset


GROUP_STRIDE = 1000  # room for pathGroups positioned before/after a group between two groups' ranks


@dataclass(frozen=True)
class PathGroup:
    """One of import/order's `pathGroups`: imports whose specifier matches `pattern` (minimatch) rank with `group`."""

    pattern: str
    group: str
    position: str | None = None  # "before" / "after" the group's other imports

    def matches(self, specifier: str) -> bool:
        return glob_regex(self.pattern).fullmatch(specifier) is not None


def _matches(pattern: str | None, specifier: str) -> bool:
    try:
        return pattern is not None and re.search(pattern, specifier) is not None
    except re.error:  # a JavaScript-only regex feature: no opinion
        return False


def specifier_kind(specifier: str) -> str:
    """eslint-plugin-import's import type for a module specifier that no resolver has looked up."""
    if specifier.startswith("node:") or specifier.split("/")[0] in NODE_BUILTINS:
        return "builtin"
    if specifier in (".", "./") or re.fullmatch(r"\./index(\.[cm]?[jt]sx?)?", specifier):
        return "index"
    if specifier == ".." or specifier.startswith("../"):
        return "parent"
    if specifier.startswith("./"):
        return "sibling"
    if re.match(r"^(@[^/]+/[^/]+|\w)", specifier):
        return "external"
    return "unknown"  # `@/`, `~/`, `#x`: aliases eslint-plugin-import cannot tell apart without a resolver


def order_from_lint(lint: str) -> ImportOrder | None:
    """The ESLint config's import order rule, if one is switched on."""
    if re.search(r"['\"]simple-import-sort/imports['\"]\s*:\s*\[?\s*['\"]?(error|warn|2|1)\b", lint):
        return ImportOrder("simple-import-sort", alphabetize=True, separated=True)
    rule = re.search(r"['\"]import(?:-x)?/order['\"]\s*:\s*(\[?)\s*['\"]?(error|warn|2|1)\b['\"]?\s*(,\s*\{)?", lint)
    if rule is None:
        return None
    # Only `["error", { ...options }]`: a bare severity has no options (the text after it is another rule).
    options = lint[rule.end() - 1 : balanced_end(lint, rule.end() - 1)] if rule.group(1) and rule.group(3) else ""
    groups = IMPORT_ORDER_DEFAULT_GROUPS
    found = re.search(r"['\"]?groups['\"]?\s*:\s*\[", options)
    if found:
        start = found.end() - 1
        try:
            raw = json.loads(re.sub(r",\s*]", "]", options[start : balanced_end(options, start)].replace("'", '"')))
            groups = tuple((item,) if isinstance(item, str) else tuple(item) for item in raw)
        except ValueError:
            return None  # a computed groups list: no opinion rather than a wrong one
    alphabetize = re.search(r"alphabetize['\"]?\s*:\s*\{[^}]*order['\"]?\s*:\s*['\"]asc['\"]", options) is not None
    separated = re.search(r"['\"]newlines-between['\"]\s*:\s*['\"]always['\"]", options) is not None
    internal = re.search(r"['\"]import(?:-x)?/internal-regex['\"]\s*:\s*['\"]([^'\"]+)['\"]", lint)
    regex = internal.group(1).replace("\\\\", "\\") if internal else None
    excluded = re.search(r"['\"]?pathGroupsExcludedImportTypes['\"]?\s*:\s*\[([^\]]*)\]", options)
    return ImportOrder(
        "import/order", groups=groups, alphabetize=alphabetize, separated=separated, internal_regex=regex, path_groups=_path_groups(options),
        **({"path_groups_excluded": tuple(re.findall(r"['\"]([\w-]+)['\"]", excluded.group(1)))} if excluded else {}),
    )


def _path_groups(options: str) -> tuple[PathGroup, ...]:
    """import/order's `pathGroups: [{ pattern: '@/**', group: 'internal', position: 'after' }, ...]`."""
    found = re.search(r"['\"]?pathGroups['\"]?\s*:\s*\[", options)
    if found is None:
        return ()
    block = options[found.end() - 1 : balanced_end(options, found.end() - 1)]
    groups = []
    for entry in re.findall(r"\{[^{}]*\}", block):
        values = dict(re.findall(r"['\"]?(pattern|group|position)['\"]?\s*:\s*['\"]([^'\"]+)['\"]", entry))
        if "pattern" in values and "group" in values:
            groups.append(PathGroup(values["pattern"], values["group"], values.get("position")))
    return tuple(groups)


def glob_regex(pattern: str) -> re.Pattern[str]:
    """A minimatch/micromatch glob as a regular expression: `**`, `*`, `?`, `{a,b}`, `!(x)`, `@(x|y)`."""
    return re.compile(_glob_body(pattern))


def _glob_body(pattern: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**/", index):
            out.append("(?:[^/]*/)*")
            index += 3
            continue
        if pattern.startswith("**", index):
            out.append(".*")
            index += 2
            continue
        if char in "!@+*?" and pattern.startswith("(", index + 1):  # extglob: !(a|b), @(a|b), +(a), *(a), ?(a)
            end = balanced_end(pattern, index + 1)
            inner = "|".join(_glob_body(part) for part in pattern[index + 2 : end - 1].split("|"))
            out.append({"!": f"(?!(?:{inner})(?:/|$))[^/]*", "@": f"(?:{inner})", "+": f"(?:{inner})+",
                        "*": f"(?:{inner})*", "?": f"(?:{inner})?"}[char])  # fmt: skip
            index = end
            continue
        if char == "{":
            end = balanced_end(pattern, index)
            out.append("(?:" + "|".join(_glob_body(part) for part in pattern[index + 1 : end - 1].split(",")) + ")")
            index = end
            continue
        out.append({"*": "[^/]*", "?": "[^/]"}.get(char, re.escape(char)))
        index += 1
    return "".join(out)


def balanced_end(text: str, start: int) -> int:
    """The offset just past the bracket that closes the one at `start` (len(text) if it never closes)."""
    if start < 0:
        return 0
    depth = 0
    for index in range(start, len(text)):
        if text[index] in "[{(":
            depth += 1
        elif text[index] in "]})":
            depth -= 1
            if depth == 0:
                return index + 1
    return len(text)


@dataclass(frozen=True)
class _Import:
    """One import statement of a module, with the specifier it imports."""

    node: SgNode
    specifier: str
    side_effect: bool


@dataclass(frozen=True)
class Placement:
    """Put the statement after `after` (a node) or before `before`; `blank_before`/`blank_after` open a group."""

    after: SgNode | None
    before: SgNode | None
    blank_before: bool = False
    blank_after: bool = False


def place_import(root: SgNode, text: str, statement: str, language: str, order: ImportOrder | None) -> Placement | None:
    """Where `statement` goes among the top-level imports under `root`, or None for "after the last import"."""
    ours = _imports(parse(statement, language))
    imports = _imports(root)
    if not ours or not imports or any(_is_require(child) for child in root.children()):
        return None
    new = ours[0]
    if order is None:
        order = _order_from_file(imports, text)
        if order is None:
            return None
    if new.side_effect and order.source != "simple-import-sort":
        return None  # import/order leaves unassigned imports where they are; so do we
    ranks = _ranks(imports, order)
    rank = order.rank(new.specifier, new.side_effect)
    # A side-effect import set apart by a blank line (`import '@/styles/globals.css'` below the `@/` group) is no
    # neighbour of the group's: ours next to it would open an empty line inside the group (bulletproof _app.tsx).
    apart = {index for index in range(1, len(imports)) if imports[index].side_effect and _blank_between(imports[index - 1], imports[index], text)}
    same = [(item, r) for index, (item, r) in enumerate(zip(imports, ranks, strict=True)) if r == rank and index not in apart]
    alphabetize = order.alphabetize or (order.source == "file" and _sorted([item for item, _ in same]))
    if same:
        if alphabetize:
            ours_key = _sort_key(new.specifier, order.source)
            larger = [item for item, _ in same if _sort_key(item.specifier, order.source) > ours_key]
            if larger:
                return Placement(after=None, before=larger[0].node)
        return Placement(after=same[-1][0].node, before=None)
    separated = order.separated or (order.source == "file" and _groups_apart(imports, ranks, text))
    lower = [item for item, r in zip(imports, ranks, strict=True) if r < rank]
    if lower:
        return Placement(after=lower[-1].node, before=None, blank_before=separated)
    return Placement(after=None, before=imports[0].node, blank_after=separated)


def _blank_between(first: _Import, second: _Import, text: str) -> bool:
    return "\n\n" in text[first.node.range().end.index : second.node.range().start.index].replace("\r", "")


def _imports(root: SgNode) -> list[_Import]:
    found = []
    for child in root.children():
        if child.kind() != "import_statement":
            continue
        source = child.field("source")
        if source is None:
            continue
        side_effect = not any(c.kind() in ("import_clause", "import_require_clause") for c in child.children())
        found.append(_Import(child, source.text()[1:-1], side_effect))
    return found


def _is_require(node: SgNode) -> bool:
    return node.kind() in ("lexical_declaration", "variable_declaration") and node.find(pattern="require($$$)") is not None


def _ranks(imports: list[_Import], order: ImportOrder) -> list[int]:
    """Each import's rank; under import/order or a file's own grouping a side-effect import (CSS, a
    polyfill) is left where it is, so it counts as part of the group before it."""
    ranks: list[int] = []
    for item in imports:
        if item.side_effect and order.source != "simple-import-sort":
            ranks.append(ranks[-1] if ranks else -1)
        else:
            ranks.append(order.rank(item.specifier, item.side_effect))
    return ranks


def _order_from_file(imports: list[_Import], text: str) -> ImportOrder | None:
    """The file's own grouping, if each kind (packages, aliases, relative) sits in one run; else None."""
    kinds = [COARSE[specifier_kind(item.specifier)] for item in imports if not item.side_effect]
    runs = [kind for index, kind in enumerate(kinds) if index == 0 or kinds[index - 1] != kind]
    if len(runs) != len(set(runs)):
        return None  # the kinds are interleaved: the file keeps no such order
    present = list(dict.fromkeys(runs))
    absent = [kind for kind in COARSE_ORDER if kind not in present]
    for kind in absent:  # a kind the file lacks goes where the usual order puts it among the others
        later = [present.index(other) for other in COARSE_ORDER[COARSE_ORDER.index(kind) + 1 :] if other in present]
        present.insert(min(later) if later else len(present), kind)
    return ImportOrder("file", groups=tuple((kind,) for kind in present))


def _sorted(group: list[_Import]) -> bool:
    named = [_sort_key(item.specifier, "file") for item in group if not item.side_effect]
    return len(named) >= 2 and named == sorted(named)


def _sort_key(specifier: str, source: str) -> Any:
    """How the rule sorts within a group: import/order compares path segments (case-sensitive, its
    default), its first `.`/`..` segments aside; simple-import-sort and a file's own order compare
    case-insensitively with deeper parent folders (`../../`) first."""
    if source == "import/order":
        return cmp_to_key(_import_order_compare)(specifier)
    return (-specifier.count("../"), specifier.lower())


def _import_order_compare(first: str, second: str) -> int:
    """eslint-plugin-import's alphabetize comparison (`order: "asc"`)."""
    if "/" not in first and "/" not in second:
        return (first > second) - (first < second)
    a, b = first.split("/"), second.split("/")
    for index in range(min(len(a), len(b))):
        if index == 0 and a[0] in (".", "..") and b[0] in (".", ".."):
            if a[0] != b[0]:
                break
            continue
        if a[index] != b[index]:
            return -1 if a[index] < b[index] else 1
    return (len(a) > len(b)) - (len(a) < len(b))


def _groups_apart(imports: list[_Import], ranks: list[int], text: str) -> bool:
    """Whether the file puts a blank line between its import groups (and between those only)."""
    boundaries = [
        "\n\n" in text[imports[index - 1].node.range().end.index : imports[index].node.range().start.index].replace("\r", "")
        for index in range(1, len(imports))
        if ranks[index] != ranks[index - 1]
    ]
    return bool(boundaries) and all(boundaries)


def arrange_imports(text: str, language: str, order: ImportOrder) -> str:
    """A file we create, its leading import block laid out in the configured order (groups in rank
    order, sorted within a group if the rule sorts, a blank line between groups if it wants one).
    Unchanged when the block holds comments or, under import/order, a side-effect import (which the
    rule leaves where it is)."""
    children = parse(text, language).children()
    first = next((index for index, child in enumerate(children) if child.kind() == "import_statement"), None)
    if first is None:
        return text
    block = []
    for child in children[first:]:
        if child.kind() != "import_statement":
            break
        block.append(child)
    imports = _imports(parse(text[block[0].range().start.index : block[-1].range().end.index], language))
    if len(imports) < 2 or len(imports) != len(block):
        return text
    if any(item.side_effect for item in imports) and order.source != "simple-import-sort":
        return text

    def placement(pair: tuple[int, _Import]) -> tuple[int, Any]:
        index, item = pair
        rank = order.rank(item.specifier, item.side_effect)
        return (rank, (0, index) if item.side_effect or not order.alphabetize else (1, _sort_key(item.specifier, order.source)))

    arranged = sorted(enumerate(imports), key=placement)
    lines: list[str] = []
    previous: int | None = None
    for index, item in arranged:
        rank = order.rank(item.specifier, item.side_effect)
        if previous is not None and rank != previous and order.separated:
            lines.append("")
        lines.append(block[index].text())
        previous = rank
    return text[: block[0].range().start.index] + "\n".join(lines) + text[block[-1].range().end.index :]
