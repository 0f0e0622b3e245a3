"""The integrations: each module declares the interface of `FrontendIntegration` / `BackendIntegration`.

The registry (`BACKENDS`, `FRONTENDS` and the tables derived from their declarations, in
registry.py) imports every integration and ast-grep; it is loaded on first use, so that
`intercom-wizard --help` and the commands that never detect a project do not pay for it. The names
are here for the help text; tests/test_lazy_imports.py checks they match the registry.
"""

from typing import Any

BACKEND_NAMES = ("flask", "django", "express", "fastapi", "rails", "sinatra", "php", "laravel")
FRONTEND_NAMES = ("html", "nextjs", "angular", "ember", "vue", "react")

_REGISTRY = ("BACKENDS", "FRONTENDS")


def spa_packages() -> tuple[tuple[str, str], ...]:
    """(package.json dependency, front-end name), most specific first (registry.spa_packages)."""
    from intercom_wizard.integrations import registry

    return registry.spa_packages()


def component_suffixes() -> tuple[str, ...]:
    """The front ends' own file kinds, e.g. (".vue",) (registry.component_suffixes); loads the registry."""
    from intercom_wizard.integrations import registry

    return registry.component_suffixes()


def __getattr__(name: str) -> Any:
    if name in _REGISTRY:
        from intercom_wizard.integrations import registry

        return getattr(registry, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
