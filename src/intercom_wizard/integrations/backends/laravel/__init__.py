"""Laravel: an invokable controller, one route behind the app's auth middleware, the script in Blade.

Recognised by `artisan` beside a composer.json requiring laravel/framework (plain PHP detection
leaves such a project alone). Adds:

- `app/Http/Controllers/IntercomJwtController.php`: the signed-in `$request->user()`'s id, email and
  name (only attributes the User model has: `$fillable` and the users migration), signed with
  firebase/php-jwt's `JWT::encode($claims, $secret, 'HS256')`, `Cache-Control: no-store`.
- the route: session apps get it in `routes/web.php` behind `auth`; token apps (Sanctum installed,
  `auth:sanctum` in routes/api.php, no session login: `token_auth`, so the pages send their bearer
  token) get it in `routes/api.php` behind `auth:sanctum`, without the API prefix Laravel adds.
  Laravel's auth middleware answers a request that accepts JSON with 401 `{"message":
  "Unauthenticated."}` instead of redirecting to the login page, and the Messenger script sends
  `Accept: application/json`. (That 401 carries Laravel's default `Cache-Control: no-cache,
  private`; the controller's own answers carry `no-store`.)
- `firebase/php-jwt` in composer.json `require` (sort-packages order when the project asks for it).
- the secret: `INTERCOM_IDENTITY_SECRET` in `.env` (when it exists and git ignores it), an empty
  `INTERCOM_IDENTITY_SECRET=` in `.env.example`, and `services.intercom.identity_secret` in
  `config/services.php` so the controller reads it with `config()` (which survives config:cache).
- the Messenger script in `public/`, referenced as `{{ asset('intercom-messenger.js') }}` before
  `</body>` of each Blade layout.
- pages on another origin (--frontend-origin): Laravel's CORS policy is app-wide (config/cors.php),
  so the plan shows the exact change as a manual step rather than editing it.
"""

from intercom_wizard.integrations.backends.laravel.details import LaravelAuth, LaravelDetails
from intercom_wizard.integrations.backends.laravel.detect import NAME, detect
from intercom_wizard.integrations.backends.laravel.endpoint import plan
from intercom_wizard.integrations.backends.laravel.pages import SCRIPT_SRC, page_host
from intercom_wizard.integrations.backends.laravel.routes import CONTROLLER, CONTROLLER_IMPORT
from intercom_wizard.support import Supported, SupportTable

# The packages that identify it (registry-derived tables read these), and its docs page.
PACKAGES: tuple[str, ...] = ("laravel/framework",)
DOC: str | None = "docs/backends-php.md"
# The versions this integration generates code for (docs list the same table).
SUPPORTED: SupportTable = (
    Supported("Laravel", "php", "laravel/framework", (5, 5), (13, 0)),
    Supported("PHP", "language", "php", (7, 1)),
    Supported("firebase/php-jwt", "php", "firebase/php-jwt", (5, 0), (8, 0), optional=True),
)

__all__ = [
    "DOC",
    "PACKAGES",
    "CONTROLLER",
    "CONTROLLER_IMPORT",
    "NAME",
    "SCRIPT_SRC",
    "SUPPORTED",
    "LaravelAuth",
    "LaravelDetails",
    "detect",
    "page_host",
    "plan",
]
