"""Whether the app's own Babel build turns the Messenger core's `async` functions into regenerator
calls that need a `regeneratorRuntime` the app does not load.

webpack + babel-loader with `@babel/preset-env` and no targets (no `targets`, no browserslist)
compiles for ES5: every async function becomes `regeneratorRuntime.mark(...)`. Apps whose own code
has no async function never load the runtime (react-redux-registration-login-example), so the page
threw `ReferenceError: regeneratorRuntime is not defined` and the Messenger never loaded. Such an
app gets `import 'regenerator-runtime/runtime';` at the top of the core and the package declared.
"""

import json
import re

from intercom_wizard.integrations.frontends.spa_common.core import SpaApp
from intercom_wizard.tree import ProjectTree, join
from intercom_wizard.versions.npm import npm_version

RUNTIME_PACKAGE = "regenerator-runtime"
RUNTIME_SPEC = "^0.14.1"  # when the app has none yet
RUNTIME_IMPORT = "// The app's Babel (preset-env for ES5) compiles async functions to regenerator calls.\nimport 'regenerator-runtime/runtime';\n"
BABEL_FILES = (".babelrc", ".babelrc.json", ".babelrc.js", "babel.config.js", "babel.config.json", "babel.config.cjs")
# What already provides the runtime, or keeps async functions out of the regenerator transform.
PROVIDED = re.compile(r"plugin-transform-runtime|transform-runtime|useBuiltIns|regenerator-runtime|@babel/polyfill|\"targets\"|targets\s*:")


def needs_regenerator_runtime(tree: ProjectTree, app: SpaApp) -> bool:
    if app.typescript or not app.depends_on("babel-loader") or "browserslist" in app.manifest:
        return False
    if tree.exists(join(app.root, ".browserslistrc")):
        return False
    configs = [tree.text(join(app.root, name)) for name in BABEL_FILES if tree.exists(join(app.root, name))]
    if "babel" in app.manifest:
        configs.append(json.dumps(app.manifest["babel"]))
    if not any("preset-env" in config or "@babel/env" in config for config in configs) or any(PROVIDED.search(config) for config in configs):
        return False
    # The app's own code loading the runtime (or a polyfill that brings it) already provides it.
    # (Not the wizard's own module: a second install must plan the same file.)
    sources = [path for path in tree.glob(".js", ".jsx", ".mjs", under=app.source_dir) if "intercom" not in path.lower()]
    return not any("regenerator-runtime" in tree.text(path) or "@babel/polyfill" in tree.text(path) for path in sources)


def runtime_spec(tree: ProjectTree, app: SpaApp) -> str:
    """The range to declare: the version the app already has (Babel's own helpers bring one), so npm
    keeps its tree as it is and `uninstall`'s prune gives the lockfile back byte for byte; a newer
    range would move the hoisted copy under @babel/runtime."""
    found = npm_version(tree, app.root, RUNTIME_PACKAGE)
    if found is None or found.how not in ("installed", "locked"):
        return RUNTIME_SPEC
    return "^" + ".".join(str(part) for part in found.release)
