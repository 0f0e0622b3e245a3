"""The token route in a Laravel app: routes/web.php behind the session's guard, or routes/api.php behind
`auth:sanctum` without the API prefix; the controller's `use` line in Pint's order; the controller named
as a string where route files run inside a controller-namespace group (templates/laravel/route.php)."""

import re

from ast_grep_py import SgNode

from intercom_wizard.edits import append_lines, insert_lines_after, insert_lines_before
from intercom_wizard.integrations.backends.laravel.details import LaravelDetails
from intercom_wizard.integrations.backends.php_common import parse_php, php_snippet
from intercom_wizard.integrations.base import Detection, PlanContext
from intercom_wizard.plan import Insertion
from intercom_wizard.sourcefile import SourceText
from intercom_wizard.tree import ProjectTree, join
from intercom_wizard.versions import composer_version

CONTROLLER = "app/Http/Controllers/IntercomJwtController.php"
CONTROLLER_IMPORT = "use App\\Http\\Controllers\\IntercomJwtController;"


def add_route(context: PlanContext, detection: Detection[LaravelDetails], guard: str) -> None:
    tree, builder = context.tree, context.builder
    endpoint = context.options.endpoint
    path: str | None
    if guard != "auth:sanctum":  # the session's guard, the default or the app's own
        routes, path = join(detection.root, "routes/web.php"), str(endpoint)
    else:
        routes, prefix = join(detection.root, "routes/api.php"), detection.details.api_prefix
        below = endpoint.below(prefix)
        path = f"/{below}" if below is not None else None  # Laravel adds the prefix itself
        if path is None:
            builder.manual(
                join(detection.root, "routes/web.php"),
                f"routes/api.php serves URLs under /{prefix}/ but the endpoint is {endpoint}; route it where that URL is "
                "served (with the same guard the API uses):",
                _route(str(endpoint), guard, with_import=True),
            )
            return
    namespaced = _namespaced_routes(tree, detection.root)
    statement = _route(path, guard, namespaced=namespaced)
    if not tree.exists(routes):
        builder.manual(routes, "Add the token route:", _route(path, guard, namespaced=namespaced, with_import=True))
        return
    source = tree.read(routes)
    code = parse_php(source.text)
    insertions = [append_lines(source, "\n" + statement + "\n")]
    if CONTROLLER_IMPORT not in source.text and not namespaced:
        insertion = _import_insertion(source, code)
        if insertion is None:
            builder.manual(
                routes,
                "Add the token route (no `<?php` opening was found to anchor it):",
                _route(path, guard, namespaced=namespaced, with_import=True),
            )
            return
        insertions.append(insertion)
    builder.insert(routes, insertions, f"routes {endpoint} to IntercomJwtController behind `{guard}`")


def _route(path: str, guard: str, *, namespaced: bool = False, with_import: bool = False) -> str:
    """The route statement, after the controller's `use` line when `with_import` (for a manual step)."""
    action = "'IntercomJwtController'" if namespaced else "IntercomJwtController::class"
    return php_snippet("laravel/route.php", {"import": "yes" if with_import else "no"}, path=path, action=action, guard=guard)


def _namespaced_routes(tree: ProjectTree, root: str) -> bool:
    """Whether route files run inside a controller-namespace group (Laravel before 8, or an app that kept
    RouteServiceProvider's `$namespace`): there `X::class` would be prefixed a second time, so the route
    names the controller as a string relative to that namespace."""
    laravel = composer_version(tree, root, "laravel/framework")
    if laravel is not None and laravel.below(8, 0):
        return True
    provider = join(root, "app/Providers/RouteServiceProvider.php")
    return tree.exists(provider) and re.search(r"^\s*protected \$namespace\s*=\s*'", tree.text(provider), re.MULTILINE) is not None


def _import_insertion(source: SourceText, code: SgNode) -> Insertion | None:
    """The controller's `use` line among the file's imports, in alphabetical order (as Pint keeps them)."""
    uses = [child for child in code.children() if child.kind() == "namespace_use_declaration"]
    if uses:
        following = next((u for u in uses if u.text().lower() > CONTROLLER_IMPORT.lower()), None)
        if following is not None:
            return insert_lines_before(source, following.range().start.index, CONTROLLER_IMPORT)
        return insert_lines_after(source, uses[-1].range().end.index, CONTROLLER_IMPORT)
    opening = next((child for child in code.children() if child.kind() == "php_tag"), None)
    if opening is None:
        return None
    return insert_lines_after(source, opening.range().end.index, "\n" + CONTROLLER_IMPORT)


