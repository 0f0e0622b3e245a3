"""Laravel: an invokable controller, one route behind the app's auth middleware, the script in Blade.

Recognised by `artisan` beside a composer.json requiring laravel/framework (plain PHP detection
leaves such a project alone). Adds:

- `app/Http/Controllers/IntercomJwtController.php`: the signed-in `$request->user()`'s id, email and
  name (only attributes the User model has: `$fillable` and the users migration), signed with
  firebase/php-jwt's `JWT::encode($claims, $secret, 'HS256')`, `Cache-Control: no-store`.
- the route: session apps get it in `routes/web.php` behind `auth`; token apps (Sanctum installed,
  `auth:sanctum` in routes/api.php, no session login: `token_auth`, so the pages send their bearer
  token) get it in `routes/api.php` behind `auth:sanctum`, without the API prefix Laravel adds.
  Laravel's auth middleware answers a request that accepts JSON with 401 `{"message":
  "Unauthenticated."}` instead of redirecting to the login page, and the Messenger script sends
  `Accept: application/json`. (That 401 carries Laravel's default `Cache-Control: no-cache,
  private`; the controller's own answers carry `no-store`.)
- `firebase/php-jwt` in composer.json `require` (sort-packages order when the project asks for it).
- the secret: `INTERCOM_IDENTITY_SECRET` in `.env` (when it exists and git ignores it), an empty
  `INTERCOM_IDENTITY_SECRET=` in `.env.example`, and `services.intercom.identity_secret` in
  `config/services.php` so the controller reads it with `config()` (which survives config:cache).
- the Messenger script in `public/`, referenced as `{{ asset('intercom-messenger.js') }}` before
  `</body>` of each Blade layout.
- pages on another origin (--frontend-origin): Laravel's CORS policy is app-wide (config/cors.php),
  so the plan shows the exact change as a manual step rather than editing it.
"""

import re

from ast_grep_py import SgNode

from intercom_wizard import csp
from intercom_wizard.edits import append_lines, indent_unit, indentation_at, insert_lines_after, insert_lines_before
from intercom_wizard.envfile import SECRET_ENV, plan_secret
from intercom_wizard.integrations.backends.php_common import (
    array_string_items,
    array_string_keys,
    composer_requires,
    laravel_roots,
    parse_php,
    read_composer_json,
    require_firebase_jwt,
    string_value,
    user_fields_literal,
)
from intercom_wizard.integrations.base import Detection, PageHost, PlanContext
from intercom_wizard.integrations.frontends.layouts import body_end_tag
from intercom_wizard.options import ClientAuth
from intercom_wizard.plan import Insertion
from intercom_wizard.sourcefile import SourceText
from intercom_wizard.support import Supported, SupportTable
from intercom_wizard.templates import render
from intercom_wizard.tree import ProjectTree, join
from intercom_wizard.versions import composer_version

NAME = "laravel"
# The versions this integration generates code for (docs list the same table).
SUPPORTED: SupportTable = (
    Supported("Laravel", "php", "laravel/framework", (5, 5), (13, 0)),
    Supported("PHP", "language", "php", (7, 1)),
    Supported("firebase/php-jwt", "php", "firebase/php-jwt", (5, 0), (8, 0), optional=True),
)
CONTROLLER = "app/Http/Controllers/IntercomJwtController.php"
CONTROLLER_IMPORT = "use App\\Http\\Controllers\\IntercomJwtController;"
SESSION_AUTH_PACKAGES = ("laravel/breeze", "laravel/jetstream", "laravel/fortify", "laravel/ui")
SKIPPED_VIEW_FOLDERS = frozenset({"vendor", "mail", "emails", "errors", "notifications"})
SCRIPT_SRC = "{{ asset('intercom-messenger.js') }}"


def detect(tree: ProjectTree) -> list[Detection]:
    found = []
    for root in laravel_roots(tree):
        composer = join(root, "composer.json")
        requires = composer_requires(read_composer_json(tree, composer))
        session_login = _session_login(tree, root, requires)
        api_routes = join(root, "routes/api.php")
        sanctum = "laravel/sanctum" in requires and tree.exists(api_routes) and _mentions_middleware(tree, api_routes, "auth:sanctum")
        # The skeleton's stock `auth:sanctum` /user route is no evidence: an app that hands out bearer tokens calls createToken().
        token_app = sanctum and not session_login and _issues_tokens(tree, root)
        evidence = [f"{join(root, 'artisan')}", f"{composer}: requires laravel/framework"]
        evidence += [f"{api_routes}: auth:sanctum"] if token_app else session_login[:1]
        found.append(
            Detection(
                NAME,
                "backend",
                root,
                tuple(evidence),
                {
                    "composer": composer,
                    "auth": {
                        "kind": "sanctum" if token_app else "session",
                        "login": bool(session_login),
                        "sanctum": sanctum,
                        "guard": _custom_session_guard(tree, root),
                    },
                    # A token API (Sanctum, no session login): the planner then has the pages send a bearer token.
                    "token_auth": {"kind": "sanctum", "middleware": "auth:sanctum"} if token_app else None,
                    "api_prefix": _api_prefix(tree, root),
                    "user_fields": _user_fields(tree, root),
                    "base_controller": tree.exists(join(root, "app/Http/Controllers/Controller.php")),
                },
            )
        )
    return found


def _session_login(tree: ProjectTree, root: str, requires: dict[str, str]) -> list[str]:
    """Signs that users sign in with a session: a starter kit, `auth` routes, or Auth::attempt()."""
    evidence = [f"requires {package}" for package in SESSION_AUTH_PACKAGES if package in requires]
    for routes in (join(root, "routes/web.php"), join(root, "routes/auth.php")):
        if tree.exists(routes) and _mentions_middleware(tree, routes, "auth"):
            evidence.append(f"{routes}: auth middleware")
    for path in tree.glob(".php", under=join(root, "app")):
        text = tree.text(path)
        if "Auth::" not in text and "auth()" not in text:
            continue
        code = parse_php(text)
        if any(code.find(pattern=p) for p in ("Auth::attempt($$$)", "Auth::login($$$)", "auth()->attempt($$$)", "auth()->login($$$)")):
            evidence.append(f"{path}: signs users in")
    return evidence


_SESSION_GUARD = re.compile(r"""['"](\w+)['"]\s*=>\s*\[\s*['"]driver['"]\s*=>\s*['"]session['"]""")


def _custom_session_guard(tree: ProjectTree, root: str) -> str | None:
    """A session guard of the app's own (config/auth.php) that its pages sign in with (`auth:member` on the
    routes) when the default guard guards nothing: the token route then goes behind the same one."""
    config = join(root, "config/auth.php")
    if not tree.exists(config):
        return None
    guards = set(_SESSION_GUARD.findall(tree.text(config))) - {"web"}
    used: list[str] = []
    for path in tree.glob(".php", under=join(root, "routes")):
        for literal in parse_php(tree.text(path)).find_all(kind="string"):
            value = string_value(literal)
            if value in ("auth", "auth:web"):
                return None  # the default guard signs people in: it is the one
            if value and value.startswith("auth:") and value[5:] in guards and value[5:] not in used:
                used.append(value[5:])
    return used[0] if len(used) == 1 else None


def _issues_tokens(tree: ProjectTree, root: str) -> bool:
    return any("->createToken(" in tree.text(path) for path in tree.glob(".php", under=join(root, "app")) + tree.glob(".php", under=join(root, "routes")))


def _mentions_middleware(tree: ProjectTree, path: str, name: str) -> bool:
    """A string literal naming the middleware (`'auth'`, `'auth:sanctum'`) or `Auth::routes()`."""
    code = parse_php(tree.text(path))
    for literal in code.find_all(kind="string"):
        value = string_value(literal)
        if value is not None and (value == name or (name == "auth" and value.startswith("auth:"))):
            return True
    return name == "auth" and code.find(pattern="Auth::routes($$$)") is not None


def _api_prefix(tree: ProjectTree, root: str) -> str:
    """The URL prefix of routes/api.php: `apiPrefix:` in bootstrap/app.php (Laravel 11+), else 'api'."""
    bootstrap = join(root, "bootstrap/app.php")
    if tree.exists(bootstrap):
        for argument in parse_php(tree.text(bootstrap)).find_all(kind="argument"):
            parts = argument.children()
            if len(parts) == 3 and parts[0].text() == "apiPrefix":
                value = string_value(parts[2])
                if value is not None:
                    return value.strip("/")
    return "api"


def _user_fields(tree: ProjectTree, root: str) -> list[str] | None:
    """Attributes the User model has: its $fillable plus the users table's columns."""
    fields: set[str] = set()
    for model in (join(root, "app/Models/User.php"), join(root, "app/User.php")):
        if not tree.exists(model):
            continue
        for element in parse_php(tree.text(model)).find_all(kind="property_element"):
            parts = element.children()
            if parts and parts[0].text() == "$fillable" and parts[-1].kind() == "array_creation_expression":
                fields.update(array_string_items(parts[-1]))
    for migration in tree.glob(".php", under=join(root, "database/migrations")):
        text = tree.text(migration)
        if "'users'" not in text:
            continue
        for create in parse_php(text).find_all(pattern="Schema::create('users', $CALLBACK)"):
            for call in create.get_match("CALLBACK").find_all(kind="member_call_expression"):
                arguments = [a for a in (call.field("arguments") or call).children() if a.kind() == "argument"]
                name = string_value(arguments[0].children()[-1]) if arguments else None
                if name:
                    fields.add(name)
    return sorted(fields) or None


# --- planning ------------------------------------------------------------------------------------


def plan(context: PlanContext, detection: Detection) -> None:
    tree, builder = context.tree, context.builder
    root = detection.root
    details = detection.details
    guard = _guard(context, details)
    builder.create(
        join(root, CONTROLLER),
        _controller_source(context, details, guard),
        f"GET {context.options.endpoint}: a signed Intercom JWT for the signed-in user, 401 otherwise",
    )
    _add_route(context, detection, guard)
    require_firebase_jwt(context, details["composer"])
    _add_service_config(context, root)
    env_file = join(root, ".env")
    if tree.exists(env_file) or context.secret is None:
        plan_secret(context, env_file)
    else:
        builder.note(
            f"Laravel reads the secret from {env_file}, which does not exist here (each machine makes its own from "
            f".env.example): add {SECRET_ENV}=... to it, or set {SECRET_ENV} in the server's environment."
        )
    _add_env_example(context, root)
    builder.note(
        f"The token route is behind Laravel's `{guard}` middleware: the Messenger script asks for it with "
        "Accept: application/json, so signed-out visitors get 401 JSON rather than a redirect to the login page."
    )
    builder.note(f"If the app caches its configuration (php artisan config:cache), run that again once {SECRET_ENV} is set.")
    if context.options.frontend_origin:
        _cross_origin_step(context, detection, guard)
    if guard == "auth" and not details["auth"]["login"]:
        builder.note(
            "No login routes were recognised: the endpoint answers 401 until users can sign in with Laravel's default guard.",
            "warning",
        )


def _guard(context: PlanContext, details: dict[str, object]) -> str:
    """`auth:sanctum` when the pages send a bearer token (and Sanctum guards the API), else the session's `auth`."""
    if context.options.auth is not ClientAuth.BEARER:
        custom = details["auth"].get("guard")  # type: ignore[attr-defined]
        return f"auth:{custom}" if custom else "auth"
    if details["auth"]["sanctum"]:  # type: ignore[index]
        return "auth:sanctum"
    context.builder.note(
        "Bearer authentication was asked for, but no Sanctum-guarded API (auth:sanctum in routes/api.php) was found: "
        "the token route uses the session's `auth` middleware.",
        "warning",
    )
    return "auth"


def _controller_source(context: PlanContext, details: dict[str, object], guard: str) -> str:
    fields = set(details["user_fields"]) if details["user_fields"] else None  # type: ignore[call-overload]
    claims = "".join(f"\n            '{claim}' => {value}," for claim, value in user_fields_literal("$user", fields, style="model"))
    return render(
        "laravel/IntercomJwtController.php",
        endpoint=context.options.endpoint,
        guard=guard,
        extends=" extends Controller" if details["base_controller"] else "",
        user_claims=claims,
    )


def _cross_origin_step(context: PlanContext, detection: Detection, guard: str) -> None:
    """Laravel answers CORS from config/cors.php for the whole app: the wizard shows the change, it does not make it."""
    path = context.options.endpoint.lstrip("/")
    credentials = "false" if guard == "auth:sanctum" else "true"
    context.builder.manual(
        join(detection.root, "config/cors.php"),
        f"The pages are served from {context.options.frontend_origin}: let that origin (only) call the token route. "
        "Publish the file first if it is missing (php artisan config:publish cors), then set:",
        f"'paths' => [/* the paths already there, */ '{path}'],\n"
        f"'allowed_origins' => ['{context.options.frontend_origin}'],\n"
        f"'supports_credentials' => {credentials},",
    )


def _add_route(context: PlanContext, detection: Detection, guard: str) -> None:
    tree, builder = context.tree, context.builder
    endpoint = context.options.endpoint
    if guard != "auth:sanctum":  # the session's guard, the default or the app's own
        routes, path = join(detection.root, "routes/web.php"), endpoint
    else:
        routes, prefix = join(detection.root, "routes/api.php"), detection.details["api_prefix"]
        path = endpoint[len(prefix) + 1 :] if endpoint.startswith(f"/{prefix}/") else None
        if path is None:
            builder.manual(
                join(detection.root, "routes/web.php"),
                f"routes/api.php serves URLs under /{prefix}/ but the endpoint is {endpoint}; route it where that URL is "
                "served (with the same guard the API uses):",
                f"{CONTROLLER_IMPORT}\n\n" + _route(endpoint, guard),
            )
            return
    namespaced = _namespaced_routes(tree, detection.root)
    statement = _route(path, guard, namespaced=namespaced)
    if not tree.exists(routes):
        builder.manual(routes, "Add the token route:", f"{CONTROLLER_IMPORT}\n\n{statement}")
        return
    source = tree.read(routes)
    code = parse_php(source.text)
    insertions = [append_lines(source, "\n" + statement + "\n")]
    if CONTROLLER_IMPORT not in source.text and not namespaced:
        insertion = _import_insertion(source, code)
        if insertion is None:
            builder.manual(routes, "Add the token route (no `<?php` opening was found to anchor it):", f"{CONTROLLER_IMPORT}\n\n{statement}")
            return
        insertions.append(insertion)
    builder.insert(routes, insertions, f"routes {endpoint} to IntercomJwtController behind `{guard}`")


def _route(path: str, guard: str, *, namespaced: bool = False) -> str:
    action = "'IntercomJwtController'" if namespaced else "IntercomJwtController::class"
    return f"Route::get('{path}', {action})\n    ->middleware('{guard}')\n    ->name('intercom.jwt');"


def _namespaced_routes(tree: ProjectTree, root: str) -> bool:
    """Whether route files run inside a controller-namespace group (Laravel before 8, or an app that kept
    RouteServiceProvider's `$namespace`): there `X::class` would be prefixed a second time, so the route
    names the controller as a string relative to that namespace."""
    laravel = composer_version(tree, root, "laravel/framework")
    if laravel is not None and laravel.below(8, 0):
        return True
    provider = join(root, "app/Providers/RouteServiceProvider.php")
    return tree.exists(provider) and re.search(r"^\s*protected \$namespace\s*=\s*'", tree.text(provider), re.MULTILINE) is not None


def _import_insertion(source: SourceText, code: SgNode) -> Insertion | None:
    """The controller's `use` line among the file's imports, in alphabetical order (as Pint keeps them)."""
    uses = [child for child in code.children() if child.kind() == "namespace_use_declaration"]
    if uses:
        following = next((u for u in uses if u.text().lower() > CONTROLLER_IMPORT.lower()), None)
        if following is not None:
            return insert_lines_before(source, following.range().start.index, CONTROLLER_IMPORT)
        return insert_lines_after(source, uses[-1].range().end.index, CONTROLLER_IMPORT)
    opening = next((child for child in code.children() if child.kind() == "php_tag"), None)
    if opening is None:
        return None
    return insert_lines_after(source, opening.range().end.index, "\n" + CONTROLLER_IMPORT)


def _add_service_config(context: PlanContext, root: str) -> None:
    """`'intercom' => ['identity_secret' => env(...)]` as the last entry of config/services.php."""
    tree, builder = context.tree, context.builder
    path = join(root, "config/services.php")
    entry_lines = ["'intercom' => [", "    'identity_secret' => env('INTERCOM_IDENTITY_SECRET'),", "],"]
    manual_snippet = "\n".join(entry_lines)
    if not tree.exists(path):
        builder.manual(path, "Publish config/services.php (php artisan config:publish services) and add:", manual_snippet)
        return
    source = tree.read(path)
    returned = parse_php(source.text).find(pattern="return [$$$]")
    array = returned.find(kind="array_creation_expression") if returned is not None else None
    if array is None:
        builder.manual(path, "Add this entry to the array the file returns:", manual_snippet)
        return
    if "intercom" in array_string_keys(array):
        builder.note(f"{path} already configures 'intercom'; the controller reads services.intercom.identity_secret.")
        return
    entries = [child for child in array.children() if child.kind() == "array_element_initializer"]
    if not entries:
        builder.manual(path, "Add this entry to the array the file returns:", manual_snippet)
        return
    last = entries[-1]
    indent = indentation_at(source.text, last.range().start.index)
    unit = indent_unit(source.text)
    lines = [line.replace("    ", unit, 1) if line.startswith("    ") else line for line in entry_lines]
    following = last.next()
    has_comma = following is not None and following.kind() == ","
    anchor = following if has_comma else last
    separator = "\n" if _blank_line_between_entries(source.text, entries) else ""
    insertions = [insert_lines_after(source, anchor.range().end.index, separator + "\n".join(lines), indent)]
    if not has_comma:
        insertions.append(Insertion(last.range().end.index, ","))
    builder.insert(path, insertions, "services.intercom.identity_secret, read from INTERCOM_IDENTITY_SECRET")


def _blank_line_between_entries(text: str, entries: list[SgNode]) -> bool:
    if len(entries) < 2:
        return True
    between = text[entries[-2].range().end.index : entries[-1].range().start.index]
    return between.count("\n") >= 2


def _add_env_example(context: PlanContext, root: str) -> None:
    """Name the variable in .env.example, empty, so every checkout knows to set it."""
    path = join(root, ".env.example")
    if not context.tree.exists(path):
        return
    text = context.tree.text(path)
    if any(line.split("=", 1)[0].strip() == SECRET_ENV for line in text.splitlines()):
        return
    source = context.tree.read(path)
    blank = "" if not text.strip() or text.endswith("\n\n") else "\n"
    context.builder.insert(path, [append_lines(source, f"{blank}{SECRET_ENV}=\n")], f"names {SECRET_ENV} for other checkouts (no value)")


# --- pages -----------------------------------------------------------------------------------------


def page_host(context: PlanContext, detection: Detection) -> PageHost:
    tree = context.tree
    views = join(detection.root, "resources/views")
    layouts = []
    for path in tree.glob(".blade.php", under=views):
        if set(path[len(views) + 1 :].split("/")[:-1]) & SKIPPED_VIEW_FOLDERS:
            continue
        text = tree.text(path)
        if "</body>" not in text.lower() or "@extends" in text:
            continue
        if body_end_tag(text) is not None:
            layouts.append(path)
    return PageHost(
        static_dir=join(detection.root, "public"),
        script_src=SCRIPT_SRC,
        layouts=tuple(layouts),
        user_settings=_blade_user_settings(detection.details["user_fields"]),
        csp_nonce=_csp_nonce(tree, detection.root),
        csp_nonce_help="Laravel's documented way is a middleware that calls Vite::useCspNonce() and sends the nonce in "
        "the policy; spatie/laravel-csp makes one as well.",
    )


def _csp_nonce(tree: ProjectTree, root: str) -> csp.NonceSource | None:
    vite = csp.search_code(tree, tree.glob(".php", under=join(root, "app")), re.compile(r"Vite::useCspNonce\("))
    if vite is not None:
        return csp.NonceSource.everywhere(f"Vite::useCspNonce() ({vite[0]})", "{{ Vite::cspNonce() }}")
    composer = join(root, "composer.json")
    if tree.exists(composer) and '"spatie/laravel-csp"' in tree.text(composer):
        return csp.NonceSource.everywhere(f"spatie/laravel-csp ({composer})", "{{ csp_nonce() }}")
    return None


def _blade_user_settings(user_fields: list[str] | None) -> str:
    """Blade writing the signed-in user's attributes into a JS object (the insecure variant only)."""
    fields = set(user_fields) if user_fields else None
    lines = ["user_id: @json((string) auth()->id()),"]
    lines += [f"{claim}: @json({value})," for claim, value in user_fields_literal("auth()->user()", fields, style="model")]
    return "@auth\n" + "\n".join(lines) + "\n@endauth"

