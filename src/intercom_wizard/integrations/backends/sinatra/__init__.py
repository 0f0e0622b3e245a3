"""Sinatra: a `get` route for the token endpoint in the app itself, classic or modular.

A classic app (`require "sinatra"`) gets the route at the top level, after its last route; a
modular app (`class App < Sinatra::Base`) gets it inside the class, after the last route there.
The file also gets `require "json"` / `require "jwt"` after its last require, and the Gemfile (if
any) `gem "jwt"`. The signed-in user is the app's `current_user` helper when it has one (read as
`user[:email]` or `user.email`, whichever the app itself uses), else the id it keeps in
`session[:..._id]`; with neither the route fails closed. The Messenger script goes to `public/`
(Sinatra serves it as a static file) and `views/layout.erb` gets the script tag.
"""

import re

from ast_grep_py import SgNode

from intercom_wizard import csp
from intercom_wizard.edits import indent_unit, indentation_at, insert_lines_after, insert_lines_before
from intercom_wizard.envfile import plan_secret
from intercom_wizard.integrations import identity
from intercom_wizard.integrations.backends.ruby_common import (
    add_jwt_gem,
    add_requires,
    claims_hash,
    env_file,
    first_argument,
    gemfile_path,
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

NAME = "sinatra"
# The versions this integration generates code for (docs list the same table).
SUPPORTED: SupportTable = (
    Supported("Sinatra", "ruby", "sinatra", (2, 0), (5, 0)),
    Supported("Ruby", "language", "ruby", (2, 5)),
)
APP_CLASSES = ("Sinatra::Base", "Sinatra::Application")
ROUTE_METHODS = ("get", "post", "put", "patch", "delete", "options", "link", "unlink")
TEST_FOLDERS = ("spec", "test")
UNSUPPORTED_LAYOUT_SUFFIXES = (".haml", ".slim")


def detect(tree: ProjectTree) -> list[Detection]:
    found = []
    for path in tree.glob(".rb"):
        if path.split("/", 1)[0] in TEST_FOLDERS:
            continue
        text = tree.text(path)
        if "inatra" not in text and not _rackup_runs_classic(tree, folder_of(path)):
            continue
        root = ruby(text)
        classes = [k for k in root.find_all(kind="class") if _superclass(k) in APP_CLASSES]
        folder = folder_of(path)
        for klass in classes:
            name = klass.field("name").text()
            found.append(_detection(tree, path, folder, "modular", name, f"{path}: class {name} < {_superclass(klass)}"))
        if not classes and _requires(root, "sinatra"):
            found.append(_detection(tree, path, folder, "classic", None, f'{path}: require "sinatra"'))
        elif not classes and _rackup_runs_classic(tree, folder) and _top_level_routes(root):
            # Bundler.require loads sinatra and config.ru runs Sinatra::Application: the routes file is the app.
            found.append(_detection(tree, path, folder, "classic", None, f"{join(folder, 'config.ru')}: run Sinatra::Application"))
    return _one_classic_app_per_folder(tree, _one_app_per_rackup(tree, found))


def _rackup_runs_classic(tree: ProjectTree, folder: str) -> bool:
    rackup = join(folder, "config.ru")
    return tree.exists(rackup) and re.search(r"^\s*run\s+Sinatra::Application\b", tree.text(rackup), re.MULTILINE) is not None


def _top_level_routes(root: SgNode) -> int:
    """Routes declared at the top level (`get "/" do ... end`), the mark of a classic app's own file."""
    return sum(
        1
        for statement in root.children()
        if statement.kind() == "call" and method_name(statement) in ROUTE_METHODS and statement.field("receiver") is None
    )


def _one_app_per_rackup(tree: ProjectTree, found: list[Detection]) -> list[Detection]:
    """The skeleton most Sinatra courses use: config.ru runs Sinatra::Application after config/environment.rb
    requires sinatra, and the routes live in app/controllers/*.rb. That is one app, rooted at config.ru's
    folder (where views/ and public/ are), whose route file is the controller with the most routes."""
    result = list(found)
    for rackup in tree.named("config.ru"):
        root = folder_of(rackup)
        result = _rackup_modular_app(tree, rackup, result)
        if not _rackup_runs_classic(tree, root):
            continue
        inside = [d for d in result if d.details["style"] == "classic" and (not root or d.root == root or d.root.startswith(root + "/"))]
        if not inside or all(d.root == root for d in inside):
            continue  # the app file sits beside config.ru: the folder rule decides
        routes = {
            path: _top_level_routes(ruby(tree.text(path)))
            for path in tree.glob(".rb", under=root)
            if not set(path[len(root) :].strip("/").split("/")[:1]) & {*TEST_FOLDERS, "db", "vendor"}
        }
        best = max(routes, key=lambda path: (routes[path], path.rpartition("/")[2] in ("index.rb", "app.rb")), default=None)
        if best is None or not routes[best]:
            continue
        result = [d for d in result if d not in inside]
        result.append(_detection(tree, best, root, "classic", None, f"{rackup}: run Sinatra::Application ({best} has the most routes)"))
    return result


def _rackup_modular_app(tree: ProjectTree, rackup: str, found: list[Detection]) -> list[Detection]:
    """Modular controllers composed by config.ru (`use UsersController` ... `run ApplicationController`) are one
    app: the class config.ru runs gets the route, rooted at config.ru's folder (the paths the app sets for
    its views and public folder are relative to where rackup starts)."""
    text = tree.text(rackup)
    ran = re.search(r"^\s*run\s+([A-Z][\w:]*)\s*$", text, re.MULTILINE)
    if ran is None:
        return found
    mounted = set(re.findall(r"^\s*(?:use|run)\s+([A-Z][\w:]*)", text, re.MULTILINE))
    target = next((d for d in found if d.details["style"] == "modular" and d.details["class"] == ran.group(1)), None)
    if target is None:
        return found
    root = folder_of(rackup)
    # Every controller class under config.ru's folder is part of the Rack app it composes (mounted, or a base class).
    others = [
        d
        for d in found
        if d is not target and d.details["style"] == "modular" and (d.details["class"] in mounted or not root or d.root == root or d.root.startswith(root + "/"))
    ]
    # Sinatra's own root stays the class file's folder; folders the app sets by relative path start at rackup's.
    rooted = _detection(tree, target.details["app_file"], target.root, "modular", ran.group(1), f"{rackup}: run {ran.group(1)}")
    rooted.details["rackup_root"] = root
    return [rooted if d is target else d for d in found if d not in others]


def _one_classic_app_per_folder(tree: ProjectTree, found: list[Detection]) -> list[Detection]:
    """A classic app split over files that each `require "sinatra"` (helpers, database code) is one app:
    the file with the routes (the most, when several have some)."""
    classic: dict[str, list[Detection]] = {}
    for detection in found:
        if detection.details["style"] == "classic":
            classic.setdefault(detection.root, []).append(detection)
    dropped = set()
    for detections in classic.values():
        if len(detections) < 2:
            continue
        routes = {id(d): _top_level_routes(ruby(tree.text(d.details["app_file"]))) for d in detections}
        best = max(detections, key=lambda d: routes[id(d)])
        if routes[id(best)] and sorted(routes.values())[-2] < routes[id(best)]:
            dropped |= {id(d) for d in detections if d is not best}
    return [d for d in found if id(d) not in dropped]


def _detection(tree: ProjectTree, path: str, folder: str, style: str, class_name: str | None, evidence: str) -> Detection:
    gemfile = gemfile_path(tree, folder, "")
    return Detection(
        NAME,
        "backend",
        folder,
        (evidence,),
        {"app_file": path, "style": style, "class": class_name, "gemfile": gemfile, "auth": _auth_style(tree, folder)},
    )


def _superclass(klass: SgNode) -> str | None:
    superclass = klass.field("superclass")
    return superclass.text().lstrip("< ").strip() if superclass is not None else None


def _requires(root: SgNode, library: str) -> bool:
    return any(method_name(c) == "require" and string_value(first_argument(c)) == library for c in root.find_all(kind="call"))


# --- who is signed in ------------------------------------------------------------------------


RUBY_LITERALS = frozenset({"integer", "float", "string", "true", "false", "nil", "simple_symbol", "delimited_symbol"})


def _auth_style(tree: ProjectTree, folder: str) -> dict[str, object]:
    """The app's `current_user` helper, else a session key its login route assigns from the user's id
    (identity.py: never a flag such as `session[:logged_in] = true`, a literal or a name)."""
    sources = [ruby(tree.text(p)) for p in tree.glob(".rb", under=folder)]
    views = [ruby(_erb_code(tree.text(p))) for p in tree.glob(".erb", under=join(folder, "views"))]
    if any(m.field("name").text() == "current_user" for source in sources for m in source.find_all(kind="method")):
        style = _access_style(sources + views)
        fields = _user_fields(sources + views, style)
        certain = fields is not None and "email" in fields and any(n in fields for n in ("name", "full_name", "display_name", "username"))
        return {"kind": "helper", "access": style, "fields": fields if certain else None}
    assignments = []
    for path, source in zip(tree.glob(".rb", under=folder), sources):
        for assignment in source.find_all(pattern="session[$KEY] = $VALUE"):
            key, value = string_value(assignment.get_match("KEY")), assignment.get_match("VALUE")
            if key:
                assignments.append(
                    identity.SessionAssignment(
                        path, assignment.range().start.line + 1, key, value.text(),
                        literal=value.kind() in RUBY_LITERALS, is_null=value.kind() == "nil", resolve=_ruby_resolver(assignment),
                    )
                )
    choice = identity.choose_session_key(assignments)
    if choice.key is not None:
        return {"kind": "session", "key": choice.key, "access": "index", "fields": ["id"]}
    reason = choice.reason if assignments else "no current_user helper and no session login was found"
    return {"kind": "none", "access": "index", "fields": None, "reason": reason, "rejected": list(choice.rejected)}


def _ruby_resolver(node: SgNode) -> identity.Resolver:
    scope = next((a for a in node.ancestors() if a.kind() in ("do_block", "block", "method", "program")), None)

    def resolve(name: str) -> list[tuple[str, bool]]:
        if scope is None:
            return []
        return [
            (m.get_match("VALUE").text(), m.get_match("VALUE").kind() in RUBY_LITERALS)
            for m in scope.find_all(pattern=f"{name} = $VALUE")
            if m.range().start.index < node.range().start.index
        ]

    return resolve


def _erb_code(template: str) -> str:
    """The Ruby inside an ERB template's `<% %>` tags, one tag a line, for ast-grep to read."""
    code = []
    for chunk in template.split("<%")[1:]:
        inside = chunk.split("%>", 1)[0].lstrip("=-#").rstrip("-")
        code.append(inside.strip())
    return "\n".join(code)


def _access_style(sources: list[SgNode]) -> str:
    """`index` when the app reads its user as `user[:email]` (a Hash), `method` for `user.email`."""
    indexed = sum(len(s.find_all(pattern="current_user[$KEY]")) for s in sources)
    called = sum(
        1
        for s in sources
        for m in s.find_all(pattern="current_user.$FIELD")
        if not m.get_match("FIELD").text().endswith(("?", "!"))
    )
    return "method" if called > indexed else "index"


def _user_fields(sources: list[SgNode], style: str) -> list[str] | None:
    """The user's attributes as the app spells them: hash keys, Struct members, reads of current_user."""
    fields: set[str] = set()
    for source in sources:
        if style == "index":
            fields |= {k for m in source.find_all(pattern="current_user[$KEY]") if (k := string_value(m.get_match("KEY")))}
            for literal in source.find_all(kind="hash"):
                pairs = [p for p in literal.children() if p.kind() == "pair" and p.field("key") is not None]
                keys = {p.field("key").text().strip(":") for p in pairs}
                if {"id", "email"} <= keys or {"id", "name"} <= keys:
                    fields |= keys
        else:
            fields |= {m.get_match("FIELD").text() for m in source.find_all(pattern="current_user.$FIELD")}
            for call in source.find_all(kind="call"):
                if method_name(call) == "new" and (call.field("receiver") is not None and call.field("receiver").text() == "Struct"):
                    members = {string_value(a) for a in call.field("arguments").children() if a.kind() == "simple_symbol"}
                    if "id" in members:
                        fields |= {m for m in members if m}
                if method_name(call) in ("attr_reader", "attr_accessor"):
                    fields |= {string_value(a) or "" for a in call.field("arguments").children() if a.kind() == "simple_symbol"}
    fields.discard("")
    return sorted(fields | {"id"}) if fields else None


# --- the plan --------------------------------------------------------------------------------


def plan(context: PlanContext, detection: Detection) -> None:
    tree, builder = context.tree, context.builder
    details = detection.details
    app_file: str = details["app_file"]
    source = tree.read(app_file)
    quote = quote_style([source.text])
    add_requires(context, app_file, ["json", "jwt"], "loads the JWT library for the token route")
    route = requote(_route_source(context.options.endpoint, details["auth"]), quote)
    _add_route(context, detection, route)
    gemfile = details["gemfile"]
    add_jwt_gem(context, gemfile)
    plan_secret(context, env_file(tree, detection.root, gemfile))
    if details["auth"]["kind"] == "none":
        after = next((c.after for c in builder.changes() if c.path == app_file), None)
        if after is not None:
            identity.adapter_step(
                builder,
                app_file,
                after,
                ADAPTER_HELPER,
                str(details["auth"]["reason"]),
                requote(render("sinatra/user_adapter.rb").split("\n", 1)[1].strip(), quote),
                details["auth"].get("rejected", []),
            )
    for setting in ("public_folder", "views"):
        if _sets(ruby(source.text), setting) and _folder_setting(ruby(source.text), setting) is None:
            builder.note(
                f"{app_file} sets its own :{setting}; the wizard used Sinatra's default folder. "
                "Move intercom-messenger.js / the script tag if they belong elsewhere.",
                "warning",
            )


ADAPTER_HELPER = "intercom_signed_in_user"
NAME_READERS = ":name, :full_name, :display_name, :username"


def _route_source(endpoint: str, auth: dict) -> str:
    kind = auth["kind"]
    adapter = ""
    if kind == "helper":
        user = "current_user"
    elif kind == "session":
        user = f"session[:{auth['key']}] && {{ id: session[:{auth['key']}] }}"
    else:
        user = ADAPTER_HELPER
        adapter = render("sinatra/user_adapter_stub.rb").strip() + "\n\n"
    fields = set(auth["fields"]) if auth.get("fields") else None
    reader = "user[:{}]" if auth["access"] == "index" else "user.{}"
    user_id = reader.format("id")
    extra = ("iat: now", "exp: now + 2 * 60 * 60 # two hours")
    if fields is None and kind == "helper":
        # The model is not certain: read email and name at run time, from a Hash or any object.
        claims = "{\n" + ",\n".join(f"    {e}" for e in (f"user_id: {user_id}.to_s", "email: read.call(:email)", f"name: read.call({NAME_READERS})", *extra)) + "\n  }"
        lookup = READER_LAMBDA
    else:
        claims, lookup = claims_hash(user_id + ".to_s", reader, fields, "  ", extra), ""
    return adapter + render("sinatra/intercom_jwt.rb", endpoint=endpoint, user=user, user_id=user_id, reader=lookup, claims=claims)


READER_LAMBDA = (
    "  read = lambda do |*names|\n"
    "    names.map { |n| user.is_a?(Hash) ? (user[n] || user[n.to_s]) : (user.respond_to?(n) ? user.public_send(n) : nil) }\n"
    "         .find { |value| !value.to_s.empty? }\n"
    "  end"
)


def _folder_setting(root: SgNode, setting: str) -> str | None:
    """A plain relative folder given to `set :views, "app/views"` (computed paths are not followed)."""
    for call in root.find_all(kind="call"):
        if method_name(call) != "set" or string_value(first_argument(call)) != setting:
            continue
        arguments = [a for a in call.field("arguments").children() if a.is_named()]
        value = string_value(arguments[1]) if len(arguments) > 1 and arguments[1].kind() == "string" else None
        if value and not value.startswith("/") and ".." not in value:
            return value.strip("./") or None
    return None


def _sets(root: SgNode, setting: str) -> bool:
    return any(method_name(c) == "set" and string_value(first_argument(c)) == setting for c in root.find_all(kind="call"))


def _routes(statements: list[SgNode]) -> list[SgNode]:
    return [
        s
        for s in statements
        if s.kind() == "call" and method_name(s) in ROUTE_METHODS and s.field("block") is not None and s.field("receiver") is None
    ]


def _add_route(context: PlanContext, detection: Detection, route: str) -> None:
    tree, builder = context.tree, context.builder
    app_file: str = detection.details["app_file"]
    source = tree.read(app_file)
    root = ruby(source.text)
    reason = "adds the token route"
    if detection.details["style"] == "modular":
        klass = next(k for k in root.find_all(kind="class") if k.field("name").text() == detection.details["class"])
        body = klass.field("body")
        statements = body.children() if body is not None else []
        routes = _routes(statements)
        if routes:
            anchor = routes[-1]
            indent = indentation_at(source.text, anchor.range().start.index)
            builder.insert(app_file, [insert_lines_after(source, anchor.range().end.index, "\n" + route, indent)], reason)
            return
        end = klass.children()[-1]
        indent = indentation_at(source.text, klass.range().start.index) + indent_unit(source.text)
        builder.insert(app_file, [insert_lines_before(source, end.range().start.index, route, indent)], reason)
        return
    routes = _routes(root.children())
    if routes:
        builder.insert(app_file, [insert_lines_after(source, routes[-1].range().end.index, "\n" + route, "")], reason)
        return
    builder.manual(app_file, "Add this route where the app defines its routes:", route)


# --- where the Messenger script goes -----------------------------------------------------------


def page_host(context: PlanContext, detection: Detection) -> PageHost | None:
    tree = context.tree
    folder = detection.root
    app_source = ruby(tree.text(detection.details["app_file"]))
    # `set :views, "app/views"` (relative to where rackup starts, the app's root): the app's own folders.
    started = detection.details.get("rackup_root", folder)
    views = join(started, set_views) if (set_views := _folder_setting(app_source, "views")) else join(folder, "views")
    layouts = find_layouts(tree, views)
    inline = app_source.find(kind="uninterpreted") is not None
    if not layouts and not inline and not tree.glob(".erb", *UNSUPPORTED_LAYOUT_SUFFIXES, under=views):
        return None  # a JSON API: the front end that calls it boots the Messenger
    if not layouts and ruby(tree.text(detection.details["app_file"])).find(kind="uninterpreted") is not None:
        context.builder.note(
            f"{detection.details['app_file']} keeps its templates inline (after __END__); add the script tag to its layout by hand."
        )
    return PageHost(
        static_dir=join(started, set_public) if (set_public := _folder_setting(app_source, "public_folder")) else join(folder, "public"),
        script_src="/intercom-messenger.js",
        layouts=tuple(layouts),
        unsupported_layouts=tuple(p for p in tree.glob(*UNSUPPORTED_LAYOUT_SUFFIXES, under=views) if "layout" in p),
        user_settings=None,  # ERB here escapes nothing by itself; the insecure variant boots visitors anonymously
        csp_nonce=_instance_nonce(tree, folder),
        csp_nonce_help="A before filter that sets @csp_nonce = SecureRandom.base64(16) and sends `'nonce-#{@csp_nonce}'` "
        "in the policy's script-src makes one; views see the instance variable.",
    )


def _instance_nonce(tree: ProjectTree, folder: str) -> csp.NonceSource | None:
    """A nonce a before filter keeps in an instance variable, which Sinatra's views share."""
    found = csp.search_code(tree, tree.glob(".rb", "config.ru", under=folder), re.compile(r"(@\w*nonce\w*)\s*=(?!=)", re.I))
    if found is None:
        return None
    path, match = found
    return csp.NonceSource.everywhere(f"{match.group(1)} ({path})", f"<%= {match.group(1)} %>")
