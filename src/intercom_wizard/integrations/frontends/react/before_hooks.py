"""React before hooks (16.2 - 16.7): the `<IntercomMessenger />` component as a class.

`useEffect` arrived in React 16.8. Before it the component starts the Messenger in
`componentDidMount` and, with React Router (which on React < 16.8 is 4.x or 5.0, both without
`useLocation`), reports navigation from `componentDidUpdate` when the location `withRouter()`
passes in changes. React Router 5.1+ and 6+ need React 16.8 themselves, so a router that has
`useLocation` never meets this band. Templates: templates/react/IntercomMessengerClass*.tsx.
"""

from intercom_wizard.tree import ProjectTree
from intercom_wizard.versions import npm_version

FIRST_WITH_HOOKS = (16, 8)
CLASS_TEMPLATE = "react/IntercomMessengerClass.tsx"
CLASS_WITH_ROUTER_TEMPLATE = "react/IntercomMessengerClassWithRouter.tsx"


def class_component_template(tree: ProjectTree, root: str, router: str | None) -> str | None:
    """The class component's template when the app's React has no hooks; None for React 16.8+."""
    react = npm_version(tree, root, "react")
    if react is None or not react.below(*FIRST_WITH_HOOKS):
        return None
    return CLASS_WITH_ROUTER_TEMPLATE if router else CLASS_TEMPLATE
