"""One behavioural contract for the two Messenger clients: the plain-JS script (templates/html,
server-rendered pages) and the single-page core (templates/spa, every SPA integration).

They implement the same boot / retry / refresh / sign-out logic separately (issue 15); until they are
generated from one source, each scenario here runs both, rendered exactly as installs render them,
in the same stand-in browser (tests/client_contract.mjs under Node: a virtual clock, storage, the
token endpoint's answers) and requires the same log of what the Messenger was asked to do:
`boot anonymous`, `boot user:<id>`, `shutdown`, `update`, and each token request with its
credentials and Authorization header.
"""

import json
import shutil
import subprocess
from pathlib import Path

import jwt
import pytest

from intercom_wizard.integrations.frontends.html import script_source
from intercom_wizard.integrations.frontends.spa_common import core_source
from intercom_wizard.options import ClientAuth, InstallOptions, Region, TokenEncoding, parse_workspace_id
from intercom_wizard.typescript import strip_types

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")

HARNESS = Path(__file__).with_name("client_contract.mjs")
T0 = 1_700_000_000  # the harness's virtual clock starts here (seconds)
URL = "/api/intercom-jwt"
FETCH = f"fetch {URL} include -"
REFRESH_AT_MS = (2 * 60 * 60 - 5 * 60) * 1000  # both refresh 5 minutes before the 2-hour token expires
BOOTED_USER_KEY = "intercom-messenger:user-id"
EU_API_BASE = "https://api-iam.eu.intercom.io"
# The SDK exported the way the core imports it; each call reports to the harness.
SDK_STAND_IN = """const calls = () => globalThis.__sdkCalls;
export const Intercom = (settings) => calls().Intercom(settings);
export const boot = (settings) => calls().boot(settings);
export const shutdown = () => calls().shutdown();
export const update = (settings) => calls().update(settings);
export default { Intercom, boot, shutdown, update };
"""


def token(user_id: str) -> str:
    return jwt.encode({"user_id": user_id, "iat": T0, "exp": T0 + 2 * 60 * 60}, "contract-secret-of-at-least-32-bytes", algorithm="HS256")


def ok(user_id: str) -> dict[str, object]:
    return {"status": 200, "body": {"token": token(user_id)}}


def status(code: int) -> dict[str, object]:
    return {"status": code, "body": {"error": "no"}}


NOT_JSON = {"status": 200}  # a page, not a token endpoint


# name: (client options, scenario, expected log, who is remembered as booted afterwards)
SCENARIOS: dict[str, tuple[dict[str, object], dict[str, object], list[str], str | None]] = {
    "signed-in user": ({}, {"responses": [ok("42")], "steps": ["start"]}, ["-- start", FETCH, "boot user:42"], "42"),
    "visitor (401)": ({}, {"responses": [status(401)], "steps": ["start"]}, ["-- start", FETCH, "boot anonymous"], None),
    "forbidden (403) is a visitor": ({}, {"responses": [status(403)], "steps": ["start"]}, ["-- start", FETCH, "boot anonymous"], None),
    "retries a failing endpoint": (
        {}, {"responses": [status(500), status(502), ok("42")], "steps": ["start", ["tick", 20_000]]},
        ["-- start", FETCH, FETCH, FETCH, "boot user:42"], "42",
    ),
    "gives up without booting": (
        {}, {"responses": [status(500)], "steps": ["start", ["tick", 60_000]]},
        ["-- start", FETCH, FETCH, FETCH, FETCH], None,
    ),
    "a token answer without a token never boots": (
        {}, {"responses": [{"status": 200, "body": {}}], "steps": ["start", ["tick", 60_000]]},
        ["-- start", FETCH, FETCH, FETCH, FETCH], None,
    ),
    "a missing endpoint (404) boots a lead after the retries": (
        {}, {"responses": [status(404)], "steps": ["start", ["tick", 60_000]]},
        ["-- start", FETCH, FETCH, FETCH, FETCH, "boot anonymous"], None,
    ),
    "an endpoint answering a page boots a lead after the retries": (
        {}, {"responses": [NOT_JSON], "steps": ["start", ["tick", 60_000]]},
        ["-- start", FETCH, FETCH, FETCH, FETCH, "boot anonymous"], None,
    ),
    "signed out on the server: shutdown before the lead": (
        {}, {"storage": {BOOTED_USER_KEY: "7"}, "responses": [status(401)], "steps": ["start"]},
        ["-- start", FETCH, "shutdown", "boot anonymous"], None,
    ),
    "another user signed in: shutdown before the boot": (
        {}, {"storage": {BOOTED_USER_KEY: "7"}, "responses": [ok("42")], "steps": ["start"]},
        ["-- start", FETCH, "shutdown", "boot user:42"], "42",
    ),
    "the same user again: no shutdown": (
        {}, {"storage": {BOOTED_USER_KEY: "42"}, "responses": [ok("42")], "steps": ["start"]},
        ["-- start", FETCH, "boot user:42"], "42",
    ),
    "refreshes the token before it expires": (
        {}, {"responses": [ok("42")], "steps": ["start", ["tick", REFRESH_AT_MS]]},
        ["-- start", FETCH, "boot user:42", FETCH, "boot user:42"], "42",
    ),
    "logout: shutdown, a lead, no more refreshes": (
        {}, {"responses": [ok("42")], "steps": ["start", "logout", ["tick", REFRESH_AT_MS * 2]]},
        ["-- start", FETCH, "boot user:42", "-- logout", "shutdown", "boot anonymous"], None,
    ),
    "login: shutdown, a token request, the user": (
        {}, {"responses": [status(401), ok("42")], "steps": ["start", "login"]},
        ["-- start", FETCH, "boot anonymous", "-- login", "shutdown", FETCH, "boot user:42"], "42",
    ),
    "client-side navigation updates a booted Messenger": (
        {}, {"responses": [ok("42")], "steps": ["start", "route"]},
        ["-- start", FETCH, "boot user:42", "-- route", "update"], "42",
    ),
    "navigation before the boot does nothing": (
        {}, {"responses": [status(500)], "steps": ["start", "route"]},
        ["-- start", FETCH, "-- route"], None,
    ),
    "an app without sign-in never asks for a token": (
        {"anonymous_only": True}, {"responses": [ok("42")], "steps": ["start", "route"]},
        ["-- start", "boot anonymous", "-- route", "update"], None,
    ),
    "bearer: the app's access token as the Authorization header": (
        {"bearer": True}, {"storage": {"access_token": "abc"}, "responses": [ok("42")], "steps": ["start"]},
        ["-- start", f"fetch {URL} same-origin Bearer abc", "boot user:42"], "42",
    ),
    "bearer, stored base64-encoded (btoa): decoded before it is sent": (
        {"bearer": True, "base64": True}, {"storage": {"access_token": "YWJj"}, "responses": [ok("42")], "steps": ["start"]},
        ["-- start", f"fetch {URL} same-origin Bearer abc", "boot user:42"], "42",
    ),
    "bearer, base64 expected but the stored value is not base64: a lead, no request": (
        {"bearer": True, "base64": True}, {"storage": {"access_token": "not base64!"}, "responses": [ok("42")], "steps": ["start"]},
        ["-- start", "boot anonymous"], None,
    ),
    "bearer without an access token: a lead, no request": (
        {"bearer": True}, {"responses": [ok("42")], "steps": ["start"]},
        ["-- start", "boot anonymous"], None,
    ),
    "a regional workspace boots with its api_base": (
        {"region": Region.EU}, {"responses": [ok("42")], "steps": ["start", "logout"]},
        ["-- start", FETCH, f"boot user:42 @{EU_API_BASE}", "-- logout", "shutdown", f"boot anonymous @{EU_API_BASE}"], None,
    ),
}


def _options(bearer: bool, region: Region, base64: bool = False) -> InstallOptions:
    return InstallOptions(
        workspace=parse_workspace_id("abc12345"),
        region=region,
        auth=ClientAuth.BEARER if bearer else None,
        token_storage_key="access_token" if bearer else None,
        token_storage_encoding=TokenEncoding.BASE64 if base64 else None,
    )


def _clients(folder: Path, settings: dict[str, object]) -> dict[str, Path]:
    """Both clients, rendered the way installs render them for these options."""
    anonymous_only = bool(settings.get("anonymous_only"))
    options = _options(bool(settings.get("bearer")), settings.get("region", Region.US), bool(settings.get("base64")))  # type: ignore[arg-type]
    plain = folder / "intercom-messenger.js"
    plain.write_text(script_source(options, token_url=None if anonymous_only else URL))
    # The modern-syntax variant (Biome projects) is built from the same template: it must behave the same.
    modern = folder / "intercom-messenger.modern.js"
    modern.write_text(script_source(options, token_url=None if anonymous_only else URL, modern=True))
    spa = folder / "messenger.mjs"
    spa.write_text(strip_types(core_source(options, anonymous_only=anonymous_only)))
    sdk = folder / "node_modules/@intercom/messenger-js-sdk"
    sdk.mkdir(parents=True)
    (sdk / "package.json").write_text(json.dumps({"name": "@intercom/messenger-js-sdk", "type": "module", "main": "index.js"}))
    (sdk / "index.js").write_text(SDK_STAND_IN)
    return {"plain": plain, "modern": modern, "spa": spa}


def _normalized(kind: str, log: list[str]) -> list[str]:
    """The SDK's first call, Intercom(settings), loads the widget and boots it. A shutdown the core owes
    from before that load (a previous user in storage) can only be sent right after it, so the core's
    `load X, shutdown, boot X` is the plain script's `shutdown, boot X` (which queues the shutdown)."""
    if kind != "spa":
        return log
    result: list[str] = []
    index = 0
    while index < len(log):
        entry = log[index]
        if entry.startswith("load "):
            booted = "boot " + entry.removeprefix("load ")
            if log[index + 1 : index + 3] == ["shutdown", booted]:
                result += ["shutdown", booted]
                index += 3
                continue
            entry = booted
        result.append(entry)
        index += 1
    return result


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_both_clients_do_the_same(tmp_path: Path, name: str) -> None:
    settings, scenario, expected, booted_user = SCENARIOS[name]
    scenario_file = tmp_path / "scenario.json"
    scenario_file.write_text(json.dumps(scenario))
    for kind, client in _clients(tmp_path, settings).items():
        harness_kind = "plain" if kind == "modern" else kind  # both plain scripts run as a page's <script>
        run = subprocess.run(["node", str(HARNESS), harness_kind, str(client), str(scenario_file)], capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, f"{kind}: {run.stderr}"
        outcome = json.loads(run.stdout)
        assert _normalized(kind, outcome["log"]) == expected, f"{kind} client: {outcome['log']}"
        assert outcome["booted_user"] == booted_user, f"{kind} client remembers {outcome['booted_user']!r}"
