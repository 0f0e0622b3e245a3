"""The class of the object a plain-PHP login calls a method on, resolved statically (issue 10).

session_proofs.py follows `$_SESSION['id'] = $receiver->method(...)` into the method's class; this
module says which class `$receiver` is, only from the app's own code and only when every way it is
set agrees: `new X()`, a typed parameter, `$this` (the class around the call), a property of `$this`
(`$this->db`, set in the class or a base class, or declared with a type, or promoted by the
constructor), a static factory (`X::getInstance()`, `self::connect()`) or a factory function
(`db()`) whose return type or every `return` names one class (`return self::$instance` of a singleton
included). Anything else, or two classes, is unknown (None): the install then stays incomplete.
"""

import re

from ast_grep_py import SgNode

from intercom_wizard.integrations.backends.php_common import parse_php
from intercom_wizard.tree import ProjectTree

# Factories call factories (`getInstance()` returns `self::$instance`, set to `new self()`): a few steps,
# never a loop.
MAX_DEPTH = 12
FUNCTION_SCOPES = ("function_definition", "method_declaration", "anonymous_function", "anonymous_function_creation_expression", "arrow_function", "program")
OWN_CLASS = ("self", "static")


def enclosing_class(node: SgNode) -> SgNode | None:
    return next((a for a in node.ancestors() if a.kind() == "class_declaration"), None)


def declared_name(declaration: SgNode) -> str | None:
    name = declaration.field("name")
    return name.text() if name is not None else None


def class_declarations(tree: ProjectTree, class_name: str) -> list[tuple[str, SgNode]]:
    """Every declaration of `class_name` in the project's PHP files (case-insensitive, as PHP's)."""
    declares = re.compile(rf"\bclass\s+{re.escape(class_name)}\b", re.I)
    needle = class_name.lower().encode("ascii", "ignore")
    found = []
    for path in tree.glob(".php"):
        if not tree.mentions(path, (needle,), ignore_case=True):
            continue  # an ASCII file without the name is not decoded (issue 14)
        text = tree.text(path)
        if not declares.search(text):
            continue
        for declaration in parse_php(text).find_all(kind="class_declaration"):
            if (declared_name(declaration) or "").lower() == class_name.lower():
                found.append((path, declaration))
    return found


def base_class(tree: ProjectTree, declaration: SgNode) -> tuple[str, SgNode] | None:
    """The file and the one declaration of the class `declaration` extends, in the project."""
    clause = next((c for c in declaration.children() if c.kind() == "base_clause"), None)
    name = next((c for c in clause.children() if c.kind() in ("name", "qualified_name")), None) if clause is not None else None
    found = class_declarations(tree, name.text().rpartition("\\")[2]) if name is not None else []
    return found[0] if len(found) == 1 else None


def method_in_class(tree: ProjectTree, path: str, declaration: SgNode, method: str, depth: int = 0) -> tuple[str, SgNode] | None:
    """`method` declared in the class (in file `path`), or else in its base classes: where, and the declaration."""
    for candidate in declaration.find_all(kind="method_declaration"):
        name = candidate.field("name")
        if name is not None and name.text().lower() == method.lower() and enclosing_class(candidate) == declaration:
            return path, candidate
    base = base_class(tree, declaration) if depth < MAX_DEPTH else None
    return method_in_class(tree, base[0], base[1], method, depth + 1) if base is not None else None


def expression_class(tree: ProjectTree, expression: SgNode, depth: int = 0) -> str | None:
    """The one class `expression` evaluates to an instance of, or None."""
    if depth > MAX_DEPTH:
        return None
    kind = expression.kind()
    if kind == "parenthesized_expression":
        inner = next((c for c in expression.children() if c.kind() not in ("(", ")")), None)
        return expression_class(tree, inner, depth + 1) if inner is not None else None
    if kind == "object_creation_expression":
        name = next((c for c in expression.children() if c.kind() in ("name", "qualified_name")), None)
        return _class_named(expression, name.text()) if name is not None else None
    if kind == "variable_name":
        return _variable_class(tree, expression, depth)
    if kind == "member_access_expression":
        owner, name = expression.field("object"), expression.field("name")
        if owner is None or owner.text() != "$this" or name is None or name.kind() != "name":
            return None
        around = enclosing_class(expression)
        return _property_class(tree, around, name.text(), depth + 1) if around is not None else None
    if kind == "scoped_property_access_expression":  # `self::$instance` of a singleton
        return _static_property_class(tree, expression, depth + 1)
    if kind == "scoped_call_expression":
        scope, method = expression.field("scope"), expression.field("name")
        owner_name = scope_class(expression) if scope is not None else None
        classes = class_declarations(tree, owner_name) if owner_name is not None else []
        declared = method_in_class(tree, *classes[0], method.text()) if len(classes) == 1 and method is not None else None
        return _returned_class(tree, declared[1], depth + 1) if declared is not None else None
    if kind == "function_call_expression":
        function = expression.field("function")
        functions = _function_declarations(tree, function.text()) if function is not None and function.kind() == "name" else []
        return _returned_class(tree, functions[0], depth + 1) if len(functions) == 1 else None
    return None


def scope_class(call: SgNode) -> str | None:
    """The class a static call names: `Class::` or, for `self::`/`static::`, the class around it."""
    scope = call.field("scope")
    if scope is None:
        return None
    if scope.kind() == "relative_scope":
        around = enclosing_class(call)
        return declared_name(around) if around is not None and scope.text().lower() in OWN_CLASS else None
    return scope.text().rpartition("\\")[2] if scope.kind() in ("name", "qualified_name") else None


def _class_named(node: SgNode, name: str) -> str | None:
    if name.lower() in OWN_CLASS:
        around = enclosing_class(node)
        return declared_name(around) if around is not None else None
    return None if name.lower() == "parent" else name.rpartition("\\")[2]


def _agreeing(classes: list[str | None]) -> str | None:
    """The class when every way agrees (and there is at least one), else None."""
    if not classes or None in classes:
        return None
    distinct = {c.lower() for c in classes if c is not None}
    return classes[0] if len(distinct) == 1 else None


def _variable_class(tree: ProjectTree, variable: SgNode, depth: int) -> str | None:
    name = variable.text()
    if name == "$this":
        around = enclosing_class(variable)
        return declared_name(around) if around is not None else None
    scope = next((a for a in variable.ancestors() if a.kind() in FUNCTION_SCOPES), None)
    if scope is None:
        return None
    values = [
        value
        for assignment in scope.find_all(pattern=f"{name} = $VALUE")
        if assignment.range().start.index < variable.range().start.index and (value := assignment.get_match("VALUE")) is not None
    ]
    typed = _parameter_type(scope, name)
    classes = [expression_class(tree, value, depth + 1) for value in values] + ([_class_named(variable, typed)] if typed else [])
    return _agreeing(classes)


def _parameter_type(function: SgNode, variable: str) -> str | None:
    """`Database` of a parameter `Database $db` (or a promoted `private Database $db`) of `function`."""
    parameters = function.field("parameters")
    for parameter in parameters.children() if parameters is not None else []:
        name = next((c for c in parameter.children() if c.kind() == "variable_name"), None)
        if name is not None and name.text() == variable:
            return _type_name(parameter)
    return None


def _type_name(node: SgNode) -> str | None:
    """The class a declaration's type names (`Database`, `?Database`), not a builtin or a union."""
    typed = next((c for c in node.children() if c.kind() in ("named_type", "optional_type", "union_type", "primitive_type")), None)
    if typed is None or typed.kind() in ("union_type", "primitive_type"):
        return None
    named = typed if typed.kind() == "named_type" else typed.find(kind="named_type")
    return named.text() if named is not None else None


def _property_class(tree: ProjectTree, declaration: SgNode, property_name: str, depth: int) -> str | None:
    """The class of `$this->property` in the class: its typed declaration (or promoted constructor
    parameter) and every assignment to it; a base class's when this class neither declares nor sets it."""
    classes: list[str | None] = []
    for candidate in declaration.find_all(kind="property_declaration"):
        if enclosing_class(candidate) == declaration and any(e.text().startswith(f"${property_name}") for e in candidate.find_all(kind="property_element")):
            typed = _type_name(candidate)
            classes += [_class_named(candidate, typed)] if typed else []
    for parameter in declaration.find_all(kind="property_promotion_parameter"):
        name = next((c for c in parameter.children() if c.kind() == "variable_name"), None)
        typed = _type_name(parameter)
        if name is not None and name.text() == f"${property_name}":
            classes.append(_class_named(parameter, typed) if typed else None)
    for assignment in declaration.find_all(pattern=f"$this->{property_name} = $VALUE"):
        value = assignment.get_match("VALUE")
        classes.append(expression_class(tree, value, depth + 1) if value is not None else None)
    if not classes:
        base = base_class(tree, declaration)
        return _property_class(tree, base[1], property_name, depth + 1) if base is not None and depth < MAX_DEPTH else None
    return _agreeing(classes)


def _static_property_class(tree: ProjectTree, access: SgNode, depth: int) -> str | None:
    scope, variable = access.field("scope"), access.find(kind="variable_name")
    around = enclosing_class(access)
    if scope is None or scope.kind() != "relative_scope" or scope.text().lower() not in OWN_CLASS or variable is None or around is None:
        return None
    classes = []
    for assignment in around.find_all(kind="assignment_expression"):
        target, value = assignment.field("left"), assignment.field("right")
        if target is not None and value is not None and target.kind() == "scoped_property_access_expression":
            target_variable = target.find(kind="variable_name")
            if target_variable is not None and target_variable.text() == variable.text():
                classes.append(expression_class(tree, value, depth + 1))
    return _agreeing(classes)


def _returned_class(tree: ProjectTree, function: SgNode, depth: int) -> str | None:
    """The class a function or method returns: its declared return type, else what every `return` gives."""
    typed = _type_name(function)
    if typed is not None:
        return _class_named(function, typed)
    returns = [r for r in function.find_all(kind="return_statement") if next((a for a in r.ancestors() if a.kind() in FUNCTION_SCOPES), None) == function]
    values = [next((c for c in r.children() if c.kind() not in ("return", ";")), None) for r in returns]
    return _agreeing([expression_class(tree, v, depth + 1) if v is not None else None for v in values])


def _function_declarations(tree: ProjectTree, name: str) -> list[SgNode]:
    declares = re.compile(rf"\bfunction\s+{re.escape(name)}\s*\(", re.I)
    found = []
    for path in tree.glob(".php"):
        if not tree.mentions(path, (name.lower().encode("ascii", "ignore"),), ignore_case=True) or not declares.search(tree.text(path)):
            continue
        for function in parse_php(tree.text(path)).find_all(kind="function_definition"):
            declared = function.field("name")
            if declared is not None and declared.text().lower() == name.lower():
                found.append(function)
    return found
