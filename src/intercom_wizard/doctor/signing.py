"""Where the code signs JWTs: PyJWT's `jwt.encode`, jsonwebtoken's `jwt.sign`, firebase/php-jwt's
`JWT::encode` and the jwt gem's `JWT.encode`, with their payload, key and options arguments."""

from dataclasses import dataclass

from ast_grep_py import SgNode

from intercom_wizard.astgrep import field_text, required_field
from intercom_wizard.doctor.sources import CodeUnit
from intercom_wizard.doctor.syntax import (
    MAPPING_KINDS,
    call_parts,
    calls,
    enclosing_function,
    keys_of,
    keyword_arguments,
    literal_text,
    positional,
    resolve,
)


@dataclass(frozen=True)
class SigningCall:
    unit: CodeUnit
    call: SgNode
    payload: SgNode | None
    key: SgNode | None
    options: SgNode | None  # jsonwebtoken's third argument

    @property
    def line(self) -> int:
        return self.unit.line_of(self.call)

    @property
    def handler(self) -> SgNode | None:
        """The function the token is signed in (a route handler, usually)."""
        return enclosing_function(self.unit, self.call)

    def payload_mapping(self) -> SgNode | None:
        if self.payload is None:
            return None
        resolved = resolve(self.unit, self.payload)
        return resolved if resolved.kind() in MAPPING_KINDS else None

    def options_mapping(self) -> SgNode | None:
        if self.options is None:
            return None
        resolved = resolve(self.unit, self.options)
        return resolved if resolved.kind() in MAPPING_KINDS else None

    @property
    def is_for_intercom(self) -> bool:
        mapping = self.payload_mapping()
        return self.unit.mentions("intercom") or (mapping is not None and "user_id" in keys_of(mapping))


def signing_calls(unit: CodeUnit) -> list[SigningCall]:
    return unit.memo("signing_calls", lambda: _signing_calls(unit))


def _signing_calls(unit: CodeUnit) -> list[SigningCall]:
    if not unit.mentions("jwt", "jsonwebtoken"):
        return []
    if unit.language == "python":
        return _python(unit)
    if unit.is_script:
        return _javascript(unit)
    if unit.language in ("php", "ruby"):
        return _php_ruby(unit)
    return []


def _python(unit: CodeUnit) -> list[SigningCall]:
    modules, functions = set(), set()
    for statement in unit.find_all("import_statement"):
        for child in statement.children():
            if child.kind() == "dotted_name" and child.text() == "jwt":
                modules.add("jwt")
            elif child.kind() == "aliased_import" and field_text(child, "name") == "jwt":
                modules.add(required_field(child, "alias").text())
    for statement in unit.find_all("import_from_statement"):
        module = statement.field("module_name")
        if module is None or module.text() != "jwt":
            continue
        for child in statement.children():
            if child.kind() == "dotted_name" and child.text() == "encode":
                functions.add("encode")
            elif child.kind() == "aliased_import" and field_text(child, "name") == "encode":
                functions.add(required_field(child, "alias").text())
    found = []
    for call in calls(unit):
        parts = call_parts(call)
        receiver = parts.receiver.text() if parts.receiver is not None else None
        if (parts.method == "encode" and receiver in modules) or (receiver is None and parts.method in functions):
            arguments, keywords = positional(call), keyword_arguments(call)
            payload = keywords.get("payload", arguments[0] if arguments else None)
            key = keywords.get("key", arguments[1] if len(arguments) > 1 else None)
            found.append(SigningCall(unit, call, payload, key, None))
    return found


def _javascript(unit: CodeUnit) -> list[SigningCall]:
    modules, functions = set(), set()
    for statement in unit.find_all("import_statement"):
        if literal_text(statement.field("source")) != "jsonwebtoken":
            continue
        clause = next((c for c in statement.children() if c.kind() == "import_clause"), None)
        for child in clause.children() if clause is not None else []:
            if child.kind() == "identifier":
                modules.add(child.text())
            elif child.kind() == "namespace_import":
                modules.update(i.text() for i in child.children() if i.kind() == "identifier")
            elif child.kind() == "named_imports":
                for specifier in child.children():
                    if specifier.kind() == "import_specifier" and required_field(specifier, "name").text() == "sign":
                        alias = specifier.field("alias")
                        functions.add(alias.text() if alias is not None else "sign")
    for declarator in unit.find_all("variable_declarator"):
        value = declarator.field("value")
        if value is None or value.kind() != "call_expression" or call_parts(value).method != "require":
            continue
        arguments = positional(value)
        if not arguments or literal_text(arguments[0]) != "jsonwebtoken":
            continue
        name = required_field(declarator, "name")
        if name.kind() == "identifier":
            modules.add(name.text())
        else:
            for field in name.children():
                if field.kind() == "shorthand_property_identifier_pattern" and field.text() == "sign":
                    functions.add("sign")
                elif field.kind() == "pair_pattern" and required_field(field, "key").text() == "sign":
                    functions.add(required_field(field, "value").text())
    found = []
    for call in calls(unit):
        parts = call_parts(call)
        receiver = parts.receiver.text() if parts.receiver is not None else None
        if (parts.method == "sign" and receiver in modules) or (receiver is None and parts.method in functions):
            arguments = positional(call)
            found.append(
                SigningCall(
                    unit,
                    call,
                    arguments[0] if arguments else None,
                    arguments[1] if len(arguments) > 1 else None,
                    arguments[2] if len(arguments) > 2 else None,
                )
            )
    return found


def _php_ruby(unit: CodeUnit) -> list[SigningCall]:
    found = []
    for call in calls(unit):
        parts = call_parts(call)
        receiver = parts.receiver.text().lstrip("\\") if parts.receiver is not None else ""
        if parts.method == "encode" and (receiver == "JWT" or receiver.endswith("\\JWT")):
            arguments = positional(call)
            found.append(
                SigningCall(unit, call, arguments[0] if arguments else None, arguments[1] if len(arguments) > 1 else None, None)
            )
    return found
