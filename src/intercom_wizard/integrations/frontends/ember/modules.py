"""How the Ember app's own code imports its modules: through the app's module prefix
(`my-app/utils/intercom-messenger`, the `modulePrefix` of config/environment.js or the package
name) when any of its modules does, else relatively. The generated service imports the core the
same way.
"""

import json
import posixpath

from intercom_wizard.astgrep import field_text
from intercom_wizard.edits import parse
from intercom_wizard.integrations.frontends.spa_common import SpaApp, import_path
from intercom_wizard.tree import ProjectTree, join


def module_specifier(tree: ProjectTree, app: SpaApp, prefix: str | None, from_file: str, module_file: str) -> str:
    """`<modulePrefix>/utils/intercom-messenger` when the app's code imports that way, else a relative path."""
    if prefix is not None and _uses_module_prefix(tree, app, prefix):
        inside = posixpath.relpath(posixpath.splitext(module_file)[0], app.source_dir)
        return f"{prefix}/{inside}"
    return import_path(from_file, module_file)


def module_prefix(tree: ProjectTree, root: str, package_name: object) -> str | None:
    """`modulePrefix` from config/environment.js, or the package name ember-cli defaults it to."""
    config = join(root, "config/environment.js")
    if tree.exists(config):
        program = parse(tree.text(config), "javascript")
        for pair in program.find_all(kind="pair"):
            key, value = field_text(pair, "key"), pair.field("value")
            if key is not None and key.strip("'\"") == "modulePrefix" and value is not None and value.kind() == "string":
                return str(json.loads('"' + value.text()[1:-1].replace('"', '\\"') + '"'))
    return package_name if isinstance(package_name, str) and package_name else None


def _uses_module_prefix(tree: ProjectTree, app: SpaApp, prefix: str) -> bool:
    """Whether any of the app's own modules imports another through the module prefix."""
    for path in tree.glob(".js", ".ts", under=app.source_dir):
        text = tree.text(path)
        if f"{prefix}/" not in text:
            continue
        for statement in parse(text, "typescript").find_all(kind="import_statement"):
            source = field_text(statement, "source")
            if source is not None and source[1:-1].startswith(f"{prefix}/"):
                return True
    return False
