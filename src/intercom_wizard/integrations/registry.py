"""The registry of integrations: one line per integration, and the tables derived from what they declare.

Each module declares the module-level interface of `FrontendIntegration` / `BackendIntegration`
(base.py): NAME, SUPPORTED, PACKAGES, SOURCE_SUFFIXES (front ends), DOC, detect(), plan() and
page_host() (back ends). Shared code reads those declarations here (`spa_packages()`,
`component_suffixes()`) instead of keeping tables of its own, so adding a framework is its folder
plus one line below: its name and its pre-test (presence.py), a cheap necessary test that
detection asks before importing the integration. A missing declaration is reported by name
(`IntegrationContractError`), and tests/test_registry_contract.py fails on one.

`BACKENDS` / `FRONTENDS` map each name to its module and import it on first look-up, so listing the
names (help text, --backend checks) and skipping a framework whose pre-test says no import nothing.
Imported on first use of `intercom_wizard.integrations.BACKENDS` / `FRONTENDS` (see __init__.py).
"""

import functools
import importlib
import inspect
import types
import typing
from collections.abc import Iterator, MutableMapping
from typing import Any, get_type_hints

from intercom_wizard.integrations import presence
from intercom_wizard.integrations.base import BackendIntegration, FrontendIntegration
from intercom_wizard.integrations.presence import PreTest, always, code, files, named
from intercom_wizard.tree import ProjectTree


class Integrations(MutableMapping[str, types.ModuleType]):
    """Name -> integration module, in registry order; a module is imported on its first look-up.

    Iterating, `in` and `len` import nothing. Tests may put a module in or take one out, as with a dict.
    """

    def __init__(self, package: str, pre_tests: dict[str, PreTest]) -> None:
        self.package = package
        self.pre_tests = pre_tests
        self._modules: dict[str, types.ModuleType | None] = dict.fromkeys(pre_tests)

    def __getitem__(self, name: str) -> types.ModuleType:
        module = self._modules[name]
        if module is None:
            module = self._modules[name] = importlib.import_module(f"{self.package}.{name}")
        return module

    def __setitem__(self, name: str, module: types.ModuleType) -> None:
        self._modules[name] = module

    def __delitem__(self, name: str) -> None:
        del self._modules[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)

    def may_apply(self, name: str, tree: ProjectTree) -> bool:
        """The integration's pre-test (a module put in by a test has none: always asked)."""
        return self.pre_tests.get(name, presence.always)(tree)

    def detectors(self, tree: ProjectTree, *, leaving_out: str | None = None) -> Iterator[types.ModuleType]:
        """The modules whose pre-test says they may be in `tree`, in registry order (imported here)."""
        return (self[name] for name in self if name != leaving_out and self.may_apply(name, tree))


BACKENDS = Integrations(
    "intercom_wizard.integrations.backends",
    {
        "flask": code(".py", b"Flask("),
        "django": named("manage.py"),
        "express": named("package.json"),
        "fastapi": code(".py", b"FastAPI("),
        "rails": named("application.rb"),
        "sinatra": files(".rb"),  # any Ruby file: a classic app may be named only in config.ru
        "php": code(".php", b"session_start"),
        "laravel": named("composer.json"),
    },
)
# Most specific first: a framework built on another (Next.js on React) comes before it, because an
# app's package.json names both and `spa_packages()` takes the first framework that matches.
FRONTENDS = Integrations(
    "intercom_wizard.integrations.frontends",
    {
        "html": always,
        "nextjs": named("package.json"),
        "angular": named("package.json"),
        "ember": named("package.json"),
        "vue": named("package.json"),
        "react": named("package.json"),
    },
)
ROLES: dict[str, tuple[Integrations, type[Any]]] = {
    "frontend": (FRONTENDS, FrontendIntegration),
    "backend": (BACKENDS, BackendIntegration),
}

# Suffixes every shared scanner reads already: a single-page front end's SOURCE_SUFFIXES beyond these
# are its own file kinds (single-file components such as ".vue"), which `component_suffixes()` hands
# to them. The pages front end edits the back ends' templates (.erb, .php, ...): those are pages,
# which the scanners know by their own lists, not scripts, so it adds none.
SCRIPT_SUFFIXES = (".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts")
MARKUP_SUFFIXES = (".html", ".htm")
PAGES_FRONTEND = "html"
# Those own file kinds, per front end, written out here: every run's shared scanners (existing
# Intercom code, sign-in evidence) read them, and deriving them from SOURCE_SUFFIXES would import
# every front end on a project that has none of them. tests/test_registry_contract.py fails when
# this differs from what each front end's SOURCE_SUFFIXES adds (`component_kinds`).
COMPONENT_KINDS: dict[str, tuple[str, ...]] = {"vue": (".vue",)}


class IntegrationContractError(Exception):
    """A registered integration lacks a declaration of base.py's protocol, or declares it wrongly."""


def protocol_of(role: str) -> type[Any]:
    return ROLES[role][1]


def declarations(role: str) -> dict[str, Any]:
    """The module-level constants the role's protocol requires, with their types (NAME, SUPPORTED, ...)."""
    protocol = protocol_of(role)
    return {name: hint for name, hint in get_type_hints(protocol).items() if name.isupper()}


def functions(role: str) -> tuple[str, ...]:
    """The functions the role's protocol requires (detect, plan, page_host)."""
    protocol = protocol_of(role)
    return tuple(name for name, member in vars(protocol).items() if inspect.isfunction(member) and not name.startswith("_"))


def _describe(role: str, module: types.ModuleType, name: str) -> str:
    comment = inspect.getdoc(protocol_of(role)) or ""
    return f"the {role} {getattr(module, 'NAME', module.__name__)!r} ({module.__name__}) does not declare {name}" + (
        f" (see {protocol_of(role).__name__} in integrations/base.py: {comment.splitlines()[0]})" if comment else ""
    )


def declared(role: str, module: types.ModuleType, name: str) -> Any:
    """A declaration of `module` (`PACKAGES`, `DOC`, ...), or a clear error naming what is missing."""
    if hasattr(module, name):
        return getattr(module, name)
    raise IntegrationContractError(_describe(role, module, name) + ".")


def contract_problems(role: str, module: types.ModuleType) -> list[str]:
    """What `module` lacks of its role's protocol, or declares with the wrong type."""
    problems = []
    for name, hint in declarations(role).items():
        try:
            value = declared(role, module, name)
        except IntegrationContractError as missing:
            problems.append(str(missing))
            continue
        if not conforms(value, hint):
            problems.append(f"{module.__name__}.{name} is {value!r}, not of the declared type {hint}")
    problems += [_describe(role, module, name) + " (a function)" for name in functions(role) if not callable(getattr(module, name, None))]
    return problems


def conforms(value: object, hint: Any) -> bool:
    """`value` matches a declaration's type: a class, `X | None`, or `tuple[X, ...]` (the forms the protocols use)."""
    origin, arguments = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return any(conforms(value, argument) for argument in arguments)
    if origin is tuple and len(arguments) == 2 and arguments[1] is Ellipsis:
        return isinstance(value, tuple) and all(conforms(item, arguments[0]) for item in value)
    if hint is type(None):
        return value is None
    return isinstance(value, hint)


@functools.cache
def spa_packages() -> tuple[tuple[str, str], ...]:
    """(package.json dependency, front-end name), most specific first: what makes an app that framework."""
    return tuple((package, name) for name, module in FRONTENDS.items() for package in declared("frontend", module, "PACKAGES"))


def component_kinds(name: str, source_suffixes: tuple[str, ...]) -> tuple[str, ...]:
    """What one front end's SOURCE_SUFFIXES add to `component_suffixes()`."""
    if name == PAGES_FRONTEND:
        return ()
    return tuple(suffix for suffix in source_suffixes if suffix not in SCRIPT_SUFFIXES + MARKUP_SUFFIXES)


@functools.cache
def component_suffixes() -> tuple[str, ...]:
    """The single-page front ends' own file kinds (".vue"): shared scanners read them beside scripts and pages."""
    found: list[str] = []
    for name in FRONTENDS:
        for suffix in COMPONENT_KINDS.get(name, ()):
            if suffix not in found:
                found.append(suffix)
    return tuple(found)
