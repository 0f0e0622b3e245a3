"""`install --upgrade` for intercom-rails: the gem is kept and signs intercom_user_jwt itself.

intercom-rails (from 1.0.5: `config.jwt.enabled`, `config.jwt.expiry`, `config.jwt.signed_user_fields`)
renders `intercom_user_jwt` into the page instead of `user_id` and `user_hash`, signed with
`config.api_secret`, the identity verification secret it already holds; the signed fields leave the
page's settings. So the upgrade adds no endpoint and no script of ours:
- the Gemfile's intercom-rails line gets the range `"~> 1.0", ">= 1.0.5"` when it allows older releases
  (or names none), and Bundler runs;
- `config/initializers/intercom.rb` gets the JWT settings (`templates/upgrade/intercom-rails-jwt.rb`)
  before the config block's `end`, with `config.api_secret` from INTERCOM_IDENTITY_SECRET when the
  initializer does not set one; every other setting is kept;
- sign-out gets the gem's documented shutdown when no controller calls its ShutdownHelper
  (`templates/upgrade/intercom-rails-shutdown.rb`, the README's "Shutdown" recipe): the controller whose
  `destroy` ends the session runs `prepare_intercom_shutdown(session)` after it, and ApplicationController
  runs `intercom_shutdown(session, cookies, request.domain)` after every action, which clears the
  Messenger's session cookie on the page the sign-out lands on (the README: cookies set before a
  redirect_to are not cleared, so the flag waits in the session for the next answer).
"""

import posixpath
import re

from intercom_wizard.builder import PlanBuilder
from intercom_wizard.edits import indent_unit, insert_lines_after
from intercom_wizard.plan import DependencyChange, Insertion
from intercom_wizard.templates import render
from intercom_wizard.tree import ProjectTree
from intercom_wizard.upgrade import RAILS_GEM, RAILS_GEM_LINE, RAILS_INITIALIZER, RAILS_SHUTDOWN, UpgradeStep

GEM_RANGE = ("~> 1.0", ">= 1.0.5")
VERSION_ARGUMENT = re.compile(r"""\s*,\s*(["'])[~><=! ]*[0-9][^"']*\1""")
# The block may be indented: Maybe's initializer wraps it in `if ENV["INTERCOM_APP_ID"].present? ...`.
CONFIG_BLOCK = re.compile(r"^([ \t]*)IntercomRails\.config do \|(\w+)\|[ \t]*$", re.MULTILINE)
GEM_REASON = "intercom-rails signs intercom_user_jwt from 1.0.5 on"
JWT_REASON = "intercom-rails boots the Messenger with a signed JWT instead of user_id and user_hash"
SHUTDOWN_REASON = "intercom-rails shuts the Messenger down after sign-out (ShutdownHelper)"
CLASS_LINE = r"^([ \t]*)class {name}\b[^\n]*$"


def plan_rails(builder: PlanBuilder, tree: ProjectTree, steps: list[UpgradeStep]) -> None:
    for step in steps:
        if step.kind == RAILS_GEM and not step.action.startswith("kept"):
            _raise_gem(builder, tree, step.path)
        elif step.kind == RAILS_INITIALIZER:
            _enable_jwt(builder, tree, step.path)
        elif step.kind == RAILS_SHUTDOWN:
            _add_shutdown(builder, tree, step.path)


def _raise_gem(builder: PlanBuilder, tree: ProjectTree, gemfile: str) -> None:
    text = tree.text(gemfile)
    line = RAILS_GEM_LINE.search(text)
    if line is None:
        return
    quote = '"' if '"intercom-rails"' in line.group(0) else "'"
    name_end = line.group(0).index("intercom-rails") + len("intercom-rails") + 1
    head, options = line.group(0)[:name_end], VERSION_ARGUMENT.sub("", line.group(0)[name_end:])
    versions = "".join(f", {quote}{requirement}{quote}" for requirement in GEM_RANGE)
    builder.replace(gemfile, line.start(), line.group(0), head + versions + options, GEM_REASON)
    builder.dependencies.append(DependencyChange("ruby", "intercom-rails", ", ".join(GEM_RANGE), gemfile))


def _enable_jwt(builder: PlanBuilder, tree: ProjectTree, initializer: str) -> None:
    source = tree.read(initializer)
    text = source.text
    block = CONFIG_BLOCK.search(text)
    closing = re.search(rf"^{re.escape(block.group(1))}end[ \t]*$", text[block.end() :], re.MULTILINE) if block else None
    if block is None or closing is None:
        builder.manual(initializer, "intercom-rails' `IntercomRails.config do |config| ... end` block was not found: add these lines inside it.", _settings("config", text))
        return
    at = block.end() + closing.start()
    indent = block.group(1)
    lines = "".join(indent + line if line.strip() else line for line in _settings(block.group(2), text).splitlines(keepends=True))
    builder.insert(initializer, [Insertion(at, source.native("\n" + lines))], JWT_REASON)


def _settings(variable: str, text: str) -> str:
    """The template's lines inside its config block, for the user's block variable."""
    has_secret = re.search(r"^\s*config\.api_secret\s*=", text, re.MULTILINE) is not None
    rendered = render("upgrade/intercom-rails-jwt.rb", {"api_secret": "present" if has_secret else "missing"})
    inner = rendered.splitlines(keepends=True)[2:-1]  # between `IntercomRails.config do |config|` and `end`
    return "".join(inner).replace("config.", f"{variable}.")


def _add_shutdown(builder: PlanBuilder, tree: ProjectTree, sign_out: str) -> None:
    prepare, clear = _class_bodies(render("upgrade/intercom-rails-shutdown.rb"))
    application = posixpath.join(posixpath.dirname(sign_out), "application_controller.rb")
    application = next((p for p in (application, "app/controllers/application_controller.rb") if tree.exists(p)), application)
    for path, name, lines in ((sign_out, None, prepare), (application, "ApplicationController", clear)):
        text = tree.text(path) if tree.exists(path) else ""
        found = re.search(CLASS_LINE.format(name=name or r"\w+(?:::\w+)*"), text, re.MULTILINE)
        if found is None:
            builder.manual(path, "Add these lines inside the controller's class (intercom-rails' README, \"Shutdown\"):", lines)
            continue
        indent = found.group(1) + indent_unit(text)
        builder.insert(path, [insert_lines_after(tree.read(path), found.end(), lines, indent=indent)], SHUTDOWN_REASON)


def _class_bodies(template: str) -> list[str]:
    """The lines inside each class of the template, without their indentation."""
    bodies = re.findall(r"^class [^\n]*\n(.*?)^end$", template, re.MULTILINE | re.DOTALL)
    return ["".join(line.strip() + "\n" for line in body.splitlines()) for body in bodies]
