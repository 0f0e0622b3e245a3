"""What Django's detection finds, as typed values: the settings the endpoint and the pages depend on.

The settings module is read once (settings.py); only the values planning uses are kept here, each
with the type the code reads it as, instead of the whole dict of evaluated settings.
"""

from dataclasses import dataclass

from intercom_wizard.integrations.base import BackendDetails


@dataclass(frozen=True, kw_only=True)
class DrfViewClasses:
    """REST framework authentication classes the project sets per view (its defaults sign no one in)."""

    names: tuple[str, ...]  # class names, in the project's order
    imports: tuple[str, ...]  # `from module import Name` for each
    file: str  # where the project names them


@dataclass(frozen=True, kw_only=True)
class DjangoDetails(BackendDetails):
    entry_file: str  # the settings file INSTALLED_APPS is written in (the one list entries go to)
    root_urlconf: str | None = None  # ROOT_URLCONF, when it is a string
    custom_user_model: bool = False  # AUTH_USER_MODEL is set: name and email are read at run time
    cors_headers_installed: bool = False  # django-cors-headers is in INSTALLED_APPS already
    middleware: tuple[str, ...] = ()  # MIDDLEWARE, when it is a literal list
    installed_apps: tuple[str, ...] | None = None  # INSTALLED_APPS, when it is a literal list
    first_staticfiles_dir: str | None = None  # STATICFILES_DIRS[0], when the setting is a literal list of strings
    staticfiles_dirs_code: str | None = None  # STATICFILES_DIRS as written, when it is not a literal
    drf_view_classes: DrfViewClasses | None = None  # with token_auth: the classes set on the views
