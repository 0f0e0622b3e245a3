"""The Messenger as the front end drives it: `Intercom('boot', {...})`, `window.intercomSettings`,
the official SDK (`Intercom({...})`, `boot`, `update`, `shutdown`) and react-use-intercom's hooks."""

from dataclasses import dataclass

from ast_grep_py import SgNode

from intercom_wizard.astgrep import required_field
from intercom_wizard.doctor.sources import CodeUnit, Sources
from intercom_wizard.doctor.syntax import MAPPING_KINDS, bindings, call_parts, calls, imported_modules, literal_text, positional, resolve

SDK_MODULES = frozenset({"@intercom/messenger-js-sdk", "react-use-intercom", "ng-intercom", "@supy-io/ngx-intercom", "vue-intercom"})
SDK_COMMANDS = frozenset({"boot", "update", "shutdown", "hardShutdown"})
HOOKS = frozenset({"useIntercom"})  # react-use-intercom
GLOBAL_OBJECTS = frozenset({"window", "w", "globalThis", "self", "top"})
LOADER_HOST = "widget.intercom.io"


@dataclass(frozen=True)
class MessengerCall:
    unit: CodeUnit
    node: SgNode
    command: str  # boot, update, shutdown, show, ...
    settings: SgNode | None  # the settings object literal, when the code passes one we can read

    @property
    def line(self) -> int:
        return self.unit.line_of(self.node)


def uses_sdk(unit: CodeUnit) -> bool:
    return any(module in SDK_MODULES for module, _ in imported_modules(unit))


def messenger_calls(unit: CodeUnit) -> list[MessengerCall]:
    return unit.memo("messenger_calls", lambda: _messenger_calls(unit))


def _messenger_calls(unit: CodeUnit) -> list[MessengerCall]:
    if not unit.is_script:
        return []
    found = []
    sdk_names = _sdk_names(unit)
    for call in calls(unit):
        parts = call_parts(call)
        receiver = parts.receiver.text() if parts.receiver is not None else ""
        arguments = positional(call)
        if parts.method == "Intercom" and receiver in ("", *GLOBAL_OBJECTS):
            command = literal_text(arguments[0]) if arguments else None
            if command is not None:
                settings = _mapping(unit, arguments[1]) if len(arguments) > 1 else None
                found.append(MessengerCall(unit, call, command, settings))
            elif arguments and sdk_names:  # the SDK's default export boots: Intercom({ app_id, ... })
                found.append(MessengerCall(unit, call, "boot", _mapping(unit, arguments[0])))
            continue
        if parts.receiver is None:
            command = sdk_names.get(parts.method)
        else:
            command = parts.method if parts.method in SDK_COMMANDS and "intercom" in receiver.lower() else None
        if command is not None:
            command = "shutdown" if command == "hardShutdown" else command
            found.append(MessengerCall(unit, call, command, _mapping(unit, arguments[0]) if arguments else None))
    for binding in bindings(unit):
        if binding.target.split(".")[-1] == "intercomSettings":
            found.append(MessengerCall(unit, binding.target_node, "boot", _mapping(unit, binding.value)))
    return sorted(found, key=lambda c: c.node.range().start.index)


def _sdk_names(unit: CodeUnit) -> dict[str, str]:
    """Local name -> SDK command, for `import { boot as b } from '@intercom/messenger-js-sdk'` and
    `const { boot, shutdown } = useIntercom()` (react-use-intercom)."""
    names: dict[str, str] = {}
    for statement in unit.find_all("import_statement"):
        if literal_text(statement.field("source")) not in SDK_MODULES:
            continue
        names["Intercom"] = "boot"
        for specifier in statement.find_all(kind="import_specifier"):
            original = required_field(specifier, "name").text()
            alias = specifier.field("alias")
            if original in SDK_COMMANDS:
                names[alias.text() if alias is not None else original] = original
    for declarator in unit.find_all("variable_declarator"):
        value, pattern = declarator.field("value"), required_field(declarator, "name")
        if value is None or value.kind() != "call_expression" or call_parts(value).method not in HOOKS:
            continue
        for field in pattern.children() if pattern.kind() == "object_pattern" else []:
            if field.kind() == "shorthand_property_identifier_pattern" and field.text() in SDK_COMMANDS:
                names[field.text()] = field.text()
            elif field.kind() == "pair_pattern" and (key := required_field(field, "key").text()) in SDK_COMMANDS:
                names[required_field(field, "value").text()] = key
    return names


def _mapping(unit: CodeUnit, node: SgNode) -> SgNode | None:
    resolved = resolve(unit, node)
    return resolved if resolved.kind() in MAPPING_KINDS else None


def loads_messenger(unit: CodeUnit) -> bool:
    """The unit loads or drives the Messenger (loader URL, SDK import or Messenger calls)."""
    if not unit.is_script or not unit.mentions("intercom"):
        return False
    return uses_sdk(unit) or bool(messenger_calls(unit)) or any(LOADER_HOST in s.text() for s in unit.find_all("string", "template_string"))


def messenger_units(sources: Sources) -> list[CodeUnit]:
    return [u for u in sources.frontend() if loads_messenger(u)]
