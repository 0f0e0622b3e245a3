"""React (Vite, Create React App, any webpack set-up; TypeScript or JavaScript).

The glue is one component, `<IntercomMessenger />`, next to the framework-agnostic core in
`src/intercom/`: it starts the Messenger in an effect and, when React Router is in the app, calls
`intercomPageChanged()` whenever `useLocation()` changes (before React Router 5.1: the location
`withRouter()` passes in; in React Router 4, whose `<Router>` takes one child, the component and
that child share a fragment). Where it is rendered:

- without a router: beside `<App />` in the entry's `render(...)` (inside `<StrictMode>` when there);
- with `<BrowserRouter>` (or Hash/Memory router) in the code: as the router element's first child;
- with a data router (`createBrowserRouter` + `<RouterProvider>`): in the root route's layout
  component, beside its `<Outlet />`;
- otherwise a manual step says where it belongs.

The package: `detect` (typed detection, `ReactDetails`), `entry` (where the app starts), `router`
(React Router placements) and `jsx` (reading and editing JSX modules); templates in templates/react/.
"""

from intercom_wizard.file_names import conventional_path
from intercom_wizard.integrations.base import Detection, PlanContext
from intercom_wizard.integrations.frontends.react.before_hooks import class_component_template
from intercom_wizard.integrations.frontends.react.detect import NAME, SOURCE_SUFFIXES, ReactDetails, details_of, detect
from intercom_wizard.integrations.frontends.react.entry import find_entry, root_mount
from intercom_wizard.integrations.frontends.react.jsx import COMPONENT, ELEMENT, MOUNT_REASON, add_component_import
from intercom_wizard.integrations.frontends.react.router import router_file, router_mount
from intercom_wizard.integrations.frontends.spa_common import core_module, import_path, spa_app, wire_auth_hooks
from intercom_wizard.integrations.shared.javascript import to_javascript
from intercom_wizard.support import Supported, SupportTable
from intercom_wizard.templates import render
from intercom_wizard.tree import join
from intercom_wizard.versions import npm_version

__all__ = ["DOC", "CSP_NONCE_NOTE", "NAME", "PACKAGES", "SOURCE_SUFFIXES", "SUPPORTED", "ReactDetails", "detect", "plan"]

# The versions this integration generates code for (docs list the same table).
SUPPORTED: SupportTable = (
    Supported("React", "npm", "react", (16, 2), (20, 0)),  # hooks from 16.8; a class component before (before_hooks)
    Supported("react-router-dom", "npm", "react-router-dom", (4, 0), (8, 0), optional=True),  # withRouter() before 5.1
    Supported("react-router", "npm", "react-router", (4, 0), (8, 0), optional=True),
)
DOC: str | None = "docs/frontends-react.md"  # its page under docs/
PACKAGES: tuple[str, ...] = ("react",)  # checked after the frameworks built on React (Next.js)
# --csp-nonce: a built single-page app is static files, so its nonce comes from what serves index.html.
CSP_NONCE_NOTE = (
    "Vite writes nonce=\"<your placeholder>\" on the tags of index.html when `html.cspNonce` is set in vite.config; "
    "the server that sends index.html swaps the placeholder for the request's nonce (webpack: `__webpack_nonce__`)."
)
FIRST_WITH_USE_LOCATION = (5, 1)  # before: withRouter()
FIRST_WITH_SEVERAL_ROUTER_CHILDREN = (5, 0)  # React Router 4's <Router> renders React.Children.only


def plan(context: PlanContext, detection: Detection[ReactDetails]) -> None:
    tree = context.tree
    details = details_of(tree, detection)
    app = spa_app(tree, detection, source_dir=details.source_dir)
    folder = join(app.source_dir, "intercom")
    # Named as the project names its files (check-file's lint rule, else its own files): kebab-case in bulletproof-react.
    core_path = conventional_path(tree, join(folder, "messenger" + app.extension), component=False)
    component_path = conventional_path(tree, join(folder, COMPONENT + (".tsx" if app.typescript else ".jsx")))
    router = details.router_package

    core_module(context, app, core_path)
    router_version = npm_version(tree, app.root, router) if router else None
    with_router = router_version is not None and router_version.below(*FIRST_WITH_USE_LOCATION)
    template = "react/IntercomMessenger.tsx"
    if router:
        template = "react/IntercomMessengerWithRouter.tsx" if with_router else "react/IntercomMessengerRouter.tsx"
    template = class_component_template(tree, app.root, router) or template
    values = {"core_import": import_path(component_path, core_path)}
    if router:
        values["router_package"] = router
    source = render(template, None, **values)
    context.builder.create(
        component_path,
        source if app.typescript else to_javascript(source, jsx=True),
        "starts the Messenger from React" + (" and reports React Router navigation" if router else ""),
    )

    entry = find_entry(tree, app)
    single_child = router_version is not None and router_version.below(*FIRST_WITH_SEVERAL_ROUTER_CHILDREN)
    mount = router_mount(tree, app, single_child=single_child) if router else root_mount(tree, entry) if entry else None
    if mount is None:
        where = "inside your router (it reads useLocation()), e.g. in the root layout" if router else "once at the root of your app, beside <App />"
        # Inside the router means in the router's own file: never a file outside it.
        target = (router_file(tree, app) if router else None) or entry or join(app.source_dir, "App" + (".tsx" if app.typescript else ".jsx"))
        context.builder.manual(
            target,
            f"Render the Messenger component {where}; import {{ {COMPONENT} }} from {component_path}:",
            ELEMENT,
        )
    else:
        add_component_import(context, mount.file, component_path)
        context.builder.insert(mount.file, mount.insertions, MOUNT_REASON)
        if router:
            context.builder.note(f"{ELEMENT} is rendered in {mount.file}, inside the router, so it sees every route change.")

    wire_auth_hooks(context, app, core_path, likely_file=entry or component_path)

