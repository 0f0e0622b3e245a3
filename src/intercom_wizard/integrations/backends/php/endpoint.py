"""Planning a plain-PHP app's token endpoint: the script in the web root (templates/php/intercom-jwt.php),
its claims function for the session user detection found, firebase/php-jwt, the secret, and the
manual steps when something stands in the endpoint's way."""

import re
import textwrap

from intercom_wizard.envfile import SECRET_ENV, plan_secret
from intercom_wizard.integrations import identity
from intercom_wizard.integrations.backends.php.details import NoSessionUser, PhpDetails, SessionRecord, SessionUser, SessionUserId
from intercom_wizard.integrations.backends.php_common import php_snippet, require_firebase_jwt, require_path, user_fields_literal, vendor_autoload
from intercom_wizard.integrations.base import Detection, PlanContext
from intercom_wizard.options import ClientAuth, Endpoint
from intercom_wizard.templates import render
from intercom_wizard.tree import ProjectTree, join

ADAPTER_FUNCTION = "intercom_signed_in_user_claims"


def plan(context: PlanContext, detection: Detection[PhpDetails]) -> None:
    tree, builder = context.tree, context.builder
    details = detection.details
    endpoint = context.options.endpoint
    target = endpoint_file(details.web_root, endpoint)
    if details.composer:
        require_firebase_jwt(context, details.composer)
    content = _endpoint_source(tree, context, details, target)
    blocked = _blocked(tree, details.web_root, endpoint)
    if blocked:
        builder.manual(target, f"{blocked}, so the wizard did not add the endpoint. Serve this script at {endpoint}:", content)
    else:
        builder.create(target, content, f"GET {endpoint}: a signed Intercom JWT for the signed-in user, 401 otherwise")
        if not endpoint.path.endswith(".php"):
            builder.note(
                f"{target} answers GET {endpoint}: web servers run a folder's index.php for the folder's URL "
                f"(Apache and nginx first redirect {endpoint} to {endpoint}/). "
                f"Install with --endpoint {endpoint}.php to get a single file instead."
            )
        rewrite = _front_controller_rewrite(tree, details.web_root, endpoint)
        if rewrite:
            builder.manual(join(details.web_root, ".htaccess"), rewrite[0], rewrite[1])
    env_file = join(detection.root, ".env") if details.dotenv else None
    if env_file is None and context.secret is not None:
        builder.note(
            f"The app loads no env file, so the secret was not written anywhere. PHP reads {SECRET_ENV} from the web "
            f"server's environment: `SetEnv {SECRET_ENV} ...` in the Apache virtual host, or `env[{SECRET_ENV}] = ...` "
            "in the PHP-FPM pool (FPM clears the shell's environment); never in a committed file."
        )
    else:
        plan_secret(context, env_file)
    _user_notes(context, details.user, target, content)
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
    if details.session_setup:
        builder.note(
            f"The pages configure the session before starting it ({details.session_setup}); make {target} do the "
            "same before session_start(), or it will not see the signed-in user.",
            "warning",
        )


def _user_notes(context: PlanContext, user: SessionUser, target: str, content: str) -> None:
    """The manual step of a fail-closed adapter, or the warning for a key that is not an id."""
    if isinstance(user, NoSessionUser):
        # the login's own row variable, or words: never a variable the login code does not have
        if user.id_expression is not None:
            adapter = php_snippet("php/user-adapter.php", {"row": "variable"}, id_expression=user.id_expression)
        else:
            adapter = php_snippet("php/user-adapter.php", {"row": "words"}, id_words=user.id_words or "the signed-in user's primary key")
        identity.adapter_step(context.builder, target, content, ADAPTER_FUNCTION, user.reason, adapter, user.rejected)
    if isinstance(user, SessionUserId) and user.not_an_id:
        context.builder.note(
            f"The users table has no id, so Intercom's user_id is the user's {user.key} ({user.not_an_id}): "
            f"a user who changes it becomes a new Intercom user. Give users an id and return it from "
            f"{ADAPTER_FUNCTION}() in {target} when you can.",
            "warning",
        )


def endpoint_file(web_root: str, endpoint: Endpoint) -> str:
    """The script answering `endpoint`: that file for a `.php` URL, else the folder's index.php."""
    relative = endpoint.relative
    return join(web_root, relative if relative.endswith(".php") else f"{relative}/index.php")


def _blocked(tree: ProjectTree, web_root: str, endpoint: Endpoint) -> str | None:
    relative = endpoint.relative
    if not relative:
        return f"{endpoint} is the site's home page"
    parts = list(endpoint.segments)
    folders = parts[:-1] if relative.endswith(".php") else parts
    for depth in range(1, len(folders) + 1):
        path = join(web_root, "/".join(folders[:depth]))
        if path in tree.files:
            return f"{path} is a file where the endpoint needs a folder"
    return None


def _front_controller_rewrite(tree: ProjectTree, web_root: str, endpoint: Endpoint) -> tuple[str, str] | None:
    """An .htaccess sending every request to a front controller would swallow the endpoint's URL."""
    htaccess = join(web_root, ".htaccess")
    if not tree.exists(htaccess):
        return None
    text = tree.text(htaccess)
    relative = endpoint.relative
    condition = "!-f" if relative.endswith(".php") else "!-d"
    rules = [line.strip() for line in text.splitlines() if line.strip().lower().startswith("rewriterule")]
    if not rules or condition in text:
        return None
    script = relative if relative.endswith(".php") else f"{relative}/index.php"
    return (
        f"The rewrite rules send requests to a front controller; let {endpoint} through, above them:",
        f"RewriteRule ^{re.escape(relative)}/?$ {script} [L]",
    )


def _endpoint_source(tree: ProjectTree, context: PlanContext, details: PhpDetails, target: str) -> str:
    composer = details.composer
    if composer:
        signing = f"Signed with firebase/php-jwt ({composer})."
    else:
        signing = "The project has no Composer, so HS256 is computed here with hash_hmac() (no JWT library)."
    text = render(
        "php/intercom-jwt.php",
        {
            "signer": "firebase" if composer else "hmac",
            "bootstrap": "yes" if details.bootstrap else "no",
            "cors": "yes" if context.options.frontend_origin else "no",
        },
        endpoint=str(context.options.endpoint),
        signing=signing,
        autoload=require_path(target, vendor_autoload(tree, composer)) if composer else "",
        bootstrap=require_path(target, details.bootstrap) if details.bootstrap else "",
        frontend_origin=context.options.frontend_origin or "",
        user_claims=_claims_function(details.user),
    )
    return re.sub(r"\n{3,}", "\n\n", text)


def _claims_function(user: SessionUser) -> str:
    """`intercom_signed_in_user_claims()` reading the session user detection found (the stub without one)."""
    if isinstance(user, NoSessionUser):
        return php_snippet("php/user-adapter-stub.php")
    if isinstance(user, SessionRecord):
        owner = "$user"
        access = f"['{user.id_field}']" if user.style == "array" else f"->{user.id_field}"
        entries = [("user_id", f"(string) {owner}{access}"), *user_fields_literal(owner, set(user.fields) or None, style=user.style)]
        style, id_field = str(user.style), user.id_field
    else:
        entries = [("user_id", f"(string) $_SESSION['{user.key}']")]
        entries += [(claim, f"$_SESSION['{key}'] ?? null") for claim, key in (("email", user.email_key), ("name", user.name_key)) if key]
        style, id_field = ("guarded" if user.signed_in_when else "id"), ""
    claims = "\n".join(f"        '{key}' => {value}," for key, value in entries)
    guard = {}
    if isinstance(user, SessionUserId):
        why = textwrap.wrap(f"{user.signed_in_why}: signed in only while the pages' condition holds.", 96) if user.signed_in_why else []
        guard = {"guard": user.signed_in_when or "", "guard_why": "\n    // ".join(why)}
    return php_snippet("php/session-user-claims.php", {"style": style}, file=user.file, key=user.key, id_field=id_field, claims=claims, **guard)
