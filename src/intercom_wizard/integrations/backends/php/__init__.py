"""Plain PHP: an endpoint script in the web root that reads the user the login code keeps in $_SESSION.

Recognised by `.php` files calling `session_start()` and using `$_SESSION`; a project with
`artisan` and laravel/framework in composer.json is Laravel's (see the laravel package), never this one's,
and a WordPress install (its users are not in $_SESSION) is left alone.

- The endpoint: `<web root>/api/intercom-jwt/index.php` for the default `/api/intercom-jwt`. A
  folder's `index.php` is what Apache, nginx and `php -S` run for the folder's URL, so the path
  needs no rewrite rule (Apache and nginx first redirect to the trailing slash). An endpoint that
  ends in `.php` (`--endpoint /api/intercom-jwt.php`) is exactly that file. When something is in
  the way (a file at that path, a front controller rewriting every request, the site's root), the
  plan has a manual step instead.
- The user: the login code's `$_SESSION['user'] = [...]` record (array or object), or
  `$_SESSION['user_id'] = ...` plus the email/name keys stored beside it, found with ast-grep.
  When `session_start()` lives in an include (session name, cookie parameters), the endpoint
  requires that same include so it reads the same session. No login found: it fails closed (401).
- Signing: with Composer, firebase/php-jwt (added to composer.json `require`; the endpoint
  requires the autoloader). Without Composer, deliberately no library: the endpoint carries a
  ten-line HS256 signer (`hash_hmac('sha256', ...)` over base64url JSON, RFC 7515/7519). HS256 is
  the only algorithm Intercom uses, the user may have no Composer either, and bringing Composer
  into a project that does not use it (vendor/, an autoloader, a lock file) for one function is a
  larger change than the feature. Any JWT library, PyJWT included, verifies these tokens.
- The Messenger script: one tag before `</body>` in every `.php` page or footer include that
  closes the document; the script itself is served from the web root as `/intercom-messenger.js`.
- The secret: the server's environment (Apache `SetEnv`, PHP-FPM `env[...]`), or `.env` when the
  bootstrap the endpoint includes loads it with vlucas/phpdotenv.
"""

from intercom_wizard.integrations.backends.php.details import NoSessionUser, PhpDetails, SessionRecord, SessionUser, SessionUserId
from intercom_wizard.integrations.backends.php.detect import NAME, detect
from intercom_wizard.integrations.backends.php.endpoint import endpoint_file, plan
from intercom_wizard.integrations.backends.php.pages import SCRIPT_SRC, page_host
from intercom_wizard.support import Supported, SupportTable

# The packages that identify it (registry-derived tables read these), and its docs page.
PACKAGES: tuple[str, ...] = ()  # recognised by its files alone: .php code calling session_start() and using $_SESSION
DOC: str | None = "docs/backends-php.md"
# The versions this integration generates code for (docs list the same table).
SUPPORTED: SupportTable = (
    Supported("PHP", "language", "php", (7, 1)),
    Supported("firebase/php-jwt", "php", "firebase/php-jwt", (5, 0), (8, 0), optional=True),
)

__all__ = [
    "DOC",
    "PACKAGES",
    "NAME",
    "SCRIPT_SRC",
    "SUPPORTED",
    "NoSessionUser",
    "PhpDetails",
    "SessionRecord",
    "SessionUser",
    "SessionUserId",
    "detect",
    "endpoint_file",
    "page_host",
    "plan",
]
