"""What the Ruby back ends (Rails, Sinatra) share: the Gemfile, requires, quote style, the user's email and name.

Every anchor is found with ast-grep's Ruby grammar; inserted Ruby follows the quote style the file
(or, for a new file, its neighbours) already uses, so `gem 'jwt'` lands in a single-quoted Gemfile.
"""

from collections.abc import Iterable

from ast_grep_py import SgNode

from intercom_wizard.edits import append_lines, insert_lines_after, insert_lines_before, parse
from intercom_wizard.integrations.base import PlanContext
from intercom_wizard.tree import ProjectTree, folder_of, join
from intercom_wizard.versions import Found, language_level

JWT_GEM = "jwt"
JWT_GEM_SPEC = "~> 2.5"  # 2.5 is what Debian and Ubuntu package; JWT.encode is the same up to 3.x
# jwt 2.4 and later require Ruby 2.5; 2.3.x is the last for Ruby 2.1-2.4 (same JWT.encode).
JWT_GEM_SPEC_BEFORE_RUBY_2_5 = "~> 2.3.0"
NAME_FIELDS = ("name", "full_name", "display_name", "username")
EMAIL_FIELDS = ("email", "email_address")


def ruby(text: str) -> SgNode:
    return parse(text, "ruby")


def method_name(call: SgNode) -> str | None:
    method = call.field("method")
    return method.text() if method is not None else None


def string_value(node: SgNode | None) -> str | None:
    """The value of a plain string or symbol literal (no interpolation), else None."""
    if node is None:
        return None
    if node.kind() == "simple_symbol":
        return node.text().lstrip(":")
    if node.kind() != "string":
        return None
    parts = [c for c in node.children() if c.kind() not in ('"',)]
    if any(p.kind() != "string_content" for p in parts):
        return None
    return "".join(p.text() for p in parts)


def first_argument(call: SgNode) -> SgNode | None:
    arguments = call.field("arguments")
    if arguments is None:
        return None
    values = [c for c in arguments.children() if c.is_named()]
    return values[0] if values else None


def top_level_calls(root: SgNode, *names: str) -> list[SgNode]:
    return [node for node in root.children() if node.kind() in ("call", "identifier") and method_name(node) in names]


# --- quote style -----------------------------------------------------------------------------


def quote_style(texts: Iterable[str]) -> str:
    """The quote the code prefers for plain strings: ' or " (double when undecided)."""
    single = double = 0
    for text in texts:
        for node in ruby(text).find_all(kind="string"):
            if string_value(node) is None:
                continue
            if node.text().startswith("'"):
                single += 1
            elif node.text().startswith('"'):
                double += 1
    return "'" if single > double else '"'


def requote(snippet: str, quote: str) -> str:
    """Rewrite the snippet's plain double-quoted strings with single quotes when the file prefers them."""
    if quote == '"':
        return snippet
    edits = []
    for node in ruby(snippet).find_all(kind="string"):
        value = string_value(node)
        if value is None or not node.text().startswith('"') or "'" in value or "\\" in value:
            continue
        edits.append((node.range().start.index, node.range().end.index, f"'{value}'"))
    for start, end, text in sorted(edits, reverse=True):
        snippet = snippet[:start] + text + snippet[end:]
    return snippet


# --- the Gemfile -----------------------------------------------------------------------------


def gemfile_path(tree: ProjectTree, *folders: str) -> str | None:
    for folder in dict.fromkeys(folders):
        path = join(folder, "Gemfile")
        if tree.exists(path):
            return path
    return None


def gem_names(tree: ProjectTree, gemfile: str | None) -> set[str]:
    """Every gem the Gemfile declares, in groups too."""
    if gemfile is None:
        return set()
    calls = ruby(tree.text(gemfile)).find_all(kind="call")
    return {name for call in calls if method_name(call) == "gem" and (name := string_value(first_argument(call)))}


def add_jwt_gem(context: PlanContext, gemfile: str | None, *, before_ruby_2_5: bool | None = None) -> None:
    """`gem "jwt"` after the Gemfile's last top-level gem, in the file's own quote style; its series is
    one the app's Ruby installs (`before_ruby_2_5` when the caller knows better than the declarations)."""
    tree, builder = context.tree, context.builder
    if gemfile is None:
        builder.note(
            f"The app has no Gemfile: install the {JWT_GEM} gem where it runs (`gem install {JWT_GEM}`, "
            f"or the distribution's package, e.g. Debian's ruby-jwt)."
        )
        return
    if JWT_GEM in gem_names(tree, gemfile):
        return
    source = tree.read(gemfile)
    line = requote(f'gem "{JWT_GEM}", "{_jwt_spec(tree, gemfile, before_ruby_2_5)}"', quote_style([source.text]))
    comment = "# Signs the Intercom Messenger's identity tokens\n"
    gems = top_level_calls(ruby(source.text), "gem")
    if gems:
        insertion = insert_lines_after(source, gems[-1].range().end.index, comment + line)
    else:
        insertion = append_lines(source, comment + line + "\n")
    # No note here: the install runs `bundle install` itself, or names it (--no-install, or a failure).
    builder.insert(gemfile, [insertion], f"the {JWT_GEM} gem signs the tokens")


def ruby_level(tree: ProjectTree, root: str) -> Found | None:
    """The lowest Ruby the app declares (.ruby-version, the Gemfile's `ruby`, Gemfile.lock), None when unknown."""
    return language_level(tree, root, "ruby")


def before_ruby(tree: ProjectTree, root: str, *release: int) -> bool:
    """Whether the app declares a Ruby older than `release`: the generated code then takes the older form."""
    level = ruby_level(tree, root)
    return level is not None and level.below(*release)


def _jwt_spec(tree: ProjectTree, gemfile: str, before_ruby_2_5: bool | None) -> str:
    """`~> X.Y` of the jwt version already locked (another gem may pull it in), else the newest
    series the app's Ruby can install."""
    lock = f"{gemfile}.lock"
    if tree.exists(lock):
        for line in tree.text(lock).splitlines():
            if line.startswith(f"    {JWT_GEM} ("):
                version = line.split("(", 1)[1].rstrip(")").split(".")
                if len(version) >= 2 and version[0].isdigit() and version[1].isdigit():
                    return f"~> {version[0]}.{version[1]}"
    if before_ruby_2_5 is None:
        before_ruby_2_5 = before_ruby(tree, folder_of(gemfile), 2, 5)
    return JWT_GEM_SPEC_BEFORE_RUBY_2_5 if before_ruby_2_5 else JWT_GEM_SPEC


# --- requires --------------------------------------------------------------------------------


def required_libraries(root: SgNode) -> set[str]:
    return {value for call in top_level_calls(root, "require") if (value := string_value(first_argument(call)))}


def add_requires(context: PlanContext, path: str, libraries: list[str], reason: str) -> None:
    """`require "lib"` lines after the file's last top-level require, for the libraries it lacks."""
    source = context.tree.read(path)
    root = ruby(source.text)
    missing = [lib for lib in libraries if lib not in required_libraries(root)]
    if not missing:
        return
    requires = top_level_calls(root, "require")
    lines = requote("\n".join(f'require "{lib}"' for lib in missing), quote_style([source.text]))
    if not requires:
        # None yet: above the first statement, below the magic comments (`# frozen_string_literal: true`).
        first = next((c for c in root.children() if c.kind() != "comment"), None)
        if first is None:
            context.builder.manual(path, "Add these requires at the top of the file:", lines)
            return
        context.builder.insert(path, [insert_lines_before(source, first.range().start.index, lines + "\n")], reason)
        return
    context.builder.insert(path, [insert_lines_after(source, requires[-1].range().end.index, lines)], reason)


# --- the user's attributes -------------------------------------------------------------------


def email_and_name(fields: set[str] | None) -> tuple[str | None, str | None]:
    """Which of the user's attributes hold the email and the display name (None when it has none)."""
    if fields is None:
        return "email", "name"
    email = next((f for f in EMAIL_FIELDS if f in fields), None)
    name = next((f for f in NAME_FIELDS if f in fields), None)
    return email, name


def env_file(tree: ProjectTree, root: str, gemfile: str | None) -> str | None:
    """`.env` when the app loads it (dotenv / dotenv-rails), else None: Ruby does not read it by itself."""
    if gem_names(tree, gemfile) & {"dotenv", "dotenv-rails"}:
        return join(root, ".env")
    for path in tree.glob(".rb", under=root):
        text = tree.text(path)
        if "dotenv" in text and any(lib.startswith("dotenv") for lib in required_libraries(ruby(text))):
            return join(root, ".env")
    return None
