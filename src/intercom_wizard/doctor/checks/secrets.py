"""The identity secret must live only in the server's environment.

- in code (AST): a string literal assigned to a secret-named variable / key / env default, or passed
  as the key of an Intercom JWT signing call;
- in front-end code: any reference to the secret, JWT signing in the browser, the secret's value;
- in files (text): env and config files that set the secret and are tracked by git (or not ignored),
  `NEXT_PUBLIC_` / `VITE_` ... names that bundlers inline, the secret's value anywhere.
Values are never printed: a finding says where, never what.
"""

import re
import subprocess
from collections.abc import Iterable, Iterator
from pathlib import PurePosixPath

from ast_grep_py import SgNode

from intercom_wizard.doctor.checks.context import StaticContext
from intercom_wizard.doctor.findings import Finding, Severity
from intercom_wizard.doctor.signing import signing_calls
from intercom_wizard.doctor.sources import PUBLIC_DIRS, CodeUnit, Side
from intercom_wizard.doctor.syntax import STRING_KINDS, imported_modules, key_text, literal_text, positional, resolve, unwrap
from intercom_wizard.envfile import is_git_ignored
from intercom_wizard.errors import BadInput
from intercom_wizard.tree import PRUNED_DIRS, ProjectTree

SECRET_NAME = re.compile(r"intercom\w*secret|identity_?verification_?secret|messenger_?api_?secret", re.IGNORECASE)
PUBLIC_PREFIX = re.compile(
    r"^(NEXT_PUBLIC_|VITE_|REACT_APP_|NUXT_PUBLIC_|NUXT_ENV_|PUBLIC_|GATSBY_|EXPO_PUBLIC_|VUE_APP_|NG_APP_|STORYBOOK_)", re.IGNORECASE
)
PLACEHOLDER = re.compile(r"your|change|replace|xxx|example|placeholder|dummy|fake|todo|<|\.\.\.|here", re.IGNORECASE)
BROWSER_JWT_MODULES = frozenset({"jsonwebtoken", "jose", "jsrsasign", "jwt-simple", "njwt"})
ENV_FILE = re.compile(r"^(\.env(\..+)?|.+\.env|\.flaskenv|\.envrc)$")
CONFIG_SUFFIXES = (".yml", ".yaml", ".toml", ".ini", ".cfg", ".conf", ".json", ".properties")
CONFIG_NAMES = frozenset({"Dockerfile", "Procfile", "app.yaml", "docker-compose.yml"})
EXAMPLE_MARKERS = (".example", ".sample", ".template", ".dist", ".defaults")
# NAME=value, NAME: value, "NAME": "value", export NAME=value, ENV NAME value (Dockerfile), - NAME=value
_SETTING = re.compile(r"""^\s*(?:export\s+|ENV\s+|-\s+)?["']?([A-Za-z_][A-Za-z0-9_]*)["']?\s*(?:[:=]|\s)\s*(.*?)\s*,?\s*$""")
_REFERENCE = re.compile(r"^(\$|%\(|\{\{|<|!|process\.env|os\.environ|env\(|secrets\.)")
_FALLBACK_OPERATORS = frozenset({"or", "||", "??"})

WHY_FRONTEND = (
    "Anything in front-end code is downloaded by every visitor. With the secret, anyone can sign a token for any "
    "user_id and read that user's conversations: identity verification protects nothing."
)
FIX_ROTATE = (
    "Remove it, rotate the secret on the Messenger Security page (the old one must be considered leaked), and read "
    "the new one from the INTERCOM_IDENTITY_SECRET environment variable on the server only."
)


# --- literals in code ------------------------------------------------------------------------------


def check_secret_literals(context: StaticContext) -> Iterable[Finding]:
    for unit in context.sources.units:
        if unit.language == "html":
            continue
        literals = unit.find_all(*STRING_KINDS) if SECRET_NAME.search(unit.text) else []
        for node in literals:
            value = literal_text(node)
            if not value or not value.strip():
                continue
            name = next((n for n in bound_names(node) if SECRET_NAME.search(n)), None)
            if name is not None:
                yield _literal_finding(unit, node, value, f"a string literal is given for {_short(name)}")
        for signing in signing_calls(unit):
            literal = _literal_key(unit, signing.key) if signing.key is not None and signing.is_for_intercom else None
            if literal is not None:
                yield _literal_finding(unit, literal, literal_text(literal) or "", "the JWT is signed with a string literal as the secret")


def _literal_key(unit: CodeUnit, key: SgNode) -> SgNode | None:
    """The literal a signing key is, or falls back to (`process.env.X || 'dev'`)."""
    key = resolve(unit, key)
    if literal_text(key):
        return key
    named = [c for c in key.children() if c.is_named()]
    operator = next((c.text() for c in key.children() if not c.is_named()), "")
    if len(named) == 2 and operator in _FALLBACK_OPERATORS and literal_text(named[1]):
        return named[1]
    return None


def _literal_finding(unit: CodeUnit, node: SgNode, value: str, what: str) -> Finding:
    if unit.side is Side.FRONTEND:
        return Finding(
            "secret-in-frontend",
            Severity.ERROR,
            f"Front-end code holds the identity secret: {what} ({len(value)} characters).",
            WHY_FRONTEND,
            "Sign tokens only on the server. " + FIX_ROTATE,
            unit.path,
            unit.line_of(node),
        )
    placeholder = PLACEHOLDER.search(value) is not None
    why = "A secret in source code ends up in git history, backups, CI logs and every copy of the repository."
    return Finding(
        "secret-literal",
        Severity.WARNING if placeholder else Severity.ERROR,
        f"The identity secret is written in the code: {what} ({len(value)} characters"
        + (", looks like a placeholder)." if placeholder else ")."),
        why + (" A placeholder signs tokens Intercom rejects." if placeholder else ""),
        "Read it only from the environment (os.environ[\"INTERCOM_IDENTITY_SECRET\"], "
        "process.env.INTERCOM_IDENTITY_SECRET), with no literal fallback."
        + ("" if placeholder else " Rotate the secret on the Messenger Security page: the old one must be considered leaked."),
        unit.path,
        unit.line_of(node),
    )


def bound_names(node: SgNode) -> list[str]:
    """What a literal is bound to: the assigned name, the dict key, the env variable it defaults."""
    current = node
    parent = current.parent()
    while parent is not None and parent.kind() in ("parenthesized_expression", "argument"):
        current, parent = parent, parent.parent()
    if parent is None:
        return []
    kind = parent.kind()
    named = [c for c in parent.children() if c.is_named()]
    if kind in ("assignment", "assignment_expression", "variable_declarator", "augmented_assignment"):
        target = parent.field("left") or parent.field("name")
        value = parent.field("right") or parent.field("value")
        return [target.text()] if target is not None and value is not None and _same(value, current) else []
    if kind in ("pair", "keyword_argument", "array_element_initializer") and len(named) == 2 and _same(named[1], current):
        return [key_text(named[0]) or named[0].text()]
    if kind in ("boolean_operator", "binary_expression", "binary") and len(named) == 2 and _same(named[1], current):
        operator = next((c.text() for c in parent.children() if not c.is_named()), "")
        return [named[0].text(), *bound_names(parent)] if operator in _FALLBACK_OPERATORS else []
    if kind in ("conditional_expression", "ternary_expression") and named and not _same(named[0], current):
        return [named[0].text(), *bound_names(parent)]
    if kind in ("arguments", "argument_list") and (call := parent.parent()) is not None:
        arguments = positional(call)  # os.environ.get("NAME", "default"), define('NAME', 'value')
        first = literal_text(arguments[0]) if len(arguments) >= 2 and _same(arguments[1], current) else None
        return [first] if first else []
    return []


def _same(a: SgNode, b: SgNode) -> bool:
    return unwrap(a) == unwrap(b)


def _short(name: str) -> str:
    return name if len(name) <= 60 else name[:57] + "..."


# --- the front end ---------------------------------------------------------------------------------


def check_frontend_secret_exposure(context: StaticContext) -> Iterable[Finding]:
    for unit in context.sources.frontend():
        if not unit.is_script:
            continue
        reference = _secret_reference(unit)
        if reference is not None:
            name = reference.text().strip("'\"`")
            public = PUBLIC_PREFIX.match(name.split(".")[-1]) is not None
            yield Finding(
                "secret-in-frontend",
                Severity.ERROR,
                f"Front-end code reads the identity secret ({_short(name)}).",
                WHY_FRONTEND
                + (" Build tools inline variables with this prefix into the bundle." if public else ""),
                "Delete it from the front end: the browser only fetches a token from your server's endpoint. "
                "If the value was ever bundled, rotate the secret on the Messenger Security page.",
                unit.path,
                unit.line_of(reference),
            )
        signer = _browser_signing(unit)
        if signer is not None:
            yield Finding(
                "secret-in-frontend",
                Severity.ERROR,
                "Front-end code signs JWTs itself.",
                "Signing in the browser needs the secret in the browser. " + WHY_FRONTEND,
                "Move signing to a server endpoint that checks the session and returns {\"token\": ...}; "
                "`intercom-wizard install` generates one. Rotate the secret if it was ever shipped.",
                unit.path,
                unit.line_of(signer),
            )


def _secret_reference(unit: CodeUnit) -> SgNode | None:
    if not SECRET_NAME.search(unit.text):
        return None
    for node in unit.find_all("identifier", "property_identifier", "shorthand_property_identifier", *STRING_KINDS):
        text = literal_text(node) if node.kind() in STRING_KINDS else node.text()
        if text and SECRET_NAME.search(text) and len(text) < 80:
            return node
    return None


def _browser_signing(unit: CodeUnit) -> SgNode | None:
    calls = [s.call for s in signing_calls(unit)]
    imports = [node for module, node in imported_modules(unit) if module in BROWSER_JWT_MODULES]
    candidates = sorted(calls + imports, key=lambda n: n.range().start.index)
    return candidates[0] if candidates else None


# --- files -----------------------------------------------------------------------------------------


def env_files_on_disk(tree: ProjectTree) -> list[str]:
    """`.env*` files at the root and one folder down, git-ignored ones included."""
    found = []
    for path in [*tree.root.glob(".env*"), *tree.root.glob("*/.env*")]:
        folder = path.parent.name
        if path.is_file() and (path.parent == tree.root or (folder not in PRUNED_DIRS and not folder.startswith("."))):
            found.append(path.relative_to(tree.root).as_posix())
    return sorted(found)


def check_secret_files(context: StaticContext) -> Iterable[Finding]:
    tree = context.sources.tree
    tracked = tracked_files(tree)
    frontend = {u.path for u in context.sources.frontend()}
    for path in env_files_on_disk(tree):
        if path not in context.sources.files:  # ignored by git: only public build variables matter
            yield from (f for f in _settings_file(tree, path, tracked) if f.id == "secret-in-frontend")
    for path in context.sources.files:
        name = PurePosixPath(path).name
        if ENV_FILE.match(name) or name.endswith(CONFIG_SUFFIXES) or name in CONFIG_NAMES or name.startswith("docker-compose"):
            yield from _settings_file(tree, path, tracked)
        if not context.known_secrets or ENV_FILE.match(name):
            continue
        yield from _known_values(tree, path, context.known_secrets, path in frontend or bool(set(PurePosixPath(path).parts) & PUBLIC_DIRS))


def _settings_file(tree: ProjectTree, path: str, tracked: set[str] | None) -> Iterator[Finding]:
    example = any(marker in PurePosixPath(path).name for marker in EXAMPLE_MARKERS)
    for number, line in enumerate(_text(tree, path).splitlines(), start=1):
        if line.lstrip().startswith(("#", "//", ";")):
            continue
        match = _SETTING.match(line)
        if match is None or not SECRET_NAME.search(match.group(1)):
            continue
        name, value = match.group(1), match.group(2).strip().strip("'\"")
        if PUBLIC_PREFIX.match(name):
            yield Finding(
                "secret-in-frontend",
                Severity.ERROR,
                f"{name} is a public build variable: the bundler puts its value into the front-end bundle.",
                WHY_FRONTEND,
                f"Rename it to INTERCOM_IDENTITY_SECRET and read it only in server code. {FIX_ROTATE}",
                path,
                number,
            )
            continue
        if not value or _REFERENCE.match(value) or PLACEHOLDER.search(value) or example:
            continue
        committed = tracked is not None and path in tracked
        if committed or not is_ignored(tree, path):
            yield Finding(
                "secret-in-tracked-file",
                Severity.ERROR if committed else Severity.WARNING,
                f"{path} sets {name} and is "
                + ("tracked by git: the secret is in the repository." if committed else "not ignored by git: the next `git add -A` commits the secret."),
                "Everyone with access to the repository (and its history, forks and CI logs) can sign tokens as any user.",
                (f"`git rm --cached {path}`, add it to .gitignore, and rotate the secret on the Messenger Security page."
                 if committed else f"Add {path} to .gitignore."),
                path,
                number,
            )


def _known_values(tree: ProjectTree, path: str, secrets: tuple[str, ...], frontend: bool) -> Iterator[Finding]:
    text = _text(tree, path)
    for secret in secrets:
        index = text.find(secret)
        if index < 0:
            continue
        line = text.count("\n", 0, index) + 1
        if frontend:
            yield Finding("secret-in-frontend", Severity.ERROR, f"{path} contains the identity secret's value.", WHY_FRONTEND, FIX_ROTATE, path, line)
        else:
            yield Finding(
                "secret-in-tracked-file",
                Severity.ERROR,
                f"{path} contains the identity secret's value.",
                "Files in the project are committed, copied and deployed; the secret must only be in the server's environment.",
                FIX_ROTATE,
                path,
                line,
            )


def _text(tree: ProjectTree, path: str) -> str:
    try:
        return tree.text(path)
    except BadInput:  # not UTF-8 (an image, an archive): nothing to scan
        return ""


def tracked_files(tree: ProjectTree) -> set[str] | None:
    """Paths git tracks, or None outside a repository."""
    if not tree.is_git_repo:
        return None
    completed = subprocess.run(["git", "ls-files", "-z"], cwd=tree.root, capture_output=True, text=True, check=False)
    return {name for name in completed.stdout.split("\0") if name} if completed.returncode == 0 else None



def is_ignored(tree: ProjectTree, path: str) -> bool:
    """Whether git ignores `path` (outside a repository: whether a .gitignore would)."""
    return is_git_ignored(tree, path)