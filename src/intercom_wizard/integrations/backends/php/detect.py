"""Finding a plain-PHP session app: the files that start the session, the app's root and web root,
the include that bootstraps the session, Composer and phpdotenv. Who is signed in: session_user.py."""

from collections import Counter
from pathlib import PurePosixPath

from ast_grep_py import SgNode

from intercom_wizard.astgrep import field_text
from intercom_wizard.integrations.backends.php.details import NoSessionUser, PhpDetails
from intercom_wizard.integrations.backends.php.session_user import session_user
from intercom_wizard.integrations.backends.php_common import (
    composer_requires,
    has_inline_html,
    in_function,
    include_targets,
    laravel_roots,
    parse_php,
    read_composer_json,
)
from intercom_wizard.integrations.base import Detection
from intercom_wizard.tree import ProjectTree, folder_of, join

NAME = "php"
WEB_ROOT_NAMES = ("public", "public_html", "htdocs", "www", "web", "html")
SESSION_SETUP_CALLS = ("session_name", "session_set_cookie_params", "session_save_path", "session_set_save_handler", "ini_set")
# Statements that answer the request: a file doing one at top level is a page, not a bootstrap.
RESPONDING_CALLS = ("header", "http_response_code", "die", "setcookie", "printf", "readfile")


def detect(tree: ProjectTree) -> list[Detection[PhpDetails]]:
    # Laravel is laravel's; WordPress signs users in with its own cookies, not $_SESSION (plugins
    # that start a session do not make it a session app), and has Intercom's own plugin.
    excluded = laravel_roots(tree) + [folder_of(p) for p in tree.named("wp-settings.php") + tree.named("wp-config.php")]
    starts: list[str] = []
    session_files: list[str] = []
    for path in tree.glob(".php"):
        if path.endswith(".blade.php") or any(root == "" or path.startswith(f"{root}/") for root in excluded):
            continue
        text = tree.text(path)
        if "session_start" not in text and "$_SESSION" not in text:
            continue
        if parse_php(text).find(pattern="session_start($$$)") is not None:
            starts.append(path)
        if "$_SESSION" in text:
            session_files.append(path)
    if not starts or not session_files:
        return []
    composer = _composer_json(tree, starts + session_files)
    app_root = folder_of(composer) if composer else _common_folder(starts + session_files)
    if not composer and PurePosixPath(app_root).name in WEB_ROOT_NAMES:
        app_root = folder_of(app_root)
    php_files = [p for p in tree.glob(".php", under=app_root) if not p.endswith(".blade.php")]
    bootstrap = _session_bootstrap(tree, starts, php_files)
    user = session_user(tree, session_files)
    evidence = [f"{path}: session_start()" for path in starts[:3]]
    if not isinstance(user, NoSessionUser):
        evidence.append(f"{user.file}: $_SESSION['{user.key}'] = ...")
    details = PhpDetails(
        sign_in=None if isinstance(user, NoSessionUser) else user.kind,
        web_root=_web_root(tree, app_root),
        composer=composer,
        bootstrap=bootstrap,
        session_setup=None if bootstrap else _session_setup(tree, starts),
        user=user,
        dotenv=bool(composer and bootstrap and _loads_dotenv(tree, composer, bootstrap)),
    )
    return [Detection(NAME, "backend", app_root, tuple(evidence), details)]


def _common_folder(paths: list[str]) -> str:
    folders = [PurePosixPath(folder_of(p)).parts if folder_of(p) else () for p in paths]
    common: list[str] = []
    for parts in zip(*folders):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return "/".join(common)


def _composer_json(tree: ProjectTree, paths: list[str]) -> str | None:
    """The deepest composer.json whose folder holds every session file: the app uses Composer."""
    common = _common_folder(paths)
    holding = [m for m in tree.named("composer.json") if folder_of(m) == "" or f"{common}/".startswith(f"{folder_of(m)}/")]
    return max(holding, key=len) if holding else None


def _web_root(tree: ProjectTree, app_root: str) -> str:
    """The folder the web server serves: a conventional document root holding index.php, else the app's."""
    for name in WEB_ROOT_NAMES:
        if tree.exists(join(join(app_root, name), "index.php")):
            return join(app_root, name)
    return app_root


def _session_bootstrap(tree: ProjectTree, starts: list[str], php_files: list[str]) -> str | None:
    """The include that configures and starts the session for every page, when there is one."""
    included: Counter[str] = Counter()
    names = {PurePosixPath(start).name for start in starts}
    for path in php_files:
        text = tree.text(path)
        if not any(name in text for name in names):
            continue
        for target in include_targets(parse_php(text)):
            for start in starts:
                if PurePosixPath(start).name in target and start != path:
                    included[start] += 1
    candidates = [
        path
        for path in starts
        if included[path] and not has_inline_html(tree.text(path)) and not _responds_at_top_level(parse_php(tree.text(path)))
    ]
    return max(candidates, key=lambda p: (included[p], -len(p))) if candidates else None


def _responds_at_top_level(root: SgNode) -> bool:
    """True when the file itself answers the request (output, redirect, exit) outside any function."""
    nodes = root.find_all(kind="echo_statement") + root.find_all(kind="print_intrinsic") + root.find_all(kind="exit_statement")
    nodes += [call for call in root.find_all(kind="function_call_expression") if field_text(call, "function") in RESPONDING_CALLS]
    return any(not in_function(node) for node in nodes)


def _session_setup(tree: ProjectTree, starts: list[str]) -> str | None:
    """A page that configures the session before session_start(), which the endpoint must copy."""
    for path in starts:
        for call in parse_php(tree.text(path)).find_all(kind="function_call_expression"):
            name = field_text(call, "function") or ""
            if name in SESSION_SETUP_CALLS and (name != "ini_set" or "session." in call.text()):
                return f"{path}: {call.text()}"
    return None


def _loads_dotenv(tree: ProjectTree, composer: str, bootstrap: str) -> bool:
    requires = composer_requires(read_composer_json(tree, composer))
    return "vlucas/phpdotenv" in requires and "Dotenv" in tree.text(bootstrap)
