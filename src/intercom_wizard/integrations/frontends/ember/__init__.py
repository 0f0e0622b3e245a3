"""Ember: the Messenger as a service, started by an instance-initializer.

What an Ember developer would write: `app/services/intercom-messenger` (an Ember `Service` that
injects the `router` service and calls the core's `intercomPageChanged()` on `routeDidChange`,
with `start()`, `login()` and `logout()`), `app/instance-initializers/intercom-messenger` (looks
the service up and starts it, in the browser only: nothing runs under FastBoot), and the
framework-agnostic core at `app/utils/intercom-messenger`. All three are new files, picked up by
the resolver (classic ember-cli and Embroider alike), so the app's own files are only edited to
call the login/logout hooks. The service imports the core the way the app's own code imports its
modules: with the app's module prefix (`my-app/utils/...`) or relatively (`modules`). The
templates are in templates/ember/; `javascript` turns them into JavaScript for JavaScript apps.

Per Ember version: the service is a native class with `@service` (4.1+) or `@inject as service`
(3.10 - 4.0); before 3.10, which has no decorators (RFC 408), a classic `Service.extend({ router:
service() })` in JavaScript (`intercom-messenger-service-classic.js`). Ember 3.6 is the floor: the
RouterService's `routeDidChange` event arrived there.
"""

from dataclasses import dataclass

from intercom_wizard.integrations.base import Detection, FrontendDetails, PlanContext
from intercom_wizard.integrations.frontends.ember.javascript import strip_ember_declarations
from intercom_wizard.integrations.frontends.ember.modules import module_prefix, module_specifier
from intercom_wizard.integrations.frontends.ember.simple_auth import wire_session_service
from intercom_wizard.integrations.frontends.spa import framework_apps, uses_typescript
from intercom_wizard.integrations.frontends.spa_common import SpaApp, core_module, spa_app, wire_auth_hooks
from intercom_wizard.integrations.package_json import manifest_of, read_package_json
from intercom_wizard.support import Supported, SupportTable
from intercom_wizard.templates import render
from intercom_wizard.tree import ProjectTree, join
from intercom_wizard.versions import npm_version

__all__ = ["CSP_NONCE_NOTE", "DOC", "NAME", "PACKAGES", "SOURCE_SUFFIXES", "SUPPORTED", "EmberDetails", "detect", "initializer_source", "plan", "service_source"]

NAME = "ember"
# The package.json dependencies that make an app an Ember app, most specific first.
PACKAGES: tuple[str, ...] = ("ember-source",)
# The kinds of file this integration creates or edits.
SOURCE_SUFFIXES: tuple[str, ...] = (".ts", ".js")
# Its page under docs/.
DOC: str | None = "docs/frontends-ember.md"
# The versions this integration generates code for (docs list the same table).
# From 3.6 (RouterService's routeDidChange); before 3.10 (no decorators) the service is a classic class.
SUPPORTED: SupportTable = (Supported("Ember", "npm", "ember-source", (3, 6), (8, 0)),)
# --csp-nonce: a built single-page app is static files, so its nonce comes from what serves index.html.
CSP_NONCE_NOTE = (
    "The server that sends index.html puts the request's nonce on its script tags (ember-cli writes no nonce itself)."
)
SERVICE_TEMPLATE = "ember/intercom-messenger-service.ts"
CLASSIC_SERVICE_TEMPLATE = "ember/intercom-messenger-service-classic.js"  # Ember < 3.10: no decorators
FIRST_WITH_DECORATORS = (3, 10)  # RFC 408: decorators for native classes (`@inject as service`)
INITIALIZER_TEMPLATE = "ember/intercom-messenger-initializer.ts"
MODULE_NAME = "intercom-messenger"
AUTH_SERVICE_NAMES = ("session", "auth", "authentication", "current-user")
SOURCE_DIR = "app"
# Ember 7's blueprint lints with eslint-plugin-warp-drive, whose rule sends every fetch() through the
# store: the token endpoint is not a store resource, so the core's one fetch says why it is exempt.
WARP_DRIVE_LINT = "eslint-plugin-warp-drive"
TOKEN_FETCH = "const response = await fetch(url, request);"
WARP_DRIVE_EXEMPTION = "// eslint-disable-next-line warp-drive/no-external-request-patterns -- the token endpoint is not a store resource"


@dataclass(frozen=True, kw_only=True)
class EmberDetails(FrontendDetails):
    module_prefix: str | None = None  # config/environment.js's modulePrefix, else the package name


def detect(tree: ProjectTree) -> list[Detection[EmberDetails]]:
    return [Detection(NAME, "frontend", app.folder, app.evidence, details_of(tree, app.folder)) for app in framework_apps(tree, NAME)]


def details_of(tree: ProjectTree, root: str) -> EmberDetails:
    """What detection knows of the Ember app in `root`."""
    manifest = read_package_json(tree, manifest_of(tree, root))
    return EmberDetails(typescript=uses_typescript(tree, root, manifest), module_prefix=module_prefix(tree, root, manifest.get("name")))


def _details(tree: ProjectTree, detection: Detection[EmberDetails]) -> EmberDetails:
    found: object = detection.details
    # `--frontend ember` plans a Detection the planner made itself, without details.
    return found if isinstance(found, EmberDetails) else details_of(tree, detection.root)


def plan(context: PlanContext, detection: Detection[EmberDetails]) -> None:
    app = spa_app(context.tree, detection, source_dir=SOURCE_DIR)
    extension = app.extension
    core_path = join(app.source_dir, f"utils/{MODULE_NAME}{extension}")
    decorator = _service_decorator(context.tree, app)
    # The classic service is JavaScript in TypeScript apps too (ember-cli-typescript compiles both).
    service_path = join(app.source_dir, f"services/{MODULE_NAME}{'.js' if decorator == 'classic' else extension}")
    initializer_path = join(app.source_dir, f"instance-initializers/{MODULE_NAME}{extension}")

    # ember-auto-import (the classic build) leaves `import('@intercom/messenger-js-sdk')` unresolved.
    core_module(context, app, core_path, sdk_import="static", fit=_warp_drive_lint if app.depends_on(WARP_DRIVE_LINT) else None)
    prefix = _details(context.tree, detection).module_prefix
    core_specifier = module_specifier(context.tree, app, prefix, service_path, core_path)
    context.builder.create(
        service_path,
        service_source(app, decorator, core_specifier),
        "an Ember service that starts the Messenger and tells it about every route change (routeDidChange)",
    )
    context.builder.create(
        initializer_path,
        initializer_source(app),
        "starts the intercom-messenger service when the app boots in a browser (not under FastBoot)",
    )
    if not context.anonymous_only and wire_session_service(context, app, core_path, core_specifier):
        return  # ember-simple-auth's session service runs the hooks, whoever signs in or out
    wire_auth_hooks(context, app, core_path, likely_file=_likely_auth_file(context.tree, app))
    if app.depends_on("ember-simple-auth"):
        context.builder.note(
            "This app uses ember-simple-auth: if its sign-in and sign-out go through the session service's "
            "handleAuthentication()/handleInvalidation(), call intercomLogin()/intercomLogout() there "
            f"(or the intercom-messenger service's login()/logout()); they are exported by {core_path}."
        )


def service_source(app: SpaApp, decorator: str, core_specifier: str) -> str:
    """The service; `decorator` is "service" (Ember 4.1 and newer), "inject" (its name before) or
    "classic" (before 3.10: `Service.extend` with `router: service()`, always JavaScript)."""
    if decorator == "classic":
        return render(CLASSIC_SERVICE_TEMPLATE, core_module=core_specifier)
    return _for_app(render(SERVICE_TEMPLATE, {"decorator": decorator}, core_module=core_specifier), app)


def initializer_source(app: SpaApp) -> str:
    return _for_app(render(INITIALIZER_TEMPLATE), app)


def _service_decorator(tree: ProjectTree, app: SpaApp) -> str:
    """`@ember/service` exports `service` from Ember 4.1; before, the same decorator is `inject`;
    before 3.10 there are no decorators ("classic")."""
    ember = npm_version(tree, app.root, "ember-source")
    if ember is None or ember.at_least(4, 1):
        return "service"
    return "inject" if ember.at_least(*FIRST_WITH_DECORATORS) else "classic"


def _warp_drive_lint(core: str) -> str:
    """The core with the lint exemption above its token fetch, indented like it."""
    lines = core.splitlines(keepends=True)
    for index, line in enumerate(lines):
        if line.strip() == TOKEN_FETCH:
            indent = line[: len(line) - len(line.lstrip())]
            lines.insert(index, f"{indent}{WARP_DRIVE_EXEMPTION}\n")
            break
    return "".join(lines)


def _for_app(typescript: str, app: SpaApp) -> str:
    """The TypeScript template as is, or as JavaScript for a JavaScript app."""
    if app.typescript:
        return typescript
    return strip_ember_declarations(typescript)


def _likely_auth_file(tree: ProjectTree, app: SpaApp) -> str:
    for name in AUTH_SERVICE_NAMES:
        for extension in (".ts", ".js"):
            path = join(app.source_dir, f"services/{name}{extension}")
            if tree.exists(path):
                return path
    # No auth service: the application route, which exists in every Ember app (a manual step names a real file).
    return next((p for p in (join(app.source_dir, f"routes/application{s}") for s in (".ts", ".js")) if tree.exists(p)), join(app.source_dir, f"app{app.extension}"))
