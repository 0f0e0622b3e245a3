"""The app initializer that starts `IntercomMessengerService`: `provideAppInitializer(...)` on
Angular 19 and newer, an `APP_INITIALIZER` provider before that, added to the `providers` of the
bootstrapped ApplicationConfig / @NgModule, with the @angular/core names and the service import it
needs. Where the providers are not an array literal, the exact provider is printed instead.
"""

from ast_grep_py import SgNode

from intercom_wizard.astgrep import field_text
from intercom_wizard.edits import indent_unit, insert_lines_after, last_import, parse
from intercom_wizard.integrations.base import PlanContext
from intercom_wizard.integrations.frontends.angular.bootstrap import BootstrapKind
from intercom_wizard.integrations.frontends.angular.workspace import FIRST_WITH_PROVIDE_APP_INITIALIZER, indentation
from intercom_wizard.integrations.frontends.spa_common import import_path
from intercom_wizard.plan import Insertion
from intercom_wizard.sourcefile import SourceText

SERVICE_CLASS = "IntercomMessengerService"
SERVICE_NAME = "intercom-messenger.service.ts"
# The APP_INITIALIZER provider's properties (before Angular 19): one line when printed, one property
# per line where it goes into a multi-line list (on one line it is 113 columns; prettier breaks it so).
APP_INITIALIZER_PROPERTIES = (
    "provide: APP_INITIALIZER",
    f"useFactory: (service: {SERVICE_CLASS}) => () => service.start()",
    f"deps: [{SERVICE_CLASS}]",
    "multi: true",
)


def initializer(major: int) -> tuple[str, list[str]]:
    """The provider expression and the @angular/core names it needs."""
    if major >= FIRST_WITH_PROVIDE_APP_INITIALIZER:
        return f"provideAppInitializer(() => inject({SERVICE_CLASS}).start())", ["inject", "provideAppInitializer"]
    return "{ " + ", ".join(APP_INITIALIZER_PROPERTIES) + " }", ["APP_INITIALIZER"]


def _laid_out(provider: str, indent: str, unit: str, *, indented: bool = True) -> str:
    """The provider as prettier lays it out at this indentation: the APP_INITIALIZER object one
    property per line (with trailing commas) when its one line would pass 80 columns. `indented`:
    its later lines carry `indent` (else the caller indents every line)."""
    if not provider.startswith("{ ") or len(indent) + len(provider) + 1 <= 80:
        return provider
    base = indent if indented else ""
    lines = "".join(f"{base}{unit}{item},\n" for item in APP_INITIALIZER_PROPERTIES)
    return "{\n" + lines + base + "}"


def manual_initializer(context: PlanContext, file: str, kind: BootstrapKind, major: int) -> None:
    provider, names = initializer(major)
    where = "the ApplicationConfig passed to bootstrapApplication" if kind == "standalone" else "the bootstrapped @NgModule"
    context.builder.manual(
        file,
        f"Add this provider to the providers of {where} (import {', '.join(names)} from '@angular/core' and "
        f"{SERVICE_CLASS} from './{SERVICE_NAME[:-3]}'):",
        provider,
    )


def add_initializer(context: PlanContext, path: str, owner: SgNode, major: int, service_path: str) -> None:
    source = context.tree.read(path)
    text = source.text
    provider, names = initializer(major)
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
        name = field_text(pair, "key") if pair.kind() == "pair" else None
        if name is not None and name.strip("'\"") == key:
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
        indent = indentation(text, last.range().start.index)
        if "\n" in owner.text():
            return Insertion(last.range().end.index, source.native(f",\n{indent}providers: [{provider}]"))
        return Insertion(last.range().end.index, f", providers: [{provider}]")
    elements = [c for c in providers.children() if c.is_named() and c.kind() != "comment"]
    unit = indent_unit(text) or "  "
    if not elements:
        outer = indentation(text, providers.range().start.index)
        laid_out = _laid_out(provider, outer + unit, unit)
        if laid_out == provider:
            return Insertion(providers.range().start.index + 1, provider)
        # `providers: []` with an element wider than the line: the list opens, as prettier opens it.
        return Insertion(providers.range().start.index + 1, source.native(f"\n{outer}{unit}{laid_out},\n{outer}"))
    last = elements[-1]
    after = last.next()
    multiline = "\n" in providers.text()
    if not multiline:
        return Insertion(last.range().end.index, f", {provider}")
    indent = indentation(text, last.range().start.index)
    if after is not None and after.text() == ",":
        return insert_lines_after(source, after.range().end.index, f"{_laid_out(provider, indent, unit, indented=False)},", indent=indent)
    return Insertion(last.range().end.index, source.native(f",\n{indent}{_laid_out(provider, indent, unit)}"))


def _core_name_insertions(source: SourceText, root: SgNode, names: list[str]) -> list[Insertion]:
    """Add the names to the file's `import { ... } from '@angular/core'` (or a new such import)."""
    for statement in root.find_all(kind="import_statement"):
        module = field_text(statement, "source")
        if module is None or module.strip("'\"") != "@angular/core":
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
        indent = indentation(source.text, last.range().start.index)
        after = last.next()
        if after is not None and after.text() == ",":
            return [insert_lines_after(source, after.range().end.index, "".join(f"{name},\n" for name in missing), indent=indent)]
        return [Insertion(last.range().end.index, source.native("".join(f",\n{indent}{name}" for name in missing)))]
    anchor = last_import(root, "typescript")
    new_import = f"import {{ {', '.join(names)} }} from '@angular/core';"
    if anchor is None:
        return [Insertion(0, source.native(new_import + "\n"))]
    return [insert_lines_after(source, anchor.range().end.index, new_import)]
