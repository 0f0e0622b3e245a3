"""Planning a Sinatra app's token endpoint: a `get` route (templates/sinatra/intercom_jwt.rb) after the
app's last route (inside the class for a modular app), `require "json"` / `require "jwt"`, the jwt
gem, the secret, and the adapter step when no signed-in user was found."""

import textwrap
from posixpath import normpath

from ast_grep_py import SgNode

from intercom_wizard.astgrep import field_text
from intercom_wizard.edits import indent_unit, indentation_at, insert_lines_after, insert_lines_before
from intercom_wizard.envfile import plan_secret
from intercom_wizard.integrations import identity
from intercom_wizard.integrations.backends.ruby_common import (
    add_jwt_gem,
    add_requires,
    email_and_name,
    env_file,
    first_argument,
    method_name,
    quote_style,
    requote,
    ruby,
    ruby_level,
    string_value,
    top_level_calls,
)
from intercom_wizard.integrations.backends.sinatra.details import SinatraAuth, SinatraDetails
from intercom_wizard.integrations.backends.sinatra.detect import ROUTE_METHODS, folder_setting, sets
from intercom_wizard.integrations.base import Detection, PlanContext
from intercom_wizard.templates import render
from intercom_wizard.tree import ProjectTree, folder_of, join
from intercom_wizard.versions import gem_version

ADAPTER_HELPER = "intercom_signed_in_user"
NAME_READERS = ":name, :full_name, :display_name, :username"


def plan(context: PlanContext, detection: Detection[SinatraDetails]) -> None:
    tree, builder = context.tree, context.builder
    details = detection.details
    app_file = details.entry_file
    source = tree.read(app_file)
    quote = quote_style([source.text])
    add_requires(context, app_file, ["json", "jwt"], "loads the JWT library for the token route")
    # Hash#compact only exists from Ruby 2.4 (and a Sinatra app has no ActiveSupport to add it).
    hash_compact = not _ruby_before(tree, detection.root, 2, 4)
    route = requote(_route_source(str(context.options.endpoint), details.auth, hash_compact=hash_compact), quote)
    route_file = _add_route(context, detection, route)
    add_jwt_gem(context, details.gemfile, before_ruby_2_5=_ruby_before(tree, detection.root, 2, 5))
    plan_secret(context, env_file(tree, detection.root, details.gemfile))
    if details.auth.kind == "none":
        after = next((c.after for c in builder.changes() if c.path == route_file), None)
        if after is not None and ADAPTER_HELPER in after:
            identity.adapter_step(
                builder,
                route_file,
                after,
                ADAPTER_HELPER,
                details.auth.reason,
                requote(render("sinatra/user_adapter.rb").split("\n", 1)[1].strip(), quote),
                details.auth.rejected,
            )
        else:  # the route itself is a manual step (its snippet holds the helper): say why it fails closed
            builder.note(f"The token route fails closed until {ADAPTER_HELPER} returns the signed-in user: {details.auth.reason}.", "warning")
    for setting in ("public_folder", "views"):
        if sets(ruby(source.text), setting) and folder_setting(ruby(source.text), setting) is None:
            builder.note(
                f"{app_file} sets its own :{setting}; the wizard used Sinatra's default folder. "
                "Move intercom-messenger.js / the script tag if they belong elsewhere.",
                "warning",
            )


def _ruby_before(tree: ProjectTree, root: str, *release: int) -> bool:
    """The app's Ruby is older than `release`: declared so, or not declared beside a Sinatra 1.x, whose
    apps ran on the Ruby of their years (2.0-2.3); the older form runs on every newer Ruby too."""
    level = ruby_level(tree, root)
    if level is not None:
        return level.below(*release)
    sinatra = gem_version(tree, root, "sinatra")
    return sinatra is not None and sinatra.below(2, 0)


def _route_source(endpoint: str, auth: SinatraAuth, *, hash_compact: bool = True) -> str:
    adapter = ""
    if auth.kind == "helper":
        user = "current_user"
    elif auth.kind == "filter" and auth.key is not None:
        user = auth.key  # the app's `before` filter has set it when this route runs
    elif auth.kind == "session" and auth.signed_in is not None:
        # The id outlives the app's sign-out, which clears only a flag: require it as the pages do
        # (a ternary: `false` from `&&` is not `nil`, and the route's 401 test asks `user.nil?`).
        user = f"session[:{auth.key}] && {auth.signed_in} ? {{ id: session[:{auth.key}] }} : nil"
    elif auth.kind == "session":
        user = f"session[:{auth.key}] && {{ id: session[:{auth.key}] }}"
    else:
        user = ADAPTER_HELPER
        adapter = render("sinatra/user_adapter_stub.rb").strip() + "\n\n"
    reader = "user[:{}]" if auth.access == "index" else "user.{}"
    lookup = ""
    if auth.fields is None and auth.kind in ("helper", "filter"):
        # The model is not certain: read email and name at run time, from a Hash or any object.
        email_claim, name_claim = "    email: read.call(:email),", f"    name: read.call({NAME_READERS}),"
        lookup = render("sinatra/reader_lambda.rb").rstrip("\n")
    else:
        email, name = email_and_name(set(auth.fields) if auth.fields else None)
        email_claim = f"    email: {reader.format(email)}," if email else ""
        name_claim = f"    name: {reader.format(name)}," if name else ""
    route = render(
        "sinatra/intercom_jwt.rb",
        {"hash_compact": "yes" if hash_compact else "no"},
        endpoint=endpoint,
        user=user,
        user_id=reader.format("id"),
        reader=lookup,
        email_claim=email_claim,
        name_claim=name_claim,
    )
    if auth.kind == "session" and auth.signed_in is not None:
        why = textwrap.wrap(f"Signed in only while {auth.signed_in} holds: {auth.signed_in_reason}.", 96)
        route = route.replace("\n  user = ", "".join(f"\n  # {line}" for line in why) + "\n  user = ", 1)
    return adapter + route


def _routes(statements: list[SgNode]) -> list[SgNode]:
    return [
        s
        for s in statements
        if s.kind() == "call" and method_name(s) in ROUTE_METHODS and s.field("block") is not None and s.field("receiver") is None
    ]


def _add_route(context: PlanContext, detection: Detection[SinatraDetails], route: str) -> str:
    """Insert the route after the app's last route; the file it went to (or the manual step names)."""
    tree, builder = context.tree, context.builder
    app_file = detection.details.entry_file
    source = tree.read(app_file)
    root = ruby(source.text)
    reason = "adds the token route"
    if detection.details.style == "modular":
        klass = next(k for k in root.find_all(kind="class") if field_text(k, "name") == detection.details.class_name)
        body = klass.field("body")
        statements = body.children() if body is not None else []
        routes = _routes(statements)
        if routes:
            anchor = routes[-1]
            indent = indentation_at(source.text, anchor.range().start.index)
            builder.insert(app_file, [insert_lines_after(source, anchor.range().end.index, "\n" + route, indent)], reason)
            return app_file
        end = klass.children()[-1]
        indent = indentation_at(source.text, klass.range().start.index) + indent_unit(source.text)
        builder.insert(app_file, [insert_lines_before(source, end.range().start.index, route, indent)], reason)
        return app_file
    routes = _routes(root.children())
    if not routes:
        # The entry file only loads the routes (`require_relative 'routes/users'`): the token route joins
        # the loaded file with the most of them.
        loaded = [(path, _routes(ruby(tree.text(path)).children())) for path in _loaded_files(tree, app_file, root)]
        app_file, routes = max(loaded, key=lambda entry: len(entry[1]), default=(app_file, []))
        source = tree.read(app_file)
    if routes:
        builder.insert(app_file, [insert_lines_after(source, routes[-1].range().end.index, "\n" + route, "")], reason)
        return app_file
    app_file = detection.details.entry_file
    builder.manual(app_file, "Add this route where the app defines its routes:", route)
    return app_file


def _loaded_files(tree: ProjectTree, app_file: str, root: SgNode) -> list[str]:
    """The project files a file loads at its top level: `require_relative "x"`, `require "./x"`."""
    found = []
    for call in top_level_calls(root, "require_relative", "require"):
        target = string_value(first_argument(call))
        if target is None or (method_name(call) == "require" and not target.startswith("./")):
            continue
        path = normpath(join(folder_of(app_file), target if target.endswith(".rb") else f"{target}.rb"))
        if not path.startswith("../") and tree.exists(path):
            found.append(path)
    return found
