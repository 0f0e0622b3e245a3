"""Ember: the Messenger as a service, started by an instance-initializer.

What an Ember developer would write: `app/services/intercom-messenger` (an Ember `Service` that
injects the `router` service and calls the core's `intercomPageChanged()` on `routeDidChange`,
with `start()`, `login()` and `logout()`), `app/instance-initializers/intercom-messenger` (looks
the service up and starts it, in the browser only: nothing runs under FastBoot), and the
framework-agnostic core at `app/utils/intercom-messenger`. All three are new files, picked up by
the resolver (classic ember-cli and Embroider alike), so the app's own files are only edited to
call the login/logout hooks. The service imports the core the way the app's own code imports its
modules: with the app's module prefix (`my-app/utils/...`) or relatively.
"""

import json
import posixpath

from intercom_wizard.edits import parse
from intercom_wizard.integrations.base import Detection, PlanContext
from intercom_wizard.integrations.frontends.spa import detect_framework
from intercom_wizard.integrations.frontends.spa_common import (
    SpaApp,
    core_module,
    import_path,
    spa_app,
    wire_auth_hooks,
)
from intercom_wizard.support import Supported, SupportTable
from intercom_wizard.templates import render
from intercom_wizard.tree import ProjectTree, join
from intercom_wizard.typescript import strip_types
from intercom_wizard.versions import npm_version

NAME = "ember"
# The versions this integration generates code for (docs list the same table).
SUPPORTED: SupportTable = (Supported("Ember", "npm", "ember-source", (3, 28), (7, 0)),)
# --csp-nonce: a built single-page app is static files, so its nonce comes from what serves index.html.
CSP_NONCE_NOTE = (
    "The server that sends index.html puts the request's nonce on its script tags (ember-cli writes no nonce itself)."
)
SERVICE_TEMPLATE = "spa/ember/intercom-messenger-service.ts"
INITIALIZER_TEMPLATE = "spa/ember/intercom-messenger-initializer.ts"
MODULE_NAME = "intercom-messenger"
AUTH_SERVICE_NAMES = ("session", "auth", "authentication", "current-user")


def detect(tree: ProjectTree) -> list[Detection]:
    return detect_framework(tree, NAME)


def plan(context: PlanContext, detection: Detection) -> None:
    app = spa_app(context.tree, detection, source_dir="app")
    extension = app.extension
    core_path = join(app.source_dir, f"utils/{MODULE_NAME}{extension}")
    service_path = join(app.source_dir, f"services/{MODULE_NAME}{extension}")
    initializer_path = join(app.source_dir, f"instance-initializers/{MODULE_NAME}{extension}")

    # ember-auto-import (the classic build) leaves `import('@intercom/messenger-js-sdk')` unresolved.
    core_module(context, app, core_path, sdk_import="static")
    service = _service_decorator_for(context.tree, app, render(SERVICE_TEMPLATE, core_module=_module_specifier(context.tree, app, service_path, core_path)))
    context.builder.create(
        service_path,
        _for_app(service, app),
        "an Ember service that starts the Messenger and tells it about every route change (routeDidChange)",
    )
    context.builder.create(
        initializer_path,
        _for_app(render(INITIALIZER_TEMPLATE), app),
        "starts the intercom-messenger service when the app boots in a browser (not under FastBoot)",
    )
    wire_auth_hooks(context, app, core_path, likely_file=_likely_auth_file(context.tree, app))
    if app.depends_on("ember-simple-auth"):
        context.builder.note(
            "This app uses ember-simple-auth: if its sign-in and sign-out go through the session service's "
            "handleAuthentication()/handleInvalidation(), call intercomLogin()/intercomLogout() there "
            f"(or the intercom-messenger service's login()/logout()); they are exported by {core_path}."
        )


def _service_decorator_for(tree: ProjectTree, app: SpaApp, source: str) -> str:
    """`@ember/service` exports `service` from Ember 4.1; before, the same decorator is `inject`."""
    ember = npm_version(tree, app.root, "ember-source")
    if ember is None or ember.at_least(4, 1):
        return source
    return source.replace("import Service, { service } from '@ember/service';", "import Service, { inject as service } from '@ember/service';", 1)


def _for_app(typescript: str, app: SpaApp) -> str:
    """The TypeScript template as is, or as JavaScript for a JavaScript app."""
    if app.typescript:
        return typescript
    return _strip_ember_declarations(typescript)


def _strip_ember_declarations(source: str) -> str:
    """strip_types, after removing what it leaves alone: `import type`, `declare` statements and fields."""
    root = parse(source, "typescript")
    cuts: list[tuple[int, int]] = []
    for node in root.find_all(any=[{"kind": "ambient_declaration"}, {"kind": "import_statement"}]):
        if node.kind() == "import_statement" and not any(child.kind() == "type" for child in node.children()):
            continue
        start = source.rfind("\n", 0, node.range().start.index) + 1
        end = source.find("\n", node.range().end.index)
        cuts.append((start, len(source) if end == -1 else end + 1))
    for field in root.find_all(kind="public_field_definition"):
        for child in field.children():
            if child.kind() == "declare":
                end = child.range().end.index
                cuts.append((child.range().start.index, end + 1 if source[end : end + 1] == " " else end))
    for start, end in sorted(cuts, reverse=True):
        source = source[:start] + source[end:]
    return strip_types(source).rstrip("\n") + "\n"


def _module_specifier(tree: ProjectTree, app: SpaApp, from_file: str, module_file: str) -> str:
    """`<modulePrefix>/utils/intercom-messenger` when the app's code imports that way, else a relative path."""
    prefix = _module_prefix(tree, app)
    if prefix is not None and _uses_module_prefix(tree, app, prefix):
        inside = posixpath.relpath(posixpath.splitext(module_file)[0], app.source_dir)
        return f"{prefix}/{inside}"
    return import_path(from_file, module_file)


def _module_prefix(tree: ProjectTree, app: SpaApp) -> str | None:
    """`modulePrefix` from config/environment.js, or the package name ember-cli defaults it to."""
    config = join(app.root, "config/environment.js")
    if tree.exists(config):
        root = parse(tree.text(config), "javascript")
        for pair in root.find_all(kind="pair"):
            key, value = pair.field("key"), pair.field("value")
            if key is not None and key.text().strip("'\"") == "modulePrefix" and value is not None and value.kind() == "string":
                return str(json.loads('"' + value.text()[1:-1].replace('"', '\\"') + '"'))
    name = app.manifest.get("name")
    return name if isinstance(name, str) and name else None


def _uses_module_prefix(tree: ProjectTree, app: SpaApp, prefix: str) -> bool:
    """Whether any of the app's own modules imports another through the module prefix."""
    for path in tree.glob(".js", ".ts", under=app.source_dir):
        text = tree.text(path)
        if f"{prefix}/" not in text:
            continue
        for statement in parse(text, "typescript").find_all(kind="import_statement"):
            source = statement.field("source")
            if source is not None and source.text()[1:-1].startswith(f"{prefix}/"):
                return True
    return False


def _likely_auth_file(tree: ProjectTree, app: SpaApp) -> str:
    for name in AUTH_SERVICE_NAMES:
        for extension in (".ts", ".js"):
            path = join(app.source_dir, f"services/{name}{extension}")
            if tree.exists(path):
                return path
    # No auth service: the application route, which exists in every Ember app (a manual step names a real file).
    return next((p for p in (join(app.source_dir, f"routes/application{s}") for s in (".ts", ".js")) if tree.exists(p)), join(app.source_dir, f"app{app.extension}"))
