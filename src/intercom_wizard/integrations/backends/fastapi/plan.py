"""Planning FastAPI's token endpoint: the router module, its import and `include_router` in the app,
PyJWT, the secret, CORS for a front end on another origin, and the notes on what was assumed.
"""

import re
from collections.abc import Mapping
from pathlib import PurePosixPath

from ast_grep_py import SgNode

from intercom_wizard.astgrep import field_text
from intercom_wizard.edits import append_lines, insert_lines_before, last_import, parse
from intercom_wizard.envfile import plan_secret
from intercom_wizard.integrations import identity
from intercom_wizard.integrations.backends.fastapi.claims import ID_FIELDS, id_field_of, id_stand_in_example, user_claims
from intercom_wizard.integrations.backends.fastapi.details import FastAPIDetails, UserDependency
from intercom_wizard.integrations.backends.fastapi.detect import APP_PATTERNS
from intercom_wizard.integrations.backends.fastapi.pages import ROUTER_SCRIPT_PATH, SCRIPT_NAME, serves_script_itself
from intercom_wizard.integrations.backends.fastapi.sources import MODULE_NAME, match_text, python_sources
from intercom_wizard.integrations.backends.python_common import AppObject, add_import, attach_to_app, declare_pyjwt
from intercom_wizard.integrations.base import Detection, PlanContext
from intercom_wizard.options import ClientAuth
from intercom_wizard.templates import render
from intercom_wizard.tree import ProjectTree, folder_of, join
from intercom_wizard.versions import python_version

INCLUDE_REASON = "includes the token endpoint's router"


def plan(context: PlanContext, detection: Detection[FastAPIDetails]) -> None:
    tree, builder, details = context.tree, context.builder, detection.details
    app_file = details.entry_file
    router_file = join(folder_of(app_file), f"{MODULE_NAME}.py")
    claims = user_claims(details.auth)
    imports = _imports(detection, router_file, claims.sources)
    module = render(
        "fastapi/intercom_jwt.py",
        {"cors": _cors(context, detection), "serve_script": "yes" if serves_script_itself(context, detection) else "no"},
        imports=f"\n{imports}\n" if imports else "",
        script_name=SCRIPT_NAME,
        script_path=ROUTER_SCRIPT_PATH,
        user_claims=claims.code,
        endpoint=str(context.options.endpoint),
        frontend_origin=context.options.frontend_origin or "",
    )
    if _before_annotated_dependencies(tree, detection.root):
        module = default_value_dependencies(module)
    builder.create(router_file, module, f"GET {context.options.endpoint}: a signed Intercom JWT for the signed-in user, 401 otherwise")
    if app_file in claims.sources:
        _include_after_definitions(context, detection)  # the router imports from the app's own module
    else:
        _import_router(context, detection)
        attach_to_app(
            context,
            AppObject(app_file, details.app_var, details.factory),
            f"{details.app_var}.include_router({MODULE_NAME}.router)",
            registration="include_router",
            created=APP_PATTERNS,
            reason=INCLUDE_REASON,
            include_assignments=False,
        )
    declare_pyjwt(context, detection.root)
    plan_secret(context, _env_file(tree, detection.root))
    _explain(context, detection, router_file, module, has_id=claims.has_id)


def _cors(context: PlanContext, detection: Detection[FastAPIDetails]) -> str:
    """The template's CORS variant for a front end on another origin: that origin only, on the token
    route only (cookies need credentials; a bearer token needs the preflight that lets the
    Authorization header through). "none" when the app's CORSMiddleware answers for every route."""
    origin = context.options.frontend_origin
    if not origin:
        return "none"
    bearer = _bearer(context, detection)
    if detection.details.cors_middleware:
        context.builder.note(
            f"The app's CORSMiddleware answers cross-origin requests for every route, the token endpoint included: "
            f"make sure its allow_origins lists {origin}" + ("." if bearer else " and allow_credentials=True.")
        )
        return "none"
    return "bearer" if bearer else "cookie"


def _bearer(context: PlanContext, detection: Detection[FastAPIDetails]) -> bool:
    """Whether the front end sends the app's bearer token (rather than its cookies)."""
    if context.options.auth is not None:
        return context.options.auth is ClientAuth.BEARER
    return detection.details.token_auth is not None


def _imports(detection: Detection[FastAPIDetails], router_file: str, sources: Mapping[str, tuple[str, ...]]) -> str:
    """Import lines for names defined in other project modules, relative within the app's package."""
    lines = []
    for path, names in sources.items():
        listed = ", ".join(sorted(dict.fromkeys(names), key=lambda n: (not n[:1].isupper(), n)))
        lines.append(f"from {_module_reference(detection, router_file, path)} import {listed}")
    return "\n".join(sorted(lines, key=lambda line: (not line.startswith("from ."), line)))


def _module_reference(detection: Detection[FastAPIDetails], from_file: str, target: str) -> str:
    target_path = PurePosixPath(target)
    details = detection.details
    if details.package and details.relative_imports and folder_of(target) == folder_of(from_file):
        return "." if target_path.stem == "__init__" else f".{target_path.stem}"
    relative = target_path.relative_to(detection.root) if detection.root else target_path
    parts = list(relative.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _router_import(detection: Detection[FastAPIDetails]) -> str:
    details = detection.details
    if not details.package:
        return f"import {MODULE_NAME}"
    if details.relative_imports:
        return f"from . import {MODULE_NAME}"
    return f"from {_module_reference(detection, '', folder_of(details.entry_file) + '/__init__.py')} import {MODULE_NAME}"


def _import_router(context: PlanContext, detection: Detection[FastAPIDetails]) -> None:
    """Import the router module after the app module's imports, in the group of the app's own modules."""
    app_file = detection.details.entry_file
    anchor = last_import(parse(context.tree.text(app_file), "python"), "python")
    own_group = anchor is not None and _imports_project_module(context.tree, detection, anchor)
    add_import(context, app_file, _router_import(detection), local=not own_group)


def _imports_project_module(tree: ProjectTree, detection: Detection[FastAPIDetails], statement: SgNode) -> bool:
    if statement.find(kind="relative_import") is not None:
        return True
    module = field_text(statement, "module_name" if statement.kind() == "import_from_statement" else "name")
    if module is None:
        return False
    first = module.split(".")[0].split(" ")[0]
    return tree.exists(join(detection.root, f"{first}.py")) or tree.exists(join(detection.root, f"{first}/__init__.py"))


def _include_after_definitions(context: PlanContext, detection: Detection[FastAPIDetails]) -> None:
    """The router imports the user dependency from the app's module, so that module imports the router
    only once the dependency exists: inside the factory, or at the end of the module."""
    tree, builder, details = context.tree, context.builder, detection.details
    app_file, app_var = details.entry_file, details.app_var
    source = tree.read(app_file)
    root = parse(source.text, "python")
    include = f"{app_var}.include_router({MODULE_NAME}.router)"
    factory = _factory(root, details.factory)
    if factory is not None:
        returned = factory.find(pattern=f"return {app_var}")
        if returned is None:
            builder.manual(app_file, f"Include the router where {app_var} is configured:", f"{_router_import(detection)}\n{include}")
            return
        block = _include_block(detection, "factory")
        builder.insert(app_file, [insert_lines_before(source, returned.range().start.index, block)], INCLUDE_REASON)
        return
    block = _include_block(detection, "module_end")
    guard = next((s for s in root.children() if s.kind() == "if_statement" and (c := s.field("condition")) is not None and c.find(pattern="__name__") is not None), None)
    if guard is not None:
        builder.insert(app_file, [insert_lines_before(source, guard.range().start.index, block + "\n\n")], INCLUDE_REASON)
    else:
        builder.insert(app_file, [append_lines(source, "\n\n" + block)], INCLUDE_REASON)


def _include_block(detection: Detection[FastAPIDetails], placement: str) -> str:
    """The router's import and include, placed inside the factory or at the end of the app module."""
    details = detection.details
    return render(
        "fastapi/include_router.py",
        {"placement": placement},
        dependency=details.auth.sign_in_name or "",
        router_import=_router_import(detection),
        app_var=details.app_var,
    )


def _factory(root: SgNode, name: str | None) -> SgNode | None:
    if not name:
        return None
    return next((f for f in root.find_all(kind="function_definition") if field_text(f, "name") == name), None)


def _env_file(tree: ProjectTree, app_root: str) -> str | None:
    """FastAPI reads no env file itself; python-dotenv's load_dotenv() puts .env into os.environ."""
    for path in python_sources(tree, app_root):
        text = tree.text(path)
        if "load_dotenv" in text and parse(text, "python").find(pattern="load_dotenv($$$)") is not None:
            return join(app_root, ".env")
    return None


def _explain(context: PlanContext, detection: Detection[FastAPIDetails], router_file: str, module: str, *, has_id: bool) -> None:
    builder, details = context.builder, detection.details
    auth = details.auth
    before_annotated = _before_annotated_dependencies(context.tree, detection.root)

    def adapter(reason: str, rejected: tuple[str, ...] = (), snippet: str | None = None) -> None:
        # Generic only when the wizard found no lookup of the app's own: else the step starts from it.
        snippet = snippet or render("fastapi/user_adapter.py").split("\n", 1)[1].strip()
        snippet = default_value_dependencies(snippet) if before_annotated else snippet
        identity.adapter_step(builder, router_file, module, "signed_in_user_claims", reason, snippet, rejected)

    if auth.kind == "none":
        adapter(auth.reason, auth.rejected)
    elif auth.kind == "oauth2-bearer":
        adapter(f"the API's {auth.scheme} ({auth.name}) has no dependency turning its token into a user")
    elif isinstance(auth, UserDependency):
        user = auth.user
        if not user.fields and not user.mapping:
            builder.note(
                f"The type of the user {auth.name} returns was not found, so {router_file} reads user.id, and email "
                "and name at run time where they exist: check signed_in_user_claims().",
            )
        elif not has_id:
            reason = f"{user.class_name or 'the user'} has no id field, and no username or email the app declares unique"
            adapter(reason, snippet=id_stand_in_example(auth))
        elif user.fields and not set(ID_FIELDS) & set(user.fields):
            field = id_field_of(set(user.fields), user.unique)
            builder.note(
                f"{user.class_name} has no id, so Intercom's user_id is its {field}, which the app keeps unique: a user who "
                f"changes it becomes a new Intercom user. Return a stable id from signed_in_user_claims() in {router_file} when you can.",
                "warning",
            )
    elif auth.kind == "session" and auth.keys is None:
        builder.note(f"The session holds only the user's id, so the token carries user_id and no email or name; extend signed_in_user_claims() in {router_file} to add them.")
    if auth.bearer:
        builder.note(
            f"{context.options.endpoint} takes the API's own bearer token: the front end calls it with its usual "
            "Authorization header, not with cookies."
        )
    if auth.file == details.entry_file and _run_as_script(context.tree, details):
        builder.note(
            f"{details.entry_file} starts uvicorn with the app object under `if __name__ == \"__main__\"`; "
            f"{MODULE_NAME} imports from that module, so start the server with `uvicorn <module>:{details.app_var}` "
            "or uvicorn.run(\"<module>:app\") instead.",
            "warning",
        )


def _run_as_script(tree: ProjectTree, details: FastAPIDetails) -> bool:
    root = parse(tree.text(details.entry_file), "python")
    runs = root.find_all(pattern="uvicorn.run($FIRST, $$$)") + root.find_all(pattern="uvicorn.run($FIRST)")
    return any(match_text(run, "FIRST") == details.app_var for run in runs)


# `name: Annotated[T, Depends(dep)],` as one parameter line of the templates (T may hold brackets and commas).
ANNOTATED_DEPENDENCY = re.compile(r"^(?P<indent>[ \t]*)(?P<name>\w+): Annotated\[(?P<type>.+), Depends\((?P<dependency>[\w.()=, ]+)\)\],$", re.MULTILINE)


def _before_annotated_dependencies(tree: ProjectTree, app_root: str) -> bool:
    """FastAPI before 0.95 reads no `Annotated[..., Depends(...)]` parameters: the dependency is then
    the parameter's default value, the idiom of those versions (testdriven.io's fastapi-vue, 0.88)."""
    found = python_version(tree, app_root, "fastapi")
    return found is not None and found.below(0, 95)


def default_value_dependencies(code: str) -> str:
    """The generated code in the idiom of FastAPI before 0.95: `name: T = Depends(dep)`."""
    code = ANNOTATED_DEPENDENCY.sub(lambda m: f"{m['indent']}{m['name']}: {m['type']} = Depends({m['dependency']}),", code)
    if "Annotated[" not in code:
        code = code.replace("from typing import Annotated, Any\n", "from typing import Any\n")
    return code
