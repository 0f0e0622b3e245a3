"""The secret's configuration in a Laravel app: `services.intercom.identity_secret` in
config/services.php (read with config(), which survives config:cache) and an empty
`INTERCOM_IDENTITY_SECRET=` in .env.example so every checkout knows to set it."""

from ast_grep_py import SgNode

from intercom_wizard.edits import append_lines, indent_unit, indentation_at, insert_lines_after
from intercom_wizard.envfile import SECRET_ENV
from intercom_wizard.integrations.backends.php_common import array_string_keys, parse_php
from intercom_wizard.integrations.base import PlanContext
from intercom_wizard.plan import Insertion
from intercom_wizard.tree import join


def add_service_config(context: PlanContext, root: str) -> None:
    """`'intercom' => ['identity_secret' => env(...)]` as the last entry of config/services.php."""
    tree, builder = context.tree, context.builder
    path = join(root, "config/services.php")
    entry_lines = ["'intercom' => [", "    'identity_secret' => env('INTERCOM_IDENTITY_SECRET'),", "],"]
    manual_snippet = "\n".join(entry_lines)
    if not tree.exists(path):
        builder.manual(path, "Publish config/services.php (php artisan config:publish services) and add:", manual_snippet)
        return
    source = tree.read(path)
    returned = parse_php(source.text).find(pattern="return [$$$]")
    array = returned.find(kind="array_creation_expression") if returned is not None else None
    if array is None:
        builder.manual(path, "Add this entry to the array the file returns:", manual_snippet)
        return
    if "intercom" in array_string_keys(array):
        builder.note(f"{path} already configures 'intercom'; the controller reads services.intercom.identity_secret.")
        return
    entries = [child for child in array.children() if child.kind() == "array_element_initializer"]
    if not entries:
        builder.manual(path, "Add this entry to the array the file returns:", manual_snippet)
        return
    last = entries[-1]
    indent = indentation_at(source.text, last.range().start.index)
    unit = indent_unit(source.text)
    lines = [line.replace("    ", unit, 1) if line.startswith("    ") else line for line in entry_lines]
    following = last.next()
    anchor = following if following is not None and following.kind() == "," else last
    has_comma = anchor is not last
    separator = "\n" if _blank_line_between_entries(source.text, entries) else ""
    insertions = [insert_lines_after(source, anchor.range().end.index, separator + "\n".join(lines), indent)]
    if not has_comma:
        insertions.append(Insertion(last.range().end.index, ","))
    builder.insert(path, insertions, "services.intercom.identity_secret, read from INTERCOM_IDENTITY_SECRET")


def _blank_line_between_entries(text: str, entries: list[SgNode]) -> bool:
    if len(entries) < 2:
        return True
    between = text[entries[-2].range().end.index : entries[-1].range().start.index]
    return between.count("\n") >= 2


def add_env_example(context: PlanContext, root: str) -> None:
    """Name the variable in .env.example, empty, so every checkout knows to set it."""
    path = join(root, ".env.example")
    if not context.tree.exists(path):
        return
    text = context.tree.text(path)
    if any(line.split("=", 1)[0].strip() == SECRET_ENV for line in text.splitlines()):
        return
    source = context.tree.read(path)
    blank = "" if not text.strip() or text.endswith("\n\n") else "\n"
    context.builder.insert(path, [append_lines(source, f"{blank}{SECRET_ENV}=\n")], f"names {SECRET_ENV} for other checkouts (no value)")


