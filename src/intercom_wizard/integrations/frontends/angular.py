"""Angular: an injectable `IntercomMessengerService` started by an app initializer.

The service (`providedIn: 'root'`) wraps the shared Messenger core: it starts it in the browser
only (`isPlatformBrowser`, so Angular SSR renders nothing of it), outside the Angular zone when
the app uses zone.js, and calls `intercomPageChanged()` on every `NavigationEnd` when the app
provides the router. It is started from the app's bootstrap: the `providers` of the
`ApplicationConfig` given to `bootstrapApplication` (standalone apps), or of the `@NgModule`
given to `bootstrapModule` — with `provideAppInitializer` on Angular 19 and newer, and an
`APP_INITIALIZER` provider before that.
"""

import json
import posixpath
import re

from ast_grep_py import SgNode

from intercom_wizard.edits import indent_unit, insert_lines_after, last_import, parse
from intercom_wizard.errors import BadInput
from intercom_wizard.integrations.base import Detection, PlanContext
from intercom_wizard.integrations.frontends.spa import detect_framework
from intercom_wizard.integrations.frontends.spa_common import (
    SDK_PACKAGE,
    SpaApp,
    core_module,
    import_path,
    spa_app,
    wire_auth_hooks,
)
from intercom_wizard.plan import Insertion
from intercom_wizard.sourcefile import SourceText
from intercom_wizard.support import Supported, SupportTable
from intercom_wizard.templates import render
from intercom_wizard.tree import ProjectTree, join

NAME = "angular"
# The versions this integration generates code for (docs list the same table).
SUPPORTED: SupportTable = (Supported("Angular", "npm", "@angular/core", (14, 0), (22, 0)),)
# --csp-nonce: a built single-page app is static files, so its nonce comes from what serves index.html.
CSP_NONCE_NOTE = (
    "Angular takes the nonce for its own inline styles from ngCspNonce on the root element (or the CSP_NONCE token); "
    "the server that sends index.html fills it in, and puts it on the script tags, per request."
)
SERVICE_TEMPLATE = "spa/angular/intercom-messenger.service.ts"
SERVICE_CLASS = "IntercomMessengerService"
CORE_NAME = "intercom-messenger.ts"
SERVICE_NAME = "intercom-messenger.service.ts"
FIRST_WITH_PROVIDE_APP_INITIALIZER = 19
FIRST_WITH_TAKE_UNTIL_DESTROYED = 16


def detect(tree: ProjectTree) -> list[Detection]:
    return detect_framework(tree, NAME)


def plan(context: PlanContext, detection: Detection) -> None:
    tree = context.tree
    workspace = _workspace(tree, detection.root)
    app = spa_app(tree, detection, workspace.get("sourceRoot", "src"))
    if not app.typescript:
        raise BadInput(
            f"{detection.root or '.'} depends on @angular/core but has no TypeScript set-up (tsconfig.json).",
            hint="Angular apps are compiled from TypeScript by the Angular CLI; run the wizard on the CLI project's folder.",
        )
    main = _main_file(tree, app, workspace)
    bootstrap = _bootstrap_target(tree, main)
    if bootstrap is None:
        raise BadInput(
            f"No bootstrapApplication(...) or bootstrapModule(...) call was found in {main}.",
            hint="Run the wizard on an Angular CLI app, or pass --frontend html for plain pages.",
        )
    kind, target_file, providers_owner = bootstrap
    app_dir = posixpath.dirname(target_file) if target_file else join(app.source_dir, "app")
    core_path = join(app_dir, CORE_NAME)
    service_path = join(app_dir, SERVICE_NAME)
    core_module(context, app, core_path)
    major = _angular_major(tree, app)
    router = _uses_router(tree, app)
    context.builder.create(service_path, _service_source(app, major, router, core_path, service_path), _service_reason(router))
    initializer_file = target_file or main
    if providers_owner is None:
        _manual_initializer(context, initializer_file, kind, major)
    else:
        _add_initializer(context, initializer_file, providers_owner, major, service_path)
    if "project" in workspace:
        _allow_commonjs_sdk(context, join(detection.root, "angular.json"), workspace["project"])
    likely = next((p for p in tree.glob(".ts", under=app.source_dir) if "auth" in posixpath.basename(p).lower() and ".spec." not in p), None)
    # A manual step names a file that exists: the auth service, else the root component, else main.ts.
    fallback = next((p for p in (join(app_dir, f"app{s}") for s in (".component.ts", ".ts")) if tree.exists(p)), None)
    wire_auth_hooks(context, app, core_path, likely_file=likely or fallback or main)
    if not router:
        context.builder.note(
            "The app does not provide Angular's router (no provideRouter/RouterModule.forRoot), so the Messenger is "
            "not told about page changes; if you add the router later, call intercomPageChanged() on NavigationEnd."
        )


# -- the Angular workspace -----------------------------------------------------------------------


def _workspace(tree: ProjectTree, root: str) -> dict[str, str]:
    """sourceRoot and the browser entry point of the first application in angular.json."""
    path = join(root, "angular.json")
    if not tree.exists(path):
        return {}
    try:
        config = json.loads(tree.text(path))
    except ValueError:
        return {}
    for name, project in (config.get("projects") or {}).items():
        if not isinstance(project, dict) or project.get("projectType", "application") != "application":
            continue
        found: dict[str, str] = {"project": name}
        if isinstance(project.get("sourceRoot"), str):
            found["sourceRoot"] = posixpath.normpath(project["sourceRoot"])
        options = ((project.get("architect") or project.get("targets") or {}).get("build") or {}).get("options") or {}
        entry = options.get("browser") or options.get("main")
        if isinstance(entry, str):
            found["main"] = entry
        return found
    return {}


def _allow_commonjs_sdk(context: PlanContext, path: str, project: str) -> None:
    """The SDK ships CommonJS only: list it in `allowedCommonJsDependencies`, as Angular's docs advise,
    so the build does not warn about it."""
    source = context.tree.read(path)
    text = source.text
    node = parse(text, "json").find(kind="object")
    for key in ("projects", project, ("architect", "targets"), "build", "options"):
        node = _json_member(node, key) if node is not None else None
    if node is None or node.kind() != "object":
        context.builder.note(
            f"{SDK_PACKAGE} is a CommonJS package: add it to allowedCommonJsDependencies in {path} to silence the build's warning."
        )
        return
    entry = json.dumps(SDK_PACKAGE)
    listed = _json_member(node, "allowedCommonJsDependencies")
    if listed is not None:
        items = [c for c in listed.children() if c.is_named()]
        if listed.kind() != "array" or any(json.loads(c.text()) == SDK_PACKAGE for c in items if c.kind() == "string"):
            return
        if not items:
            context.builder.insert(path, [Insertion(listed.range().start.index + 1, entry)], "lets the build accept the SDK's CommonJS")
            return
        indent = _indentation(text, items[-1].range().start.index) if "\n" in listed.text() else " "
        separator = source.native(f",\n{indent}") if "\n" in listed.text() else ", "
        context.builder.insert(path, [Insertion(items[-1].range().end.index, f"{separator}{entry}")], "lets the build accept the SDK's CommonJS")
        return
    pairs = [c for c in node.children() if c.kind() == "pair"]
    if not pairs:
        return
    indent = _indentation(text, pairs[-1].range().start.index)
    unit = indent_unit(text)
    block = f',\n{indent}"allowedCommonJsDependencies": [\n{indent}{unit}{entry}\n{indent}]'
    context.builder.insert(path, [Insertion(pairs[-1].range().end.index, source.native(block))], "lets the build accept the SDK's CommonJS")


def _json_member(node: SgNode, key: str | tuple[str, ...]) -> SgNode | None:
    keys = (key,) if isinstance(key, str) else key
    for pair in node.children():
        name = pair.field("key") if pair.kind() == "pair" else None
        if name is not None and json.loads(name.text()) in keys:
            return pair.field("value")
    return None


def _main_file(tree: ProjectTree, app: SpaApp, workspace: dict[str, str]) -> str:
    candidates = [join(app.root, workspace["main"])] if "main" in workspace else []
    for candidate in [*candidates, join(app.source_dir, "main.ts")]:
        if tree.exists(candidate):
            return candidate
    raise BadInput(f"The Angular app's entry point (main.ts) was not found in {app.root or '.'}.", hint="Check angular.json's build options.")


def _angular_major(tree: ProjectTree, app: SpaApp) -> int:
    """The installed @angular/core's major version, else the one package.json asks for (newest when unclear)."""
    installed = tree.resolve(join(app.root, "node_modules/@angular/core/package.json"))
    if installed.is_file():
        try:
            return int(str(json.loads(installed.read_text(encoding="utf-8")).get("version", "")).split(".")[0])
        except ValueError:
            pass
    for section in ("dependencies", "devDependencies", "peerDependencies"):
        spec = (app.manifest.get(section) or {}).get("@angular/core")
        match = re.search(r"\d+", spec) if isinstance(spec, str) else None
        if match:
            return int(match.group(0))
    return FIRST_WITH_PROVIDE_APP_INITIALIZER


def _uses_router(tree: ProjectTree, app: SpaApp) -> bool:
    """True when the app provides the router (a dependency alone does not make Router injectable)."""
    if not app.depends_on("@angular/router"):
        return False
    for path in tree.glob(".ts", under=app.source_dir):
        if ".spec." in path or "intercom" in path.lower():
            continue
        text = tree.text(path)
        if "provideRouter" not in text and "RouterModule" not in text:
            continue
        root = parse(text, "typescript")
        if root.find(pattern="provideRouter($$$)") or root.find(pattern="RouterModule.forRoot($$$)"):
            return True
    return False


# -- main.ts: what is bootstrapped ---------------------------------------------------------------


def _bootstrap_target(tree: ProjectTree, main: str) -> tuple[str, str | None, SgNode | None] | None:
    """("standalone" | "module", the file holding the providers' owner, that object node)."""
    root = parse(tree.text(main), "typescript")
    call = root.find(pattern="bootstrapApplication($$$ARGS)")
    if call is not None:
        arguments = _arguments(call)
        if len(arguments) < 2:
            return "standalone", None, None
        return ("standalone", *_resolve_object(tree, main, root, arguments[1]))
    call = root.find(pattern="$PLATFORM.bootstrapModule($$$ARGS)")
    if call is not None:
        arguments = _arguments(call)
        if not arguments or arguments[0].kind() != "identifier":
            return "module", None, None
        file = _imported_from(tree, main, root, arguments[0].text())
        if file is None:
            return "module", None, None
        module_root = parse(tree.text(file), "typescript")
        for decorator in module_root.find_all(pattern="@NgModule($OBJ)"):
            class_node = decorator.parent()
            if class_node is not None and class_node.kind() == "export_statement":
                class_node = class_node.field("declaration")  # `@NgModule(...) export class ...`
            name = class_node.field("name") if class_node is not None else None
            if name is not None and name.text() == arguments[0].text():
                metadata = decorator.get_match("OBJ")
                return "module", file, metadata if metadata is not None and metadata.kind() == "object" else None
        return "module", file, None
    return None


def _arguments(call: SgNode) -> list[SgNode]:
    args = call.field("arguments")
    return [child for child in args.children() if child.is_named() and child.kind() != "comment"] if args is not None else []


def _resolve_object(tree: ProjectTree, main: str, root: SgNode, node: SgNode) -> tuple[str | None, SgNode | None]:
    """An object literal argument, or the `export const NAME = {...}` it names (here or imported)."""
    if node.kind() == "object":
        return main, node
    if node.kind() != "identifier":
        return main, None
    name = node.text()
    local = _const_object(root, name)
    if local is not None:
        return main, local
    file = _imported_from(tree, main, root, name)
    if file is None:
        return main, None
    return file, _const_object(parse(tree.text(file), "typescript"), name)


def _const_object(root: SgNode, name: str) -> SgNode | None:
    for declarator in root.find_all(kind="variable_declarator"):
        key, value = declarator.field("name"), declarator.field("value")
        if key is not None and key.text() == name and value is not None and value.kind() == "object":
            return value
    return None


def _imported_from(tree: ProjectTree, importer: str, root: SgNode, name: str) -> str | None:
    for statement in root.find_all(kind="import_statement"):
        source = statement.field("source")
        if source is None or not any(s.text() == name for s in statement.find_all(kind="identifier")):
            continue
        specifier = source.text().strip("'\"")
        if not specifier.startswith("."):
            return None
        base = posixpath.normpath(join(posixpath.dirname(importer), specifier))
        for candidate in (f"{base}.ts", join(base, "index.ts"), base):
            if tree.exists(candidate):
                return candidate
    return None


# -- the generated service -----------------------------------------------------------------------


def _service_source(app: SpaApp, major: int, router: bool, core_path: str, service_path: str) -> str:
    zone = app.depends_on("zone.js")
    teardown = router and major >= FIRST_WITH_TAKE_UNTIL_DESTROYED
    core_imports = ["Injectable", "PLATFORM_ID", "inject"]
    fields = []
    if teardown:
        core_imports.insert(0, "DestroyRef")
    if zone:
        core_imports.insert(1 if teardown else 0, "NgZone")
        fields.append("private readonly zone = inject(NgZone);")
    router_imports = ""
    subscription = ""
    if router:
        fields.append("private readonly router = inject(Router);")
        operators = "rxjs/operators" if _rxjs_major(app) < 7 else "rxjs"
        router_imports = "import { NavigationEnd, Router } from '@angular/router';"
        if teardown:
            fields.append("private readonly destroyRef = inject(DestroyRef);")
            router_imports += "\nimport { takeUntilDestroyed } from '@angular/core/rxjs-interop';"
        router_imports += f"\nimport {{ filter }} from '{operators}';"
        pipe = ["filter((event) => event instanceof NavigationEnd),"]
        if teardown:
            pipe.append("takeUntilDestroyed(this.destroyRef),")
        subscription = (
            "this.router.events\n      .pipe(\n"
            + "".join(f"        {step}\n" for step in pipe)
            + "      )\n      .subscribe(() => intercomPageChanged());"
        )
    start = (
        "// The widget's timers and listeners need no change detection.\n    this.zone.runOutsideAngular(() => startIntercomMessenger());"
        if zone
        else "startIntercomMessenger();"
    )
    messenger_imports = ["intercomLogin", "intercomLogout", *(["intercomPageChanged"] if router else []), "startIntercomMessenger"]
    return render(
        SERVICE_TEMPLATE,
        core_imports=", ".join(sorted(core_imports, key=lambda name: (name != name.upper() and name[0].islower(), name))),
        router_imports=router_imports,
        fields="\n  ".join(fields),
        start=start,
        router_subscription=subscription,
        messenger_imports=", ".join(messenger_imports),
        core_module=import_path(service_path, core_path),
    )


def _service_reason(router: bool) -> str:
    navigation = ", and tells it about each NavigationEnd" if router else ""
    return f"IntercomMessengerService: starts the Messenger in the browser only{navigation}; login()/logout() hooks"


def _rxjs_major(app: SpaApp) -> int:
    spec = (app.manifest.get("dependencies") or {}).get("rxjs")
    match = re.search(r"\d+", spec) if isinstance(spec, str) else None
    return int(match.group(0)) if match else 7


# -- the initializer ------------------------------------------------------------------------------


def _initializer(major: int) -> tuple[str, list[str]]:
    """The provider expression and the @angular/core names it needs."""
    if major >= FIRST_WITH_PROVIDE_APP_INITIALIZER:
        return f"provideAppInitializer(() => inject({SERVICE_CLASS}).start())", ["inject", "provideAppInitializer"]
    factory = f"(messenger: {SERVICE_CLASS}) => () => messenger.start()"
    return f"{{ provide: APP_INITIALIZER, useFactory: {factory}, deps: [{SERVICE_CLASS}], multi: true }}", ["APP_INITIALIZER"]


def _manual_initializer(context: PlanContext, file: str, kind: str, major: int) -> None:
    provider, names = _initializer(major)
    where = "the ApplicationConfig passed to bootstrapApplication" if kind == "standalone" else "the bootstrapped @NgModule"
    context.builder.manual(
        file,
        f"Add this provider to the providers of {where} (import {', '.join(names)} from '@angular/core' and "
        f"{SERVICE_CLASS} from './{SERVICE_NAME[:-3]}'):",
        provider,
    )


def _add_initializer(context: PlanContext, path: str, owner: SgNode, major: int, service_path: str) -> None:
    source = context.tree.read(path)
    text = source.text
    provider, names = _initializer(major)
    if SERVICE_CLASS in owner.text():
        return
    providers = _pair(owner, "providers")
    shorthand = any(c.kind() == "shorthand_property_identifier" and c.text() == "providers" for c in owner.children())
    if shorthand or providers is not None and providers.kind() != "array":
        context.builder.manual(path, "Add this provider to the `providers` (not an array literal the wizard can extend):", provider)
        return
    placed = _provider_insertion(source, owner, providers, provider)
    root = parse(text, "typescript")
    glue = _core_name_insertions(source, root, names)
    service_import = f"import {{ {SERVICE_CLASS} }} from '{import_path(path, service_path)}';"
    anchor = last_import(root, "typescript")
    if anchor is None:
        glue.append(Insertion(0, source.native(service_import + "\n")))
    else:
        glue.append(insert_lines_after(source, anchor.range().end.index, service_import))
    context.builder.insert(path, [placed, *glue], "starts the Messenger when the app boots (an app initializer)")


def _pair(owner: SgNode, key: str) -> SgNode | None:
    for pair in owner.children():
        name = pair.field("key") if pair.kind() == "pair" else None
        if name is not None and name.text().strip("'\"") == key:
            return pair.field("value")
    return None


def _provider_insertion(source: SourceText, owner: SgNode, providers: SgNode | None, provider: str) -> Insertion:
    text = source.text
    if providers is None:
        # No providers yet: a new `providers: [...]` entry after the object's last property.
        pairs = [c for c in owner.children() if c.is_named() and c.kind() != "comment"]
        if not pairs:
            return Insertion(owner.range().start.index + 1, f" providers: [{provider}] ")
        last = pairs[-1]
        after = last.next()
        if after is not None and after.text() == ",":
            return insert_lines_after(source, after.range().end.index, f"providers: [{provider}],")
        indent = _indentation(text, last.range().start.index)
        if "\n" in owner.text():
            return Insertion(last.range().end.index, source.native(f",\n{indent}providers: [{provider}]"))
        return Insertion(last.range().end.index, f", providers: [{provider}]")
    elements = [c for c in providers.children() if c.is_named() and c.kind() != "comment"]
    if not elements:
        return Insertion(providers.range().start.index + 1, provider)
    last = elements[-1]
    after = last.next()
    multiline = "\n" in providers.text()
    if not multiline:
        return Insertion(last.range().end.index, f", {provider}")
    if after is not None and after.text() == ",":
        return insert_lines_after(source, after.range().end.index, f"{provider},", indent=_indentation(text, last.range().start.index))
    return Insertion(last.range().end.index, source.native(f",\n{_indentation(text, last.range().start.index)}{provider}"))


def _indentation(text: str, offset: int) -> str:
    start = text.rfind("\n", 0, offset) + 1
    line = text[start:]
    return line[: len(line) - len(line.lstrip(" \t"))]


def _core_name_insertions(source: SourceText, root: SgNode, names: list[str]) -> list[Insertion]:
    """Add the names to the file's `import { ... } from '@angular/core'` (or a new such import)."""
    for statement in root.find_all(kind="import_statement"):
        module = statement.field("source")
        if module is None or module.text().strip("'\"") != "@angular/core":
            continue
        named = statement.find(kind="named_imports")
        if named is None:
            continue
        specifiers = named.find_all(kind="import_specifier")
        present = {s.text() for s in specifiers}
        missing = [name for name in names if name not in present]
        if not missing:
            return []
        if not specifiers:
            return [Insertion(named.range().start.index + 1, f" {', '.join(missing)} ")]
        last = specifiers[-1]
        if "\n" not in named.text():
            return [Insertion(last.range().end.index, "".join(f", {name}" for name in missing))]
        indent = _indentation(source.text, last.range().start.index)
        after = last.next()
        if after is not None and after.text() == ",":
            return [insert_lines_after(source, after.range().end.index, "".join(f"{name},\n" for name in missing), indent=indent)]
        return [Insertion(last.range().end.index, source.native("".join(f",\n{indent}{name}" for name in missing)))]
    anchor = last_import(root, "typescript")
    statement = f"import {{ {', '.join(names)} }} from '@angular/core';"
    if anchor is None:
        return [Insertion(0, source.native(statement + "\n"))]
    return [insert_lines_after(source, anchor.range().end.index, statement)]
