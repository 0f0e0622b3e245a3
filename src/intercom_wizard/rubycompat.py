"""Ruby newer than the project's Ruby, found in a file the wizard writes.

`ruby -c` checks syntax with the machine's Ruby (3.x here), which accepts everything an old Ruby
rejects; so the output check also looks, on ast-grep's Ruby tree (its grammar is version-agnostic),
for syntax and core methods that need a newer Ruby than the project declares:

- syntax: safe navigation `&.` (2.3), numbered block parameters `_1` (2.7), endless methods
  `def sq(x) = x * x` (3.0), hash shorthand `{x:}` (3.1);
- core methods with a name no older class has: `dig` (2.3), `transform_values` (2.4),
  `transform_keys`, `yield_self` (2.5), `then` (2.6), `filter_map` (2.7); and `compact` called on
  a hash literal (Hash#compact, 2.4; Array#compact is older, so only a literal receiver counts).

ActiveSupport defines Hash#compact, `transform_keys` and `transform_values` for older Rubies
(Rails 4.x/5.x), so in a project that has it (the caller decides) those three are not problems.
No Ruby older than 3.1 runs on this machine: this table is what stands for an old Ruby's parser.
"""

import re

from ast_grep_py import SgNode

from intercom_wizard.astgrep import field_text
from intercom_wizard.edits import parse
from intercom_wizard.versions import Release

Needs = tuple[str, Release]
# Core methods by the Ruby that introduced them; the names are unambiguous (no older class has one).
CORE_METHODS: dict[str, Needs] = {
    "dig": ("Hash#dig / Array#dig", (2, 3, 0)),
    "transform_values": ("Hash#transform_values", (2, 4, 0)),
    "transform_keys": ("Hash#transform_keys", (2, 5, 0)),
    "yield_self": ("Kernel#yield_self", (2, 5, 0)),
    "then": ("Kernel#then", (2, 6, 0)),
    "filter_map": ("Enumerable#filter_map", (2, 7, 0)),
}
HASH_COMPACT: Needs = ("Hash#compact", (2, 4, 0))
ACTIVE_SUPPORT_ADDS = frozenset({"transform_values", "transform_keys", "compact"})
NUMBERED_PARAMETER = re.compile(r"_[1-9]")


def newer_ruby(text: str, level: Release, *, active_support: bool) -> list[str]:
    """Each use of syntax or a core method that needs a newer Ruby than `level`, with its line."""
    root = parse(text, "ruby")
    found: list[tuple[SgNode, Needs]] = []
    for call in root.find_all(kind="call"):
        method = field_text(call, "method")
        if any(child.kind() == "&." for child in call.children()):
            found.append((call, ("safe navigation (&.)", (2, 3, 0))))
        if method is None or (active_support and method in ACTIVE_SUPPORT_ADDS):
            continue
        if method in CORE_METHODS:
            found.append((call, CORE_METHODS[method]))
        elif method == "compact" and (receiver := call.field("receiver")) is not None and receiver.kind() == "hash":
            found.append((call, HASH_COMPACT))
    for definition in root.find_all(kind="method"):
        if any(child.kind() == "=" for child in definition.children()):
            found.append((definition, ("an endless method (def name(...) = ...)", (3, 0, 0))))
    for pair in root.find_all(kind="pair"):
        if len([child for child in pair.children() if child.is_named()]) == 1 and pair.children()[-1].kind() == ":":
            found.append((pair, ("hash shorthand ({key:})", (3, 1, 0))))
    for block in (*root.find_all(kind="block"), *root.find_all(kind="do_block")):
        if block.field("parameters") is None and any(NUMBERED_PARAMETER.fullmatch(identifier.text()) for identifier in block.find_all(kind="identifier")):
            found.append((block, ("a numbered block parameter (_1)", (2, 7, 0))))
    shown = ".".join(str(part) for part in level)
    return [
        f"line {node.range().start.line + 1}: {what} needs Ruby {needs[0]}.{needs[1]} (the project declares {shown})"
        for node, (what, needs) in sorted(found, key=lambda entry: entry[0].range().start.index)
        if level < needs
    ]
