"""Finding a Rails app: `config/application.rb` defining a `Rails::Application` beside a Gemfile with
rails, its version, and who signs in (auth.py)."""

import re

from ast_grep_py import SgNode

from intercom_wizard.astgrep import field_text
from intercom_wizard.integrations.backends.rails.auth import auth_style
from intercom_wizard.integrations.backends.rails.details import RailsDetails
from intercom_wizard.integrations.backends.ruby_common import first_argument, gem_names, method_name, ruby, string_value
from intercom_wizard.integrations.base import Detection
from intercom_wizard.tree import ProjectTree, folder_of, join

NAME = "rails"


def detect(tree: ProjectTree) -> list[Detection[RailsDetails]]:
    found = []
    for application in tree.named("application.rb"):
        config = folder_of(application)
        if config.rpartition("/")[2] != "config":
            continue
        root = folder_of(config)
        gemfile = join(root, "Gemfile")
        if not tree.exists(gemfile) or not gem_names(tree, gemfile) & {"rails", "railties"}:
            continue
        app_class = _application_class(tree.text(application))
        if app_class is None:
            continue
        auth = auth_style(tree, root)
        details = RailsDetails(
            sign_in=None if auth.kind == "none" else auth.kind,
            gemfile=gemfile,
            version=_rails_version(tree, root, application),
            auth=auth,
        )
        evidence = (f"{gemfile}: gem rails", f"{application}: {app_class.text().splitlines()[0]}")
        found.append(Detection(NAME, "backend", root, evidence, details))
    return found


def _application_class(text: str) -> SgNode | None:
    for klass in ruby(text).find_all(kind="class"):
        superclass = field_text(klass, "superclass")
        if superclass is not None and superclass.lstrip("< ").strip() == "Rails::Application":
            return klass
    return None


def _rails_version(tree: ProjectTree, root: str, application: str) -> tuple[int, ...] | None:
    """The Rails version: locked in Gemfile.lock, else required in the Gemfile, else config.load_defaults."""
    lock = join(root, "Gemfile.lock")
    if tree.exists(lock):
        for line in tree.text(lock).splitlines():
            if line.startswith("    rails (") or line.startswith("    railties ("):
                return _numbers(line.split("(", 1)[1])
    for call in ruby(tree.text(join(root, "Gemfile"))).find_all(kind="call"):
        arguments_node = call.field("arguments")
        if method_name(call) == "gem" and arguments_node is not None and string_value(first_argument(call)) in ("rails", "railties"):
            arguments = [a for a in arguments_node.children() if a.kind() == "string"][1:]
            if arguments:
                return _numbers(string_value(arguments[0]) or "")
    for call in ruby(tree.text(application)).find_all(kind="call"):
        defaults = first_argument(call)
        if method_name(call) == "load_defaults" and defaults is not None:
            return _numbers(defaults.text())
    return None


def _numbers(text: str) -> tuple[int, ...] | None:
    digits = re.search(r"\d+(\.\d+)*", text)  # a version string, not source code
    return tuple(int(part) for part in digits.group(0).split(".")) if digits else None
