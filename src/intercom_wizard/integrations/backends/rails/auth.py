"""Who is signed in to a Rails app: Devise, Rails 8's authentication generator, a CurrentAttributes
user, the app's own `current_user`, or an instance variable a before_action fills in; plus the
sign-in filters the token controller must skip and the users table's columns."""

import re

from ast_grep_py import SgNode

from intercom_wizard.astgrep import field_text
from intercom_wizard.integrations.backends.rails.details import RailsAuth
from intercom_wizard.integrations.backends.ruby_common import first_argument, gem_names, method_name, ruby, string_value
from intercom_wizard.tree import ProjectTree, join

# A filter in ApplicationController with one of these words in its name signs people in (or
# sends them to the sign-in page); the token endpoint skips it and answers 401 itself.
SIGN_IN_FILTER_WORDS = ("authenticat", "login", "logged_in", "signed_in", "sign_in", "require_user", "require_session")


def auth_style(tree: ProjectTree, root: str) -> RailsAuth:
    gems = gem_names(tree, join(root, "Gemfile"))
    filters = _sign_in_filters(tree, root)
    controllers = {path: ruby(tree.text(path)) for path in tree.glob(".rb", under=join(root, "app/controllers"))}
    if "devise" in gems:
        scopes = _devise_scopes(tree, root)
        scope = scopes[0] if scopes else "user"
        fields = _columns(tree, root, scope + "s")
        # An app's own `current_user` (a guest user, a decorator) would make Devise's `user_signed_in?` lie.
        overridden = next((path for path, source in controllers.items() if _defines(source, f"current_{scope}")), None)
        return RailsAuth(kind="devise", scope=scope, other_scopes=tuple(scopes[1:]), filters=filters, fields=fields, overridden=overridden)
    for source in controllers.values():
        # Rails 8's generator: a concern (any file name) with these methods, Current.session set by resume_session.
        methods = {field_text(m, "name") for m in source.find_all(kind="method")}
        if {"require_authentication", "authenticated?"} <= methods:
            return RailsAuth(kind="rails-authentication", fields=_columns(tree, root, "users"))
    current = _current_attributes_user(tree, root, controllers)
    if current is not None:
        return RailsAuth(kind="current-attributes", file=current, fields=_columns(tree, root, "users"))
    for path, source in controllers.items():
        if _defines(source, "current_user"):
            helper = any(
                method_name(call) == "helper_method" and "current_user" in [string_value(a) for a in _arguments(call)]
                for call in source.find_all(kind="call")
            )
            setter = _instance_variable_setter(controllers, "@current_user")
            kept = tuple(name for name in filters if name != setter)  # the filter that finds the user must run
            return RailsAuth(kind="current_user", file=path, helper=helper, filters=kept, fields=_columns(tree, root, "users"))
    for variable in ("@current_user", "@user"):
        setter = _instance_variable_setter(controllers, variable)
        if setter is not None:
            kept = tuple(name for name in filters if name != setter)
            return RailsAuth(kind="instance-variable", variable=variable, setter=setter, filters=kept, fields=_columns(tree, root, "users"))
    return RailsAuth(kind="none", filters=filters)


def _defines(source: SgNode, name: str) -> bool:
    """`def name` or `attr_reader :name` (an API's `@current_user` exposed by a reader)."""
    if any(field_text(m, "name") == name for m in source.find_all(kind="method")):
        return True
    return any(
        method_name(call) == "attr_reader" and f":{name}" in [a.text() for a in _arguments(call)]
        for call in source.find_all(kind="call")
    )


def _current_attributes_user(tree: ProjectTree, root: str, controllers: dict[str, SgNode]) -> str | None:
    """`Current.user` from an ActiveSupport::CurrentAttributes model that a controller filter fills in."""
    model = join(root, "app/models/current.rb")
    if not tree.exists(model) or "CurrentAttributes" not in tree.text(model):
        return None
    text = tree.text(model)
    if not re.search(r"attribute\b[^\n]*:user\b|def user\b|delegate\b[^\n]*:user\b", text):
        return None
    for path, source in controllers.items():
        if any(re.match(r"Current\.(session|user)\s*=", a.text()) for a in source.find_all(kind="assignment")):
            return path
    return None


def _instance_variable_setter(controllers: dict[str, SgNode], variable: str) -> str | None:
    """The before_action method (ApplicationController or a concern it includes) that assigns `variable`."""
    registered = {
        argument.text().lstrip(":")
        for source in controllers.values()
        for call in source.find_all(kind="call")
        if method_name(call) in ("before_action", "prepend_before_action") and call.field("receiver") is None
        for argument in _arguments(call)
        if argument.kind() == "simple_symbol"
    }
    for source in controllers.values():
        for method in source.find_all(kind="method"):
            name = field_text(method, "name")
            if name in registered and any(a.text().startswith(f"{variable} =") for a in method.find_all(kind="assignment")):
                return name
    return None


def _arguments(call: SgNode) -> list[SgNode]:
    arguments = call.field("arguments")
    return [a for a in arguments.children() if a.is_named()] if arguments is not None else []


def _sign_in_filters(tree: ProjectTree, root: str) -> tuple[str, ...]:
    """`before_action :name` filters of ApplicationController that keep signed-out visitors out."""
    path = join(root, "app/controllers/application_controller.rb")
    if not tree.exists(path):
        return ()
    names = []
    for call in ruby(tree.text(path)).find_all(kind="call"):
        if method_name(call) not in ("before_action", "before_filter") or call.field("receiver") is not None:
            continue
        for argument in _arguments(call):
            if argument.kind() == "simple_symbol":
                name = argument.text().lstrip(":")
                if any(word in name for word in SIGN_IN_FILTER_WORDS):
                    names.append(name)
    return tuple(names)


def _devise_scopes(tree: ProjectTree, root: str) -> list[str]:
    routes = join(root, "config/routes.rb")
    if not tree.exists(routes):
        return []
    scopes = []
    for call in ruby(tree.text(routes)).find_all(kind="call"):
        if method_name(call) == "devise_for":
            resource = string_value(first_argument(call))
            if resource:
                scopes.append(_singular(resource))
    return scopes


def _singular(plural: str) -> str:
    if plural.endswith("ies"):
        return plural[:-3] + "y"
    return plural[:-1] if plural.endswith("s") else plural


def _columns(tree: ProjectTree, root: str, table: str) -> tuple[str, ...] | None:
    """The table's columns as db/schema.rb declares them (`t.string "email"`), or None."""
    schema = join(root, "db/schema.rb")
    if not tree.exists(schema):
        return None
    for call in ruby(tree.text(schema)).find_all(kind="call"):
        if method_name(call) != "create_table" or string_value(first_argument(call)) != table:
            continue
        block = call.field("block")
        if block is None:
            return None
        columns = {"id"}
        for column in block.find_all(kind="call"):
            receiver = column.field("receiver")
            if receiver is None or receiver.kind() != "identifier":
                continue
            if method_name(column) == "timestamps":
                columns |= {"created_at", "updated_at"}
            elif method_name(column) not in ("index", "references", "belongs_to") and (name := string_value(first_argument(column))):
                columns.add(name)
        return tuple(sorted(columns))
    return None


