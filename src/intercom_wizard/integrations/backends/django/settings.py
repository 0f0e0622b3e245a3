"""Finding a Django project's settings the way real projects lay them out, and reading their literal values.

Measured on public projects (docs/corpus.md): `django-admin startproject` writes single-quoted
strings in `manage.py` on older releases; larger projects split settings into a package
(`settings/base.py` + `settings/dev.py` that star-imports it, or `config/django/base.py` pulling in
`config.settings.*`); and some set DJANGO_SETTINGS_MODULE outside `manage.py` (wsgi.py, pytest.ini,
.env, Dockerfile). Values are evaluated only as far as literals go: lists built from other
settings (`[*THIRD_PARTY_APPS, *LOCAL_APPS]`, `BASE + EXTRA`) are followed, anything computed at
run time is kept as its source text, exactly as the single-file reader did.
"""

import ast
import re
from dataclasses import dataclass, field

from intercom_wizard.tree import ProjectTree, folder_of, join

VARIABLE = "DJANGO_SETTINGS_MODULE"
WANTED = {"ROOT_URLCONF", "INSTALLED_APPS", "STATICFILES_DIRS", "AUTH_USER_MODEL", "REST_FRAMEWORK", "MIDDLEWARE"}
# Configuration files that name the settings module: `DJANGO_SETTINGS_MODULE = x` (ini/toml) or `=x` (env, Dockerfile ENV).
CONFIG_FILES = ("pytest.ini", "setup.cfg", "tox.ini", "pyproject.toml", ".env", "Dockerfile")
CONFIG_SETTING = re.compile(rf"{VARIABLE}\s*[=:]?\s*[\"']?([A-Za-z_][\w.]*)")


@dataclass
class DjangoSettings:
    module: str  # dotted name, e.g. "mysite.settings.dev"
    evidence: str  # "manage.py: DJANGO_SETTINGS_MODULE=..." (where the module was named)
    file: str  # the module's own file
    values: dict[str, object] = field(default_factory=dict)
    defined_in: dict[str, str] = field(default_factory=dict)  # setting name -> file that assigns it last

    @property
    def editable_file(self) -> str:
        """Where INSTALLED_APPS is written: the file a list entry can be added to."""
        return self.defined_in.get("INSTALLED_APPS", self.file)


def find_settings(tree: ProjectTree, manage: str) -> DjangoSettings | None:
    """The settings module of the project whose `manage.py` is given, or None when none can be found."""
    root = folder_of(manage)
    for path, module in _named_modules(tree, root, manage):
        file = module_file(tree, root, module)
        if file is not None:
            settings = DjangoSettings(module, f"{path}: {VARIABLE}={module}", file)
            _read_module(tree, root, file, settings, seen=set())
            return settings
    return _settings_beside_urls(tree, root)


def module_file(tree: ProjectTree, root: str, module: str) -> str | None:
    base = join(root, module.replace(".", "/"))
    for candidate in (base + ".py", join(base, "__init__.py")):
        if tree.exists(candidate):
            return candidate
    return None


def _named_modules(tree: ProjectTree, root: str, manage: str) -> list[tuple[str, str]]:
    """(file, module) pairs naming the settings module, manage.py first, then wsgi/asgi, then config files."""
    named = [(manage, module) for module in _python_assignments(tree.text(manage))]
    for path in tree.glob(".py", under=root):
        if path.rpartition("/")[2] in ("wsgi.py", "asgi.py"):
            named += [(path, module) for module in _python_assignments(tree.text(path))]
    for name in CONFIG_FILES:
        path = join(root, name)
        if tree.exists(path):
            named += [(path, match.group(1)) for match in CONFIG_SETTING.finditer(tree.text(path))]
    return named


def _python_assignments(text: str) -> list[str]:
    """Modules given to `os.environ.setdefault("DJANGO_SETTINGS_MODULE", ...)` or `os.environ[...] = ...`, any quoting."""
    if VARIABLE not in text:
        return []
    try:
        module = ast.parse(text)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(module):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "setdefault":
            arguments = node.args
            if len(arguments) == 2 and _constant(arguments[0]) == VARIABLE and isinstance(_constant(arguments[1]), str):
                found.append(str(_constant(arguments[1])))
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Subscript):
            if _constant(node.targets[0].slice) == VARIABLE and isinstance(_constant(node.value), str):
                found.append(str(_constant(node.value)))
    return found


def _settings_beside_urls(tree: ProjectTree, root: str) -> DjangoSettings | None:
    """No module named anywhere: the one settings file that sets ROOT_URLCONF (startproject's layout)."""
    candidates = [
        path
        for path in tree.glob(".py", under=root)
        if "/settings" in f"/{path}" and re.search(r"^ROOT_URLCONF\s*=", tree.text(path), re.MULTILINE)
    ]
    if len(candidates) != 1:
        return None
    file = candidates[0]
    relative = file[len(root) + 1 :] if root else file
    module = relative.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
    settings = DjangoSettings(module, f"{file}: ROOT_URLCONF is set here", file)
    _read_module(tree, root, file, settings, seen=set())
    return settings


def _read_module(tree: ProjectTree, root: str, file: str, settings: DjangoSettings, *, seen: set[str]) -> None:
    """Top-level assignments in order, following `from .base import *` and `from pkg.settings.x import *`."""
    if file in seen:
        return
    seen.add(file)
    try:
        module = ast.parse(tree.text(file))
    except SyntaxError:
        return
    for statement in _top_level(module.body):
        if isinstance(statement, ast.ImportFrom) and any(alias.name == "*" for alias in statement.names):
            imported = _imported_file(tree, root, file, statement)
            if imported is not None:
                _read_module(tree, root, imported, settings, seen=seen)
        elif isinstance(statement, (ast.Assign, ast.AnnAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            if statement.value is None:
                continue
            for target in targets:
                if isinstance(target, ast.Name):
                    _assign(settings, file, target.id, statement.value)


def _top_level(body: list[ast.stmt]) -> list[ast.stmt]:
    """Module statements, with those of `try:` blocks (optional local settings) in place."""
    statements: list[ast.stmt] = []
    for statement in body:
        if isinstance(statement, ast.Try):
            statements += _top_level(statement.body)
        else:
            statements.append(statement)
    return statements


def _imported_file(tree: ProjectTree, root: str, file: str, statement: ast.ImportFrom) -> str | None:
    if statement.level:
        package = folder_of(file)
        for _ in range(statement.level - 1):
            package = folder_of(package)
        base = join(package, statement.module.replace(".", "/")) if statement.module else package
        for candidate in (base + ".py", join(base, "__init__.py")):
            if tree.exists(candidate):
                return candidate
        return None
    return module_file(tree, root, statement.module) if statement.module else None


def _assign(settings: DjangoSettings, file: str, name: str, value: ast.expr) -> None:
    evaluated = _evaluate(value, settings.values, file)
    # Names that only feed a wanted setting (LOCAL_APPS, THIRD_PARTY_APPS) are kept when literal.
    if name in WANTED or evaluated is not _UNKNOWN:
        settings.values[name] = evaluated if evaluated is not _UNKNOWN else ast.unparse(value)
        settings.defined_in[name] = file


class _Unknown:
    pass


_UNKNOWN = _Unknown()


class ProjectPath(str):
    """A folder computed from the settings file's own path (`os.path.join(PROJECT_DIR, "static")` with
    `PROJECT_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))`, or
    `Path(__file__).resolve().parent.parent / "static"`), relative to the project tree's root ('' = the root).
    Measured on wagtail's bakerydemo, whose STATICFILES_DIRS is the settings package's parent's static/."""


def _path_value(node: ast.expr, known: dict[str, object], file: str) -> ProjectPath | None:
    """The folder a path expression names, when it is built from `__file__` and string literals only."""
    if isinstance(node, ast.Name):
        if node.id == "__file__":
            return ProjectPath(file)
        value = known.get(node.id)
        return value if isinstance(value, ProjectPath) else None
    if isinstance(node, ast.Attribute) and node.attr == "parent":
        inner = _path_value(node.value, known, file)
        return None if inner is None else ProjectPath(folder_of(inner))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        left, right = _path_value(node.left, known, file), _constant(node.right)
        return ProjectPath(_joined(left, [right])) if left is not None and isinstance(right, str) else None
    if not isinstance(node, ast.Call) or node.keywords:
        return None
    function, arguments = ast.unparse(node.func), node.args
    if isinstance(node.func, ast.Attribute) and node.func.attr in ("resolve", "absolute") and not arguments:
        return _path_value(node.func.value, known, file)
    if function in ("Path", "pathlib.Path", "os.path.abspath", "os.path.realpath", "os.path.normpath", "str") and len(arguments) == 1:
        return _path_value(arguments[0], known, file)
    if function == "os.path.dirname" and len(arguments) == 1:
        inner = _path_value(arguments[0], known, file)
        return None if inner is None else ProjectPath(folder_of(inner))
    if function == "os.path.join" and arguments:
        base, parts = _path_value(arguments[0], known, file), [_constant(argument) for argument in arguments[1:]]
        if base is None or not all(isinstance(part, str) for part in parts):
            return None
        return ProjectPath(_joined(base, [str(part) for part in parts]))
    return None


def _joined(base: str, parts: list[object]) -> str:
    path = base
    for part in parts:
        path = join(path, str(part).strip("/"))
    return path


def _evaluate(node: ast.expr, known: dict[str, object], file: str = "") -> object:
    """A literal, a folder computed from `__file__`, or a list/tuple/dict built from those and earlier
    settings; _UNKNOWN otherwise."""
    try:
        return ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        pass
    path = _path_value(node, known, file) if file else None
    if path is not None:
        return path
    if isinstance(node, ast.Name):
        value = known.get(node.id, _UNKNOWN)
        return value if isinstance(value, (str, int, float, bool, list, tuple, dict)) else _UNKNOWN
    if isinstance(node, (ast.List, ast.Tuple)):
        items: list[object] = []
        for element in node.elts:
            inner = _evaluate(element.value if isinstance(element, ast.Starred) else element, known, file)
            if inner is _UNKNOWN:
                return _UNKNOWN
            if isinstance(element, ast.Starred):
                if not isinstance(inner, (list, tuple)):
                    return _UNKNOWN
                items += list(inner)
            else:
                items.append(inner)
        return items if isinstance(node, ast.List) else tuple(items)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _evaluate(node.left, known, file), _evaluate(node.right, known, file)
        if isinstance(left, (list, tuple)) and isinstance(right, (list, tuple)):
            return [*left, *right] if isinstance(left, list) else (*left, *right)
    if isinstance(node, ast.Dict):
        result: dict[object, object] = {}
        for key, value in zip(node.keys, node.values):
            if key is None:
                return _UNKNOWN
            evaluated_key, evaluated_value = _evaluate(key, known, file), _evaluate(value, known, file)
            if evaluated_key is _UNKNOWN or evaluated_value is _UNKNOWN:
                return _UNKNOWN
            result[evaluated_key] = evaluated_value
        return result
    return _UNKNOWN


def _constant(node: ast.expr) -> object:
    return node.value if isinstance(node, ast.Constant) else None


def view_authentication_classes(text: str) -> list[list[str]]:
    """Class names given to REST framework views: `authentication_classes = [...]` or `@authentication_classes([...])`."""
    try:
        module = ast.parse(text)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(module):
        value: ast.expr | None = None
        if isinstance(node, ast.ClassDef):
            for statement in node.body:
                assigned: ast.expr | None
                if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                    target, assigned = statement.targets[0], statement.value
                elif isinstance(statement, ast.AnnAssign):
                    target, assigned = statement.target, statement.value
                else:
                    continue
                if isinstance(target, ast.Name) and target.id == "authentication_classes":
                    value = assigned
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "authentication_classes":
            value = node.args[0] if node.args else None
        if isinstance(value, (ast.List, ast.Tuple)) and value.elts:
            names = [e.id for e in value.elts if isinstance(e, ast.Name)]
            if len(names) == len(value.elts):
                found.append(names)
    return found


def import_line(text: str, path: str, root: str, name: str) -> str | None:
    """`from module import Name` for a class the file imports or defines, with relative imports made absolute."""
    module = ast.parse(text)
    own_module = (path[len(root) + 1 :] if root else path).removesuffix(".py").removesuffix("/__init__").replace("/", ".")
    for node in module.body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            return f"from {own_module} import {name}"
        if isinstance(node, ast.ImportFrom) and any(alias.name == name and alias.asname in (None, name) for alias in node.names):
            if not node.level:
                return f"from {node.module} import {name}"
            package = own_module.split(".")[: -node.level] if not path.endswith("__init__.py") else own_module.split(".")[: len(own_module.split(".")) - node.level + 1]
            absolute = ".".join(package + ([node.module] if node.module else []))
            return f"from {absolute} import {name}" if absolute else None
    return None
