"""Where a Laravel app's pages take the Messenger script: `public/`, referenced with `asset()` before
`</body>` of each Blade layout; the app's CSP nonce (Vite::useCspNonce, spatie/laravel-csp); and (for
--insecure only) Blade printing the signed-in user's attributes (templates/laravel/user-settings.blade.php)."""

import re

from intercom_wizard import csp
from intercom_wizard.integrations.backends.laravel.details import LaravelDetails
from intercom_wizard.integrations.backends.php_common import user_fields_literal
from intercom_wizard.integrations.base import Detection, PageHost, PlanContext
from intercom_wizard.integrations.frontends.layouts import body_end_tag
from intercom_wizard.templates import render
from intercom_wizard.tree import ProjectTree, join

SKIPPED_VIEW_FOLDERS = frozenset({"vendor", "mail", "emails", "errors", "notifications"})
SCRIPT_SRC = "{{ asset('intercom-messenger.js') }}"


def page_host(context: PlanContext, detection: Detection[LaravelDetails]) -> PageHost:
    tree = context.tree
    views = join(detection.root, "resources/views")
    layouts = []
    for path in tree.glob(".blade.php", under=views):
        if set(path[len(views) + 1 :].split("/")[:-1]) & SKIPPED_VIEW_FOLDERS:
            continue
        text = tree.text(path)
        if "</body>" not in text.lower() or "@extends" in text:
            continue
        if body_end_tag(text) is not None:
            layouts.append(path)
    return PageHost(
        static_dir=join(detection.root, "public"),
        script_src=SCRIPT_SRC,
        layouts=tuple(layouts),
        user_settings=_blade_user_settings(detection.details.user_fields),
        csp_nonce=_csp_nonce(tree, detection.root),
        csp_nonce_help="Laravel's documented way is a middleware that calls Vite::useCspNonce() and sends the nonce in "
        "the policy; spatie/laravel-csp makes one as well.",
    )


def _csp_nonce(tree: ProjectTree, root: str) -> csp.NonceSource | None:
    vite = csp.search_code(tree, tree.glob(".php", under=join(root, "app")), re.compile(r"Vite::useCspNonce\("))
    if vite is not None:
        return csp.NonceSource.everywhere(f"Vite::useCspNonce() ({vite[0]})", "{{ Vite::cspNonce() }}")
    composer = join(root, "composer.json")
    if tree.exists(composer) and '"spatie/laravel-csp"' in tree.text(composer):
        return csp.NonceSource.everywhere(f"spatie/laravel-csp ({composer})", "{{ csp_nonce() }}")
    return None


def _blade_user_settings(user_fields: tuple[str, ...] | None) -> str:
    """Blade writing the signed-in user's attributes into a JS object (the insecure variant only)."""
    fields = set(user_fields) if user_fields else None
    entries = "\n".join(f"{claim}: @json({value})," for claim, value in user_fields_literal("auth()->user()", fields, style="model"))
    return render("laravel/user-settings.blade.php", entries=entries).rstrip("\n")
