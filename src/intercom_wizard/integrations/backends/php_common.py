"""What the PHP back ends (plain PHP and Laravel) share: reading PHP, composer.json, firebase/php-jwt.

ast-grep's PHP grammar parses PHP code only: the HTML around `<?php ... ?>` blocks confuses it.
`php_code` therefore blanks everything outside the PHP blocks (keeping every offset), so anchors
found in the parsed code are offsets into the real file.
"""

from collections.abc import Iterator
from pathlib import PurePosixPath

from ast_grep_py import SgNode

from intercom_wizard.edits import parse
from intercom_wizard.integrations.base import PlanContext
from intercom_wizard.integrations.package_json import read_json_manifest
from intercom_wizard.jsonedit import insert_into_section, member_entry
from intercom_wizard.plan import DependencyChange
from intercom_wizard.templates import render
from intercom_wizard.tree import ProjectTree, folder_of, join
from intercom_wizard.versions import language_level

FIREBASE_JWT = "firebase/php-jwt"
FIREBASE_JWT_SPEC = "^6.10"
FIREBASE_JWT_SPEC_PHP7 = "^5.5 || ^6.0"
NAME_FIELDS = ("name", "full_name", "display_name", "username")
FUNCTION_KINDS = frozenset(
    {"function_definition", "method_declaration", "anonymous_function", "anonymous_function_creation_expression", "arrow_function"}
)
INCLUDE_KINDS = ("require_expression", "require_once_expression", "include_expression", "include_once_expression")


# --- reading PHP -------------------------------------------------------------------------------


def php_code(text: str) -> str:
    """`text` with everything outside PHP blocks blanked, offsets unchanged.

    Inline HTML becomes spaces (newlines kept), a closing `?>` becomes `;` (it ends a statement in
    PHP too) and later opening tags become spaces, so the PHP grammar sees one program.
    """
    out = list(text)
    seen_opening = False
    for kind, start, end in _segments(text):
        if kind == "html":
            _blank(out, start, end)
        elif kind == "open":
            if seen_opening or text[start:end] != "<?php":
                _blank(out, start, end)
            seen_opening = True
        elif kind == "close":
            out[start] = ";"
            _blank(out, start + 1, end)
    return "".join(out)


def has_inline_html(text: str) -> bool:
    """True when the file writes markup outside its PHP blocks (a page or a template part)."""
    return any(kind == "html" and text[start:end].strip() for kind, start, end in _segments(text))


def ends_in_php_code(text: str) -> bool:
    """True when the file's last PHP block is left open (no closing `?>`): markup appended must close it first."""
    kinds = [kind for kind, start, end in _segments(text) if kind != "html" or text[start:end].strip()]
    return bool(kinds) and kinds[-1] in ("open", "code")


def parse_php(text: str) -> SgNode:
    return parse(php_code(text), "php")


def _blank(out: list[str], start: int, end: int) -> None:
    for index in range(start, end):
        if out[index] not in "\r\n":
            out[index] = " "


def _segments(text: str) -> Iterator[tuple[str, int, int]]:
    """("html" | "open" | "code" | "close", start, end) spans, following PHP's own lexer rules:
    strings and block comments may hold `?>`; line comments end before it."""
    index, length = 0, len(text)
    while index < length:
        opening = _next_opening(text, index)
        if opening is None:
            yield ("html", index, length)
            return
        start, tag_end = opening
        if start > index:
            yield ("html", index, start)
        yield ("open", start, tag_end)
        index = close = _end_of_code(text, tag_end)
        if close > tag_end:
            yield ("code", tag_end, close)
        if close < length:
            yield ("close", close, close + 2)
            index = close + 2
            if text.startswith("\r\n", index):  # PHP swallows the newline right after `?>`
                index += 2
            elif text.startswith("\n", index):
                index += 1


def _next_opening(text: str, index: int) -> tuple[int, int] | None:
    while True:
        start = text.find("<?", index)
        if start == -1:
            return None
        if text.startswith("<?=", start):
            return start, start + 3
        if text[start + 2 : start + 5].lower() == "php" and (start + 5 == len(text) or text[start + 5].isspace()):
            return start, start + 5
        index = start + 2


def _end_of_code(text: str, index: int) -> int:
    """Offset of the `?>` closing the PHP block that starts at `index`, or len(text)."""
    length = len(text)
    while index < length:
        char = text[index]
        if text.startswith("?>", index):
            return index
        if char in "'\"`":
            index = _end_of_string(text, index)
        elif text.startswith("/*", index):
            end = text.find("*/", index + 2)
            index = length if end == -1 else end + 2
        elif char == "#" and not text.startswith("#[", index) or text.startswith("//", index):
            while index < length and text[index] != "\n" and not text.startswith("?>", index):
                index += 1
        elif text.startswith("<<<", index):
            index = _end_of_heredoc(text, index)
        else:
            index += 1
    return length


def _end_of_string(text: str, index: int) -> int:
    quote, index = text[index], index + 1
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] == quote:
            return index + 1
        index += 1
    return len(text)


def _end_of_heredoc(text: str, index: int) -> int:
    line_end = text.find("\n", index)
    if line_end == -1:
        return len(text)
    label = text[index + 3 : line_end].strip().strip("'\"")
    if not label.isidentifier():
        return index + 3
    offset = line_end + 1
    while offset < len(text):
        next_line = text.find("\n", offset)
        line = text[offset : len(text) if next_line == -1 else next_line]
        if line.strip().startswith(label) and not line.strip()[len(label) : len(label) + 1].isalnum():
            return offset + line.index(label) + len(label)
        if next_line == -1:
            break
        offset = next_line + 1
    return len(text)


def string_value(node: SgNode | None) -> str | None:
    """The value of a plain PHP string literal ('x' or "x" without interpolation), else None."""
    if node is None or node.kind() not in ("string", "encapsed_string"):
        return None
    if node.kind() == "encapsed_string" and any(child.kind() not in ('"', "string_content", "string_value") for child in node.children()):
        return None
    content = node.text()[1:-1]
    return content.replace("\\'", "'").replace("\\\\", "\\") if node.kind() == "string" else content


def array_string_keys(array: SgNode) -> list[str]:
    """The string keys of an array literal such as ['id' => ..., 'email' => ...]."""
    keys = []
    for element in array.children():
        if element.kind() != "array_element_initializer":
            continue
        parts = element.children()
        if len(parts) >= 3 and parts[1].kind() == "=>":
            key = string_value(parts[0])
            if key is not None:
                keys.append(key)
    return keys


def array_string_items(array: SgNode) -> list[str]:
    """The string values of a list literal such as ['name', 'email']."""
    items = []
    for element in array.children():
        if element.kind() == "array_element_initializer" and len(element.children()) == 1:
            value = string_value(element.children()[0])
            if value is not None:
                items.append(value)
    return items


def in_function(node: SgNode) -> bool:
    return any(ancestor.kind() in FUNCTION_KINDS for ancestor in node.ancestors())


def include_targets(root: SgNode) -> list[str]:
    """The text of each require/include expression's operand (e.g. `__DIR__ . '/x.php'`)."""
    return [node.children()[-1].text() for kind in INCLUDE_KINDS for node in root.find_all(kind=kind) if node.children()]


def require_path(from_file: str, to_file: str) -> str:
    """The `__DIR__ . '/../x.php'` expression that reaches `to_file` from `from_file`."""
    here = PurePosixPath(folder_of(from_file) or ".")
    target = PurePosixPath(to_file)
    ups = 0 if str(here) == "." else len(here.parts)
    common = 0
    for a, b in zip(here.parts if str(here) != "." else (), target.parts[:-1]):
        if a != b:
            break
        common += 1
    relative = [".."] * (ups - common) + list(target.parts[common:])
    return f"__DIR__ . '/{'/'.join(relative)}'"


def php_snippet(template: str, choices: dict[str, str] | None = None, **values: str) -> str:
    """A PHP template without its `<?php` line (it is there to keep the template a valid PHP file)."""
    return render(template, choices, **values).split("\n", 1)[1].strip()


def user_fields_literal(owner: str, fields: set[str] | None, *, style: str) -> list[tuple[str, str]]:
    """("email" | "name", PHP expression) pairs for the claims.

    `style` is "array" (`$user['email'] ?? null`), "object" (`$user->email ?? null`) or "model"
    (`$user->email`, an Eloquent attribute). A field the static model does not show is read at run
    time with `??` (accessors, traits, dynamic properties): the email as such, the name through the
    usual fields.
    """
    entries = []
    if fields is None or "email" in fields:
        entries.append(("email", _access(owner, "email", style)))
    else:
        entries.append(("email", f"{_access(owner, 'email', 'array' if style == 'array' else 'object')}"))
    name_field = next((name for name in NAME_FIELDS if fields is not None and name in fields), None)
    if name_field:
        entries.append(("name", _access(owner, name_field, style)))
    else:
        reads = [_access(owner, name, "model" if style != "array" else "key") for name in NAME_FIELDS]
        entries.append(("name", " ?? ".join(reads) + " ?? null"))
    return entries


def _access(owner: str, field: str, style: str) -> str:
    if style == "key":
        return f"{owner}['{field}']"
    if style == "array":
        return f"{owner}['{field}'] ?? null"
    if style == "object":
        return f"{owner}->{field} ?? null"
    return f"{owner}->{field}"


# --- composer.json ------------------------------------------------------------------------------


def read_composer_json(tree: ProjectTree, path: str) -> dict[str, object]:
    return read_json_manifest(tree, path, tool="Composer", kind="Composer")


def composer_requires(manifest: dict[str, object]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for key in ("require", "require-dev"):
        section = manifest.get(key)
        if isinstance(section, dict):
            merged.update(section)
    return merged


def laravel_roots(tree: ProjectTree) -> list[str]:
    """Folders holding a Laravel application: `artisan` beside a composer.json requiring laravel/framework."""
    roots = []
    for manifest in tree.named("composer.json"):
        folder = folder_of(manifest)
        if tree.exists(join(folder, "artisan")) and "laravel/framework" in composer_requires(read_composer_json(tree, manifest)):
            roots.append(folder)
    return roots


def vendor_autoload(tree: ProjectTree, composer_json: str) -> str:
    config = read_composer_json(tree, composer_json).get("config")
    vendor = config.get("vendor-dir") if isinstance(config, dict) else None
    return join(folder_of(composer_json), f"{str(vendor).strip('/') if isinstance(vendor, str) else 'vendor'}/autoload.php")


def require_firebase_jwt(context: PlanContext, composer_json: str) -> None:
    """Add firebase/php-jwt to `require`, where `composer require` would put it, keeping the formatting."""
    tree, builder = context.tree, context.builder
    manifest = read_composer_json(tree, composer_json)
    require = manifest.get("require")
    if isinstance(require, dict) and FIREBASE_JWT in require:
        builder.note(f"{composer_json} already requires {FIREBASE_JWT}; the token endpoint uses it.")
        return
    config = manifest.get("config")
    sort_packages = isinstance(config, dict) and config.get("sort-packages") is True
    spec = firebase_jwt_spec(tree, folder_of(composer_json))
    entry = member_entry(FIREBASE_JWT, spec)
    # where `composer require` puts it: in sort-packages order (platform packages first, then by
    # name) when the project asks for it, else at the end
    goes_before = (lambda key: not _is_platform_package(key) and key > FIREBASE_JWT) if sort_packages else None
    insertion = insert_into_section(tree.read(composer_json), "require", entry, default_indent="    ", goes_before=goes_before)
    if insertion is None:
        builder.manual(composer_json, "Add this to \"require\":", entry)
        return
    builder.insert(composer_json, [insertion], f"{FIREBASE_JWT} signs the tokens")
    builder.dependencies.append(DependencyChange("php", FIREBASE_JWT, spec, composer_json))


def firebase_jwt_spec(tree: ProjectTree, root: str) -> str:
    """firebase/php-jwt 6.10+ needs PHP 8; on PHP 7 let Composer pick the newest 5.x/6.x that fits
    (`JWT::encode($claims, $key, 'HS256')`, all the endpoint calls, is the same in both)."""
    php = language_level(tree, root, "php")
    return FIREBASE_JWT_SPEC if php is None or php.at_least(8, 0) else FIREBASE_JWT_SPEC_PHP7


def _is_platform_package(name: str) -> bool:
    return name in ("php", "php-64bit", "hhvm", "composer", "composer-plugin-api", "composer-runtime-api") or name.startswith(
        ("ext-", "lib-")
    )
