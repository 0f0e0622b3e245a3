"""Finding a Laravel app (`artisan` beside a composer.json requiring laravel/framework) and how its
users sign in: session login, a Sanctum token API, the app's own session guard, the User's fields."""

import re

from intercom_wizard.integrations.backends.laravel.details import LaravelAuth, LaravelDetails
from intercom_wizard.integrations.backends.php_common import (
    array_string_items,
    composer_requires,
    laravel_roots,
    parse_php,
    read_composer_json,
    string_value,
)
from intercom_wizard.integrations.base import Detection, TokenAuth
from intercom_wizard.tree import ProjectTree, join

NAME = "laravel"
SESSION_AUTH_PACKAGES = ("laravel/breeze", "laravel/jetstream", "laravel/fortify", "laravel/ui")
_SESSION_GUARD = re.compile(r"""['"](\w+)['"]\s*=>\s*\[\s*['"]driver['"]\s*=>\s*['"]session['"]""")


def detect(tree: ProjectTree) -> list[Detection[LaravelDetails]]:
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
        auth = LaravelAuth(
            kind="sanctum" if token_app else "session",
            login=bool(session_login),
            sanctum=sanctum,
            guard=_custom_session_guard(tree, root),
        )
        details = LaravelDetails(
            sign_in=auth.kind,
            # A token API (Sanctum, no session login): the planner then has the pages send a bearer token.
            token_auth=TokenAuth(kind="sanctum") if token_app else None,
            composer=composer,
            auth=auth,
            api_prefix=_api_prefix(tree, root),
            user_fields=_user_fields(tree, root),
            base_controller=tree.exists(join(root, "app/Http/Controllers/Controller.php")),
        )
        found.append(Detection(NAME, "backend", root, tuple(evidence), details))
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


def _user_fields(tree: ProjectTree, root: str) -> tuple[str, ...] | None:
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
            callback = create.get_match("CALLBACK")
            for call in callback.find_all(kind="member_call_expression") if callback is not None else []:
                arguments = [a for a in (call.field("arguments") or call).children() if a.kind() == "argument"]
                name = string_value(arguments[0].children()[-1]) if arguments else None
                if name:
                    fields.add(name)
    return tuple(sorted(fields)) or None
