"""`install --upgrade`: the replacement edits that turn a hand-written installation into ours.

The token endpoint and our script tag come from the ordinary install plan; this module adds what only
an upgrade does, each as a replacement the receipt records (so `uninstall` restores the original):
- the classic snippet's <script> blocks in a page give way to a `window.intercomMessengerSettings`
  block with the user's own settings (our script passes them to every boot), without the identifying
  attributes and user_hash, which the JWT now carries;
- the server's user_hash computation (`upgrade_hash.py`: a context processor, middleware, helper,
  function or statement around the back end's HMAC call) is removed when nothing else uses it, with
  the imports only it needed.
The page may be any engine the back ends render (Jinja, Django templates, ERB, EJS, Blade, plain PHP,
static HTML): the snippet's <script> blocks are found as markup, and the engine's control lines around
the identifying settings go with them.
"""

import re
from typing import Any

from intercom_wizard.builder import PlanBuilder
from intercom_wizard.edits import line_end, line_start
from intercom_wizard.errors import AlreadyInstalled
from intercom_wizard.integrations.base import Detection, PlanContext
from intercom_wizard.tree import ProjectTree
from intercom_wizard.upgrade import CLASSIC_SNIPPET, IDENTITY_SETTINGS, SDK_BOOT, SETTING_KEY, USER_HASH, UpgradeStep
from intercom_wizard.upgrade_hash import find_removal
from intercom_wizard.upgrade_next import plan_next_token_route
from intercom_wizard.upgrade_rails import plan_rails
from intercom_wizard.upgrade_react import plan_react
from intercom_wizard.upgrade_routes import plan_route_updates
from intercom_wizard.upgrade_sign_out import plan_sdk_sign_out

SCRIPT_BLOCK = re.compile(r"<script\b[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)
# A template engine's control line around the identifying settings, dropped with them: Jinja/Django
# {% if ... %}, ERB/EJS <% if ... %> (not <%= output %>), Blade @auth/@if(...)/@endif, PHP <?php if (...): ?>.
TEMPLATE_TAG = re.compile(r"^\s*(\{%.*%\}|<%(?!=).*%>|@[a-z]+\b.*|<\?php\b.*\?>)\s*$")
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


def plan_upgrade(context: PlanContext, steps: list[UpgradeStep], frontend: Detection[Any] | None) -> None:
    builder, tree = context.builder, context.tree
    hash_variables: set[str] = set()
    for step in steps:
        if step.kind == USER_HASH:
            hash_variables |= _plan_hash_removal(builder, tree, step, steps)
    for step in steps:
        if step.kind == CLASSIC_SNIPPET:
            _plan_snippet(builder, tree, step)
    plan_react(builder, tree, steps, context.options.endpoint.path)
    if frontend is not None and frontend.name == "nextjs" and any(step.kind == SDK_BOOT for step in steps):
        plan_next_token_route(context, frontend)
    plan_route_updates(context, steps, frontend)
    plan_sdk_sign_out(context, steps)
    plan_rails(builder, tree, steps)
    if hash_variables:
        builder.note(
            "The user_hash secret your app read from the environment is no longer used: the token endpoint signs "
            "with INTERCOM_IDENTITY_SECRET (the identity verification secret of the Messenger Security page).",
        )


def _plan_snippet(builder: PlanBuilder, tree: ProjectTree, step: UpgradeStep) -> None:
    source = tree.read(step.path)
    text = source.text
    blocks = _snippet_blocks(text)
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
    """Remove the code that computes user_hash when it does nothing else and only the snippet reads its result."""
    protected = {s.path: [(b.start(), b.end()) for b in _snippet_blocks(tree.text(s.path))] for s in steps if s.kind == CLASSIC_SNIPPET}
    removal = find_removal(tree, step.path, step.line, protected)
    if isinstance(removal, str):
        _manual(builder, step, removal)
        return set()
    for path, offset, replaced in removal.edits:
        builder.replace(path, offset, replaced, "", HASH_REASON)
    return set(removal.names)


def _snippet_blocks(text: str) -> list[re.Match[str]]:
    """The page's <script> blocks of the classic snippet: its settings and its loader."""
    return [m for m in SCRIPT_BLOCK.finditer(text) if "intercomSettings" in m.group(1) or "widget.intercom.io" in m.group(1)]


def _manual(builder: PlanBuilder, step: UpgradeStep, why: str) -> None:
    if step.kind == USER_HASH:
        builder.manual(step.path, f"{step.found} at {step.path}:{step.line} was left as it is ({why}): remove it once nothing reads it.", "")
        return
    builder.manual(
        step.path,
        f"{step.found} at {step.path}:{step.line} was left as it is ({why}): replace it by hand with the settings block below "
        "(our script boots with intercom_user_jwt and passes these settings on); keep user_id/email/name/user_hash out of the page.",
        "window.intercomMessengerSettings = { /* your settings, no user_id/email/name/user_hash */ };",
    )
