"""Django's pages: the base templates get the Messenger script with `{% static %}` (served from a
local app's static folder or the first STATICFILES_DIRS folder), with the CSP middleware's nonce."""

import ast
from pathlib import PurePosixPath

from intercom_wizard.csp import NonceSource
from intercom_wizard.edits import parse
from intercom_wizard.integrations.backends.django.details import DjangoDetails
from intercom_wizard.integrations.base import Detection, PageHost, PlanContext
from intercom_wizard.integrations.frontends.layouts import find_layouts
from intercom_wizard.templates import render
from intercom_wizard.tree import ProjectTree, join

# Middleware that makes a per-request nonce -> (the template code printing it, the context processor it needs).
NONCE_MIDDLEWARE = {
    "csp.middleware.CSPMiddleware": ("django-csp", "{{ request.csp_nonce }}", "django.template.context_processors.request"),
    "django.middleware.csp.ContentSecurityPolicyMiddleware": (
        "Django's ContentSecurityPolicyMiddleware",
        "{{ csp_nonce }}",
        "django.template.context_processors.csp",
    ),
}


def _renders_pages(tree: ProjectTree, root: str) -> bool:
    """Any template of the project's own, not counting overrides of the admin's."""
    return any("/admin" not in f"/{path}" for path in tree.glob(".html", under=root))


def page_host(context: PlanContext, detection: Detection[DjangoDetails]) -> PageHost | None:
    tree = context.tree
    layouts = [
        path
        for path in find_layouts(tree, detection.root, extends_marker="{% extends")
        if "/templates/" in f"/{path}" and "/registration/" not in path
    ]
    if not layouts and not _renders_pages(tree, detection.root):
        return None  # an API (REST framework, admin overrides only): the single-page front end boots the Messenger
    static_dir = _static_dir(tree, detection.root, detection.details)
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
        # The user's attributes in a JS object: only for the insecure variant.
        user_settings=render("django/user_settings.html").rstrip("\n"),
        csp_nonce=_csp_nonce(context, detection),
        csp_nonce_help="django-csp's CSPMiddleware makes one (NONCE in script-src), as does Django 6's "
        "ContentSecurityPolicyMiddleware (CSP.NONCE in SECURE_CSP).",
    )


def _csp_nonce(context: PlanContext, detection: Detection[DjangoDetails]) -> NonceSource | None:
    settings_file = detection.details.entry_file
    for name, (provider, expression, processor) in NONCE_MIDDLEWARE.items():
        if name not in detection.details.middleware:
            continue
        if processor not in context.tree.text(settings_file):
            context.builder.manual(
                settings_file,
                f"Templates print {provider}'s nonce through a context processor: add it to TEMPLATES['OPTIONS']['context_processors']:",
                f'"{processor}",',
            )
        return NonceSource.everywhere(f"{provider} ({settings_file})", expression)
    return None


def _static_dir(tree: ProjectTree, root: str, details: DjangoDetails) -> str | None:
    """The first STATICFILES_DIRS folder, else the static/ folder of the first local app."""
    first = details.first_staticfiles_dir
    if first is not None:
        return join(root, str(PurePosixPath(first))) if not first.startswith("/") else None
    if details.staticfiles_dirs_code is not None:
        literal = parse(details.staticfiles_dirs_code, "python").find(kind="string")
        if literal is not None:
            return join(root, str(ast.literal_eval(literal.text())))
    apps = details.installed_apps
    if apps is None or "django.contrib.staticfiles" not in apps:
        return None
    for app in apps:
        app_dir = join(root, app.split(".apps.")[0].replace(".", "/"))
        if tree.exists(join(app_dir, "apps.py")) or tree.exists(join(app_dir, "models.py")):
            return join(app_dir, "static")
    return None
