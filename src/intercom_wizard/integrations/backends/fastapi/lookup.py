"""Static resolution for the pages' cookie lookup, one step beyond a function's own body: string constants
kept as class attributes (`settings.COOKIE_NAME` with `settings = Settings()`, or `Settings.COOKIE_NAME`),
and a module-level function that decodes its JWT by calling another module-level function of the project
(`get_current_user_from_cookie(request)` -> `decode_token(token)` -> `jwt.decode(...)`).

Only what the code states is resolved: a class attribute assigned a string literal exactly once, an
instance made by calling the class without arguments, a callee named by a plain identifier that is a
module-level function of the same file (or of exactly one project file). Nothing is guessed.
"""

import ast

from ast_grep_py import SgNode

from intercom_wizard.astgrep import required_field


def module_functions(root: SgNode) -> list[SgNode]:
    """Module-level function definitions, decorated ones included."""
    functions = []
    for statement in root.children():
        function = statement if statement.kind() == "function_definition" else statement.find(kind="function_definition")
        if function is not None and function.parent() in (root, statement):
            functions.append(function)
    return functions


def decodes_jwt(function: SgNode) -> bool:
    """Whether the function's own body decodes a JWT."""
    body = function.field("body")
    return body is not None and bool(body.find(pattern="jwt.decode($$$)") or body.find(pattern="decode($$$)"))


def jwt_decoders(roots: dict[str, SgNode]) -> dict[str, tuple[str, SgNode]]:
    """Module-level function name -> (file, function) for functions that decode a JWT themselves or by
    calling one project function that does (one level, statically resolved)."""
    direct: dict[str, list[tuple[str, SgNode]]] = {}
    functions: list[tuple[str, SgNode]] = []
    for path, root in roots.items():
        for function in module_functions(root):
            functions.append((path, function))
            if decodes_jwt(function):
                direct.setdefault(required_field(function, "name").text(), []).append((path, function))
    found: dict[str, tuple[str, SgNode]] = {}
    for path, function in functions:
        name = required_field(function, "name").text()
        if decodes_jwt(function) or _calls_decoder(path, function, direct):
            found.setdefault(name, (path, function))
    return found


def _calls_decoder(path: str, function: SgNode, direct: dict[str, list[tuple[str, SgNode]]]) -> bool:
    """Whether the body calls, by its plain name, a decoding function of the same file or of one file only."""
    for call in required_field(function, "body").find_all(kind="call"):
        callee = call.field("function")
        if callee is None or callee.kind() != "identifier" or callee.text() not in direct:
            continue
        owners = direct[callee.text()]
        if any(owner == path for owner, _ in owners) or len(owners) == 1:
            return True
    return False


def string_constants(roots: dict[str, SgNode]) -> dict[str, str]:
    """`Class.NAME` and `instance.NAME` -> the string literal a module-level class assigns to NAME once
    in its body, for module-level instances made as `instance = Class()`; a name two places give
    different values is left out."""
    constants: dict[str, str | None] = {}

    def keep(key: str, value: str) -> None:
        constants[key] = value if constants.get(key, value) == value else None

    classes: dict[str, dict[str, str]] = {}
    for root in roots.values():
        for klass in root.children():
            if klass.kind() != "class_definition":
                continue
            attributes = _class_string_attributes(klass)
            classes[required_field(klass, "name").text()] = attributes
            for attribute, value in attributes.items():
                keep(f"{required_field(klass, 'name').text()}.{attribute}", value)
    for root in roots.values():
        for statement in root.children():
            match = statement.find(pattern="$INSTANCE = $CLASS()")
            if match is None or match.parent() != statement:
                continue
            instance, klass_name = match.get_match("INSTANCE"), match.get_match("CLASS")
            if instance is None or klass_name is None or instance.kind() != "identifier" or klass_name.text() not in classes:
                continue
            for attribute, value in classes[klass_name.text()].items():
                keep(f"{instance.text()}.{attribute}", value)
    return {key: value for key, value in constants.items() if value is not None}


def _class_string_attributes(klass: SgNode) -> dict[str, str]:
    """NAME -> literal for `NAME = "..."` / `NAME: str = "..."` assigned once in the class body."""
    seen: dict[str, str | None] = {}
    for statement in required_field(klass, "body").children():
        assignment = statement.find(kind="assignment")
        if assignment is None or assignment.parent() != statement:
            continue
        left, right = required_field(assignment, "left"), assignment.field("right")
        if left.kind() != "identifier":
            continue
        value = _string_literal(right) if right is not None else None
        seen[left.text()] = value if left.text() not in seen else None
    return {name: value for name, value in seen.items() if value is not None}


def _string_literal(node: SgNode) -> str | None:
    """The value of a plain string literal (no f-string, no concatenation)."""
    if node.kind() != "string" or node.find(kind="interpolation") is not None:
        return None
    try:
        value = ast.literal_eval(node.text())
    except (ValueError, SyntaxError):
        return None
    return value if isinstance(value, str) else None
