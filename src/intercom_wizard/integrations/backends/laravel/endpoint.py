"""Planning a Laravel app's token endpoint: the invokable controller (templates/laravel), the guard it
sits behind, firebase/php-jwt, the secret, and the CORS change for pages on another origin."""

from intercom_wizard.envfile import SECRET_ENV, plan_secret
from intercom_wizard.integrations.backends.laravel.config import add_env_example, add_service_config
from intercom_wizard.integrations.backends.laravel.details import LaravelDetails
from intercom_wizard.integrations.backends.laravel.routes import CONTROLLER, add_route
from intercom_wizard.integrations.backends.php_common import require_firebase_jwt, user_fields_literal
from intercom_wizard.integrations.base import Detection, PlanContext
from intercom_wizard.options import ClientAuth
from intercom_wizard.templates import render
from intercom_wizard.tree import join


def plan(context: PlanContext, detection: Detection[LaravelDetails]) -> None:
    tree, builder = context.tree, context.builder
    root = detection.root
    details = detection.details
    guard = _guard(context, details)
    builder.create(
        join(root, CONTROLLER),
        _controller_source(context, details, guard),
        f"GET {context.options.endpoint}: a signed Intercom JWT for the signed-in user, 401 otherwise",
    )
    add_route(context, detection, guard)
    require_firebase_jwt(context, details.composer)
    add_service_config(context, root)
    env_file = join(root, ".env")
    if tree.exists(env_file) or context.secret is None:
        plan_secret(context, env_file)
    else:
        builder.note(
            f"Laravel reads the secret from {env_file}, which does not exist here (each machine makes its own from "
            f".env.example): add {SECRET_ENV}=... to it, or set {SECRET_ENV} in the server's environment."
        )
    add_env_example(context, root)
    builder.note(
        f"The token route is behind Laravel's `{guard}` middleware: the Messenger script asks for it with "
        "Accept: application/json, so signed-out visitors get 401 JSON rather than a redirect to the login page."
    )
    builder.note(f"If the app caches its configuration (php artisan config:cache), run that again once {SECRET_ENV} is set.")
    if context.options.frontend_origin:
        _cross_origin_step(context, detection, guard)
    if guard == "auth" and not details.auth.login:
        builder.note(
            "No login routes were recognised: the endpoint answers 401 until users can sign in with Laravel's default guard.",
            "warning",
        )


def _guard(context: PlanContext, details: LaravelDetails) -> str:
    """`auth:sanctum` when the pages send a bearer token (and Sanctum guards the API), else the session's `auth`."""
    if context.options.auth is not ClientAuth.BEARER:
        custom = details.auth.guard
        return f"auth:{custom}" if custom else "auth"
    if details.auth.sanctum:
        return "auth:sanctum"
    context.builder.note(
        "Bearer authentication was asked for, but no Sanctum-guarded API (auth:sanctum in routes/api.php) was found: "
        "the token route uses the session's `auth` middleware.",
        "warning",
    )
    return "auth"


def _controller_source(context: PlanContext, details: LaravelDetails, guard: str) -> str:
    fields = set(details.user_fields) if details.user_fields else None
    claims = "\n".join(f"            '{claim}' => {value}," for claim, value in user_fields_literal("$user", fields, style="model"))
    return render(
        "laravel/IntercomJwtController.php",
        endpoint=str(context.options.endpoint),
        guard=guard,
        extends=" extends Controller" if details.base_controller else "",
        user_claims=claims,
    )


def _cross_origin_step(context: PlanContext, detection: Detection[LaravelDetails], guard: str) -> None:
    """Laravel answers CORS from config/cors.php for the whole app: the wizard shows the change, it does not make it."""
    path = context.options.endpoint.relative
    credentials = "false" if guard == "auth:sanctum" else "true"
    context.builder.manual(
        join(detection.root, "config/cors.php"),
        f"The pages are served from {context.options.frontend_origin}: let that origin (only) call the token route. "
        "Publish the file first if it is missing (php artisan config:publish cors), then set:",
        f"'paths' => [/* the paths already there, */ '{path}'],\n"
        f"'allowed_origins' => ['{context.options.frontend_origin}'],\n"
        f"'supports_credentials' => {credentials},",
    )
