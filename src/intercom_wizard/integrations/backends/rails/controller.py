"""Planning a Rails app's token endpoint: `IntercomJwtsController` (templates/rails), its route inside
`routes.draw`, the jwt gem, the secret, and the adapter step when no sign-in system was found."""

from ast_grep_py import SgNode

from intercom_wizard.edits import indent_unit, indentation_at, insert_lines_before
from intercom_wizard.envfile import plan_secret
from intercom_wizard.integrations import identity
from intercom_wizard.integrations.backends.rails.details import RailsAuth, RailsDetails
from intercom_wizard.integrations.backends.ruby_common import (
    add_jwt_gem,
    before_ruby,
    email_and_name,
    env_file,
    first_argument,
    method_name,
    quote_style,
    requote,
    ruby,
    string_value,
)
from intercom_wizard.integrations.base import Detection, PlanContext
from intercom_wizard.templates import render
from intercom_wizard.tree import join

CONTROLLER = "app/controllers/intercom_jwts_controller.rb"
DYNAMIC_NAME = "%i[name full_name display_name username].lazy.filter_map { |field| user.try(field).presence }.first"
# Enumerable#filter_map is Ruby 2.7: before it, map then compact (four fields, so no laziness needed).
DYNAMIC_NAME_BEFORE_RUBY_2_7 = "%i[name full_name display_name username].map { |field| user.try(field).presence }.compact.first"
ROUTE_METHODS = ("get", "match", "post", "put", "patch", "delete")


def plan(context: PlanContext, detection: Detection[RailsDetails]) -> None:
    tree, builder = context.tree, context.builder
    root = detection.root
    auth = detection.details.auth
    controller = join(root, CONTROLLER)
    # New code is quoted like the app's controllers (and its routes, when those say nothing).
    neighbours = [tree.text(p) for p in tree.glob(".rb", under=join(root, "app/controllers"))]
    if tree.exists(join(root, "config/routes.rb")):
        neighbours.append(tree.text(join(root, "config/routes.rb")))
    source = requote(_controller_source(auth, detection.details.version, old_ruby=before_ruby(tree, root, 2, 7)), quote_style(neighbours))
    endpoint = context.options.endpoint
    builder.create(controller, source, f"GET {endpoint}: a signed Intercom JWT for the signed-in user, 401 otherwise")
    _add_route(context, join(root, "config/routes.rb"), f'get "{endpoint}", to: "intercom_jwts#show"')
    gemfile = detection.details.gemfile
    add_jwt_gem(context, gemfile)
    plan_secret(context, env_file(tree, root, gemfile))
    builder.note(_secret_store_note(detection.details.version))
    builder.note(
        "Intercom's official intercom-rails gem is the alternative: it injects the Messenger from a middleware and "
        "signs identities itself. Use one or the other, never both."
    )
    if auth.kind == "none":
        identity.adapter_step(
            builder,
            controller,
            source,
            "signed_in_user",
            "no Devise, Rails authentication generator or current_user method was found",
            requote("def signed_in_user\n  User.find_by(id: session[:user_id]) # the record whose id your login code keeps\nend", quote_style(neighbours)),
        )
    if auth.other_scopes:
        builder.note(f"Devise has more than one scope; the token is for `{auth.scope}` (not {', '.join(auth.other_scopes)}).")


def _secret_store_note(version: tuple[int, ...] | None) -> str:
    """Where else the app could keep the secret: credentials from Rails 5.2, config/secrets.yml before."""
    if version is not None and version < (5, 2):
        return (
            "The token is signed with ENV[\"INTERCOM_IDENTITY_SECRET\"]. To keep the secret in config/secrets.yml instead "
            "(Rails before 5.2 has no credentials), add `intercom_identity_secret: <%= ENV[\"INTERCOM_IDENTITY_SECRET\"] %>` "
            "under the environment and read `Rails.application.secrets.intercom_identity_secret` in the controller."
        )
    return (
        "The token is signed with ENV[\"INTERCOM_IDENTITY_SECRET\"]. To keep the secret in Rails credentials instead, "
        "add `intercom: { identity_secret: ... }` with `bin/rails credentials:edit` and read "
        "`Rails.application.credentials.dig(:intercom, :identity_secret)` in the controller."
    )


def _controller_source(auth: RailsAuth, version: tuple[int, ...] | None, *, old_ruby: bool = False) -> str:
    filters = [f"  skip_before_action :{name}, only: :show" for name in auth.filters]
    adapter = ""
    if auth.kind == "devise" and auth.overridden:
        # The app redefines current_user: ask Devise's warden directly (what Devise's own helper does).
        user = signed_in = f"warden.authenticate(scope: :{auth.scope})"
    elif auth.kind == "devise":
        user, signed_in = f"current_{auth.scope}", f"{auth.scope}_signed_in?"
    elif auth.kind == "rails-authentication":
        user, signed_in = "Current.user", "authenticated?"
        filters.append("  allow_unauthenticated_access only: :show")
    elif auth.kind == "current_user":
        user, signed_in = "current_user", "current_user"
    elif auth.kind == "current-attributes":
        user, signed_in = "Current.user", "Current.user"
    elif auth.kind == "instance-variable" and auth.variable:
        user, signed_in = auth.variable, auth.variable
    else:
        user, signed_in = "signed_in_user", "signed_in_user"
        adapter = "\n" + "".join(f"  {line}" for line in render("rails/signed_in_user_stub.rb").splitlines(keepends=True)).rstrip("\n")
    filters += ["  before_action :prevent_caching", "  before_action :require_signed_in_user"]
    # ActiveRecord's primary key is the user_id. Email and name: the schema's column when it has one,
    # else read at run time with try() (methods, concerns), the name through the usual columns.
    email_field, name_field = email_and_name(set(auth.fields)) if auth.fields else (None, None)
    no_store = "no_store" if version and version >= (7, 1) else 'response.headers["Cache-Control"] = "no-store"'
    return render(
        "rails/intercom_jwts_controller.rb",
        filters="\n".join(filters),
        user=user,
        email=f"user.{email_field}" if email_field else "user.try(:email)",
        display_name=f"user.{name_field}" if name_field else DYNAMIC_NAME_BEFORE_RUBY_2_7 if old_ruby else DYNAMIC_NAME,
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
    if statement.kind() != "call" or method_name(statement) not in ROUTE_METHODS:
        return False
    path = string_value(first_argument(statement))
    return path is not None and (path.startswith("*") or "/*" in path)
