"""Rails: a controller plus a route for the token endpoint, the jwt gem, the script in the layouts.

Adds `app/controllers/intercom_jwts_controller.rb` (`IntercomJwtsController#show`, rendering JSON
with `Cache-Control: no-store`), routes `get "/api/intercom-jwt", to: "intercom_jwts#show"` inside
the `routes.draw do` block of `config/routes.rb`, and `gem "jwt"` after the Gemfile's last
top-level gem. The signed-in user comes from Devise (`current_user` / `user_signed_in?`), Rails 8's
authentication generator (`authenticated?` / `Current.user`) or the app's own `current_user` method;
the controller skips the app's sign-in filter (Devise's `authenticate_user!`, a `require_login`)
and answers 401 JSON itself: Devise's filter redirects any request that is not explicitly JSON and
its failure app drops the controller's `no-store` header. With none of these it fails closed.
The Messenger script goes to `public/` and every HTML layout in `app/views/layouts` (not the
mailer's) gets a plain `<script src="/intercom-messenger.js" defer>` tag: that works the same with
Sprockets, Propshaft, importmaps or jsbundling, whereas `javascript_include_tag` would need the
asset declared in the pipeline's manifest (Rails 6.1's Sprockets raises "not present in the asset
pipeline" otherwise) and a precompile step in production.
"""

import re

from ast_grep_py import SgNode

from intercom_wizard import csp
from intercom_wizard.edits import indent_unit, indentation_at, insert_lines_before
from intercom_wizard.envfile import plan_secret
from intercom_wizard.integrations import identity
from intercom_wizard.integrations.backends.ruby_common import (
    add_jwt_gem,
    email_and_name,
    env_file,
    first_argument,
    gem_names,
    method_name,
    quote_style,
    requote,
    ruby,
    string_value,
)
from intercom_wizard.integrations.base import Detection, PageHost, PlanContext
from intercom_wizard.integrations.frontends.layouts import find_layouts
from intercom_wizard.support import Supported, SupportTable
from intercom_wizard.templates import render
from intercom_wizard.tree import ProjectTree, folder_of, join

NAME = "rails"
# The versions this integration generates code for (docs list the same table).
SUPPORTED: SupportTable = (
    Supported("Rails", "ruby", "rails", (5, 0), (9, 0)),  # ActionController::API and before_action
    Supported("Ruby", "language", "ruby", (2, 5)),  # the jwt gem's floor
)
CONTROLLER = "app/controllers/intercom_jwts_controller.rb"
LAYOUTS = "app/views/layouts"
# A filter in ApplicationController with one of these words in its name signs people in (or
# sends them to the sign-in page); the token endpoint skips it and answers 401 itself.
DYNAMIC_NAME = "%i[name full_name display_name username].lazy.filter_map { |field| user.try(field).presence }.first"
SIGN_IN_FILTER_WORDS = ("authenticat", "login", "logged_in", "signed_in", "sign_in", "require_user", "require_session")
UNSUPPORTED_LAYOUT_SUFFIXES = (".haml", ".slim")


def detect(tree: ProjectTree) -> list[Detection]:
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
        found.append(
            Detection(
                NAME,
                "backend",
                root,
                (f"{gemfile}: gem rails", f"{application}: {app_class.text().splitlines()[0]}"),
                {
                    "gemfile": gemfile,
                    "version": _rails_version(tree, root, application),
                    "auth": _auth_style(tree, root),
                },
            )
        )
    return found


def _application_class(text: str) -> SgNode | None:
    for klass in ruby(text).find_all(kind="class"):
        superclass = klass.field("superclass")
        if superclass is not None and superclass.text().lstrip("< ").strip() == "Rails::Application":
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
        if method_name(call) == "gem" and string_value(first_argument(call)) in ("rails", "railties"):
            arguments = [a for a in call.field("arguments").children() if a.kind() == "string"][1:]
            if arguments:
                return _numbers(string_value(arguments[0]) or "")
    for call in ruby(tree.text(application)).find_all(kind="call"):
        if method_name(call) == "load_defaults" and first_argument(call) is not None:
            return _numbers(first_argument(call).text())
    return None


def _numbers(text: str) -> tuple[int, ...] | None:
    digits = re.search(r"\d+(\.\d+)*", text)  # a version string, not source code
    return tuple(int(part) for part in digits.group(0).split(".")) if digits else None


# --- who is signed in ------------------------------------------------------------------------


def _auth_style(tree: ProjectTree, root: str) -> dict[str, object]:
    gems = gem_names(tree, join(root, "Gemfile"))
    filters = _sign_in_filters(tree, root)
    controllers = {path: ruby(tree.text(path)) for path in tree.glob(".rb", under=join(root, "app/controllers"))}
    if "devise" in gems:
        scopes = _devise_scopes(tree, root)
        scope = scopes[0] if scopes else "user"
        fields = _columns(tree, root, scope + "s")
        # An app's own `current_user` (a guest user, a decorator) would make Devise's `user_signed_in?` lie.
        overridden = next((path for path, source in controllers.items() if _defines(source, f"current_{scope}")), None)
        return {"kind": "devise", "scope": scope, "other_scopes": scopes[1:], "filters": filters, "fields": fields, "overridden": overridden}
    for source in controllers.values():
        # Rails 8's generator: a concern (any file name) with these methods, Current.session set by resume_session.
        methods = {m.field("name").text() for m in source.find_all(kind="method")}
        if {"require_authentication", "authenticated?"} <= methods:
            return {"kind": "rails-authentication", "filters": [], "fields": _columns(tree, root, "users")}
    current = _current_attributes_user(tree, root, controllers)
    if current is not None:
        return {"kind": "current-attributes", "file": current, "filters": [], "fields": _columns(tree, root, "users")}
    for path, source in controllers.items():
        if _defines(source, "current_user"):
            helper = any(
                method_name(call) == "helper_method" and "current_user" in [string_value(a) for a in _arguments(call)]
                for call in source.find_all(kind="call")
            )
            setter = _instance_variable_setter(controllers, "@current_user")
            kept = [name for name in filters if name != setter]  # the filter that finds the user must run
            return {"kind": "current_user", "file": path, "helper": helper, "filters": kept, "fields": _columns(tree, root, "users")}
    for variable in ("@current_user", "@user"):
        setter = _instance_variable_setter(controllers, variable)
        if setter is not None:
            kept = [name for name in filters if name != setter]
            return {"kind": "instance-variable", "variable": variable, "setter": setter, "filters": kept, "fields": _columns(tree, root, "users")}
    return {"kind": "none", "filters": filters, "fields": None}


def _defines(source: SgNode, name: str) -> bool:
    """`def name` or `attr_reader :name` (an API's `@current_user` exposed by a reader)."""
    if any(m.field("name").text() == name for m in source.find_all(kind="method")):
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
            name = method.field("name").text()
            if name in registered and any(a.text().startswith(f"{variable} =") for a in method.find_all(kind="assignment")):
                return name
    return None


def _arguments(call: SgNode) -> list[SgNode]:
    arguments = call.field("arguments")
    return [a for a in arguments.children() if a.is_named()] if arguments is not None else []


def _sign_in_filters(tree: ProjectTree, root: str) -> list[str]:
    """`before_action :name` filters of ApplicationController that keep signed-out visitors out."""
    path = join(root, "app/controllers/application_controller.rb")
    if not tree.exists(path):
        return []
    names = []
    for call in ruby(tree.text(path)).find_all(kind="call"):
        if method_name(call) not in ("before_action", "before_filter") or call.field("receiver") is not None:
            continue
        for argument in _arguments(call):
            if argument.kind() == "simple_symbol":
                name = argument.text().lstrip(":")
                if any(word in name for word in SIGN_IN_FILTER_WORDS):
                    names.append(name)
    return names


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


def _columns(tree: ProjectTree, root: str, table: str) -> list[str] | None:
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
        return sorted(columns)
    return None


# --- the plan --------------------------------------------------------------------------------


def plan(context: PlanContext, detection: Detection) -> None:
    tree, builder = context.tree, context.builder
    root = detection.root
    auth = detection.details["auth"]
    controller = join(root, CONTROLLER)
    # New code is quoted like the app's controllers (and its routes, when those say nothing).
    neighbours = [tree.text(p) for p in tree.glob(".rb", under=join(root, "app/controllers"))]
    if tree.exists(join(root, "config/routes.rb")):
        neighbours.append(tree.text(join(root, "config/routes.rb")))
    source = requote(_controller_source(auth, detection.details["version"]), quote_style(neighbours))
    builder.create(
        controller,
        source,
        f"GET {context.options.endpoint}: a signed Intercom JWT for the signed-in user, 401 otherwise",
    )
    _add_route(context, join(root, "config/routes.rb"), f'get "{context.options.endpoint}", to: "intercom_jwts#show"')
    gemfile = detection.details["gemfile"]
    add_jwt_gem(context, gemfile)
    plan_secret(context, env_file(tree, root, gemfile))
    builder.note(
        "The token is signed with ENV[\"INTERCOM_IDENTITY_SECRET\"]. To keep the secret in Rails credentials instead, "
        "add `intercom: { identity_secret: ... }` with `bin/rails credentials:edit` and read "
        "`Rails.application.credentials.dig(:intercom, :identity_secret)` in the controller."
    )
    builder.note(
        "Intercom's official intercom-rails gem is the alternative: it injects the Messenger from a middleware and "
        "signs identities itself. Use one or the other, never both."
    )
    if auth["kind"] == "none":
        identity.adapter_step(
            builder,
            controller,
            source,
            "signed_in_user",
            "no Devise, Rails authentication generator or current_user method was found",
            requote("def signed_in_user\n  User.find_by(id: session[:user_id]) # the record whose id your login code keeps\nend", quote_style(neighbours)),
        )
    if auth.get("other_scopes"):
        builder.note(f"Devise has more than one scope; the token is for `{auth['scope']}` (not {', '.join(auth['other_scopes'])}).")


def _controller_source(auth: dict, version: tuple[int, ...] | None) -> str:
    kind = auth["kind"]
    filters = [f"  skip_before_action :{name}, only: :show" for name in auth.get("filters", [])]
    adapter = ""
    if kind == "devise" and auth.get("overridden"):
        # The app redefines current_user: ask Devise's warden directly (what Devise's own helper does).
        user = signed_in = f"warden.authenticate(scope: :{auth['scope']})"
    elif kind == "devise":
        user, signed_in = f"current_{auth['scope']}", f"{auth['scope']}_signed_in?"
    elif kind == "rails-authentication":
        user, signed_in = "Current.user", "authenticated?"
        filters.append("  allow_unauthenticated_access only: :show")
    elif kind == "current_user":
        user, signed_in = "current_user", "current_user"
    elif kind == "current-attributes":
        user, signed_in = "Current.user", "Current.user"
    elif kind == "instance-variable":
        user, signed_in = auth["variable"], auth["variable"]
    else:
        user, signed_in = "signed_in_user", "signed_in_user"
        adapter = (
            "\n"
            "  # intercom-wizard found no sign-in system it knows (Devise, Rails' authentication\n"
            "  # generator or a current_user method), so this endpoint fails closed: it answers\n"
            "  # 401 for everyone until this method returns the signed-in user.\n"
            "  def signed_in_user\n"
            "    nil\n"
            "  end\n"
        )
    filters += ["  before_action :prevent_caching", "  before_action :require_signed_in_user"]
    fields = set(auth["fields"]) if auth.get("fields") else None
    # ActiveRecord's primary key is the user_id. Email and name: the schema's column when it has one,
    # else read at run time with try() (methods, concerns), the name through the usual columns.
    email_field, name_field = email_and_name(fields) if fields is not None else (None, None)
    entries = [
        "user_id: user.id.to_s",
        f"email: user.{email_field}" if email_field else "email: user.try(:email)",
        f"name: user.{name_field}" if name_field else f"name: {DYNAMIC_NAME}",
        "iat: now",
        "exp: now + TOKEN_LIFETIME.to_i",
    ]
    claims = "{\n" + ",\n".join(f"      {entry}" for entry in entries) + "\n    }"
    no_store = "no_store" if version and version >= (7, 1) else 'response.headers["Cache-Control"] = "no-store"'
    return render(
        "rails/intercom_jwts_controller.rb",
        filters="\n".join(filters),
        user=user,
        claims=claims,
        no_store=no_store,
        signed_in=signed_in,
        adapter=adapter,
    )


def _add_route(context: PlanContext, routes: str, route: str) -> None:
    tree, builder = context.tree, context.builder
    if not tree.exists(routes):
        builder.manual(routes, "Add this route inside `Rails.application.routes.draw do ... end`:", route)
        return
    source = tree.read(routes)
    route = requote(route, quote_style([source.text]))
    block = _draw_block(ruby(source.text))
    if block is None:
        builder.manual(routes, "Add this route inside `Rails.application.routes.draw do ... end`:", route)
        return
    body = next((c for c in block.children() if c.kind() in ("body_statement", "block_body")), None)
    statements = [s for s in body.children() if s.kind() != "comment"] if body is not None else []
    if statements:
        indent = indentation_at(source.text, statements[0].range().start.index)
    else:
        indent = indentation_at(source.text, block.range().start.index) + indent_unit(source.text)
    # Before a catch-all (`get "*path"`), which would otherwise answer for the token path too.
    catch_all = next((s for s in statements if _is_catch_all(s)), None)
    anchor = catch_all if catch_all is not None else block.children()[-1]
    builder.insert(routes, [insert_lines_before(source, anchor.range().start.index, route, indent)], "routes the token endpoint")


def _draw_block(root: SgNode) -> SgNode | None:
    """The do-block of `Rails.application.routes.draw` (or `MyApp::Application.routes.draw`)."""
    for call in root.find_all(kind="call"):
        receiver = call.field("receiver")
        if method_name(call) == "draw" and receiver is not None and receiver.text().endswith(".routes"):
            block = call.field("block")
            if block is not None and block.kind() == "do_block":
                return block
    return None


def _is_catch_all(statement: SgNode) -> bool:
    if statement.kind() != "call" or method_name(statement) not in ("get", "match", "post", "put", "patch", "delete"):
        return False
    path = string_value(first_argument(statement))
    return path is not None and (path.startswith("*") or "/*" in path)


# --- where the Messenger script goes -----------------------------------------------------------


def page_host(context: PlanContext, detection: Detection) -> PageHost | None:
    tree = context.tree
    if _api_only(tree, detection.root):
        return None  # `config.api_only = true`: no pages; the front end that calls the API boots the Messenger
    folder = join(detection.root, LAYOUTS)
    layouts = [path for path in find_layouts(tree, folder) if "mailer" not in path.rpartition("/")[2]]
    return PageHost(
        static_dir=join(detection.root, "public"),
        script_src="/intercom-messenger.js",
        layouts=tuple(layouts),
        unsupported_layouts=tuple(
            p for p in tree.glob(*UNSUPPORTED_LAYOUT_SUFFIXES, under=folder) if "mailer" not in p.rpartition("/")[2]
        ),
        user_settings=_user_settings(detection.details["auth"]),
        csp_nonce=_nonce_generator(tree, detection.root),
        csp_nonce_help="Rails makes one once config/initializers/content_security_policy.rb sets "
        "config.content_security_policy_nonce_generator and nonce_directives = %w(script-src).",
    )


def _api_only(tree: ProjectTree, root: str) -> bool:
    application = join(root, "config/application.rb")
    text = tree.text(application) if tree.exists(application) else ""
    if re.search(r"^\s*config\.api_only\s*=\s*true\b", text, re.MULTILINE):
        return True
    # `rails new --api` then api_only flipped (or never set): the base controller still says API.
    base = join(root, "app/controllers/application_controller.rb")
    return tree.exists(base) and re.search(r"class\s+ApplicationController\s*<\s*ActionController::API\b", tree.text(base)) is not None


def _nonce_generator(tree: ProjectTree, root: str) -> csp.NonceSource | None:
    found = csp.search_code(tree, tree.glob(".rb", under=join(root, "config")), re.compile(r"content_security_policy_nonce_generator\s*="))
    if found is None:
        return None
    return csp.NonceSource.everywhere(f"Rails' content_security_policy_nonce_generator ({found[0]})", "<%= content_security_policy_nonce %>")


def _user_settings(auth: dict) -> str | None:
    """ERB writing the signed-in user's attributes into a JS object (the insecure variant only)."""
    kind = auth["kind"]
    if kind == "devise":
        condition, user = f"{auth['scope']}_signed_in?", f"current_{auth['scope']}"
    elif kind == "rails-authentication":
        condition, user = "authenticated?", "Current.user"
    elif kind == "current_user" and auth.get("helper"):
        condition, user = "current_user", "current_user"
    else:
        return None
    fields = set(auth["fields"]) if auth.get("fields") else None
    email, name = email_and_name(fields)
    lines = [f'user_id: "<%= j {user}.id.to_s %>",']
    if email:
        lines.append(f'email: "<%= j {user}.{email} %>",')
    if name:
        lines.append(f'name: "<%= j {user}.{name} %>",')
    return f"<% if {condition} %>\n" + "\n".join(lines) + "\n<% end %>"
