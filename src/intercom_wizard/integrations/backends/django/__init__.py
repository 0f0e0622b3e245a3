"""Django: a view plus a URL pattern in the root URLconf, and the script in the base template.

Adds `intercom_jwt.py` beside the root URLconf, routes the endpoint there, and reads the user from
`request.user` (answering 401 rather than redirecting to the login page). The Messenger script is
a static file of a local app (or the first STATICFILES_DIRS folder) and the base template loads it
with `{% static %}`. Settings are not touched.
"""

import ast
from pathlib import PurePosixPath

from ast_grep_py import SgNode

from intercom_wizard.csp import NonceSource
from intercom_wizard.edits import append_lines, parse
from intercom_wizard.envfile import plan_secret
from intercom_wizard.integrations.backends.django.settings import find_settings, import_line, view_authentication_classes
from intercom_wizard.integrations.backends.python_common import (
    add_import,
    add_list_entry,
    declare_pyjwt,
    declare_python_package,
    user_attribute_helper,
)
from intercom_wizard.integrations.base import Detection, PageHost, PlanContext
from intercom_wizard.integrations.frontends.layouts import find_layouts
from intercom_wizard.options import ClientAuth
from intercom_wizard.support import Supported, SupportTable
from intercom_wizard.templates import render
from intercom_wizard.tree import ProjectTree, folder_of, join

NAME = "django"
# The versions this integration generates code for (docs list the same table).
SUPPORTED: SupportTable = (
    Supported("Django", "python", "django", (2, 2), (7, 0)),
    Supported("Python", "language", "python", (3, 8)),
)
MODULE_NAME = "intercom_jwt"
DEFAULT_USER_CLAIMS = """{
        "user_id": str(user.pk),
        "email": user.email,
        "name": user.get_full_name() or user.get_username(),
    }"""
# A custom user model may keep its name anywhere: the usual fields are tried at run time.
CUSTOM_USER_CLAIMS = """{
        "user_id": str(user.pk),
        "email": getattr(user, user.get_email_field_name(), None),
        "name": user_attribute(user, "name", "full_name", "get_full_name", "display_name", "get_username"),
    }"""
SESSION_VIEW = {
    "imports": "from django.http import JsonResponse\nfrom django.views.decorators.cache import never_cache\n"
    "from django.views.decorators.http import require_GET",
    "decorators": "@require_GET\n@never_cache",
}
# REST framework: the project's own authentication classes decide who is signed in.
DRF_VIEW = {
    "imports": "from django.http import JsonResponse\nfrom django.views.decorators.cache import never_cache\n"
    "from rest_framework.decorators import api_view, permission_classes\nfrom rest_framework.permissions import IsAuthenticated",
    "decorators": '@never_cache\n@api_view(["GET"])\n@permission_classes([IsAuthenticated])',
}

# Django template writing the user's attributes into a JS object (the insecure variant only).
USER_SETTINGS = """{% if user.is_authenticated %}
user_id: "{{ user.pk|escapejs }}",
email: "{{ user.email|escapejs }}",
name: "{{ user.get_full_name|default:user.get_username|escapejs }}",
{% endif %}"""


def detect(tree: ProjectTree) -> list[Detection]:
    found = []
    for manage in tree.named("manage.py"):
        if "django" not in tree.text(manage).lower():
            continue
        settings = find_settings(tree, manage)
        if settings is None:
            continue
        root = folder_of(manage)
        urlconf = settings.values.get("ROOT_URLCONF")
        found.append(
            Detection(
                NAME,
                "backend",
                root,
                (settings.evidence, f"{settings.defined_in.get('ROOT_URLCONF', settings.file)}: ROOT_URLCONF={urlconf}"),
                {
                    "settings_file": settings.editable_file,
                    "settings": settings.values,
                    "token_auth": _token_auth(settings.values) or _per_view_token_auth(tree, root, settings.values),
                },
            )
        )
    return found


def _token_auth(settings: dict[str, object]) -> dict[str, object] | None:
    """Django REST framework authenticating API calls with tokens (TokenAuthentication, simplejwt, ...)."""
    apps = settings.get("INSTALLED_APPS")
    rest = settings.get("REST_FRAMEWORK")
    if not isinstance(apps, (list, tuple)) or "rest_framework" not in apps or not isinstance(rest, dict):
        return None
    classes = [str(c) for c in rest.get("DEFAULT_AUTHENTICATION_CLASSES", ())]
    token_classes = [c for c in classes if "Session" not in c and "Basic" not in c]
    if not token_classes:
        return None
    scheme = "Token" if token_classes[0].endswith(".TokenAuthentication") else "Bearer"
    return {"kind": "drf", "classes": ", ".join(classes), "scheme": scheme}


def _per_view_token_auth(tree: ProjectTree, root: str, settings: dict[str, object]) -> dict[str, object] | None:
    """REST framework classes set on the views (`authentication_classes = [...]`, often in a shared mixin).

    Our view then names the same classes (`view_classes`: import lines and names), since the
    project's defaults authenticate nobody.
    """
    apps = settings.get("INSTALLED_APPS")
    if not isinstance(apps, (list, tuple)) or "rest_framework" not in apps:
        return None
    for path in tree.glob(".py", under=root):
        text = tree.text(path)
        if "authentication_classes" not in text:
            continue
        for names in view_authentication_classes(text):
            imports = [line for name in names if (line := import_line(text, path, root, name))]
            token_names = [name for name in names if "Session" not in name and "Basic" not in name]
            if token_names and len(imports) == len(names):
                scheme = "Token" if token_names[0] == "TokenAuthentication" else "Bearer"
                return {
                    "kind": "drf",
                    "classes": ", ".join(names),
                    "scheme": scheme,
                    "view_classes": {"imports": imports, "names": names, "file": path},
                }
    return None


def _string(node: SgNode) -> str:
    return str(ast.literal_eval(node.text()))


def plan(context: PlanContext, detection: Detection) -> None:
    tree, builder = context.tree, context.builder
    settings = detection.details["settings"]
    root = detection.root
    urlconf = settings.get("ROOT_URLCONF")
    urls_file = join(root, str(urlconf).replace(".", "/") + ".py") if isinstance(urlconf, str) else None
    pattern = f'path("{context.options.endpoint.lstrip("/")}", intercom_jwt, name="intercom-jwt"),'
    if urls_file is None or not tree.exists(urls_file):
        builder.manual(
            detection.details["settings_file"],
            "ROOT_URLCONF names no urls.py in this project; add this URL pattern to the urlpatterns of the module it names:",
            pattern,
        )
    else:
        # user.pk is Django's primary key: the user_id is evidenced by the framework itself.
        claims = CUSTOM_USER_CLAIMS if settings.get("AUTH_USER_MODEL") else DEFAULT_USER_CLAIMS
        helper = f"{user_attribute_helper()}\n\n" if claims is CUSTOM_USER_CLAIMS else ""
        drf = detection.details.get("token_auth") if context.options.auth is ClientAuth.BEARER else None
        builder.create(
            join(folder_of(urls_file), f"{MODULE_NAME}.py"),
            render("django/intercom_jwt.py", claims=claims, helper=helper, **(_drf_view(drf) if drf else SESSION_VIEW)),
            f"GET {context.options.endpoint}: a signed Intercom JWT for request.user, 401 when anonymous",
        )
        add_import(context, urls_file, f"from .{MODULE_NAME} import intercom_jwt")
        add_list_entry(context, urls_file, "urlpatterns", pattern, "routes the token endpoint")
    declare_pyjwt(context, root)
    if context.options.frontend_origin:
        _allow_cross_origin(context, detection)
    plan_secret(context, _env_file(tree, root))


def _drf_view(drf: dict[str, object]) -> dict[str, str]:
    """The REST framework view; with the classes the project sets per view, the same ones (its defaults sign no one in)."""
    classes = drf.get("view_classes")
    if not isinstance(classes, dict):
        return DRF_VIEW
    imports = DRF_VIEW["imports"].replace("import api_view,", "import api_view, authentication_classes,")
    names = ", ".join(classes["names"])
    decorators = DRF_VIEW["decorators"].replace("@permission_classes", f"@authentication_classes([{names}])\n@permission_classes")
    return {"imports": imports + "\n" + "\n".join(classes["imports"]), "decorators": decorators}


def _allow_cross_origin(context: PlanContext, detection: Detection) -> None:
    """django-cors-headers, limited to the token endpoint and to the one front-end origin."""
    settings_file: str = detection.details["settings_file"]
    settings = detection.details["settings"]
    apps = settings.get("INSTALLED_APPS") or ()
    if "corsheaders" in apps:
        context.builder.manual(
            settings_file,
            "django-cors-headers is already configured; allow the front end on the token endpoint:",
            f'CORS_ALLOWED_ORIGINS = ["{context.options.frontend_origin}"]  # or add it to your list',
        )
        return
    reason = "django-cors-headers answers the pages' cross-origin requests"
    declare_python_package(context, detection.root, "django-cors-headers", ">=4.3", reason)
    add_list_entry(context, settings_file, "INSTALLED_APPS", '"corsheaders",', reason)
    add_list_entry(context, settings_file, "MIDDLEWARE", '"corsheaders.middleware.CorsMiddleware",', reason, first=True)
    credentials = "False" if context.options.auth is ClientAuth.BEARER else "True"
    endpoint = context.options.endpoint.lstrip("/")
    context.builder.insert(
        settings_file,
        [
            append_lines(
                context.tree.read(settings_file),
                "\n# The pages are served from another origin: let exactly that one fetch the Intercom token.\n"
                f'CORS_ALLOWED_ORIGINS = ["{context.options.frontend_origin}"]\n'
                f"CORS_ALLOW_CREDENTIALS = {credentials}\n"
                f'CORS_URLS_REGEX = r"^/{endpoint}$"\n',
            )
        ],
        reason,
    )


def _renders_pages(tree: ProjectTree, root: str) -> bool:
    """Any template of the project's own, not counting overrides of the admin's."""
    return any("/admin" not in f"/{path}" for path in tree.glob(".html", under=root))


def page_host(context: PlanContext, detection: Detection) -> PageHost | None:
    tree = context.tree
    settings = detection.details["settings"]
    layouts = [
        path
        for path in find_layouts(tree, detection.root, extends_marker="{% extends")
        if "/templates/" in f"/{path}" and "/registration/" not in path
    ]
    if not layouts and not _renders_pages(tree, detection.root):
        return None  # an API (REST framework, admin overrides only): the single-page front end boots the Messenger
    static_dir = _static_dir(tree, detection.root, settings)
    if static_dir is None:
        context.builder.manual(
            "settings.py",
            "No local app or STATICFILES_DIRS folder was found to serve the Messenger script from. "
            "Create one (e.g. STATICFILES_DIRS = [BASE_DIR / 'static']) and run install again.",
            'STATICFILES_DIRS = [BASE_DIR / "static"]',
        )
        return None
    return PageHost(
        static_dir=static_dir,
        script_src="{% static 'intercom-messenger.js' %}",
        layouts=tuple(layouts),
        template_prelude="{% load static %}",
        user_settings=USER_SETTINGS,
        csp_nonce=_csp_nonce(context, detection),
        csp_nonce_help="django-csp's CSPMiddleware makes one (NONCE in script-src), as does Django 6's "
        "ContentSecurityPolicyMiddleware (CSP.NONCE in SECURE_CSP).",
    )


# Middleware that makes a per-request nonce -> (the template code printing it, the context processor it needs).
NONCE_MIDDLEWARE = {
    "csp.middleware.CSPMiddleware": ("django-csp", "{{ request.csp_nonce }}", "django.template.context_processors.request"),
    "django.middleware.csp.ContentSecurityPolicyMiddleware": (
        "Django's ContentSecurityPolicyMiddleware",
        "{{ csp_nonce }}",
        "django.template.context_processors.csp",
    ),
}


def _csp_nonce(context: PlanContext, detection: Detection) -> NonceSource | None:
    middleware = detection.details["settings"].get("MIDDLEWARE")
    settings_file = detection.details["settings_file"]
    for name, (provider, expression, processor) in NONCE_MIDDLEWARE.items():
        if not isinstance(middleware, (list, tuple)) or name not in middleware:
            continue
        if processor not in context.tree.text(settings_file):
            context.builder.manual(
                settings_file,
                f"Templates print {provider}'s nonce through a context processor: add it to TEMPLATES['OPTIONS']['context_processors']:",
                f'"{processor}",',
            )
        return NonceSource.everywhere(f"{provider} ({settings_file})", expression)
    return None


def _static_dir(tree: ProjectTree, root: str, settings: dict[str, object]) -> str | None:
    dirs = settings.get("STATICFILES_DIRS")
    if isinstance(dirs, (list, tuple)) and dirs and isinstance(dirs[0], str):
        return join(root, str(PurePosixPath(dirs[0]))) if not dirs[0].startswith("/") else None
    if isinstance(dirs, str):
        literal = parse(dirs, "python").find(kind="string")
        if literal is not None:
            return join(root, _string(literal))
    apps = settings.get("INSTALLED_APPS")
    if not isinstance(apps, (list, tuple)) or "django.contrib.staticfiles" not in apps:
        return None
    for app in apps:
        app_dir = join(root, str(app).split(".apps.")[0].replace(".", "/"))
        if tree.exists(join(app_dir, "apps.py")) or tree.exists(join(app_dir, "models.py")):
            return join(app_dir, "static")
    return None


def _env_file(tree: ProjectTree, root: str) -> str | None:
    loads = any("load_dotenv" in tree.text(p) or "read_env" in tree.text(p) for p in tree.glob(".py", under=root))
    return join(root, ".env") if loads else None
