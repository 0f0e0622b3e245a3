"""Finding a Django project: its manage.py and settings module, the values planning needs from them,
and REST framework token authentication (project-wide defaults or classes set per view)."""

from intercom_wizard.integrations.backends.django.details import DjangoDetails, DrfViewClasses
from intercom_wizard.integrations.backends.django.settings import ProjectPath, find_settings, import_line, view_authentication_classes
from intercom_wizard.integrations.base import Detection, TokenAuth
from intercom_wizard.tree import ProjectTree, folder_of

NAME = "django"


def detect(tree: ProjectTree) -> list[Detection[DjangoDetails]]:
    found: list[Detection[DjangoDetails]] = []
    for manage in tree.named("manage.py"):
        if "django" not in tree.text(manage).lower():
            continue
        settings = find_settings(tree, manage)
        if settings is None:
            continue
        root = folder_of(manage)
        values = settings.values
        urlconf = values.get("ROOT_URLCONF")
        apps = values.get("INSTALLED_APPS")
        middleware = values.get("MIDDLEWARE")
        dirs = values.get("STATICFILES_DIRS")
        token_auth = _token_auth(values)
        view_classes = None
        if token_auth is None:
            token_auth, view_classes = _per_view_token_auth(tree, root, values)
        details = DjangoDetails(
            entry_file=settings.editable_file,
            token_auth=token_auth,
            root_urlconf=urlconf if isinstance(urlconf, str) else None,
            custom_user_model=bool(values.get("AUTH_USER_MODEL")),
            cors_headers_installed=isinstance(apps, (list, tuple, str)) and "corsheaders" in apps,
            middleware=tuple(str(m) for m in middleware) if isinstance(middleware, (list, tuple)) else (),
            installed_apps=tuple(str(app) for app in apps) if isinstance(apps, (list, tuple)) else None,
            first_staticfiles_dir=_first_static_dir(dirs, root),
            staticfiles_dirs_code=dirs if isinstance(dirs, str) else None,
            drf_view_classes=view_classes,
        )
        evidence = (settings.evidence, f"{settings.defined_in.get('ROOT_URLCONF', settings.file)}: ROOT_URLCONF={urlconf}")
        found.append(Detection(NAME, "backend", root, evidence, details))
    return found


def _token_auth(settings: dict[str, object]) -> TokenAuth | None:
    """Django REST framework authenticating API calls with tokens (TokenAuthentication, simplejwt, ...)."""
    apps = settings.get("INSTALLED_APPS")
    rest = settings.get("REST_FRAMEWORK")
    if not isinstance(apps, (list, tuple)) or "rest_framework" not in apps or not isinstance(rest, dict):
        return None
    classes = [str(c) for c in rest.get("DEFAULT_AUTHENTICATION_CLASSES", ())]
    token_classes = [c for c in classes if "Session" not in c and "Basic" not in c]
    if not token_classes:
        return None
    return TokenAuth(kind="drf", scheme="Token" if token_classes[0].endswith(".TokenAuthentication") else "Bearer")


def _per_view_token_auth(tree: ProjectTree, root: str, settings: dict[str, object]) -> tuple[TokenAuth | None, DrfViewClasses | None]:
    """REST framework classes set on the views (`authentication_classes = [...]`, often in a shared mixin).

    Our view then names the same classes, since the project's defaults authenticate nobody.
    """
    apps = settings.get("INSTALLED_APPS")
    if not isinstance(apps, (list, tuple)) or "rest_framework" not in apps:
        return None, None
    for path in tree.glob(".py", under=root):
        text = tree.text(path)
        if "authentication_classes" not in text:
            continue
        for names in view_authentication_classes(text):
            imports = [line for name in names if (line := import_line(text, path, root, name))]
            token_names = [name for name in names if "Session" not in name and "Basic" not in name]
            if token_names and len(imports) == len(names):
                scheme = "Token" if token_names[0] == "TokenAuthentication" else "Bearer"
                return TokenAuth(kind="drf", scheme=scheme), DrfViewClasses(names=tuple(names), imports=tuple(imports), file=path)
    return None, None


def _first_static_dir(dirs: object, root: str) -> str | None:
    """STATICFILES_DIRS[0] relative to the project root; a folder computed from the settings file's path
    is known relative to the tree, and one outside the project is none of ours."""
    if not isinstance(dirs, (list, tuple)) or not dirs or not isinstance(dirs[0], str):
        return None
    first = dirs[0]
    if not isinstance(first, ProjectPath) or not root:
        return str(first)
    return first[len(root) + 1 :] if first.startswith(root + "/") else None
