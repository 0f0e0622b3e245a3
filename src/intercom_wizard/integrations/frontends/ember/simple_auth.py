"""ember-simple-auth: the Messenger follows the session service instead of the app's login code.

ember-simple-auth (4.0 and newer) signs users in and out through its `session` service, whose
`handleAuthentication()` / `handleInvalidation()` run after every authentication and before every
invalidation, whichever controller or component started it. Its documentation has apps extend that
service (`app/services/session`). So:

- the app already extends it (a native class over `ember-simple-auth/services/session`): its
  `handleAuthentication` gets `void intercomLogin();` as the last statement, its `handleInvalidation`
  `intercomLogout();` as the first, and a method it lacks is added to the class, as the template
  writes it;
- it does not: `app/services/session.{js,ts}` is created from `templates/ember/simple-auth-session.ts`;
- a session service of the app's own that is not ember-simple-auth's, a classic `.extend({...})` one,
  or ember-simple-auth before 4.0 (the hooks were the application route mixin's): None, and the
  app's own login/logout code is wired as in any Ember app.
"""

import re

from ast_grep_py import SgNode

from intercom_wizard.edits import indent_unit, indentation_at, line_start, parse
from intercom_wizard.integrations.base import PlanContext
from intercom_wizard.integrations.frontends.ember.javascript import strip_ember_declarations
from intercom_wizard.integrations.frontends.spa_common.auth_hooks import hook_call
from intercom_wizard.integrations.frontends.spa_common.core import SpaApp
from intercom_wizard.integrations.frontends.spa_common.imports import import_insertion, in_file_style, language_of
from intercom_wizard.plan import Insertion
from intercom_wizard.templates import render
from intercom_wizard.tree import join
from intercom_wizard.versions import npm_version

PACKAGE = "ember-simple-auth"
TEMPLATE = "ember/simple-auth-session.ts"
SESSION_MODULE = "ember-simple-auth/services/session"
FIRST_WITH_SESSION_HOOKS = (4, 0)  # handleAuthentication/handleInvalidation moved onto the session service
SESSION_IMPORT = re.compile(r"""import\s+(\w+)\s+from\s+['"]ember-simple-auth/services/session['"]""")
HOOKS = (("handleAuthentication", "intercomLogin", "last"), ("handleInvalidation", "intercomLogout", "first"))


def wire_session_service(context: PlanContext, app: SpaApp, core_path: str, core_specifier: str) -> bool:
    """Hook the Messenger into ember-simple-auth's session service; False when this app's shape is not one we edit."""
    if not app.depends_on(PACKAGE):
        return False
    version = npm_version(context.tree, app.root, PACKAGE)
    if version is not None and not version.at_least(*FIRST_WITH_SESSION_HOOKS):
        return False
    existing = [join(app.source_dir, f"services/session{suffix}") for suffix in (".ts", ".js")]
    session_path = next((path for path in existing if context.tree.exists(path)), None)
    template = render(TEMPLATE, core_module=core_specifier)
    if session_path is None:
        created = join(app.source_dir, f"services/session{app.extension}")
        source = template if app.typescript else strip_ember_declarations(template)
        context.builder.create(created, source, "extends ember-simple-auth's session service: the Messenger signs in after authentication, out before invalidation")
        return True
    return _extend(context, session_path, template, core_specifier)


def _extend(context: PlanContext, path: str, template: str, core_specifier: str) -> bool:
    source = context.tree.read(path)
    text = source.text
    imported = SESSION_IMPORT.search(text)
    if imported is None:
        return False  # the app's own session service, not ember-simple-auth's
    program = parse(text, language_of(path))
    body = _class_body(program, imported.group(1))
    if body is None:
        return False
    methods = {name.text(): method for method in body.children() if method.kind() == "method_definition" and (name := method.field("name")) is not None}
    insertions: list[Insertion] = []
    added: list[str] = []
    for method_name, hook, position in HOOKS:
        call = hook_call(context.tree, path, hook)
        method = methods.get(method_name)
        if method is None:
            added.append(_template_method(template, method_name, path, call))
            continue
        block = method.field("body")
        if block is None:
            return False
        statements = [child for child in block.children() if child.kind() not in ("{", "}")]
        if position == "first" and statements:
            start = statements[0].range().start.index
            insertions.append(Insertion(line_start(text, start), source.native(f"{indentation_at(text, start)}{call}\n")))
        else:
            close = block.range().end.index - 1
            indent = indentation_at(text, close) + indent_unit(text)
            insertions.append(Insertion(line_start(text, close), source.native(f"{indent}{call}\n")))
    if added:
        close = body.range().end.index - 1
        unit = indent_unit(text)
        indent = indentation_at(text, close) + unit
        blocks = "\n".join(_indented(method, indent, unit) for method in added)
        insertions.append(Insertion(line_start(text, close), source.native(f"\n{blocks}")))
    statement = in_file_style(context.tree, path, f"import {{ intercomLogin, intercomLogout }} from '{core_specifier}';")
    import_at = import_insertion(context, path, 0, statement)
    if import_at is None:
        return False
    context.builder.insert(path, [import_at, *insertions], "the Messenger follows ember-simple-auth's session: login after handleAuthentication, logout before handleInvalidation")
    return True


def _class_body(program: SgNode, base: str) -> SgNode | None:
    """The body of the class that extends ember-simple-auth's session service (imported as `base`)."""
    for kind in ("class_declaration", "class"):
        for declared in program.find_all(kind=kind):
            heritage = next((child for child in declared.children() if child.kind() == "class_heritage"), None)
            if heritage is not None and re.search(rf"\bextends\s+{re.escape(base)}\b", heritage.text()):
                return declared.field("body")
    return None


def _template_method(template: str, name: str, path: str, call: str) -> str:
    """The template's method `name`, in the file's language (types removed from JavaScript), with the hook call in its style."""
    language = language_of(path)
    source = template if language == "typescript" else strip_ember_declarations(template)
    program = parse(source, language)
    method = next(m for m in program.find_all(kind="method_definition") if (n := m.field("name")) is not None and n.text() == name)
    text = method.text()
    return text.replace("void intercomLogin();", call) if name == "handleAuthentication" else text


def _indented(method: str, indent: str, unit: str) -> str:
    """A method as the template lays it out (two spaces a level), at the class body's indentation."""
    lines = method.splitlines()
    out = [indent + lines[0]]
    for line in lines[1:]:
        stripped = line.lstrip(" ")
        levels = (len(line) - len(stripped)) // 2 - 1  # the template's method sits one level in
        out.append(indent + unit * max(levels, 0) + stripped if stripped else "")
    return "\n".join(out) + "\n"
