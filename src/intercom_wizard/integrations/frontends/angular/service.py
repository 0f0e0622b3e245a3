"""The generated `IntercomMessengerService` (templates/angular/intercom-messenger.service.ts): the
template's variants are chosen here from the app's Angular, router, zone.js and rxjs, and only the
@angular/core and Messenger names the chosen variant uses are imported.

Angular 10 - 13 (NgModule era): no `inject()` function (14), so the dependencies are constructor
parameters (`@Inject(PLATFORM_ID)` for the token); no `takeUntilDestroyed` either (16): a root
service lives as long as the app, so its router subscription needs no teardown.
"""

import re

from intercom_wizard.integrations.frontends.spa_common import SpaApp, import_path
from intercom_wizard.templates import render

SERVICE_TEMPLATE = "angular/intercom-messenger.service.ts"
FIRST_WITH_TAKE_UNTIL_DESTROYED = 16
FIRST_WITH_INJECT_FUNCTION = 14


def service_source(app: SpaApp, major: int, router: bool, core_path: str, service_path: str) -> str:
    zone = app.depends_on("zone.js")
    teardown = router and major >= FIRST_WITH_TAKE_UNTIL_DESTROYED
    injection = "function" if major >= FIRST_WITH_INJECT_FUNCTION else "constructor"
    injecting = ["inject"] if injection == "function" else ["Inject"]
    core_imports = ["Injectable", "PLATFORM_ID", *injecting, *(["DestroyRef"] if teardown else []), *(["NgZone"] if zone else [])]
    router_choice = ("teardown" if teardown else "plain" if injection == "function" else "constructor") if router else "none"
    messenger_imports = ["intercomLogin", "intercomLogout", *(["intercomPageChanged"] if router else []), "startIntercomMessenger"]
    return render(
        SERVICE_TEMPLATE,
        {"injection": injection, "router": router_choice, "zone": injection if zone else "no"},
        # Angular's own order: classes and tokens first, then functions.
        core_imports=", ".join(sorted(core_imports, key=lambda name: (name != name.upper() and name[0].islower(), name))),
        rxjs_operators="rxjs/operators" if _rxjs_major(app) < 7 else "rxjs",
        messenger_imports=", ".join(messenger_imports),
        core_module=import_path(service_path, core_path),
    )


def service_reason(router: bool) -> str:
    navigation = ", and tells it about each NavigationEnd" if router else ""
    return f"IntercomMessengerService: starts the Messenger in the browser only{navigation}; login()/logout() hooks"


def _rxjs_major(app: SpaApp) -> int:
    spec = (app.manifest.get("dependencies") or {}).get("rxjs")
    match = re.search(r"\d+", spec) if isinstance(spec, str) else None
    return int(match.group(0)) if match else 7
