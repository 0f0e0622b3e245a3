"""The Messenger core every single-page integration writes (`templates/spa/intercom-messenger.ts`,
types stripped for JavaScript projects), the official SDK it declares, and the app facts the
framework modules share (`SpaApp`: its folder, source folder, TypeScript or not, package.json).
"""

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from intercom_wizard.integrations.backends.npm_common import add_dependency
from intercom_wizard.integrations.base import Detection, PlanContext
from intercom_wizard.integrations.frontends.api_base import ApiBase, find_api_base
from intercom_wizard.integrations.frontends.spa import uses_typescript
from intercom_wizard.integrations.package_json import dependencies_of, manifest_of, read_package_json
from intercom_wizard.options import ClientAuth, InstallOptions, TokenEncoding
from intercom_wizard.templates import render
from intercom_wizard.tree import ProjectTree, join
from intercom_wizard.typescript import strip_types

SDK_PACKAGE = "@intercom/messenger-js-sdk"
SDK_SPEC = "^0.0.20"
CORE_TEMPLATE = "spa/intercom-messenger.ts"


@dataclass(frozen=True)
class SpaApp:
    root: str  # the folder holding package.json
    source_dir: str  # where the app's own code lives ("src" unless the framework says otherwise)
    typescript: bool
    manifest: dict[str, Any]

    @property
    def extension(self) -> str:
        return ".ts" if self.typescript else ".js"

    def depends_on(self, package: str) -> bool:
        return package in dependencies_of(self.manifest)


def spa_app(tree: ProjectTree, detection: Detection[Any], source_dir: str = "src") -> SpaApp:
    root = detection.root
    manifest = read_package_json(tree, manifest_of(tree, root))
    typescript = uses_typescript(tree, root, manifest)
    return SpaApp(root, join(root, source_dir), typescript, manifest)


def token_url(options: InstallOptions) -> str:
    return options.endpoint.url


def core_module(
    context: PlanContext,
    app: SpaApp,
    path: str,
    *,
    sdk_import: str = "dynamic",
    fit: Callable[[str], str] | None = None,
    app_api: ApiBase | None = None,
) -> None:
    """Write the Messenger core to `path` (.ts or .js) and declare the official SDK; `fit` adapts the
    finished source to the app (an integration's lint directives); `app_api`: the API base the
    integration already chose (a Next.js app whose users sign in on the project's back end)."""
    api_base = app_api if app_api is not None else chosen_api_base(context, app)
    source = core_source(context.options, anonymous_only=context.anonymous_only, sdk_import=sdk_import, app_api=api_base, module_file=path)
    if not path.endswith((".ts", ".tsx")):
        source = strip_types(source)
        # Imported here: babel_runtime reads SpaApp from this module.
        from intercom_wizard.integrations.frontends.spa_common.babel_runtime import RUNTIME_IMPORT, RUNTIME_PACKAGE, needs_regenerator_runtime, runtime_spec

        if needs_regenerator_runtime(context.tree, app):
            source = RUNTIME_IMPORT + source
            add_dependency(context, app.root, RUNTIME_PACKAGE, runtime_spec(context.tree, app), "regeneratorRuntime for the async functions the app's Babel compiles")
    context.builder.create(
        path,
        fit(source) if fit is not None else source,
        "the Messenger: boots signed-in users with the server's JWT, everyone else as leads",
    )
    add_dependency(context, app.root, SDK_PACKAGE, SDK_SPEC, "the official Intercom Messenger SDK")


def chosen_api_base(context: PlanContext, app: SpaApp) -> ApiBase | None:
    """The app's own API base the core builds its token URL on (find_api_base), said in a note; None on
    the pages' own origin. Next.js serves the token endpoint from its own route handler, on the pages'
    origin; a full --endpoint URL is the user's own answer."""
    if context.anonymous_only or app.depends_on("next") or context.options.endpoint.origin is not None:
        return None
    search = find_api_base(context.tree, app.root)
    if search.chosen is not None:
        context.builder.note(
            f"The app's API client builds its URLs from {search.chosen.expression} ({search.chosen.file}): "
            f"the Messenger calls {context.options.endpoint} on that base too."
        )
    elif search.ambiguous:
        context.builder.note(
            f"The app's API calls use several bases ({', '.join(search.ambiguous)}) and none is clearly the "
            f"authenticated one: the Messenger calls {context.options.endpoint} on the pages' own origin.",
            "warning",
        )
    return search.chosen


def core_source(
    options: InstallOptions,
    *,
    anonymous_only: bool = False,
    sdk_import: str = "dynamic",
    app_api: ApiBase | None = None,
    module_file: str = "",
) -> str:
    """The Messenger core in TypeScript, for these options (no token URL for an app without sign-in).

    With `app_api` (the app's API on another origin), the token URL is built at run time from the
    same env-provided base the app's API client uses; Angular's comes from its environment module,
    imported relative to `module_file`.
    """
    region = options.region.sdk_region
    api_base = options.region.api_base
    storage_key = options.token_storage_key if options.auth is ClientAuth.BEARER else None
    bearer = bool(storage_key)
    # A token kept only in memory, on axios' default headers: the core reads that header (auth=axios).
    axios_headers = options.token_axios_headers if options.auth is ClientAuth.BEARER and not bearer else None
    return render(
        CORE_TEMPLATE,
        # Only the chosen variants are written: no dead branches for the bundler to keep.
        {"auth": "bearer" if bearer else "axios" if axios_headers else "cookie", "load": options.load.value, "sdk": sdk_import, "base": _base_choice(app_api, anonymous_only),
         "encoding": "base64" if bearer and options.token_storage_encoding is TokenEncoding.BASE64 else "raw"},
        workspace_id=options.workspace_id,
        token_url="null" if anonymous_only else f"'{token_url(options)}'",
        region=f"'{region}'" if region else "undefined",
        api_base=f"'{api_base}'" if api_base else "undefined",
        access_token_key=storage_key or "",
        access_token_storage=options.token_storage if bearer else "",
        access_token_field=f"'{options.token_storage_field}'" if bearer and options.token_storage_field else "null",
        auth_scheme=options.auth_scheme if bearer else "",
        axios_headers=axios_headers or "",
        app_api_base=_core_expression(app_api) if app_api else "",
        environment_module=import_path(module_file, app_api.environment_module) if app_api and app_api.environment_module else "",
        external_module=app_api.external_module if app_api and app_api.external_module else "",
    )


def _core_expression(api_base: ApiBase) -> str:
    """The base as the core reads it: a webpack external's field on the core's own import of it (`APP_CONFIG.apiUrl`)."""
    if api_base.external_module:
        return f"APP_CONFIG.{api_base.expression.rsplit('.', 1)[1]}"
    return api_base.expression


def _base_choice(api_base: ApiBase | None, anonymous_only: bool) -> str:
    if api_base is None or anonymous_only:
        return "none"
    if api_base.external_module:
        return "external"
    return "angular" if api_base.environment_module else "env"


def import_path(from_file: str, module_file: str) -> str:
    """The relative specifier a bundler resolves: './intercom/messenger' (no extension)."""
    relative = posixpath.relpath(posixpath.splitext(module_file)[0], posixpath.dirname(from_file) or ".")
    return relative if relative.startswith(".") else f"./{relative}"

