"""Django: a view plus a URL pattern in the root URLconf, and the script in the base template.

Adds `intercom_jwt.py` beside the root URLconf, routes the endpoint there, and reads the user from
`request.user` (answering 401 rather than redirecting to the login page). The Messenger script is
a static file of a local app (or the first STATICFILES_DIRS folder) and the base template loads it
with `{% static %}`. Settings are not touched.

The package: settings.py reads the settings module, detect.py keeps what planning needs (typed in
details.py), plan.py writes the view from templates/django/, pages.py hosts the script.
"""

from intercom_wizard.integrations.backends.django.details import DjangoDetails
from intercom_wizard.integrations.backends.django.detect import NAME, detect
from intercom_wizard.integrations.backends.django.pages import page_host
from intercom_wizard.integrations.backends.django.plan import MODULE_NAME, plan
from intercom_wizard.support import Supported, SupportTable

# The versions this integration generates code for (docs list the same table).
SUPPORTED: SupportTable = (
    Supported("Django", "python", "django", (2, 2), (7, 0)),
    Supported("Python", "language", "python", (3, 8)),
)

# The package that identifies it (what the registry derives its tables from).
PACKAGES: tuple[str, ...] = ("django",)
DOC: str | None = None  # no page of its own under docs/ yet

__all__ = ["DOC", "PACKAGES", "MODULE_NAME", "NAME", "SUPPORTED", "DjangoDetails", "detect", "page_host", "plan"]
