"""Plain PHP: an endpoint script in the web root that reads the user the login code keeps in $_SESSION.

Recognised by `.php` files calling `session_start()` and using `$_SESSION`; a project with
`artisan` and laravel/framework in composer.json is Laravel's (see laravel.py), never this one's,
and a WordPress install (its users are not in $_SESSION) is left alone.

- The endpoint: `<web root>/api/intercom-jwt/index.php` for the default `/api/intercom-jwt`. A
  folder's `index.php` is what Apache, nginx and `php -S` run for the folder's URL, so the path
  needs no rewrite rule (Apache and nginx first redirect to the trailing slash). An endpoint that
  ends in `.php` (`--endpoint /api/intercom-jwt.php`) is exactly that file. When something is in
  the way (a file at that path, a front controller rewriting every request, the site's root), the
  plan has a manual step instead.
- The user: the login code's `$_SESSION['user'] = [...]` record (array or object), or
  `$_SESSION['user_id'] = ...` plus the email/name keys stored beside it, found with ast-grep.
  When `session_start()` lives in an include (session name, cookie parameters), the endpoint
  requires that same include so it reads the same session. No login found: it fails closed (401).
- Signing: with Composer, firebase/php-jwt (added to composer.json `require`; the endpoint
  requires the autoloader). Without Composer, deliberately no library: the endpoint carries a
  ten-line HS256 signer (`hash_hmac('sha256', ...)` over base64url JSON, RFC 7515/7519). HS256 is
  the only algorithm Intercom uses, the user may have no Composer either, and bringing Composer
  into a project that does not use it (vendor/, an autoloader, a lock file) for one function is a
  larger change than the feature. Any JWT library, PyJWT included, verifies these tokens.
- The Messenger script: one tag before `</body>` in every `.php` page or footer include that
  closes the document; the script itself is served from the web root as `/intercom-messenger.js`.
- The secret: the server's environment (Apache `SetEnv`, PHP-FPM `env[...]`), or `.env` when the
  bootstrap the endpoint includes loads it with vlucas/phpdotenv.
"""

import re
from collections import Counter
from pathlib import PurePosixPath

from ast_grep_py import SgNode

from intercom_wizard import csp
from intercom_wizard.envfile import SECRET_ENV, plan_secret
from intercom_wizard.integrations import identity
from intercom_wizard.integrations.backends.php_common import (
    array_string_keys,
    composer_requires,
    has_inline_html,
    in_function,
    include_targets,
    laravel_roots,
    parse_php,
    read_composer_json,
    require_firebase_jwt,
    require_path,
    string_value,
    user_fields_literal,
    vendor_autoload,
)
from intercom_wizard.integrations.base import Detection, PageHost, PlanContext
from intercom_wizard.integrations.frontends.layouts import body_end_tag
from intercom_wizard.options import ClientAuth
from intercom_wizard.support import Supported, SupportTable
from intercom_wizard.templates import render
from intercom_wizard.tree import ProjectTree, folder_of, join

NAME = "php"
# The versions this integration generates code for (docs list the same table).
SUPPORTED: SupportTable = (
    Supported("PHP", "language", "php", (7, 1)),
    Supported("firebase/php-jwt", "php", "firebase/php-jwt", (5, 0), (8, 0), optional=True),
)
SCRIPT_SRC = "/intercom-messenger.js"
WEB_ROOT_NAMES = ("public", "public_html", "htdocs", "www", "web", "html")
USER_KEY_WORDS = ("user", "member", "account", "customer")
NOT_USER_WORDS = ("csrf", "token", "flash", "error", "message", "mail", "name", "role", "level", "type", "lang", "theme")
NAME_KEYS = ("name", "full_name", "display_name", "username", "user_name")
SESSION_SETUP_CALLS = ("session_name", "session_set_cookie_params", "session_save_path", "session_set_save_handler", "ini_set")
# Statements that answer the request: a file doing one at top level is a page, not a bootstrap.
RESPONDING_CALLS = ("header", "http_response_code", "die", "setcookie", "printf", "readfile")
ADAPTER_FUNCTION = "intercom_signed_in_user_claims"
JSON_FLAGS = "JSON_HEX_TAG | JSON_HEX_AMP | JSON_HEX_APOS | JSON_HEX_QUOT"


def detect(tree: ProjectTree) -> list[Detection]:
    # Laravel is laravel.py's; WordPress signs users in with its own cookies, not $_SESSION (plugins
    # that start a session do not make it a session app), and has Intercom's own plugin.
    excluded = laravel_roots(tree) + [folder_of(p) for p in tree.named("wp-settings.php") + tree.named("wp-config.php")]
    starts: list[str] = []
    session_files: list[str] = []
    for path in tree.glob(".php"):
        if path.endswith(".blade.php") or any(root == "" or path.startswith(f"{root}/") for root in excluded):
            continue
        text = tree.text(path)
        if "session_start" not in text and "$_SESSION" not in text:
            continue
        if parse_php(text).find(pattern="session_start($$$)") is not None:
            starts.append(path)
        if "$_SESSION" in text:
            session_files.append(path)
    if not starts or not session_files:
        return []
    composer = _composer_json(tree, starts + session_files)
    app_root = folder_of(composer) if composer else _common_folder(starts + session_files)
    if not composer and PurePosixPath(app_root).name in WEB_ROOT_NAMES:
        app_root = folder_of(app_root)
    php_files = [p for p in tree.glob(".php", under=app_root) if not p.endswith(".blade.php")]
    bootstrap = _session_bootstrap(tree, starts, php_files)
    auth = _session_user(tree, session_files)
    evidence = [f"{path}: session_start()" for path in starts[:3]]
    if auth["kind"] != "none":
        evidence.append(f"{auth['file']}: $_SESSION['{auth['key']}'] = ...")
    return [
        Detection(
            NAME,
            "backend",
            app_root,
            tuple(evidence),
            {
                "web_root": _web_root(tree, app_root),
                "composer": composer,
                "bootstrap": bootstrap,
                "session_setup": None if bootstrap else _session_setup(tree, starts),
                "auth": auth,
                "dotenv": bool(composer and bootstrap and _loads_dotenv(tree, composer, bootstrap)),
            },
        )
    ]


def _common_folder(paths: list[str]) -> str:
    folders = [PurePosixPath(folder_of(p)).parts if folder_of(p) else () for p in paths]
    common: list[str] = []
    for parts in zip(*folders):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return "/".join(common)


def _composer_json(tree: ProjectTree, paths: list[str]) -> str | None:
    """The deepest composer.json whose folder holds every session file: the app uses Composer."""
    common = _common_folder(paths)
    holding = [m for m in tree.named("composer.json") if folder_of(m) == "" or f"{common}/".startswith(f"{folder_of(m)}/")]
    return max(holding, key=len) if holding else None


def _web_root(tree: ProjectTree, app_root: str) -> str:
    """The folder the web server serves: a conventional document root holding index.php, else the app's."""
    for name in WEB_ROOT_NAMES:
        if tree.exists(join(join(app_root, name), "index.php")):
            return join(app_root, name)
    return app_root


def _session_bootstrap(tree: ProjectTree, starts: list[str], php_files: list[str]) -> str | None:
    """The include that configures and starts the session for every page, when there is one."""
    included: Counter[str] = Counter()
    names = {PurePosixPath(start).name for start in starts}
    for path in php_files:
        text = tree.text(path)
        if not any(name in text for name in names):
            continue
        for target in include_targets(parse_php(text)):
            for start in starts:
                if PurePosixPath(start).name in target and start != path:
                    included[start] += 1
    candidates = [
        path
        for path in starts
        if included[path] and not has_inline_html(tree.text(path)) and not _responds_at_top_level(parse_php(tree.text(path)))
    ]
    return max(candidates, key=lambda p: (included[p], -len(p))) if candidates else None


def _responds_at_top_level(root: SgNode) -> bool:
    """True when the file itself answers the request (output, redirect, exit) outside any function."""
    nodes = root.find_all(kind="echo_statement") + root.find_all(kind="print_intrinsic") + root.find_all(kind="exit_statement")
    nodes += [
        call
        for call in root.find_all(kind="function_call_expression")
        if call.field("function") is not None and call.field("function").text() in RESPONDING_CALLS
    ]
    return any(not in_function(node) for node in nodes)


def _session_setup(tree: ProjectTree, starts: list[str]) -> str | None:
    """A page that configures the session before session_start(), which the endpoint must copy."""
    for path in starts:
        for call in parse_php(tree.text(path)).find_all(kind="function_call_expression"):
            name = call.field("function").text() if call.field("function") is not None else ""
            if name in SESSION_SETUP_CALLS and (name != "ini_set" or "session." in call.text()):
                return f"{path}: {call.text()}"
    return None


def _loads_dotenv(tree: ProjectTree, composer: str, bootstrap: str) -> bool:
    requires = composer_requires(read_composer_json(tree, composer))
    return "vlucas/phpdotenv" in requires and "Dotenv" in tree.text(bootstrap)


def _is_user_key(key: str) -> bool:
    """A session key holding the user (or their id): `user`, `current_user`, `member_id`, `uid`...,
    but not one of their attributes (`user_email`, `username`) or unrelated state (`csrf_token`)."""
    lowered = key.lower()
    if any(word in lowered for word in NOT_USER_WORDS):
        return False
    return lowered == "uid" or any(word in lowered for word in USER_KEY_WORDS)


def _is_id_key(key: str) -> bool:
    lowered = key.lower()
    return lowered == "uid" or lowered.endswith("id")


def _session_user(tree: ProjectTree, files: list[str]) -> dict[str, object]:
    """Where the login code keeps the signed-in user in $_SESSION, and what is known of its fields.

    Only evidence makes an id (see identity.py): a record whose id field is the user's id, or a key
    the login code assigns from the user's id. A flag beside it (`$_SESSION['user_login_status'] =
    1`), a name or a literal is never used; with no evidence the endpoint's adapter is a manual step.
    """
    assignments: list[tuple[str, str, SgNode, SgNode]] = []
    roots = {}
    for path in files:
        roots[path] = root = parse_php(tree.text(path))
        for match in root.find_all(pattern="$_SESSION[$KEY] = $VALUE"):
            key = string_value(match.get_match("KEY"))
            if key is not None:
                assignments.append((path, key, match.get_match("VALUE"), match))
    records = [a for a in assignments if _is_user_key(a[1]) and not _is_id_key(a[1]) and not identity.is_flag_name(a[1])]
    literal = next((a for a in records if a[2].kind() == "array_creation_expression"), None)
    if literal is not None:
        path, key, value, match = literal
        fields = array_string_keys(value)
        id_field = _id_field(fields)
        evidence = _array_element_evidence(value, id_field) if id_field else None
        if id_field is not None and evidence is not None and evidence.is_id:
            return {"kind": "session-user", "style": "array", "file": path, "key": key, "id": id_field, "fields": sorted(fields)}
        why = evidence.reason if evidence is not None else "has no id field"
        return _no_evidence(tree, f"{path}:{_line(match)} stores $_SESSION['{key}'] whose id {why}")
    for path, key, value, _match in records:
        if value.kind() in LITERAL_KINDS:
            continue
        style, fields = _record_usage(roots, key, value)
        id_field = _id_field(fields) or (_model_id_property(tree) if style == "object" else None)
        if style is not None and id_field is not None:
            return {"kind": "session-user", "style": style, "file": path, "key": key, "id": id_field, "fields": sorted(fields)}
    table = identity.users_table(tree)
    choice = identity.choose_session_key(
        (
            identity.SessionAssignment(
                path,
                _line(match),
                key,
                value.text(),
                literal=value.kind() in LITERAL_KINDS,
                is_null=value.kind() == "null",
                resolve=_variable_resolver(match),
            )
            for path, key, value, match in assignments
            if key not in {r[1] for r in records} or identity.is_user_session_key(key)
        ),
        unique_identifying=table.unique_identifying if table else frozenset(),
    )
    if choice.key is None:
        return _no_evidence(tree, choice.reason, choice.rejected)
    match = next(a[3] for a in assignments if a[1] == choice.key)
    path = str(choice.file)
    beside = [a[1] for a in assignments if a[0] == path and a[1] != choice.key and _same_block(a[3], match)]
    email_key = choice.key if choice.identifying and "mail" in choice.identifying else next((k for k in beside if "email" in k.lower()), None)
    name_key = next((k for k in beside if k.lower() in NAME_KEYS), None)
    found: dict[str, object] = {"kind": "session-user-id", "file": path, "key": choice.key, "email_key": email_key, "name_key": name_key}
    if choice.identifying:
        found["not_an_id"] = choice.reason
    if choice.rejected:
        found["rejected"] = list(choice.rejected)
    return found


_USER_CLASS_ID = re.compile(r"\bclass\s+(?:User|Member|Account|Customer)\w*\b[^{]*\{(?:[^{}]|\{[^{}]*\})*?\b(?:public|protected|private)\s+(?:readonly\s+)?(?:\??int|string)?\s*\$(id)\b", re.S)


def _model_id_property(tree: ProjectTree) -> str | None:
    """`id` when the app's user class declares an `$id` property: the stored object's id is its key."""
    for path in tree.glob(".php"):
        if _USER_CLASS_ID.search(tree.text(path)):
            return "id"
    return None


LITERAL_KINDS = frozenset({"integer", "float", "boolean", "string", "encapsed_string", "null"})


def _line(node: SgNode) -> int:
    return node.range().start.line + 1


def _no_evidence(tree: ProjectTree, reason: str, rejected: tuple[str, ...] = ()) -> dict[str, object]:
    table = identity.users_table(tree)
    return {"kind": "none", "reason": reason, "rejected": list(rejected), "table_id": table.id_column if table else None}


def _array_element_evidence(array: SgNode, field: str) -> identity.ValueEvidence | None:
    """Whether `'id' => ...` in the stored array is the user's id."""
    for element in array.children():
        parts = element.children() if element.kind() == "array_element_initializer" else []
        if len(parts) >= 3 and parts[1].kind() == "=>" and string_value(parts[0]) == field:
            value = parts[-1]
            return identity.value_evidence(value.text(), literal=value.kind() in LITERAL_KINDS, resolve=_variable_resolver(array))
    return None


FUNCTION_SCOPES = ("function_definition", "method_declaration", "anonymous_function", "anonymous_function_creation_expression", "arrow_function", "program")


def _variable_resolver(node: SgNode) -> identity.Resolver:
    """The values assigned to a variable in the function (or file) around `node`, before it."""
    scope = next((a for a in node.ancestors() if a.kind() in FUNCTION_SCOPES), None)

    def resolve(variable: str) -> list[tuple[str, bool]]:
        if scope is None:
            return []
        found = []
        for match in scope.find_all(pattern=f"{variable} = $VALUE"):
            if match.range().start.index < node.range().start.index and match.get_match("VALUE") is not None:
                value = match.get_match("VALUE")
                found.append((value.text(), value.kind() in LITERAL_KINDS))
        return found

    return resolve


def _id_field(fields: list[str] | set[str]) -> str | None:
    if "id" in fields:
        return "id"
    return next((f for f in sorted(fields) if _is_id_key(f)), None)


def _same_block(a: SgNode, b: SgNode) -> bool:
    parent_a, parent_b = a.parent(), b.parent()
    return parent_a is not None and parent_b is not None and parent_a.parent() == parent_b.parent()


def _record_usage(roots: dict[str, SgNode], key: str, value: SgNode) -> tuple[str | None, set[str]]:
    """"array" or "object", and its fields, from how the code reads $_SESSION[key] (or the stored
    variable); None when nothing shows it is a record rather than a plain value."""
    array_fields: set[str] = set()
    object_fields: set[str] = set()
    quoted = f"'{key}'"
    for root in roots.values():
        for match in root.find_all(pattern=f"$_SESSION[{quoted}][$FIELD]"):
            field = string_value(match.get_match("FIELD"))
            if field:
                array_fields.add(field)
        for match in root.find_all(pattern=f"$_SESSION[{quoted}]->$FIELD"):
            object_fields.add(match.get_match("FIELD").text())
    if value.kind() == "variable_name":
        scope = next((a for a in value.ancestors() if a.kind() in ("compound_statement", "program")), None)
        if scope is not None:
            variable = value.text()
            for match in scope.find_all(pattern=f"{variable}[$FIELD]"):
                field = string_value(match.get_match("FIELD"))
                if field:
                    array_fields.add(field)
            for match in scope.find_all(pattern=f"{variable}->$FIELD"):
                if match.get_match("FIELD").kind() == "name":
                    object_fields.add(match.get_match("FIELD").text())
    if value.kind() == "object_creation_expression" or len(object_fields) > len(array_fields):
        return "object", object_fields
    if array_fields:
        return "array", array_fields
    return None, set()


# --- planning ------------------------------------------------------------------------------------


def plan(context: PlanContext, detection: Detection) -> None:
    tree, builder = context.tree, context.builder
    details = detection.details
    endpoint = context.options.endpoint
    web_root: str = details["web_root"]
    target = endpoint_file(web_root, endpoint)
    composer: str | None = details["composer"]
    if composer:
        require_firebase_jwt(context, composer)
    content = _endpoint_source(tree, context, details, target)
    blocked = _blocked(tree, web_root, endpoint)
    if blocked:
        builder.manual(target, f"{blocked}, so the wizard did not add the endpoint. Serve this script at {endpoint}:", content)
    else:
        builder.create(target, content, f"GET {endpoint}: a signed Intercom JWT for the signed-in user, 401 otherwise")
        if not endpoint.endswith(".php"):
            builder.note(
                f"{target} answers GET {endpoint}: web servers run a folder's index.php for the folder's URL "
                f"(Apache and nginx first redirect {endpoint} to {endpoint}/). "
                f"Install with --endpoint {endpoint}.php to get a single file instead."
            )
        rewrite = _front_controller_rewrite(tree, web_root, endpoint)
        if rewrite:
            builder.manual(join(web_root, ".htaccess"), rewrite[0], rewrite[1])
    env_file = join(detection.root, ".env") if details["dotenv"] else None
    if env_file is None and context.secret is not None:
        builder.note(
            f"The app loads no env file, so the secret was not written anywhere. PHP reads {SECRET_ENV} from the web "
            f"server's environment: `SetEnv {SECRET_ENV} ...` in the Apache virtual host, or `env[{SECRET_ENV}] = ...` "
            "in the PHP-FPM pool (FPM clears the shell's environment); never in a committed file."
        )
    else:
        plan_secret(context, env_file)
    auth = details["auth"]
    if auth["kind"] == "none":
        identity.adapter_step(
            builder,
            target,
            content,
            ADAPTER_FUNCTION,
            str(auth["reason"]),
            _php_snippet("php-intercom-user-adapter.php", id_column=str(auth.get("table_id") or "id")),
            auth.get("rejected", []),  # type: ignore[arg-type]
        )
    if auth.get("not_an_id"):
        builder.note(
            f"The users table has no id, so Intercom's user_id is the user's {auth['key']} ({auth['not_an_id']}): "
            f"a user who changes it becomes a new Intercom user. Give users an id and return it from "
            f"{ADAPTER_FUNCTION}() in {target} when you can.",
            "warning",
        )
    if context.options.auth is ClientAuth.BEARER:
        builder.note(
            "This PHP app keeps the signed-in user in its session, so the endpoint reads the session cookie; "
            "a bearer token in the Authorization header is not looked at.",
            "warning",
        )
    if context.options.frontend_origin:
        builder.note(
            f"The pages are on {context.options.frontend_origin}: the session cookie reaches the endpoint only if it is "
            "sent cross-site (session.cookie_samesite=None with session.cookie_secure=1)."
        )
    if details["session_setup"]:
        builder.note(
            f"The pages configure the session before starting it ({details['session_setup']}); make {target} do the "
            "same before session_start(), or it will not see the signed-in user.",
            "warning",
        )


def endpoint_file(web_root: str, endpoint: str) -> str:
    """The script answering `endpoint`: that file for a `.php` URL, else the folder's index.php."""
    relative = endpoint.strip("/")
    return join(web_root, relative if relative.endswith(".php") else f"{relative}/index.php")


def _blocked(tree: ProjectTree, web_root: str, endpoint: str) -> str | None:
    relative = endpoint.strip("/")
    if not relative:
        return f"{endpoint} is the site's home page"
    parts = relative.split("/")
    folders = parts[:-1] if relative.endswith(".php") else parts
    for depth in range(1, len(folders) + 1):
        path = join(web_root, "/".join(folders[:depth]))
        if path in tree.files:
            return f"{path} is a file where the endpoint needs a folder"
    return None


def _front_controller_rewrite(tree: ProjectTree, web_root: str, endpoint: str) -> tuple[str, str] | None:
    """An .htaccess sending every request to a front controller would swallow the endpoint's URL."""
    htaccess = join(web_root, ".htaccess")
    if not tree.exists(htaccess):
        return None
    text = tree.text(htaccess)
    condition = "!-f" if endpoint.endswith(".php") else "!-d"
    rules = [line.strip() for line in text.splitlines() if line.strip().lower().startswith("rewriterule")]
    if not rules or condition in text:
        return None
    relative = endpoint.strip("/")
    script = relative if relative.endswith(".php") else f"{relative}/index.php"
    return (
        f"The rewrite rules send requests to a front controller; let {endpoint} through, above them:",
        f"RewriteRule ^{re.escape(relative)}/?$ {script} [L]",
    )


def _endpoint_source(tree: ProjectTree, context: PlanContext, details: dict[str, object], target: str) -> str:
    composer = details["composer"]
    setup = []
    if composer:
        setup += ["use Firebase\\JWT\\JWT;", ""]
        setup.append(f"require_once {require_path(target, vendor_autoload(tree, str(composer)))};")
    if details["bootstrap"]:
        setup.append(f"require_once {require_path(target, str(details['bootstrap']))}; // the app's own session setup")
    if setup and setup[-1]:
        setup.append("")
    setup += [
        "// Read the session without holding its lock: this endpoint never writes to it.",
        "if (session_status() === PHP_SESSION_NONE) {",
        "    session_start(['read_and_close' => true]);",
        "}",
    ]
    if composer:
        signing = f"Signed with firebase/php-jwt ({composer})."
        signer, sign = "", "JWT::encode($payload, $secret, 'HS256')"
    else:
        signing = "The project has no Composer, so HS256 is computed here with hash_hmac() (no JWT library)."
        signer, sign = HS256_SIGNER, "intercom_jwt_hs256($payload, $secret)"
    cors = ""
    if context.options.frontend_origin:
        cors = (
            "\n// The pages are served from another origin: allow exactly that one, with its cookies.\n"
            f"header('Access-Control-Allow-Origin: {context.options.frontend_origin}');\n"
            "header('Access-Control-Allow-Credentials: true');\n"
            "header('Vary: Origin');\n"
        )
    text = render(
        "php-intercom-jwt.php",
        cors=cors,
        endpoint=context.options.endpoint,
        signing=signing,
        setup="\n".join(setup),
        user_claims=_claims_function(details["auth"]),  # type: ignore[arg-type]
        signer=signer,
        sign=sign,
    )
    return re.sub(r"\n{3,}", "\n\n", text)


HS256_SIGNER = """/**
 * Unpadded base64url, the encoding of every JWT segment (RFC 7515, section 2).
 */
function intercom_base64url_encode(string $data): string
{
    return rtrim(strtr(base64_encode($data), '+/', '-_'), '=');
}

/**
 * A compact JWT signed with HS256, i.e. HMAC-SHA256 over "<header>.<claims>" (RFC 7519).
 */
function intercom_jwt_hs256(array $claims, string $secret): string
{
    $header = ['typ' => 'JWT', 'alg' => 'HS256'];
    $signingInput = intercom_base64url_encode(json_encode($header, JSON_THROW_ON_ERROR))
        . '.' . intercom_base64url_encode(json_encode($claims, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR));

    return $signingInput . '.' . intercom_base64url_encode(hash_hmac('sha256', $signingInput, $secret, true));
}"""


def _claims_function(auth: dict[str, object]) -> str:
    header = "function intercom_signed_in_user_claims(): ?array\n{\n"
    if auth["kind"] == "session-user":
        key, style, id_field = auth["key"], auth["style"], auth["id"]
        fields = set(auth["fields"]) if auth["fields"] else None  # type: ignore[call-overload]
        if style == "array":
            guard = f"!is_array($user) || !isset($user['{id_field}'])"
            user_id = f"(string) $user['{id_field}']"
        else:
            guard = f"!is_object($user) || !isset($user->{id_field})"
            user_id = f"(string) $user->{id_field}"
        entries = [("user_id", user_id), *user_fields_literal("$user", fields, style=str(style))]
        return (
            f"/**\n * Identity claims for the user {auth['file']} keeps in $_SESSION['{key}'], or null.\n */\n"
            + header
            + f"    $user = $_SESSION['{key}'] ?? null;\n    if ({guard}) {{\n        return null;\n    }}\n\n"
            + f"    return {_array_literal(entries, '    ')};\n}}"
        )
    if auth["kind"] == "session-user-id":
        key = auth["key"]
        entries = [("user_id", f"(string) $_SESSION['{key}']")]
        if auth["email_key"]:
            entries.append(("email", f"$_SESSION['{auth['email_key']}'] ?? null"))
        if auth["name_key"]:
            entries.append(("name", f"$_SESSION['{auth['name_key']}'] ?? null"))
        return (
            f"/**\n * Identity claims for the signed-in user, whom {auth['file']} identifies by $_SESSION['{key}'], or null.\n */\n"
            + header
            + f"    if (!isset($_SESSION['{key}'])) {{\n        return null;\n    }}\n\n"
            + f"    return {_array_literal(entries, '    ')};\n}}"
        )
    return _php_snippet("php-intercom-user-adapter-stub.php")


def _php_snippet(template: str, **values: str) -> str:
    """A PHP template without its `<?php` line (it is there to keep the template a valid PHP file)."""
    return render(template, **values).split("\n", 1)[1].strip()


def _array_literal(entries: list[tuple[str, str]], indent: str) -> str:
    inner = "".join(f"\n{indent}    '{key}' => {value}," for key, value in entries)
    return f"[{inner}\n{indent}]"


# --- pages -----------------------------------------------------------------------------------------


def page_host(context: PlanContext, detection: Detection) -> PageHost:
    tree = context.tree
    endpoint_target = endpoint_file(detection.details["web_root"], context.options.endpoint)
    layouts = []
    for path in tree.glob(".php", under=detection.root):
        if path == endpoint_target or path.endswith(".blade.php"):
            continue
        text = tree.text(path)
        if "</body>" in text.lower() and body_end_tag(text) is not None:
            layouts.append(path)
    return PageHost(
        static_dir=detection.details["web_root"],
        script_src=SCRIPT_SRC,
        layouts=tuple(layouts),
        unsupported_layouts=() if layouts else _fragment_pages(tree, detection.details["web_root"], endpoint_target),
        user_settings=_template_user_settings(detection.details["auth"]),
        csp_nonce=_variable_nonce(tree, detection.root, layouts),
        csp_nonce_help="Set $cspNonce = base64_encode(random_bytes(16)) in the bootstrap file every page includes, and "
        "send `'nonce-$cspNonce'` in the policy's script-src.",
    )


_HTML_TAG = re.compile(r"<(form|div|a|h[1-6]|p|table|ul|section|main)\b", re.I)


def _fragment_pages(tree: ProjectTree, web_root: str, endpoint_target: str) -> tuple[str, ...]:
    """Pages that print HTML without a `<body>` (browsers supply it; small login apps do this): the view files,
    else the web root's index.php. The script tag goes at the end of their output, by hand."""
    pages = [
        path
        for path in tree.glob(".php", under=web_root)
        if path != endpoint_target and _HTML_TAG.search(tree.text(path)) and "/views/" in f"/{path}"
    ]
    index = join(web_root, "index.php")
    return tuple(pages) if pages else ((index,) if tree.exists(index) else ())


_NONCE_VARIABLE = re.compile(r"(\$\w*nonce\w*)\s*=(?!=)", re.I)


def _variable_nonce(tree: ProjectTree, root: str, layouts: list[str]) -> csp.NonceSource | None:
    """A nonce variable in the layout's scope: set in it, in a page that includes it (a footer partial sees the
    variables of the page requiring it), or in any file those include, however deep."""
    files = tree.glob(".php", under=root)
    if csp.search_code(tree, files, _NONCE_VARIABLE) is None:
        return None

    def includes(path: str) -> list[str]:
        text = tree.text(path)
        return [other for other in files if other != path and PurePosixPath(other).name in text]

    expressions, providers = [], set()
    for layout in layouts:
        scope = [layout, *(page for page in files if layout in includes(page))]
        for path in scope:  # grows while it is walked: what the pages include, and what that includes
            scope += [included for included in includes(path) if included not in scope]
        found = csp.search_code(tree, scope, _NONCE_VARIABLE)
        if found is not None:
            path, match = found
            expressions.append((layout, f"<?= htmlspecialchars({match.group(1)}, ENT_QUOTES) ?>"))
            providers.add(f"{match.group(1)} ({path})")
    if not expressions:
        return None
    return csp.NonceSource(", ".join(sorted(providers)), tuple(expressions))


def _template_user_settings(auth: dict[str, object]) -> str | None:
    """PHP writing the signed-in user's attributes into a JS object (the insecure variant only)."""
    if auth["kind"] == "session-user":
        owner = f"$_SESSION['{auth['key']}']"
        fields = set(auth["fields"]) if auth["fields"] else None  # type: ignore[call-overload]
        if auth["style"] == "array":
            condition, user_id = f"isset({owner}['{auth['id']}'])", f"(string) {owner}['{auth['id']}']"
        else:
            condition, user_id = f"isset({owner}->{auth['id']})", f"(string) {owner}->{auth['id']}"
        entries = [("user_id", user_id), *user_fields_literal(owner, fields, style=str(auth["style"]))]
    elif auth["kind"] == "session-user-id":
        owner = f"$_SESSION['{auth['key']}']"
        condition, entries = f"isset({owner})", [("user_id", f"(string) {owner}")]
        for claim in ("email", "name"):
            if auth[f"{claim}_key"]:
                entries.append((claim, f"$_SESSION['{auth[f'{claim}_key']}'] ?? null"))
    else:
        return None
    lines = [f"{claim}: <?= json_encode({value}, {JSON_FLAGS}) ?>," for claim, value in entries]
    return f"<?php if ({condition}): ?>\n" + "\n".join(lines) + "\n<?php endif; ?>"
