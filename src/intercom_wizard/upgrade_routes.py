"""`install --upgrade`: the route-change `update` our integration does, added where the app's own
Messenger code lacks it (Intercom asks single-page apps to call `update` on every route change).

- react-use-intercom in a React Router app: `IntercomRouteUpdate` (`templates/upgrade/IntercomRouteUpdate.tsx`)
  calls the hook's `update()` when the location changes; it is rendered as the first child of the
  router element (the React integration's own placement), or of IntercomProvider when the provider
  sits inside the router in the same file, so it sees both.
- the official SDK in a Next.js App Router: `IntercomRouteUpdate` (`templates/upgrade/intercom-route-update-next.tsx`,
  a client component) calls the SDK's `update({})` when `usePathname()` changes; rendered last in the
  root layout's <body> (where the Next.js integration renders its own component).
Nothing is added when a file of the app's Messenger code already calls `update(`; the first render
is no route change, so neither component calls `update` before the app's own boot.
"""

import posixpath
import re
from typing import Any

from ast_grep_py import SgNode

from intercom_wizard.edits import parse
from intercom_wizard.integrations.base import Detection, PlanContext
from intercom_wizard.integrations.frontends.nextjs.app_router import _render_in_body
from intercom_wizard.integrations.frontends.nextjs.detect import next_app
from intercom_wizard.integrations.frontends.nextjs.source import language as next_language
from intercom_wizard.integrations.frontends.nextjs.source import root_layout, specifier
from intercom_wizard.integrations.frontends.react.detect import ROUTER_PACKAGES
from intercom_wizard.integrations.frontends.react.jsx import ELEMENT, add_component_import, element_name, first_child, language
from intercom_wizard.integrations.frontends.react.router import router_mount
from intercom_wizard.integrations.frontends.spa_common import add_import, spa_app
from intercom_wizard.integrations.shared.javascript import to_javascript
from intercom_wizard.templates import render
from intercom_wizard.tree import ProjectTree
from intercom_wizard.upgrade import REACT_BOOT, SDK_BOOT, UpgradeStep

COMPONENT = "IntercomRouteUpdate"
REASON = "calls the Messenger's update on each client-side route change"
UPDATE_CALL = re.compile(r"\bupdate\(")


def plan_route_updates(context: PlanContext, steps: list[UpgradeStep], frontend: Detection[Any] | None) -> None:
    converted = [step for step in steps if step.kind in (REACT_BOOT, SDK_BOOT) and step.action.startswith("each ")]
    if not converted or frontend is None or _updates_already(context.tree, converted):
        return
    if converted[0].kind == REACT_BOOT and frontend.name == "react":
        _react_router(context, frontend, converted[0].path)
    elif converted[0].kind == SDK_BOOT and frontend.name == "nextjs":
        _next_layout(context, frontend)


def _updates_already(tree: ProjectTree, steps: list[UpgradeStep]) -> bool:
    return any(UPDATE_CALL.search(tree.text(step.path)) for step in steps)


def _react_router(context: PlanContext, frontend: Detection[Any], boot_file: str) -> None:
    tree = context.tree
    app = spa_app(tree, frontend)
    router = next((package for package in ROUTER_PACKAGES if app.depends_on(package)), None)
    if router is None:
        return  # no client-side routes to report
    typescript = boot_file.endswith((".ts", ".tsx"))
    component_path = posixpath.join(posixpath.dirname(boot_file), COMPONENT + (".tsx" if typescript else ".jsx"))
    source = render("upgrade/IntercomRouteUpdate.tsx", router_package=router)
    element = f"<{COMPONENT} />"
    mount = router_mount(tree, app)
    if mount is None:
        context.builder.manual(boot_file, f"Render {element} inside your router and IntercomProvider (it is in {component_path}) so the Messenger hears of route changes:", element)
    else:
        insertions = _inside_provider(tree, mount.file) or mount.insertions
        context.builder.insert(mount.file, [type(i)(i.offset, i.text.replace(ELEMENT, element)) for i in insertions], REASON)
        add_component_import(context, mount.file, component_path, COMPONENT, REASON)
    context.builder.create(component_path, source if typescript else to_javascript(source, jsx=True), REASON + " (react-use-intercom's update())")


def _inside_provider(tree: ProjectTree, path: str) -> list[Any] | None:
    """IntercomProvider inside the router element in this file: the component goes inside the provider."""
    root = parse(tree.text(path), language(path))
    providers = [e for e in root.find_all(kind="jsx_element") if element_name(e) == "IntercomProvider"]
    if len(providers) != 1 or not _has_router_ancestor(providers[0]):
        return None
    return [first_child(tree.read(path), providers[0])]


def _has_router_ancestor(node: SgNode) -> bool:
    parent = node.parent()
    while parent is not None:
        if parent.kind() == "jsx_element" and (element_name(parent) or "").endswith("Router"):
            return True
        parent = parent.parent()
    return False


def _next_layout(context: PlanContext, frontend: Detection[Any]) -> None:
    app = next_app(context.tree, frontend)
    if app is None or app.router != "app":
        return  # the Pages Router: the app's own _app decides; our note below says what to add
    component_path = posixpath.join(app.base, "app/intercom-route-update" + (".tsx" if app.ts else ".jsx"))
    layout = root_layout(context.tree, app) or posixpath.join(app.base, "app/layout.tsx")
    statement = f"import {{ {COMPONENT} }} from '{specifier(context.tree, app, layout, component_path)}';"
    context.builder.create(component_path, next_language(render("upgrade/intercom-route-update-next.tsx"), app, jsx=True), REASON + " (the SDK's update)")
    if not context.tree.exists(layout) or not _render_in_body(context, layout, f"<{COMPONENT} />", REASON):
        context.builder.manual(layout, f"Render <{COMPONENT} /> once inside <body> of your root layout, importing it with `{statement}`:", f"<{COMPONENT} />")
        return
    add_import(context, layout, statement, REASON)
