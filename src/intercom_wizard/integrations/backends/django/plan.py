"""Planning Django's token view: `intercom_jwt.py` beside the root URLconf (a plain view, or a REST
framework view behind the project's token authentication), its URL pattern, PyJWT, the secret, and
django-cors-headers for a front end on another origin."""

from intercom_wizard.edits import append_lines
from intercom_wizard.envfile import plan_secret
from intercom_wizard.integrations.backends.django.details import DjangoDetails
from intercom_wizard.integrations.backends.python_common import add_import, add_list_entry, declare_pyjwt, declare_python_package, user_attribute_helper
from intercom_wizard.integrations.base import Detection, PlanContext
from intercom_wizard.options import ClientAuth
from intercom_wizard.templates import render
from intercom_wizard.tree import ProjectTree, folder_of, join

MODULE_NAME = "intercom_jwt"


def plan(context: PlanContext, detection: Detection[DjangoDetails]) -> None:
    tree, builder, details = context.tree, context.builder, detection.details
    root = detection.root
    urlconf = details.root_urlconf
    urls_file = join(root, urlconf.replace(".", "/") + ".py") if urlconf is not None else None
    pattern = f'path("{context.options.endpoint.relative}", intercom_jwt, name="intercom-jwt"),'
    if urls_file is None or not tree.exists(urls_file):
        builder.manual(
            details.entry_file,
            "ROOT_URLCONF names no urls.py in this project; add this URL pattern to the urlpatterns of the module it names:",
            pattern,
        )
    else:
        builder.create(
            join(folder_of(urls_file), f"{MODULE_NAME}.py"),
            _view_module(context, details),
            f"GET {context.options.endpoint}: a signed Intercom JWT for request.user, 401 when anonymous",
        )
        add_import(context, urls_file, f"from .{MODULE_NAME} import intercom_jwt")
        add_list_entry(context, urls_file, "urlpatterns", pattern, "routes the token endpoint")
    declare_pyjwt(context, root)
    if context.options.frontend_origin:
        _allow_cross_origin(context, detection)
    plan_secret(context, _env_file(tree, root))


def _view_module(context: PlanContext, details: DjangoDetails) -> str:
    """The view: REST framework's (with the classes the project sets per view: its defaults sign no
    one in) when the front end sends the API's token, else a plain view on the session's user."""
    drf = details.token_auth if context.options.auth is ClientAuth.BEARER else None
    classes = details.drf_view_classes if drf is not None else None
    view = "session" if drf is None else "drf_classes" if classes is not None else "drf"
    custom = details.custom_user_model
    return render(
        "django/intercom_jwt.py",
        {"view": view, "user_model": "custom" if custom else "default"},
        view_class_imports="\n".join(classes.imports) if classes is not None else "",
        view_classes=_class_list(classes.names) if classes is not None else "",
        helper=f"\n{user_attribute_helper()}\n" if custom else "",  # two blank lines each side, as black and ruff want
    )


def _class_list(names: tuple[str, ...]) -> str:
    """`[A, B]`, or one class a line with a trailing comma past 88 columns (black/ruff keep it so)."""
    one_line = f"[{', '.join(names)}]"
    if len(f"@authentication_classes({one_line})") <= 88:
        return one_line
    return "\n    [\n" + "".join(f"        {name},\n" for name in names) + "    ]\n"


def _allow_cross_origin(context: PlanContext, detection: Detection[DjangoDetails]) -> None:
    """django-cors-headers, limited to the token endpoint and to the one front-end origin."""
    settings_file = detection.details.entry_file
    origin = context.options.frontend_origin or ""
    if detection.details.cors_headers_installed:
        context.builder.manual(
            settings_file,
            "django-cors-headers is already configured; allow the front end on the token endpoint:",
            f'CORS_ALLOWED_ORIGINS = ["{origin}"]  # or add it to your list',
        )
        return
    reason = "django-cors-headers answers the pages' cross-origin requests"
    declare_python_package(context, detection.root, "django-cors-headers", ">=4.3", reason)
    add_list_entry(context, settings_file, "INSTALLED_APPS", '"corsheaders",', reason)
    add_list_entry(context, settings_file, "MIDDLEWARE", '"corsheaders.middleware.CorsMiddleware",', reason, first=True)
    settings = render(
        "django/cors_settings.py",
        frontend_origin=origin,
        credentials="False" if context.options.auth is ClientAuth.BEARER else "True",
        endpoint=context.options.endpoint.relative,
    )
    context.builder.insert(settings_file, [append_lines(context.tree.read(settings_file), settings)], reason)


def _env_file(tree: ProjectTree, root: str) -> str | None:
    loads = any("load_dotenv" in tree.text(p) or "read_env" in tree.text(p) for p in tree.glob(".py", under=root))
    return join(root, ".env") if loads else None
