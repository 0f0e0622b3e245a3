"""Statements of an Express server that set up its sign-in under names plan.py's patterns do not know
(issue 10, express-hbs-sequelize-todo): the token route is mounted after the last of them.

- express-session (or cookie-session) imported under another name: `const expSession =
  require('express-session')` + `app.use(expSession({...}))`;
- the app handed to a module of its own that installs passport: `usePassport(app)` where
  `const usePassport = require('./config/passport.js')`, or `require('./config/passport')(app)`,
  whose file calls `passport.session()` or `passport.authenticate('session')`.

Mounted above them, the route would run before the session is read: `req.isAuthenticated` is not
there yet (a TypeError, 500) and `req.session` is undefined.
"""

import posixpath
import re

from ast_grep_py import SgNode

from intercom_wizard.integrations.backends.express.session import JS_SUFFIXES, TS_SUFFIXES
from intercom_wizard.tree import ProjectTree, folder_of

SESSION_PACKAGES = ("express-session", "cookie-session")
BINDINGS = ("const $NAME = require($SPEC)", "var $NAME = require($SPEC)", "let $NAME = require($SPEC)", "import $NAME from $SPEC")
# What a module of the app's own does when it installs passport's session support.
_PASSPORT_SESSION = re.compile(r"passport\s*\.\s*(session\s*\(|authenticate\s*\(\s*['\"`]session['\"`])")


def auth_setup_statements(tree: ProjectTree, server_file: str, program: SgNode, app_var: str) -> list[SgNode]:
    """`app.use(<session under any name>(...))` and `<the app's passport module>(app)` statements."""
    found = []
    for name, spec in _bindings(program):
        if spec in SESSION_PACKAGES:
            found += program.find_all(pattern=f"{app_var}.use({name}($$$))")
        elif spec.startswith(".") and _installs_passport_session(tree, server_file, spec):
            found += program.find_all(pattern=f"{name}({app_var})")
    for call in program.find_all(pattern=f"require($SPEC)({app_var})"):
        spec_node = call.get_match("SPEC")
        spec = spec_node.text().strip("'\"`") if spec_node is not None else ""
        if spec.startswith(".") and _installs_passport_session(tree, server_file, spec):
            found.append(call)
    return found


def _bindings(program: SgNode) -> list[tuple[str, str]]:
    bound = []
    for pattern in BINDINGS:
        for match in program.find_all(pattern=pattern):
            name, spec = match.get_match("NAME"), match.get_match("SPEC")
            if name is not None and spec is not None and name.kind() == "identifier" and spec.kind() in ("string", "template_string"):
                bound.append((name.text(), spec.text().strip("'\"`")))
    return bound


def _installs_passport_session(tree: ProjectTree, importer: str, spec: str) -> bool:
    base = posixpath.normpath(posixpath.join(folder_of(importer), spec))
    candidates = [base] if posixpath.splitext(base)[1] in JS_SUFFIXES + TS_SUFFIXES else []
    candidates += [base + suffix for suffix in JS_SUFFIXES + TS_SUFFIXES] + [posixpath.join(base, "index" + suffix) for suffix in JS_SUFFIXES]
    path = next((c for c in candidates if tree.exists(c)), None)
    return path is not None and _PASSPORT_SESSION.search(tree.text(path)) is not None
