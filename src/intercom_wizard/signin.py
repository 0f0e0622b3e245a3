"""Does the app sign users in at all? Evidence, or none: an app with none is `anonymous-only`.

Looked for anywhere in the project's own code, templates and manifests: an auth library, a login
or logout route, form or action (a password field, a `/login` URL, a `login()`/`signOut()`
function), a session that holds a user, or API calls that send an `Authorization` header. One
piece of evidence is enough to treat the app as having sign-in (then identity must be proven or
the install is incomplete); only an app with none boots every visitor as a lead, which is what a
fresh create-vite / create-next-app scaffold or a brochure site is.
"""

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from intercom_wizard.errors import WizardError
from intercom_wizard.integrations import component_suffixes
from intercom_wizard.integrations.base import BackendDetails, Detection
from intercom_wizard.receipt import RECEIPT_PATH, Receipt
from intercom_wizard.tree import ProjectTree

CODE_SUFFIXES = (
    ".py", ".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".svelte", ".rb", ".php", ".erb", ".haml", ".slim",
    ".html", ".htm", ".jinja", ".jinja2", ".j2", ".ejs", ".hbs", ".handlebars", ".pug", ".twig",
)
MANIFESTS = ("package.json", "requirements.txt", "pyproject.toml", "Pipfile", "setup.py", "Gemfile", "composer.json")
MAX_BYTES = 500_000
# Folders whose code is not the app's own sign-in (its tests may log a fake user in).
SKIPPED_PARTS = frozenset({"test", "tests", "spec", "specs", "__tests__", "e2e", "cypress", "fixtures", "migrations"})


def in_test_folder(path: PurePosixPath) -> bool:
    """Under a test folder, or an Nx end-to-end project (`apps/cart-e2e`: Nx names them `<app>-e2e`)."""
    folders = path.parts[:-1]
    return bool(set(folders) & SKIPPED_PARTS) or any(folder.endswith("-e2e") for folder in folders)


AUTH_PACKAGES = re.compile(
    r"""["'\s^](?:flask[-_]login|flask[-_]jwt[-_]extended|flask[-_]security\S*|flask[-_]httpauth|django[-_]allauth|
    djangorestframework[-_]simplejwt|fastapi[-_]users|authlib|python[-_]jose|passport(?:-[\w-]+)?|express[-_]jwt|
    next-auth|@auth/[\w-]+|@clerk/[\w-]+|@auth0/[\w-]+|@supabase/auth[\w-]*|ember-simple-auth|@angular/fire|
    devise|omniauth[\w-]*|sorcery|clearance|rodauth[\w-]*|warden|laravel/(?:breeze|fortify|jetstream|ui)|tymon/jwt-auth)["'\s=<>~!@,;]""",
    re.IGNORECASE | re.VERBOSE | re.MULTILINE,
)
CODE_EVIDENCE = re.compile(
    r"""type\s*=\s*["']?password\b                                    # a password field: a login or sign-up form
    |["'`](?:/api)?(?:/auth|/accounts|/users)?/(?:log-?in|sign-?in|sign_in|log-?out|sign-?out|sign_out|sessions?/new)\b
    |["'](?:log_?in|log_?out|sign_?in|sign_?out)["']                    # a route or action named so
    |\b(?:log_?in|log_?out|sign_?in|sign_?out|login_user|logout_user)\s*(?:\(|=\s*(?:async\s*)?(?:\(|function)|:\s*(?:async\s*)?(?:\(|function))
    |\bsession\s*\[\s*["'](?:user|uid|account|member|logged|auth|login)
    |\$_SESSION\s*\[\s*["'](?:user|uid|account|member|logged|auth|login|id)
    |\breq\.session\.(?:user|uid|account|auth|logged|login)
    |(?:auth|session)\w*(?:\(\))?\s*\.\s*currentUser\b|\)\s*\.\s*currentUser\b  # auth.currentUser, getAuth().currentUser
    |\b(?:current_user|request\.user|req\.user|g\.user|isAuthenticated|is_authenticated|login_required|
       authenticate_user!|has_secure_password|password_verify|check_password_hash|check_password|LoginView|
       getServerSession|useSession|AUTH_USER_MODEL|LoginManager)\b
    |["']django\.contrib\.auth["']                                     # Django's users (and its admin sign-in)
    |auth\(\)\s*->\s*(?:user|check|id)\b|\bAuth::(?:user|check|attempt|id)\b
    |["']Authorization["']""",
    re.IGNORECASE | re.VERBOSE,
)
# In code a bare `currentUser` is any variable (react-boilerplate keeps the GitHub name it looks up
# under that key of its Redux state); in a template it is the page's signed-in user.
TEMPLATE_SUFFIXES = (".html", ".htm", ".hbs", ".handlebars", ".ejs", ".erb", ".haml", ".slim", ".pug", ".twig", ".jinja", ".jinja2", ".j2")
TEMPLATE_EVIDENCE = re.compile(r"\bcurrentUser\b")


@dataclass(frozen=True)
class SignInEvidence:
    """Where the app signs users in: a file, a line and what was found there."""

    file: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.what}"


def find_sign_in(tree: ProjectTree, backend: Detection[BackendDetails] | None, receipt: Receipt | None, *, under: str = "") -> list[SignInEvidence]:
    """Every place that shows the app signs users in (the first few are enough to decide); with `under`,
    only in that folder (a workspace's front end: a sibling package's docs page is not its sign-in)."""
    found: list[SignInEvidence] = []
    if backend is not None:
        details = backend.details
        if details.sign_in is not None:
            found.append(SignInEvidence(backend.root or ".", 0, f"{backend.name} sign-in recognised: {details.sign_in}"))
        if details.token_auth is not None:
            found.append(SignInEvidence(backend.root or ".", 0, f"{backend.name} token authentication"))
    ours = set(receipt.created) if receipt else set()
    code_suffixes = (*CODE_SUFFIXES, *component_suffixes())  # and the front ends' own kinds (.vue)
    prefix = f"{under.rstrip('/')}/" if under and under != "." else ""
    for path in tree.files:
        if not path.startswith(prefix):
            continue
        name = PurePosixPath(path)
        if path in ours or path == RECEIPT_PATH or "intercom" in name.name.lower() or in_test_folder(name):
            continue
        patterns: tuple[re.Pattern[str], ...] = (
            (AUTH_PACKAGES,) if name.name in MANIFESTS else (CODE_EVIDENCE, AUTH_PACKAGES) if path.endswith(code_suffixes) else ()
        )
        if path.endswith(TEMPLATE_SUFFIXES):
            patterns = (*patterns, TEMPLATE_EVIDENCE)
        if not patterns or ".test." in name.name or ".spec." in name.name:
            continue
        text = _text(tree, path)
        match = next((m for m in (p.search(text) for p in patterns) if m is not None), None) if text is not None else None
        if match is not None:
            found.append(SignInEvidence(path, text.count("\n", 0, match.start()) + 1, match.group(0).strip(" \"'=<>~!@,;")))  # type: ignore[union-attr]
            if len(found) >= 5:
                break
    return found


def _text(tree: ProjectTree, path: str) -> str | None:
    """The file's text, or None for what cannot be evidence (too large, generated, unreadable)."""
    try:
        if tree.resolve(path).stat().st_size > MAX_BYTES:
            return None
        return tree.text(path)
    except (OSError, WizardError):
        return None
