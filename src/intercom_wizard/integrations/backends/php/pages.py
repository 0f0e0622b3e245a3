"""Where a plain-PHP app's pages take the Messenger script: every `.php` page or footer include that
closes the document, the script served from the web root, the app's own CSP nonce variable, and
(for --insecure only) PHP printing the session user's attributes (templates/php/user-settings.php)."""

import posixpath
import re
from pathlib import PurePosixPath

from intercom_wizard import csp
from intercom_wizard.integrations.backends.php.details import NoSessionUser, PhpDetails, SessionRecord, SessionUser
from intercom_wizard.integrations.backends.php.endpoint import endpoint_file
from intercom_wizard.integrations.backends.php_common import ends_in_php_code, user_fields_literal
from intercom_wizard.integrations.base import Detection, PageHost, PlanContext
from intercom_wizard.integrations.frontends.layouts import body_end_tag
from intercom_wizard.templates import render
from intercom_wizard.tree import ProjectTree, folder_of, join

SCRIPT_SRC = "/intercom-messenger.js"
JSON_FLAGS = "JSON_HEX_TAG | JSON_HEX_AMP | JSON_HEX_APOS | JSON_HEX_QUOT"
_HTML_TAG = re.compile(r"<(form|div|a|h[1-6]|p|table|ul|section|main)\b", re.I)
_INCLUDE = re.compile(r"""\b(?:include|require)(?:_once)?\s*\(?\s*['"]([^'"$]+\.php)['"]""")
_NONCE_VARIABLE = re.compile(r"(\$\w*nonce\w*)\s*=(?!=)", re.I)


def page_host(context: PlanContext, detection: Detection[PhpDetails]) -> PageHost:
    tree, details = context.tree, detection.details
    endpoint_target = endpoint_file(details.web_root, context.options.endpoint)
    layouts = []
    for path in tree.glob(".php", under=detection.root):
        if path == endpoint_target or path.endswith(".blade.php"):
            continue
        text = tree.text(path)
        if "</body>" in text.lower() and body_end_tag(text) is not None:
            layouts.append(path)
    output_end = () if layouts else _output_end_pages(tree, details.web_root, endpoint_target)
    fragments = () if layouts or output_end else _fragment_pages(tree, details.web_root, endpoint_target)
    return PageHost(
        static_dir=details.web_root,
        script_src=SCRIPT_SRC,
        layouts=tuple(layouts),
        unsupported_layouts=fragments,
        output_end_pages=output_end,
        user_settings=_template_user_settings(details.user),
        # Every page that gets the tag (or a step to add it) prints the nonce in scope there.
        csp_nonce=_variable_nonce(tree, detection.root, [*layouts, *(page for page, _ in output_end), *fragments]),
        csp_nonce_help="Set $cspNonce = base64_encode(random_bytes(16)) in the bootstrap file every page includes, and "
        "send `'nonce-$cspNonce'` in the policy's script-src.",
    )


def _output_end_pages(tree: ProjectTree, web_root: str, endpoint_target: str) -> tuple[tuple[str, str], ...]:
    """The web root's own scripts that print a page without `<body>` (small login apps: the markup is
    echoed, or a view without <body> is included): the browser supplies <body>, and the end of the
    script is the end of the output, so the tag is appended there (after a `?>` when PHP is still open)."""
    scripts = tree.glob(".php", under=web_root)
    # A file another script includes is not where a request's output ends (and markup printed by a
    # helper included before session_start() or header() would break them).
    included = {file for path in scripts for file in _included(tree, path, tree.text(path))}
    pages = []
    for path in scripts:
        if path == endpoint_target or folder_of(path) != web_root or path in included:
            continue
        text = tree.text(path)
        if _HTML_TAG.search(text) or any(_HTML_TAG.search(tree.text(view)) for view in _included(tree, path, text)):
            pages.append((path, "?>\n" if ends_in_php_code(text) else ""))
    return tuple(pages)


def _included(tree: ProjectTree, path: str, text: str) -> list[str]:
    """The files `path` includes by a literal path (relative to its folder), that exist."""
    found = (posixpath.normpath(join(folder_of(path), target)) for target in _INCLUDE.findall(text))
    return [file for file in found if tree.exists(file)]


def _fragment_pages(tree: ProjectTree, web_root: str, endpoint_target: str) -> tuple[str, ...]:
    """Pages that print HTML without a `<body>` (browsers supply it; small login apps do this): the view files,
    else the web root's index.php. The script tag goes at the end of their output, by hand."""
    pages = [
        path
        for path in tree.glob(".php", under=web_root)
        if path != endpoint_target and _HTML_TAG.search(tree.text(path)) and "/views/" in f"/{path}"
    ]
    index = join(web_root, "index.php")
    return tuple(pages) if pages else ((index,) if tree.exists(index) else ())


def _variable_nonce(tree: ProjectTree, root: str, layouts: list[str]) -> csp.NonceSource | None:
    """A nonce variable in the layout's scope: set in it, in a page that includes it (a footer partial sees the
    variables of the page requiring it), or in any file those include, however deep."""
    files = tree.glob(".php", under=root)
    if csp.search_code(tree, files, _NONCE_VARIABLE) is None:
        return None

    def includes(path: str) -> list[str]:
        text = tree.text(path)
        return [other for other in files if other != path and PurePosixPath(other).name in text]

    expressions: list[tuple[str, str]] = []
    providers: set[str] = set()
    for layout in layouts:
        scope = [layout, *(page for page in files if layout in includes(page))]
        for path in scope:  # grows while it is walked: what the pages include, and what that includes
            scope += [included for included in includes(path) if included not in scope]
        found = csp.search_code(tree, scope, _NONCE_VARIABLE)
        if found is not None:
            path, match = found
            expressions.append((layout, f"<?= htmlspecialchars({match.group(1)}, ENT_QUOTES) ?>"))
            providers.add(f"{match.group(1)} ({path})")
    if not expressions:
        return None
    return csp.NonceSource(", ".join(sorted(providers)), tuple(expressions))


def _template_user_settings(user: SessionUser) -> str | None:
    """PHP writing the signed-in user's attributes into a JS object (the insecure variant only)."""
    if isinstance(user, NoSessionUser):
        return None
    owner = f"$_SESSION['{user.key}']"
    if isinstance(user, SessionRecord):
        access = f"{owner}['{user.id_field}']" if user.style == "array" else f"{owner}->{user.id_field}"
        condition = f"isset({access})"
        entries = [("user_id", f"(string) {access}"), *user_fields_literal(owner, set(user.fields) or None, style=user.style)]
    else:
        condition, entries = f"isset({owner})", [("user_id", f"(string) {owner}")]
        entries += [(claim, f"$_SESSION['{key}'] ?? null") for claim, key in (("email", user.email_key), ("name", user.name_key)) if key]
    lines = "\n".join(f"{claim}: <?= json_encode({value}, {JSON_FLAGS}) ?>," for claim, value in entries)
    return render("php/user-settings.php", condition=condition, entries=lines).rstrip("\n")
