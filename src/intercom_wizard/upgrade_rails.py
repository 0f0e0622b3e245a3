"""`install --upgrade` for intercom-rails: the gem is kept and signs intercom_user_jwt itself.

intercom-rails (from 1.0.5: `config.jwt.enabled`, `config.jwt.expiry`, `config.jwt.signed_user_fields`)
renders `intercom_user_jwt` into the page instead of `user_id` and `user_hash`, signed with
`config.api_secret`, the identity verification secret it already holds; the signed fields leave the
page's settings. So the upgrade adds no endpoint and no script of ours:
- the Gemfile's intercom-rails line gets the range `"~> 1.0", ">= 1.0.5"` when it allows older releases
  (or names none), and Bundler runs;
- `config/initializers/intercom.rb` gets the JWT settings (`templates/upgrade/intercom-rails-jwt.rb`)
  before the config block's `end`, with `config.api_secret` from INTERCOM_IDENTITY_SECRET when the
  initializer does not set one; every other setting is kept.
"""

import re

from intercom_wizard.builder import PlanBuilder
from intercom_wizard.plan import DependencyChange, Insertion
from intercom_wizard.templates import render
from intercom_wizard.tree import ProjectTree
from intercom_wizard.upgrade import RAILS_GEM, RAILS_GEM_LINE, RAILS_INITIALIZER, UpgradeStep

GEM_RANGE = ("~> 1.0", ">= 1.0.5")
VERSION_ARGUMENT = re.compile(r"""\s*,\s*(["'])[~><=! ]*[0-9][^"']*\1""")
CONFIG_BLOCK = re.compile(r"^IntercomRails\.config do \|(\w+)\|\s*$", re.MULTILINE)
GEM_REASON = "intercom-rails signs intercom_user_jwt from 1.0.5 on"
JWT_REASON = "intercom-rails boots the Messenger with a signed JWT instead of user_id and user_hash"


def plan_rails(builder: PlanBuilder, tree: ProjectTree, steps: list[UpgradeStep]) -> None:
    for step in steps:
        if step.kind == RAILS_GEM and not step.action.startswith("kept"):
            _raise_gem(builder, tree, step.path)
        elif step.kind == RAILS_INITIALIZER:
            _enable_jwt(builder, tree, step.path)


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
    closing = re.search(r"^end\s*$", text[block.end() :], re.MULTILINE) if block else None
    if block is None or closing is None:
        builder.manual(initializer, "intercom-rails' `IntercomRails.config do |config| ... end` block was not found: add these lines inside it.", _settings("config", text))
        return
    at = block.end() + closing.start()
    builder.insert(initializer, [Insertion(at, source.native("\n" + _settings(block.group(1), text)))], JWT_REASON)


def _settings(variable: str, text: str) -> str:
    """The template's lines inside its config block, for the user's block variable."""
    has_secret = re.search(r"^\s*config\.api_secret\s*=", text, re.MULTILINE) is not None
    rendered = render("upgrade/intercom-rails-jwt.rb", {"api_secret": "present" if has_secret else "missing"})
    inner = rendered.splitlines(keepends=True)[2:-1]  # between `IntercomRails.config do |config|` and `end`
    return "".join(inner).replace("config.", f"{variable}.")
