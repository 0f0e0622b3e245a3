"""Sinatra: a `get` route for the token endpoint in the app itself, classic or modular.

A classic app (`require "sinatra"`) gets the route at the top level, after its last route; a
modular app (`class App < Sinatra::Base`) gets it inside the class, after the last route there.
The file also gets `require "json"` / `require "jwt"` after its last require, and the Gemfile (if
any) `gem "jwt"`. The signed-in user is the app's `current_user` helper when it has one (read as
`user[:email]` or `user.email`, whichever the app itself uses), else the id it keeps in
`session[:..._id]`; with neither the route fails closed. The Messenger script goes to `public/`
(Sinatra serves it as a static file) and `views/layout.erb` gets the script tag.
"""

from intercom_wizard.integrations.backends.sinatra.details import SinatraAuth, SinatraDetails
from intercom_wizard.integrations.backends.sinatra.detect import NAME, detect
from intercom_wizard.integrations.backends.sinatra.pages import page_host
from intercom_wizard.integrations.backends.sinatra.route import ADAPTER_HELPER, plan
from intercom_wizard.support import Supported, SupportTable

# The packages that identify it (registry-derived tables read these), and its docs page.
PACKAGES: tuple[str, ...] = ("sinatra",)
DOC: str | None = None
# The versions this integration generates code for (docs list the same table).
SUPPORTED: SupportTable = (
    Supported("Sinatra", "ruby", "sinatra", (1, 4), (5, 0)),  # halt, cache_control, content_type :json: all in 1.4
    Supported("Ruby", "language", "ruby", (2, 2)),  # jwt 2.3.x (Ruby >= 2.1) below 2.5, Hash#reject below 2.4
)

__all__ = ["DOC", "PACKAGES", "ADAPTER_HELPER", "NAME", "SUPPORTED", "SinatraAuth", "SinatraDetails", "detect", "page_host", "plan"]
