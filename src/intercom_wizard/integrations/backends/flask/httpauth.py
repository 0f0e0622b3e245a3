"""Flask-HTTPAuth's token auth: `token_auth = HTTPTokenAuth(...)` with a `@token_auth.verify_token`
function. Its return value is the request's user (`token_auth.current_user()`), so that is the
identity evidence: every value it returns must be a model object that has an `id` (a name, a
literal or `True` is no id, and the endpoint then fails closed)."""

from ast_grep_py import SgNode

from intercom_wizard.astgrep import field_text
from intercom_wizard.edits import parse
from intercom_wizard.integrations.backends.flask.details import HttpAuthToken
from intercom_wizard.integrations.backends.python_common import PYTHON_LITERALS
from intercom_wizard.integrations.base import TokenAuth
from intercom_wizard.tree import ProjectTree


def httpauth_token(tree: ProjectTree) -> tuple[TokenAuth, HttpAuthToken] | None:
    """The app's HTTPTokenAuth object and what its verify_token returns, or None without one."""
    for path in tree.mentioning(tree.glob(".py"), (b"HTTPTokenAuth(",)):  # an ASCII file without it is not decoded (issue 14)
        text = tree.text(path)
        if "flask_httpauth" not in text:
            continue
        root = parse(text, "python")
        for match in root.find_all(pattern="$VAR = HTTPTokenAuth($$$)"):
            var = match.get_match("VAR")
            if var is None or var.kind() != "identifier":
                continue
            verifier = _verifier(root, var.text())
            if verifier is None:
                continue  # without verify_token every request is refused: no user to read
            scheme = _scheme(match)
            refused = tuple(_refused_returns(tree, path, verifier))
            auth = TokenAuth(kind="flask-httpauth", scheme=None if scheme in (None, "Bearer") else scheme, identity_refused=refused)
            return auth, HttpAuthToken(file=path, var=var.text())
    return None


def _verifier(root: SgNode, var: str) -> SgNode | None:
    """The function decorated with `@var.verify_token`."""
    for decorated in root.find_all(kind="decorated_definition"):
        definition = decorated.field("definition")
        if definition is None or definition.kind() != "function_definition":
            continue
        if any(d.text().strip() == f"@{var}.verify_token" for d in decorated.children() if d.kind() == "decorator"):
            return definition
    return None


def _scheme(constructor: SgNode) -> str | None:
    """`HTTPTokenAuth('Token')` or `HTTPTokenAuth(scheme='Token')`: the Authorization scheme."""
    arguments = constructor.find(kind="argument_list")
    for argument in arguments.children() if arguments is not None else []:
        value = argument.field("value") if argument.kind() == "keyword_argument" and field_text(argument, "name") == "scheme" else argument
        if value is not None and value.kind() == "string" and (argument.kind() == "keyword_argument" or argument == _first(arguments)):
            return value.text()[1:-1]
    return None


def _first(arguments: SgNode | None) -> SgNode | None:
    return next((a for a in (arguments.children() if arguments else []) if a.kind() not in ("(", ")", ",")), None)


def _refused_returns(tree: ProjectTree, path: str, verifier: SgNode) -> list[str]:
    """Each value verify_token returns that is not a model object with an id (file:line: why)."""
    models = _models_with_id(tree)
    assigned = {
        left.text(): value.text()
        for assignment in verifier.find_all(kind="assignment")
        if (left := assignment.field("left")) is not None and (value := assignment.field("right")) is not None and left.kind() == "identifier"
    }
    refused, returned = [], 0
    for statement in verifier.find_all(kind="return_statement"):
        value = next((c for c in statement.children() if c.kind() != "return"), None)
        if value is None or value.kind() == "none":
            continue
        returned += 1
        where = f"{path}:{statement.range().start.line + 1}"
        expression = assigned.get(value.text(), value.text()) if value.kind() == "identifier" else value.text()
        if value.kind() in PYTHON_LITERALS or value.kind() in ("true", "false"):
            refused.append(f"{where}: verify_token returns {value.text()}, not a user")
        elif not any(_names(expression, model) for model in models):
            refused.append(f"{where}: verify_token returns {value.text()}, not traced to a user model with an id")
    if returned == 0:
        refused.append(f"{path}:{verifier.range().start.line + 1}: verify_token returns no user")
    return refused


def _names(expression: str, name: str) -> bool:
    """`name` appears in the expression as a whole word (User, not Users or UserRole)."""
    index = expression.find(name)
    while index != -1:
        before = expression[index - 1] if index else " "
        after = expression[index + len(name)] if index + len(name) < len(expression) else " "
        if not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_"):
            return True
        index = expression.find(name, index + 1)
    return False


def _models_with_id(tree: ProjectTree) -> set[str]:
    """Classes whose body declares an `id` (`id = db.Column(...)`, `id: Mapped[int] = mapped_column(...)`)."""
    found = set()
    for path in tree.mentioning(tree.glob(".py"), (b"id",)):
        root = parse(tree.text(path), "python")
        for klass in root.find_all(kind="class_definition"):
            body = klass.field("body")
            for statement in body.children() if body is not None else []:
                assignment = statement.child(0) if statement.kind() == "expression_statement" else None
                left = assignment.field("left") if assignment is not None and assignment.kind() == "assignment" else None
                if left is not None and left.text() == "id":
                    name = klass.field("name")
                    if name is not None:
                        found.add(name.text())
    return found
