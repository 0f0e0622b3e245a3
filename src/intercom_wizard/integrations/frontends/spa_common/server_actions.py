"""Where a sign-in or sign-out that runs on the server is started in the browser: the form whose server
action (`action={async (formData) => { 'use server'; await login(formData); ... }}`) calls the app's
server-side login/logout. The Messenger's hooks run in the browser, so that form is where the manual
step points (next14-jose-login: `login()` and `logout()` in `lib.ts`, which imports `next/headers`).
"""

import re
from dataclasses import dataclass

from intercom_wizard.integrations.frontends.spa_common.auth_functions import AuthFunction, source_suffixes
from intercom_wizard.integrations.frontends.spa_common.core import SpaApp
from intercom_wizard.tree import ProjectTree

_USE_SERVER = re.compile(r"""['"]use server['"]""")


@dataclass(frozen=True)
class ServerActionCaller:
    """`file`:`line` calls `function()` (defined in `module`) inside a server action."""

    function: str
    module: str
    file: str
    line: int


def server_action_caller(tree: ProjectTree, app: SpaApp, server_functions: list[AuthFunction]) -> ServerActionCaller | None:
    """The first place in the app's own code that calls one of `server_functions` after a 'use server'
    directive in the same file (an inline server action, or a module of them), outside the function's module."""
    if not server_functions:
        return None
    for path in tree.glob(*source_suffixes(), under=app.source_dir):
        if "intercom" in path.lower() or any(path == f.file for f in server_functions):
            continue
        text = tree.text(path)
        directive = _USE_SERVER.search(text)
        if directive is None:
            continue
        for function in server_functions:
            call = re.search(rf"\b{re.escape(function.name)}\(", text[directive.end() :])
            if call is not None:
                line = text.count("\n", 0, directive.end() + call.start()) + 1
                return ServerActionCaller(function.name, function.file, path, line)
    return None
