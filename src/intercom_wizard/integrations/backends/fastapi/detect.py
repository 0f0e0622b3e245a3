"""Finding a FastAPI app: the module that creates it, how it imports its package, its templates and static mount.

The user evidence is auth.py's job; this module finds the app and gathers the typed details.
"""

import ast
from pathlib import PurePosixPath

from ast_grep_py import SgNode

from intercom_wizard.astgrep import field_text, required_field
from intercom_wizard.edits import parse
from intercom_wizard.integrations.backends.fastapi.auth import auth_style
from intercom_wizard.integrations.backends.fastapi.details import FastAPIDetails, NamedStaticMount, fastapi_details
from intercom_wizard.integrations.backends.fastapi.sources import MODULE_NAME, match_text, python_sources
from intercom_wizard.integrations.base import Detection
from intercom_wizard.tree import ProjectTree, folder_of, join

NAME = "fastapi"
APP_PATTERNS = ("$APP = FastAPI($$$)", "$APP: $TYPE = FastAPI($$$)", "$APP = fastapi.FastAPI($$$)")

__all__ = ["APP_PATTERNS", "MODULE_NAME", "NAME", "detect"]


def detect(tree: ProjectTree) -> list[Detection[FastAPIDetails]]:
    found: list[Detection[FastAPIDetails]] = []
    for path in python_sources(tree):
        if not tree.mentions(path, (b"FastAPI(",)):
            continue  # an ASCII file without it (decided on its bytes, without decoding)
        text = tree.text(path)
        if "FastAPI(" not in text or "fastapi" not in text:
            continue
        root = parse(text, "python")
        for pattern in APP_PATTERNS:
            for match in root.find_all(pattern=pattern):
                folder = folder_of(path)
                relative = _uses_relative_imports(root)
                # A namespace package (no __init__.py) counts when the module imports its folder by name:
                # `from src.routes import users` in src/main.py, run as `uvicorn src.main:app` (fastapi-vue).
                package = bool(folder) and (tree.exists(join(folder, "__init__.py")) or relative or _imports_folder_by_name(root, folder))
                # An __init__.py beside a module that imports its siblings by their bare names (`import models`,
                # `from database import engine`) and never relatively: it runs from its own folder (`uvicorn main:app`).
                package = package and (relative or _imports_folder_by_name(root, folder) or not _imports_siblings_by_name(tree, root, folder))
                app_root = _app_root(tree, folder) if package else folder
                factory = next((a for a in match.ancestors() if a.kind() == "function_definition"), None)
                details = fastapi_details(
                    entry_file=path,
                    app_var=match_text(match, "APP"),
                    factory=required_field(factory, "name").text() if factory else None,
                    package=package,
                    # How the app module imports its own package: `from . import x` or `from app import x`.
                    relative_imports=relative or not _imports_own_package(root, folder, app_root),
                    auth=auth_style(tree, app_root),
                    templates=_templates_dir(tree, app_root),
                    static_files=_static_mount(tree, path, root, app_root),
                    cors_middleware=root.find(pattern="$APP.add_middleware(CORSMiddleware, $$$)") is not None,
                )
                found.append(Detection(NAME, "backend", app_root, (f"{path}: {match.text().splitlines()[0]}",), details))
    return found


def _uses_relative_imports(root: SgNode) -> bool:
    return any(node.find(kind="relative_import") is not None for node in root.find_all(kind="import_from_statement"))


def _imports_own_package(root: SgNode, folder: str, app_root: str) -> bool:
    """Whether the module imports its own package by name (`from app.core import settings`)."""
    if not folder or folder == app_root:
        return False
    package = PurePosixPath(folder).relative_to(app_root or ".").parts[0]
    for statement in root.find_all(kind="import_from_statement"):
        module = field_text(statement, "module_name")
        if module is not None and module.split(".")[0] == package:
            return True
    return False


def _imports_folder_by_name(root: SgNode, folder: str) -> bool:
    """The module imports a submodule of its own folder by the folder's name (`from src.auth import x`)."""
    name = PurePosixPath(folder).name
    for statement in root.find_all(kind="import_from_statement"):
        module = field_text(statement, "module_name")
        if module is not None and module.startswith(f"{name}."):
            return True
    return False


def _imports_siblings_by_name(tree: ProjectTree, root: SgNode, folder: str) -> bool:
    """The module imports a module of its own folder by its bare name (`import models`, `from database import x`)."""
    names = [field_text(statement, "module_name") for statement in root.find_all(kind="import_from_statement")]
    for statement in root.find_all(kind="import_statement"):  # `import models, schemas as s`
        names.extend(part.split(" as ")[0] for part in statement.text().removeprefix("import").replace("\\", "").split(","))
    for name in names:
        first = (name or "").split(".")[0].strip()
        if first and (tree.exists(join(folder, f"{first}.py")) or tree.exists(join(folder, f"{first}/__init__.py"))):
            return True
    return False


def _app_root(tree: ProjectTree, package_dir: str) -> str:
    """The folder the app runs from (its sys.path entry): above the outermost package."""
    folder = folder_of(package_dir)
    while folder and tree.exists(join(folder, "__init__.py")):
        folder = folder_of(folder)
    return folder


def _templates_dir(tree: ProjectTree, app_root: str) -> str | None:
    """The folder of `Jinja2Templates(directory=...)`: relative to where the app runs, or to its module."""
    for path in python_sources(tree, app_root):
        text = tree.text(path)
        if "Jinja2Templates(" not in text:
            continue
        call = parse(text, "python").find(pattern="Jinja2Templates($$$)")
        folder = _directory_argument(tree, call, path, app_root) if call is not None else None
        if folder is not None:
            return folder
    return None


def _arguments(call: SgNode) -> list[SgNode]:
    return [a for a in required_field(call, "arguments").children() if a.kind() not in ("(", ")", ",", "comment")]


def _keyword(arguments: list[SgNode], name: str) -> SgNode | None:
    return next((a.field("value") for a in arguments if a.kind() == "keyword_argument" and field_text(a, "name") == name), None)


def _static_mount(tree: ProjectTree, path: str, root: SgNode, app_root: str) -> NamedStaticMount | None:
    """`app.mount("/static", StaticFiles(directory="static"), name="static")`: folder, URL path, route name."""
    for mount in root.find_all(pattern="$APP.mount($$$)"):
        arguments = _arguments(mount)
        files = next((a for a in arguments if a.kind() == "call" and required_field(a, "function").text().endswith("StaticFiles")), None)
        if files is None or not arguments or arguments[0].kind() != "string":
            continue
        folder = _directory_argument(tree, files, path, app_root)
        if folder is None:
            continue
        name = _keyword(arguments, "name")
        return NamedStaticMount(
            dir=folder,
            path=str(ast.literal_eval(arguments[0].text())).rstrip("/"),
            name=str(ast.literal_eval(name.text())) if name is not None and name.kind() == "string" else None,
        )
    return None


def _directory_argument(tree: ProjectTree, call: SgNode, path: str, app_root: str) -> str | None:
    """The folder a `directory=` argument names: a path relative to the working directory, or
    `Path(__file__).parent / "templates"`-style (the last string, relative to the module)."""
    children = required_field(call, "arguments").children()
    argument = _keyword(children, "directory")
    if argument is None:
        positional = [a for a in children if a.kind() not in ("(", ")", ",", "keyword_argument", "comment")]
        argument = positional[0] if positional else None
    if argument is None:
        return None
    strings = [argument] if argument.kind() == "string" else argument.find_all(kind="string")
    if not strings:
        return None
    try:
        relative = str(PurePosixPath(str(ast.literal_eval(strings[-1].text()))))
    except (ValueError, SyntaxError):
        return None
    if relative.startswith("/"):
        return None
    bases = [app_root, folder_of(path)] if argument.kind() == "string" else [folder_of(path), app_root]
    return next((join(base, relative) for base in bases if tree.exists(join(base, relative))), None)
