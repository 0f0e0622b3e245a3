"""What every single-page front end shares: the Messenger core module, the SDK dependency, and
wiring the app's own login/logout code to the Messenger.

The core (`templates/spa/intercom-messenger.ts`, plain JS for JavaScript projects) is framework
agnostic: each framework module only adds the idiomatic glue (a React component, a Vue plugin, an
Angular service, an Ember service, a Next.js client component) that calls its four functions:
`startIntercomMessenger`, `intercomPageChanged`, `intercomLogin`, `intercomLogout`.

Its modules: `core` (the core module, the SDK, `SpaApp`), `imports` (placing an import in a source
file), `auth_functions` (finding the app's login/logout functions), `success` (where a login has
certainly succeeded), `auth_hooks` (the edits that call the Messenger's hooks from them). The
names the framework modules and tests import are re-exported here.
"""

from intercom_wizard.integrations.frontends.spa_common.auth_functions import (
    LOGIN_NAME,
    LOGOUT_NAME,
    SCRIPT_SUFFIXES,
    AuthFunction,
    find_auth_functions,
    source_suffixes,
)
from intercom_wizard.integrations.frontends.spa_common.auth_hooks import hook_call, wire_auth_hooks
from intercom_wizard.integrations.frontends.spa_common.core import (
    CORE_TEMPLATE,
    SDK_PACKAGE,
    SDK_SPEC,
    SpaApp,
    core_module,
    core_source,
    import_path,
    spa_app,
    token_url,
)
from intercom_wizard.integrations.frontends.spa_common.imports import add_import, in_file_style, language_of, text_line_after

__all__ = [
    "CORE_TEMPLATE", "LOGIN_NAME", "LOGOUT_NAME", "SDK_PACKAGE", "SCRIPT_SUFFIXES", "SDK_SPEC",
    "AuthFunction", "SpaApp", "add_import", "core_module", "core_source", "find_auth_functions", "hook_call",
    "import_path", "in_file_style", "language_of", "source_suffixes", "spa_app", "text_line_after", "token_url", "wire_auth_hooks",
]
