"""Finding a Flask app: the module creating it (module level or in a factory), its user evidence
(auth.py) and Flask-JWT-Extended's (or Flask-HTTPAuth's, httpauth.py) tokens when the API takes bearer tokens."""

import re

from ast_grep_py import SgNode

from intercom_wizard.astgrep import field_text, required_field
from intercom_wizard.edits import parse
from intercom_wizard.integrations import identity
from intercom_wizard.integrations.backends.flask.auth import auth_style
from intercom_wizard.integrations.backends.flask.details import FlaskDetails
from intercom_wizard.integrations.backends.flask.httpauth import httpauth_token
from intercom_wizard.integrations.backends.python_common import PYTHON_LITERALS, python_resolver
from intercom_wizard.integrations.base import Detection, TokenAuth
from intercom_wizard.tree import ProjectTree, folder_of

NAME = "flask"


def detect(tree: ProjectTree) -> list[Detection[FlaskDetails]]:
    found: list[Detection[FlaskDetails]] = []
    for path in tree.mentioning(tree.glob(".py"), (b"Flask(",)):  # an ASCII file without `Flask(` is not decoded (issue 14)
        text = tree.text(path)
        if "Flask(" not in text or "flask" not in text:
            continue
        for match in parse(text, "python").find_all(pattern="$APP = Flask($$$)"):
            factory = next((a for a in match.ancestors() if a.kind() == "function_definition"), None)
            auth = auth_style(tree)
            token_auth, user_lookup = _token_auth(tree)
            httpauth = httpauth_token(tree) if token_auth is None else None
            if httpauth is not None:
                token_auth = httpauth[0]
            app_var = match.get_match("APP")
            details = FlaskDetails(
                entry_file=path,
                app_var=app_var.text() if app_var is not None else "app",
                sign_in=None if auth.kind == "none" else auth.kind,
                token_auth=token_auth,
                factory=required_field(factory, "name").text() if factory else None,
                auth=auth,
                jwt_user_lookup=user_lookup,
                httpauth=httpauth[1] if httpauth is not None else None,
                package_module=_package_module(tree, path, text),
            )
            found.append(Detection(NAME, "backend", _app_root(tree, folder_of(path)), (f"{path}: {match.text()}",), details))
    return found


def _package_module(tree: ProjectTree, path: str, text: str) -> bool:
    """The app's module (not `__init__.py`) is imported as `package.module`: its folder has `__init__.py`
    and the module imports its own package, relatively or by name (`from api.errors import ...`).
    A bare `import intercom_jwt` would not be found there; a script run from its own folder keeps it."""
    folder = folder_of(path)
    if not folder or path.endswith("__init__.py") or not tree.exists(f"{folder}/__init__.py"):
        return False
    package = folder.rsplit("/", 1)[-1]
    return re.search(rf"^\s*(from\s+\.|from\s+{re.escape(package)}[\s.]|import\s+{re.escape(package)}\.)", text, re.MULTILINE) is not None


def _app_root(tree: ProjectTree, package_dir: str) -> str:
    """The folder the app runs from: above the package when the app lives in a package."""
    if package_dir and tree.exists(f"{package_dir}/__init__.py"):
        return folder_of(package_dir)
    return package_dir


def _token_auth(tree: ProjectTree) -> tuple[TokenAuth | None, bool]:
    """Flask-JWT-Extended access tokens, and whether a user_lookup_loader turns them into users."""
    paths = tree.glob(".py")
    if not any("flask_jwt_extended" in (text := tree.text(path)) and "JWTManager(" in text for path in tree.mentioning(paths, (b"JWTManager(",))):
        return None, False  # without JWTManager( in any file, no file is decoded (issue 14)
    sources = [tree.text(path) for path in paths]
    lookup = any(
        parse(text, "python").find(pattern=f"@$JWT.{loader}") is not None
        for text in sources
        for loader in ("user_lookup_loader", "user_loader_callback_loader")  # 4.x, 3.x
        if loader in text
    )
    scheme = None
    # JWT_HEADER_TYPE renames the Authorization scheme ("JWT <token>"); the front end must send that one.
    for text in sources:
        header_type = re.search(r"""JWT_HEADER_TYPE["']?\]?\s*[=:]\s*["']([A-Za-z]+)["']""", text)
        if header_type:
            scheme = header_type.group(1)
    return TokenAuth(kind="flask-jwt-extended", scheme=scheme, identity_refused=tuple(_token_identity_refused(tree))), lookup


def _token_identity_refused(tree: ProjectTree) -> list[str]:
    """What the app puts in its access tokens' identity (`create_access_token(identity=user.id)`): the
    token's identity becomes user_id, so it needs the same evidence as a session key (identity.py)."""
    refused = []
    for path in tree.glob(".py"):
        text = tree.text(path)
        if "create_access_token" not in text:
            continue
        for call in parse(text, "python").find_all(pattern="create_access_token($$$)"):
            value = _identity_argument(call)
            if value is None:
                continue
            evidence = identity.value_evidence(value.text(), literal=value.kind() in PYTHON_LITERALS, resolve=python_resolver(call))
            if not evidence.is_id:
                refused.append(f"{path}:{call.range().start.line + 1}: the access token's identity is {evidence.reason}")
    return refused


def _identity_argument(call: SgNode) -> SgNode | None:
    """The first positional argument, or `identity=`."""
    arguments = call.field("arguments")
    return next(
        (
            a.field("value") if a.kind() == "keyword_argument" else a
            for a in (arguments.children() if arguments is not None else [])
            if a.kind() not in ("(", ")", ",") and (a.kind() != "keyword_argument" or field_text(a, "name") == "identity")
        ),
        None,
    )
