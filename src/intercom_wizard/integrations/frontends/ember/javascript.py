"""The Ember templates (TypeScript) as JavaScript for JavaScript apps: `strip_types`, after removing
the TypeScript-only statements it leaves alone (`import type`, `declare` statements and fields).
"""

from intercom_wizard.edits import parse
from intercom_wizard.typescript import strip_types


def strip_ember_declarations(source: str) -> str:
    """strip_types, after removing what it leaves alone: `import type`, `declare` statements and fields."""
    root = parse(source, "typescript")
    cuts: list[tuple[int, int]] = []
    for node in root.find_all(any=[{"kind": "ambient_declaration"}, {"kind": "import_statement"}]):
        if node.kind() == "import_statement" and not any(child.kind() == "type" for child in node.children()):
            continue
        start = source.rfind("\n", 0, node.range().start.index) + 1
        end = source.find("\n", node.range().end.index)
        cuts.append((start, len(source) if end == -1 else end + 1))
    for field in root.find_all(kind="public_field_definition"):
        for child in field.children():
            if child.kind() == "declare":
                end = child.range().end.index
                cuts.append((child.range().start.index, end + 1 if source[end : end + 1] == " " else end))
    for start, end in sorted(cuts, reverse=True):
        source = source[:start] + source[end:]
    return strip_types(source).rstrip("\n") + "\n"
