"""`install --upgrade`: the replacement edits that turn a hand-written installation into ours.

The token endpoint and our script tag come from the ordinary install plan; this module adds what only
an upgrade does, each as a replacement the receipt records (so `uninstall` restores the original):
- the classic snippet's <script> blocks in a page give way to a `window.intercomMessengerSettings`
  block with the user's own settings (our script passes them to every boot), without the identifying
  attributes and user_hash, which the JWT now carries;
- the server's user_hash computation (a Flask context processor around `hmac.new`) is removed when
  nothing else uses it, with the imports only it needed.
"""

import ast
import re

from intercom_wizard.builder import PlanBuilder
from intercom_wizard.edits import line_end, line_start
from intercom_wizard.errors import AlreadyInstalled
from intercom_wizard.tree import ProjectTree
from intercom_wizard.upgrade import CLASSIC_SNIPPET, IDENTITY_SETTINGS, SETTING_KEY, USER_HASH, UpgradeStep

SCRIPT_BLOCK = re.compile(r"<script\b[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)
TEMPLATE_TAG = re.compile(r"^\s*\{%.*%\}\s*$")  # a Jinja control line such as {% if current_user.is_authenticated %}
SETTINGS_OBJECT = re.compile(r"window\.intercomSettings\s*=\s*\{(.*?)\n\s*\};", re.DOTALL)  # closed on a line of its own
SNIPPET_REASON = "replaces the classic Intercom snippet: identity now comes from a signed JWT, your settings are kept"
HASH_REASON = "removes the user_hash computation: the JWT replaces it"


def check_upgradable(steps: list[UpgradeStep]) -> None:
    unsupported = [step for step in steps if not step.supported]
    if unsupported:
        listed = "\n  ".join(str(step) for step in unsupported)
        raise AlreadyInstalled(
            f"install --upgrade cannot convert every part of this Intercom installation yet:\n  {listed}",
            hint="Convert or remove those parts by hand, then run `intercom-wizard install --upgrade` again.",
        )


def plan_upgrade(builder: PlanBuilder, tree: ProjectTree, steps: list[UpgradeStep]) -> None:
    hash_variables: set[str] = set()
    for step in steps:
        if step.kind == USER_HASH:
            hash_variables |= _plan_hash_removal(builder, tree, step, steps)
    for step in steps:
        if step.kind == CLASSIC_SNIPPET:
            _plan_snippet(builder, tree, step)
    if hash_variables:
        builder.note(
            "The user_hash secret your app read from the environment is no longer used: the token endpoint signs "
            "with INTERCOM_IDENTITY_SECRET (the identity verification secret of the Messenger Security page).",
        )


def _plan_snippet(builder: PlanBuilder, tree: ProjectTree, step: UpgradeStep) -> None:
    source = tree.read(step.path)
    text = source.text
    blocks = [m for m in SCRIPT_BLOCK.finditer(text) if "intercomSettings" in m.group(1) or "widget.intercom.io" in m.group(1)]
    replacement_made = False
    for block in blocks:
        start, end = line_start(text, block.start()), line_end(text, block.end() - 1)
        whole_lines = text[start : block.start()].strip() == "" and text[block.end() : end].strip() == ""
        if not whole_lines:
            _manual(builder, step, f"the <script> block at offset {block.start()} shares its line with other markup")
            return
        settings = SETTINGS_OBJECT.search(block.group(1))
        if settings is None:
            builder.replace(step.path, start, text[start:end], "", SNIPPET_REASON)
            continue
        kept = _kept_setting_lines(settings.group(1))
        if kept is None:
            _manual(builder, step, "window.intercomSettings holds more than one `key: value,` per line")
            return
        indent = text[start : block.start()]
        inner = indent + "  "
        new = "" if not kept else (
            f"{indent}<script>\n"
            f"{inner}// Messenger settings for intercom-messenger.js (identity comes from the signed JWT).\n"
            f"{inner}window.intercomMessengerSettings = {{\n"
            + "".join(f"{inner}  {line.strip()}\n" for line in kept)
            + f"{inner}}};\n{indent}</script>\n"
        )
        builder.replace(step.path, start, text[start:end], source.native(new), SNIPPET_REASON)
        replacement_made = True
    if not replacement_made:
        builder.note(f"{step.path}: the page had no window.intercomSettings to keep; the Messenger boots with the defaults.")


def _kept_setting_lines(body: str) -> list[str] | None:
    """The custom setting lines, or None when a line is not one setting (the wizard then does not guess)."""
    kept = []
    for line in body.splitlines():
        if not line.strip() or TEMPLATE_TAG.match(line):
            continue
        key = SETTING_KEY.match(line)
        if key is None or not line.rstrip().endswith(","):
            return None
        if key.group(1) not in IDENTITY_SETTINGS and key.group(1) != "app_id":
            kept.append(line)
    return kept


def _plan_hash_removal(builder: PlanBuilder, tree: ProjectTree, step: UpgradeStep, steps: list[UpgradeStep]) -> set[str]:
    """Remove the function that computes user_hash when it does nothing else and only the snippet reads its result."""
    source = tree.read(step.path)
    text = source.text
    module = ast.parse(text)
    function = next(
        (node for node in module.body if isinstance(node, ast.FunctionDef) and node.lineno <= step.line <= (node.end_lineno or 0)),
        None,
    )
    if function is None:
        _manual(builder, step, "hmac.new is not inside a top-level function")
        return set()
    variables = _returned_keys(function)
    if variables is None:
        _manual(builder, step, f"{function.name}() returns more than the user_hash")
        return set()
    snippet_pages = {s.path for s in steps if s.kind == CLASSIC_SNIPPET}
    readers = [
        path for path in tree.glob(".html", ".htm", ".jinja", ".j2", ".py")
        if path != step.path and path not in snippet_pages and any(v in tree.text(path) for v in variables | {function.name})
    ]
    if readers or function.name in text.replace(f"def {function.name}(", "", 1):
        _manual(builder, step, f"{function.name}() or its result is used elsewhere ({', '.join(readers) or step.path})")
        return set()
    lines = text.splitlines(keepends=True)
    first = min([function.lineno] + [d.lineno for d in function.decorator_list]) - 1
    last = function.end_lineno or function.lineno
    while last < len(lines) and not lines[last].strip():  # the blank lines that separated it from the next definition
        last += 1
    start, end = sum(map(len, lines[:first])), sum(map(len, lines[:last]))
    builder.replace(step.path, start, text[start:end], "", HASH_REASON)
    _remove_unused_imports(builder, step.path, text, module, text[:start] + text[end:])
    return variables


def _returned_keys(function: ast.FunctionDef) -> set[str] | None:
    """The template variables a context processor returns, when it returns only one (the user_hash)."""
    keys: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Dict):
            keys |= {k.value for k in node.value.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}
    return keys if len(keys) == 1 else None


def _remove_unused_imports(builder: PlanBuilder, path: str, text: str, module: ast.Module, remaining: str) -> None:
    used = {node.id for node in ast.walk(ast.parse(remaining)) if isinstance(node, ast.Name)}
    lines = text.splitlines(keepends=True)
    for node in module.body:
        if isinstance(node, ast.Import) and len(node.names) == 1 and node.names[0].asname is None:
            name = node.names[0].name
            if name in ("hmac", "hashlib") and name not in used and node.lineno == node.end_lineno:
                start = sum(map(len, lines[: node.lineno - 1]))
                builder.replace(path, start, lines[node.lineno - 1], "", HASH_REASON)


def _manual(builder: PlanBuilder, step: UpgradeStep, why: str) -> None:
    if step.kind == USER_HASH:
        builder.manual(step.path, f"{step.found} at line {step.line} was left as it is ({why}): remove it once nothing reads it.", "")
        return
    builder.manual(
        step.path,
        f"{step.found} at line {step.line} was left as it is ({why}): replace it by hand with the settings block below "
        "(our script boots with intercom_user_jwt and passes these settings on); keep user_id/email/name/user_hash out of the page.",
        "window.intercomMessengerSettings = { /* your settings, no user_id/email/name/user_hash */ };",
    )
