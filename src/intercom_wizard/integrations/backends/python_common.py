"""What the Python back ends share: declaring PyJWT, finding the user's fields, placing imports."""

import codecs
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from ast_grep_py import SgNode

from intercom_wizard.astgrep import field_text, required_field
from intercom_wizard.edits import append_lines, insert_lines_after, insert_lines_before, last_import, parse
from intercom_wizard.errors import BadInput
from intercom_wizard.integrations import identity
from intercom_wizard.integrations.base import PlanContext
from intercom_wizard.plan import DependencyChange, Insertion
from intercom_wizard.python_style import import_group, import_sort_key
from intercom_wizard.tree import ProjectTree, join
from intercom_wizard.versions import language_level

PYJWT = "PyJWT"
PYJWT_SPEC = ">=2.8"
# PyJWT 2.4 dropped Python 3.6 (2.8 needs 3.7): a 3.6 app gets the last 2.x series that installs there.
PYJWT_SPEC_PYTHON_3_6 = ">=2.0,<2.4"
NAME_FIELDS = ("name", "full_name", "display_name", "username")
# At run time a name is the first of these the user has (Django's get_full_name() included).
DYNAMIC_NAME_FIELDS = ("name", "full_name", "get_full_name", "display_name", "username")
# tree-sitter-python kinds of a literal value (identity.py refuses a literal as a user id).
PYTHON_LITERALS = frozenset({"integer", "float", "string", "true", "false", "none", "concatenated_string"})


def python_resolver(node: SgNode) -> identity.Resolver:
    """Values assigned to a name earlier in the same function: `uid = user["id"]; session["uid"] = uid`."""
    scope = next((a for a in node.ancestors() if a.kind() in ("function_definition", "module")), None)

    def resolve(name: str) -> list[tuple[str, bool]]:
        if scope is None:
            return []
        return [
            (value.text(), value.kind() in PYTHON_LITERALS)
            for m in scope.find_all(pattern=f"{name} = $VALUE")
            if (value := m.get_match("VALUE")) is not None and m.range().start.index < node.range().start.index
        ]

    return resolve


def declare_pyjwt(context: PlanContext, app_root: str) -> None:
    level = language_level(context.tree, app_root, "python")
    spec = PYJWT_SPEC_PYTHON_3_6 if level is not None and level.below(3, 7) else PYJWT_SPEC
    declare_python_package(context, app_root, PYJWT, spec, "PyJWT signs the tokens")


def declare_python_package(context: PlanContext, app_root: str, package: str, spec: str, reason: str) -> None:
    """Add a package to whichever dependency file the project uses (requirements first, then pyproject)."""
    tree, builder = context.tree, context.builder
    for folder in dict.fromkeys([app_root, ""]):
        prefix = f"{folder}/" if folder else ""
        requirements = f"{prefix}requirements.txt"
        if tree.exists(requirements) and not _is_utf8(tree, requirements):
            # `pip freeze > requirements.txt` in Windows PowerShell writes UTF-16: not ours to re-encode. pip
            # reads it by its byte-order mark; when it already declares the package nothing is left to do.
            if _mentions(package, _decoded_by_bom(tree, requirements).splitlines()):
                builder.dependencies.append(DependencyChange("python", package, spec, requirements))
                return
            builder.manual(requirements, f"{requirements} is not UTF-8, so the wizard leaves it alone; add this line to it:", f"{package}{spec}")
            return
        if tree.exists(requirements):
            if not _mentions(package, tree.text(requirements).splitlines()):
                builder.insert(requirements, [append_lines(tree.read(requirements), f"{package}{spec}\n")], reason)
            builder.dependencies.append(DependencyChange("python", package, spec, requirements))
            return
        pyproject = f"{prefix}pyproject.toml"
        if tree.exists(pyproject) and _declare_in_pyproject(context, pyproject, package, spec, reason):
            builder.dependencies.append(DependencyChange("python", package, spec, pyproject))
            return
    # No manifest at all (a single-module example): a new requirements.txt declares it, and uninstall removes it.
    requirements = join(app_root, "requirements.txt")
    builder.create(
        requirements,
        (builder.created_text(requirements) or "") + f"{package}{spec}\n",
        "declares the packages the Intercom code needs: the project has no dependency file yet",
    )
    builder.dependencies.append(DependencyChange("python", package, spec, requirements))


def _is_utf8(tree: ProjectTree, path: str) -> bool:
    try:
        tree.text(path)
    except BadInput:
        return False
    return True


def _decoded_by_bom(tree: ProjectTree, path: str) -> str:
    """A UTF-16/UTF-32 file decoded by its byte-order mark, as pip reads requirements files ("" without one)."""
    data = tree.resolve(path).read_bytes()
    boms = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
    return next((data.decode(codec, errors="replace") for bom, codec in boms if data.startswith(bom)), "")


def _normalised(name: str) -> str:
    return name.lower().replace("_", "-")


def _mentions(package: str, requirements: list[str]) -> bool:
    wanted = _normalised(package)
    for line in requirements:
        name = _normalised(line.split("#", 1)[0].strip())
        if name.startswith(wanted) and not (name[len(wanted) : len(wanted) + 1].isalnum() or name[len(wanted) : len(wanted) + 1] == "-"):
            return True
    return False


def _declare_in_pyproject(context: PlanContext, path: str, package: str, spec: str, reason: str) -> bool:
    import tomlkit  # only for a pyproject.toml (start-up time, issue 14)
    from tomlkit.exceptions import TOMLKitError

    try:
        document = tomlkit.parse(context.tree.text(path))
    except TOMLKitError as exc:
        raise BadInput(f"{path} is not valid TOML: {exc}") from None
    project = document.get("project")
    tool = document.get("tool", {})
    poetry_section = tool.get("poetry", {}) if isinstance(tool, dict) else None
    poetry = poetry_section.get("dependencies") if isinstance(poetry_section, dict) else None
    if project is not None and not isinstance(project, dict):
        raise BadInput(f"{path}: [project] must be a table.", hint="See PEP 621; pip cannot read the file either.")
    if poetry is not None and not isinstance(poetry, dict):
        raise BadInput(f"{path}: [tool.poetry.dependencies] must be a table.", hint="Poetry cannot read the file either.")
    if project is not None and "dependencies" in project:
        dependencies = project["dependencies"]
        if not isinstance(dependencies, list) or not all(isinstance(d, str) for d in dependencies):
            raise BadInput(
                f"{path}: [project] dependencies must be a list of requirement strings, like [\"flask>=3\"].",
                hint="See PEP 621; pip cannot read the file either.",
            )
        if not _mentions(package, [str(d) for d in dependencies]):
            dependencies.append(f"{package}{spec}")
    elif poetry is not None:
        if not any(_normalised(str(name)) == _normalised(package) for name in poetry):
            poetry[_normalised(package)] = "^" + spec.removeprefix(">=")
    else:
        return False
    context.builder.rewrite(path, tomlkit.dumps(document), reason)
    return True


def add_import(context: PlanContext, path: str, statement: str, *, local: bool = True) -> None:
    """Place an import after the module's last top-level import, in a group of its own if it is local."""
    source = context.tree.read(path)
    anchor = last_import(parse(source.text, "python"), "python")
    if anchor is None:
        context.builder.manual(path, "Add this import at the top of the module:", statement)
        return
    anchor_is_local = anchor.text().startswith("from .")
    if local and not anchor_is_local:
        context.builder.insert(path, [insert_lines_after(source, anchor.range().end.index, f"\n{statement}")], "imports the token endpoint")
        return
    # In the anchor's group: at the place isort/ruff would sort it to (`I001` stays clean).
    later = next((node for node in import_group(anchor) if import_sort_key(node.text()) > import_sort_key(statement)), None)
    insertion = insert_lines_before(source, later.range().start.index, statement) if later else insert_lines_after(source, anchor.range().end.index, statement)
    context.builder.insert(path, [insertion], "imports the token endpoint")


def model_fields(tree: ProjectTree, base_class: str) -> set[str] | None:
    """Attribute names of the class deriving from `base_class` (e.g. UserMixin), or None if not found.

    `self.x = ...` and tuple assignments (`self.id, self.email = row`) in any method, and class-level
    assignments; properties count too. None when the class is not found: the lookup is then dynamic.
    """
    for path in tree.mentioning(tree.glob(".py"), (base_class.encode(),)):  # an ASCII file without the name is not decoded (issue 14)
        text = tree.text(path)
        if base_class not in text:
            continue
        root = parse(text, "python")
        for klass in root.find_all(kind="class_definition"):
            superclasses = klass.field("superclasses")
            if superclasses is None or base_class not in superclasses.text():
                continue
            fields: set[str] = set()
            for assignment in klass.find_all(kind="assignment"):
                left = assignment.field("left")
                if left is None:
                    continue
                statement = assignment.parent()
                if left.kind() == "identifier" and statement is not None and statement.parent() == klass.field("body"):
                    fields.add(left.text())
                for attribute in [left, *left.find_all(kind="attribute")]:
                    if attribute.kind() == "attribute" and field_text(attribute, "object") == "self":
                        fields.add(required_field(attribute, "attribute").text())
            for function in klass.find_all(kind="function_definition"):
                decorated = function.parent()
                if decorated is not None and decorated.kind() == "decorated_definition" and "@property" in decorated.text().split("def", 1)[0]:
                    fields.add(required_field(function, "name").text())
            return fields
    return None


@dataclass(frozen=True)
class ClaimEntries:
    """The identity claims' values, one Python expression each; email/name None = the user has none."""

    user_id: str
    email: str | None = None
    name: str | None = None


def claim_entries(field: Callable[[str], str], user_id: str, fields: AbstractSet[str] | None, *, dynamic: str | None = None) -> ClaimEntries:
    """The claims, mapping only fields the user model really has.

    `dynamic`: the user expression to read email and name from at run time (`user_attribute(...)`,
    see templates/python_user_attribute.py) when the static model is not certain (`fields` is None).
    """
    if fields is None and dynamic is not None:
        # One argument a line with a trailing comma, for the claims dict's 8-space entries: too long for
        # one line, and black/ruff keep such a call as it is whatever the project's line length.
        arguments = "".join(f"            {argument},\n" for argument in (dynamic, *(f'"{n}"' for n in DYNAMIC_NAME_FIELDS)))
        return ClaimEntries(user_id, f'user_attribute({dynamic}, "email")', f"user_attribute(\n{arguments}        )")
    name_field = next((name for name in NAME_FIELDS if fields is None or name in fields), None)
    return ClaimEntries(user_id, field("email") if fields is None or "email" in fields else None, field(name_field) if name_field else None)


def render_claims_function(template: str, choices: Mapping[str, str], entries: ClaimEntries | None, **values: str) -> str:
    """A back end's `signed_in_user_claims()` from its variants template: the chosen variant, the
    claims the user has (`email`/`name` choices), without the template's opening comment, and with
    the run-time attribute helper before it when it reads attributes at run time."""
    from intercom_wizard.templates import render

    claims = {"user_id": entries.user_id, "email": entries.email or "", "display_name": entries.name or ""} if entries is not None else {}
    text = render(
        template,
        {**choices, "email": "yes" if entries is not None and entries.email else "no", "name": "yes" if entries is not None and entries.name else "no"},
        **claims,
        **values,
    )
    lines = text.splitlines()
    start = next(index for index, line in enumerate(lines) if not line.startswith("#"))  # the template's own comment
    code = "\n".join(lines[start:]).rstrip("\n")
    return f"{user_attribute_helper()}\n\n\n{code}" if "user_attribute(" in code else code


def user_attribute_helper() -> str:
    """The run-time lookup `claims_literal(dynamic=...)` calls, for the generated module."""
    from intercom_wizard.templates import render

    return render("python_user_attribute.py").strip()


def add_list_entry(context: PlanContext, path: str, variable: str, entry: str, reason: str, *, first: bool = False) -> None:
    """Add `entry` as a line of the multi-line list literal assigned to `variable` (last, or first)."""
    source = context.tree.read(path)
    assignment, literal = _list_assignment(source.text, variable)
    items = [c for c in literal.children() if c.kind() not in ("[", "]", ",", "comment")] if literal else []
    if assignment is None or literal is None or not items or not items[0].range().start.line != assignment.range().start.line:
        context.builder.manual(path, f"Add this entry to {variable}:", entry)
        return
    indent = source.text[source.text.rfind("\n", 0, items[0].range().start.index) + 1 : items[0].range().start.index]
    if first:
        context.builder.insert(path, [insert_lines_before(source, items[0].range().start.index, entry, indent)], reason)
        return
    closing = literal.children()[-1]
    insertions = [insert_lines_before(source, closing.range().start.index, entry, indent)]
    last = [c for c in literal.children() if c.kind() not in ("]", "comment")][-1]
    if last.kind() != ",":  # the last entry has no trailing comma: give it one
        insertions.append(Insertion(last.range().end.index, ","))
    context.builder.insert(path, insertions, reason)


def _list_assignment(text: str, variable: str) -> tuple[SgNode, SgNode] | tuple[None, None]:
    """The first `variable = [...]`, also when more is added to the literal (`[...] + static(...)`): (assignment, list)."""
    for assignment in parse(text, "python").find_all(pattern=f"{variable} = $RIGHT"):
        right = assignment.field("right")
        while right is not None and right.kind() == "binary_operator":
            right = right.field("left")  # `[...] + a + b` nests to the left: the literal is innermost
        if right is not None and right.kind() == "list":
            return assignment, right
    return None, None


@dataclass(frozen=True)
class AppObject:
    """Where a Python app object is created: its module, its variable, and the factory creating it, if any."""

    file: str
    var: str
    factory: str | None


def attach_to_app(
    context: PlanContext,
    app: AppObject,
    statement: str,
    *,
    registration: str,
    created: tuple[str, ...],
    reason: str,
    include_assignments: bool,
) -> None:
    """Add `statement` where the app gathers its parts: after its last `app.<registration>(...)`,
    else before `return app` in its factory, else at the end of the block that creates and
    configures the app object (`include_assignments`: whether `x = Y(app)` lines belong to it)."""
    app_file, app_var, factory = app.file, app.var, app.factory
    source = context.tree.read(app_file)
    root = parse(source.text, "python")
    scope = root
    if factory:
        scope = next((f for f in root.find_all(kind="function_definition") if field_text(f, "name") == factory), root)
    existing = scope.find_all(pattern=f"{app_var}.{registration}($$$)")
    if existing:
        context.builder.insert(app_file, [insert_lines_after(source, existing[-1].range().end.index, statement)], reason)
        return
    if factory:
        returned = scope.find(pattern=f"return {app_var}")
        if returned is not None:
            context.builder.insert(app_file, [insert_lines_before(source, returned.range().start.index, statement + "\n")], reason)
            return
    else:
        anchor = _end_of_app_setup(root, app_var, created, include_assignments)
        if anchor is not None:
            context.builder.insert(app_file, [insert_lines_after(source, anchor.range().end.index, statement)], reason)
            return
    context.builder.manual(app_file, f"Add this where {app_var} is configured:", statement)


def _end_of_app_setup(root: SgNode, app_var: str, created: tuple[str, ...], include_assignments: bool) -> SgNode | None:
    """The last top-level statement of the block that creates and configures the app object."""
    statements = root.children()
    first = next(
        (i for i, s in enumerate(statements) if any(s.find(pattern=p.replace("$APP", app_var)) for p in created)),
        None,
    )
    if first is None:
        return None
    last = statements[first]
    for statement in statements[first + 1 :]:
        if statement.kind() != "expression_statement":
            break
        if not include_assignments and statement.find(kind="assignment") is not None:
            break
        last = statement
    return last


def jinja_user_settings(condition: str, user_id: str, email: str | None, name: str | None) -> str:
    """Jinja writing the signed-in user's attributes into a JS object (the insecure variant only):
    each argument is a Jinja expression; email and name are left out when the user has none."""
    from intercom_wizard.templates import render

    return render(
        "jinja_user_settings.html",
        condition=condition,
        user_id=user_id,
        email_entry=f"email: {{{{ {email}|tojson }}}}," if email else "",
        name_entry=f"name: {{{{ {name}|tojson }}}}," if name else "",
    ).rstrip("\n")
