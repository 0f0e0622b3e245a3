"""Angular: an injectable `IntercomMessengerService` started by an app initializer.

The service (`providedIn: 'root'`) wraps the shared Messenger core: it starts it in the browser
only (`isPlatformBrowser`, so Angular SSR renders nothing of it), outside the Angular zone when
the app uses zone.js, and calls `intercomPageChanged()` on every `NavigationEnd` when the app
provides the router. It is started from the app's bootstrap: the `providers` of the
`ApplicationConfig` given to `bootstrapApplication` (standalone apps), or of the `@NgModule`
given to `bootstrapModule` — with `provideAppInitializer` on Angular 19 and newer, and an
`APP_INITIALIZER` provider before that.

The package's modules, in the order the plan uses them: `workspace` (angular.json, the installed
Angular, the router), `bootstrap` (what main.ts bootstraps), `service` (the generated service),
`initializer` (the provider that starts it).
"""

import posixpath

from intercom_wizard.errors import BadInput
from intercom_wizard.integrations.base import Detection, PlanContext
from intercom_wizard.integrations.frontends.angular.bootstrap import bootstrap_target
from intercom_wizard.integrations.frontends.angular.initializer import SERVICE_CLASS, SERVICE_NAME, add_initializer, manual_initializer
from intercom_wizard.integrations.frontends.angular.service import service_reason, service_source
from intercom_wizard.integrations.frontends.angular.workspace import (
    AngularDetails,
    AngularWorkspace,
    allow_commonjs_sdk,
    angular_major,
    main_file,
    read_workspace,
    uses_router,
)
from intercom_wizard.integrations.frontends.spa import framework_apps, uses_typescript
from intercom_wizard.integrations.frontends.spa_common import core_module, spa_app, wire_auth_hooks
from intercom_wizard.integrations.package_json import manifest_of, read_package_json
from intercom_wizard.support import Supported, SupportTable
from intercom_wizard.tree import ProjectTree, join

__all__ = [
    "CSP_NONCE_NOTE", "DOC", "NAME", "PACKAGES", "SERVICE_CLASS", "SOURCE_SUFFIXES", "SUPPORTED",
    "AngularDetails", "AngularWorkspace", "detect", "plan",
]

NAME = "angular"
# The package.json dependencies that make an app an Angular app, most specific first.
PACKAGES: tuple[str, ...] = ("@angular/core",)
# The kinds of file this integration creates or edits.
SOURCE_SUFFIXES: tuple[str, ...] = (".ts",)
# Its page under docs/.
DOC: str | None = "docs/frontends-angular.md"
# The versions this integration generates code for (docs list the same table).
SUPPORTED: SupportTable = (Supported("Angular", "npm", "@angular/core", (10, 0), (22, 0)),)  # < 14: constructor injection (service.py)
# --csp-nonce: a built single-page app is static files, so its nonce comes from what serves index.html.
CSP_NONCE_NOTE = (
    "Angular takes the nonce for its own inline styles from ngCspNonce on the root element (or the CSP_NONCE token); "
    "the server that sends index.html fills it in, and puts it on the script tags, per request."
)
CORE_NAME = "intercom-messenger.ts"


def detect(tree: ProjectTree) -> list[Detection[AngularDetails]]:
    return [Detection(NAME, "frontend", app.folder, app.evidence, details_of(tree, app.folder)) for app in framework_apps(tree, NAME)]


def details_of(tree: ProjectTree, root: str) -> AngularDetails:
    """What detection knows of the Angular app in `root`."""
    manifest = read_package_json(tree, manifest_of(tree, root))
    return AngularDetails(typescript=uses_typescript(tree, root, manifest), workspace=read_workspace(tree, root))


def _details(tree: ProjectTree, detection: Detection[AngularDetails]) -> AngularDetails:
    found: object = detection.details
    # `--frontend angular` plans a Detection the planner made itself, without details.
    return found if isinstance(found, AngularDetails) else details_of(tree, detection.root)


def plan(context: PlanContext, detection: Detection[AngularDetails]) -> None:
    tree = context.tree
    workspace = _details(tree, detection).workspace
    app = spa_app(tree, detection, workspace.source_root)
    if not app.typescript:
        raise BadInput(
            f"{detection.root or '.'} depends on @angular/core but has no TypeScript set-up (tsconfig.json).",
            hint="Angular apps are compiled from TypeScript by the Angular CLI; run the wizard on the CLI project's folder.",
        )
    main = main_file(tree, app, workspace)
    bootstrap = bootstrap_target(tree, main)
    if bootstrap is None:
        raise BadInput(
            f"No bootstrapApplication(...) or bootstrapModule(...) call was found in {main}.",
            hint="Run the wizard on an Angular CLI app, or pass --frontend html for plain pages.",
        )
    app_dir = posixpath.dirname(bootstrap.file) if bootstrap.file else join(app.source_dir, "app")
    core_path = join(app_dir, CORE_NAME)
    service_path = join(app_dir, SERVICE_NAME)
    core_module(context, app, core_path)
    major = angular_major(tree, app)
    router = uses_router(tree, app)
    context.builder.create(service_path, service_source(app, major, router, core_path, service_path), service_reason(router))
    initializer_file = bootstrap.file or main
    if bootstrap.providers_owner is None:
        manual_initializer(context, initializer_file, bootstrap.kind, major)
    else:
        add_initializer(context, initializer_file, bootstrap.providers_owner, major, service_path)
    if workspace.project is not None:
        allow_commonjs_sdk(context, join(detection.root, workspace.config_file), workspace.project, workspace.nx)
    likely = next((p for p in tree.glob(".ts", under=app.source_dir) if "auth" in posixpath.basename(p).lower() and ".spec." not in p), None)
    # A manual step names a file that exists: the auth service, else the root component, else main.ts.
    fallback = next((p for p in (join(app_dir, f"app{s}") for s in (".component.ts", ".ts")) if tree.exists(p)), None)
    wire_auth_hooks(context, app, core_path, likely_file=likely or fallback or main)
    if not router:
        context.builder.note(
            "The app does not provide Angular's router (no provideRouter/RouterModule.forRoot), so the Messenger is "
            "not told about page changes; if you add the router later, call intercomPageChanged() on NavigationEnd."
        )
