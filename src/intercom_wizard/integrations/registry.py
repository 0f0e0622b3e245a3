"""The registry of integrations: each module declares `detect()`, `plan()` and `page_host()`.

Imported on first use of `intercom_wizard.integrations.BACKENDS` / `FRONTENDS` (see __init__.py).
"""

from intercom_wizard.integrations.backends import django, express, fastapi, flask, laravel, php, rails, sinatra
from intercom_wizard.integrations.frontends import angular, ember, html, nextjs, react, spa, vue

BACKENDS = {
    module.NAME: module
    for module in (
        flask,
        django,
        express,
        fastapi,
        rails,
        sinatra,
        php,
        laravel,
    )
}
FRONTENDS = {html.NAME: html, react.NAME: react, nextjs.NAME: nextjs, angular.NAME: angular, vue.NAME: vue, ember.NAME: ember}
DETECT_ONLY_FRONTENDS = spa  # recognised so detection can say so; installed by a later release
