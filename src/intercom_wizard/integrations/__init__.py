"""The integrations: each module declares `detect()`, `plan()` and `page_host()`.

The registry (`BACKENDS`, `FRONTENDS`, `DETECT_ONLY_FRONTENDS`, in registry.py) imports every
integration and ast-grep; it is loaded on first use, so that `intercom-wizard --help` and the
commands that never detect a project do not pay for it. The names are here for the help text;
tests/test_lazy_imports.py checks they match the registry.
"""

from typing import Any

BACKEND_NAMES = ("flask", "django", "express", "fastapi", "rails", "sinatra", "php", "laravel")
FRONTEND_NAMES = ("html", "react", "nextjs", "angular", "vue", "ember")

_REGISTRY = ("BACKENDS", "FRONTENDS", "DETECT_ONLY_FRONTENDS")


def __getattr__(name: str) -> Any:
    if name in _REGISTRY:
        from intercom_wizard.integrations import registry

        return getattr(registry, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
