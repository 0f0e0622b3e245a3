"""Django: a view plus a URL pattern in the root URLconf, and the script in the base template.

Adds `intercom_jwt.py` beside the root URLconf, routes the endpoint there, and reads the user from
`request.user` (answering 401 rather than redirecting to the login page). The Messenger script is
a static file of a local app (or the first STATICFILES_DIRS folder) and the base template loads it
with `{% static %}`. Settings are not touched.
"""

import ast
from pathlib import PurePosixPath

from ast_grep_py import SgNode

from intercom_wizard.edits import insert_lines_before, parse
from intercom_wizard.envfile import plan_secret
from intercom_wizard.integrations.backends.python_common import add_import, declare_pyjwt
from intercom_wizard.integrations.base import Detection, PageHost, PlanContext
from intercom_wizard.integrations.frontends.layouts import find_layouts
from intercom_wizard.plan import Insertion
from intercom_wizard.templates import render
from intercom_wizard.tree import ProjectTree, folder_of, join

NAME = "django"
MODULE_NAME = "intercom_jwt"
DEFAULT_USER_CLAIMS = """{
        "user_id": str(user.pk),
        "email": user.email,
        "name": user.get_full_name() or user.get_username(),
    }"""
CUSTOM_USER_CLAIMS = """{
        "user_id": str(user.pk),
        "email": getattr(user, user.get_email_field_name(), None),
        "name": user.get_username(),
    }"""
# Django template writing the user's attributes into a JS object (the insecure variant only).
USER_SETTINGS = """{% if user.is_authenticated %}
user_id: "{{ user.pk|escapejs }}",
email: "{{ user.email|escapejs }}",
name: "{{ user.get_full_name|default:user.get_username|escapejs }}",
{% endif %}"""


def detect(tree: ProjectTree) -> list[Detection]:
    found = []
    for manage in tree.named("manage.py"):
        text = tree.text(manage)
        call = parse(text, "python").find(pattern='os.environ.setdefault("DJANGO_SETTINGS_MODULE", $MODULE)')
        if call is None:
            continue
        root = folder_of(manage)
        settings_module = _string(call.get_match("MODULE"))
        settings_file = join(root, settings_module.replace(".", "/") + ".py")
        if not tree.exists(settings_file):
            continue
        settings = _settings_values(tree.text(settings_file))
        urlconf = settings.get("ROOT_URLCONF")
        found.append(
            Detection(
                NAME,
                "backend",
                root,
                (f"{manage}: DJANGO_SETTINGS_MODULE={settings_module}", f"{settings_file}: ROOT_URLCONF={urlconf}"),
                {"settings_file": settings_file, "settings": settings},
            )
        )
    return found


def _string(node: SgNode) -> str:
    return str(ast.literal_eval(node.text()))


def _settings_values(text: str) -> dict[str, object]:
    """The literal settings the plan needs, read from the module's top-level assignments."""
    wanted = {"ROOT_URLCONF", "INSTALLED_APPS", "STATICFILES_DIRS", "AUTH_USER_MODEL"}
    values: dict[str, object] = {}
    for statement in parse(text, "python").children():
        assignment = statement.find(kind="assignment")
        if assignment is None or assignment.field("left") is None:
            continue
        name = assignment.field("left").text()
        right = assignment.field("right")
        if name in wanted and right is not None:
            try:
                values[name] = ast.literal_eval(right.text())
            except (ValueError, SyntaxError):
                values[name] = right.text()  # e.g. [BASE_DIR / "static"]: kept as source
    return values


def plan(context: PlanContext, detection: Detection) -> None:
    tree, builder = context.tree, context.builder
    settings = detection.details["settings"]
    root = detection.root
    urlconf = settings.get("ROOT_URLCONF")
    urls_file = join(root, str(urlconf).replace(".", "/") + ".py") if isinstance(urlconf, str) else None
    pattern = f'path("{context.options.endpoint.lstrip("/")}", intercom_jwt, name="intercom-jwt"),'
    if urls_file is None or not tree.exists(urls_file):
        builder.manual("your root URLconf", "ROOT_URLCONF was not found; add this URL pattern to it:", pattern)
    else:
        claims = CUSTOM_USER_CLAIMS if settings.get("AUTH_USER_MODEL") else DEFAULT_USER_CLAIMS
        builder.create(
            join(folder_of(urls_file), f"{MODULE_NAME}.py"),
            render("django_intercom_jwt.py", claims=claims),
            f"GET {context.options.endpoint}: a signed Intercom JWT for request.user, 401 when anonymous",
        )
        add_import(context, urls_file, f"from .{MODULE_NAME} import intercom_jwt")
        _add_url_pattern(context, urls_file, pattern)
    declare_pyjwt(context, root)
    plan_secret(context, _env_file(tree, root))


def _add_url_pattern(context: PlanContext, urls_file: str, pattern: str) -> None:
    source = context.tree.read(urls_file)
    patterns = parse(source.text, "python").find(pattern="urlpatterns = [$$$]")
    if patterns is None:
        context.builder.manual(urls_file, "Add this entry to urlpatterns:", pattern)
        return
    closing = patterns.field("right").children()[-1]
    entries = [c for c in patterns.field("right").children() if c.kind() not in ("[", "]", ",", "comment")]
    indent = None
    if entries:
        first = entries[0]
        line_start = source.text.rfind("\n", 0, first.range().start.index) + 1
        indent = source.text[line_start : first.range().start.index]
    if not entries or not indent or indent.strip():
        context.builder.manual(urls_file, "Add this entry to urlpatterns:", pattern)
        return
    insertions = [insert_lines_before(source, closing.range().start.index, pattern, indent)]
    items = [c for c in patterns.field("right").children() if c.kind() not in ("]", "comment")]
    if items[-1].kind() != ",":  # the last entry has no trailing comma: give it one
        insertions.append(Insertion(items[-1].range().end.index, ","))
    context.builder.insert(urls_file, insertions, "routes the token endpoint")


def page_host(context: PlanContext, detection: Detection) -> PageHost | None:
    tree = context.tree
    settings = detection.details["settings"]
    layouts = [
        path
        for path in find_layouts(tree, detection.root, extends_marker="{% extends")
        if "/templates/" in f"/{path}" and "/registration/" not in path
    ]
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
    )


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
