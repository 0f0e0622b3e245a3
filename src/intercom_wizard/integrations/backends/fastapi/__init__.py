"""FastAPI: an APIRouter serving the token endpoint, included where the app is created.

Adds `intercom_jwt.py` beside the module that creates the app (a module-level `app = FastAPI()`
or a factory function) and includes its router with `app.include_router(...)`. The user comes
from the app's own dependency, used with `Depends(...)` and imported from where it is defined:
a `get_current_user`-style function (session lookup or OAuth2/JWT bearer: the endpoint is then
protected by that same mechanism), or fastapi-users' `current_user(...)`. Without one, a user kept
in Starlette's `request.session`; with an OAuth2 bearer scheme but no user lookup, or nothing at
all, the endpoint fails closed and the notes say so. A dependency answering 401 itself is used as
it is; one returning None is turned into a 401. Apps rendering `Jinja2Templates` with a
`StaticFiles` mount get the Messenger script in their base layouts; API-only apps leave the page
to the SPA integration.

The package: detect.py finds the app, auth.py the user evidence (typed in details.py), claims.py
and plan.py write the endpoint from templates/fastapi/, pages.py hosts the script.
"""

from intercom_wizard.integrations.backends.fastapi.details import FastAPIDetails
from intercom_wizard.integrations.backends.fastapi.detect import MODULE_NAME, NAME, detect
from intercom_wizard.integrations.backends.fastapi.pages import SCRIPT_NAME, page_host
from intercom_wizard.integrations.backends.fastapi.plan import plan
from intercom_wizard.support import Supported, SupportTable

# The versions this integration generates code for (docs list the same table).
SUPPORTED: SupportTable = (
    # Annotated[..., Depends(...)] parameters from 0.95; before it, `= Depends(...)` defaults (plan.py).
    Supported("FastAPI", "python", "fastapi", (0, 88)),
    Supported("Python", "language", "python", (3, 8)),
)

# The package that identifies it (what the registry derives its tables from).
PACKAGES: tuple[str, ...] = ("fastapi",)
DOC: str | None = None  # no page of its own under docs/ yet

__all__ = ["DOC", "PACKAGES", "MODULE_NAME", "NAME", "SCRIPT_NAME", "SUPPORTED", "FastAPIDetails", "detect", "page_host", "plan"]
