"""Rails: a controller plus a route for the token endpoint, the jwt gem, the script in the layouts.

Adds `app/controllers/intercom_jwts_controller.rb` (`IntercomJwtsController#show`, rendering JSON
with `Cache-Control: no-store`), routes `get "/api/intercom-jwt", to: "intercom_jwts#show"` inside
the `routes.draw do` block of `config/routes.rb`, and `gem "jwt"` after the Gemfile's last
top-level gem. The signed-in user comes from Devise (`current_user` / `user_signed_in?`), Rails 8's
authentication generator (`authenticated?` / `Current.user`) or the app's own `current_user` method;
the controller skips the app's sign-in filter (Devise's `authenticate_user!`, a `require_login`)
and answers 401 JSON itself: Devise's filter redirects any request that is not explicitly JSON and
its failure app drops the controller's `no-store` header. With none of these it fails closed.
The Messenger script goes to `public/` and every HTML layout in `app/views/layouts` (not the
mailer's) gets a plain `<script src="/intercom-messenger.js" defer>` tag: that works the same with
Sprockets, Propshaft, importmaps or jsbundling, whereas `javascript_include_tag` would need the
asset declared in the pipeline's manifest (Rails 6.1's Sprockets raises "not present in the asset
pipeline" otherwise) and a precompile step in production.
"""

from intercom_wizard.integrations.backends.rails.controller import CONTROLLER, plan
from intercom_wizard.integrations.backends.rails.details import RailsAuth, RailsDetails
from intercom_wizard.integrations.backends.rails.detect import NAME, detect
from intercom_wizard.integrations.backends.rails.pages import LAYOUTS, page_host
from intercom_wizard.support import Supported, SupportTable

# The packages that identify it (registry-derived tables read these), and its docs page.
PACKAGES: tuple[str, ...] = ("rails",)
DOC: str | None = None
# The versions this integration generates code for (docs list the same table).
SUPPORTED: SupportTable = (
    Supported("Rails", "ruby", "rails", (5, 0), (9, 0)),  # ActionController::API and before_action
    Supported("Ruby", "language", "ruby", (2, 2)),  # Rails 5.0's floor; jwt 2.3.x below Ruby 2.5
)

__all__ = ["DOC", "PACKAGES", "CONTROLLER", "LAYOUTS", "NAME", "SUPPORTED", "RailsAuth", "RailsDetails", "detect", "page_host", "plan"]
