"""How the front end drives the Messenger: identity, logout, region and workspace id."""

import re
from collections.abc import Iterable, Iterator

from ast_grep_py import SgNode

from intercom_wizard.doctor.checks.context import StaticContext
from intercom_wizard.doctor.findings import Finding, Severity
from intercom_wizard.doctor.messenger import MessengerCall, messenger_calls, messenger_units, uses_sdk
from intercom_wizard.doctor.sources import CodeUnit, Side
from intercom_wizard.doctor.syntax import STRING_KINDS, literal_text, mapping_entries, resolve
from intercom_wizard.existing import find_existing_intercom
from intercom_wizard.options import Region
from intercom_wizard.upgrade import UpgradeStep, upgrade_steps

IDENTITY_KEYS = frozenset({"email", "name", "user_id", "userId"})
JWT_KEYS = frozenset({"intercom_user_jwt", "intercomUserJwt"})
HASH_KEYS = frozenset({"user_hash", "userHash"})
API_HOSTS = {Region.US: "api-iam.intercom.io", Region.EU: "api-iam.eu.intercom.io", Region.AU: "api-iam.au.intercom.io"}
SDK_REGIONS = {"us": Region.US, "eu": Region.EU, "ap": Region.AU}
WORKSPACE_IN_URL = re.compile(r"widget\.intercom\.io/widget/([A-Za-z0-9_]+)")
PLACEHOLDER_IDS = re.compile(r"^(YOUR_|<|APP_ID$|WORKSPACE_ID$)", re.IGNORECASE)
_LOGOUT_TEXT = re.compile(r"log.?o(ut|ff)|sign.?out", re.IGNORECASE)  # a pre-filter; the tree decides
_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
LOGOUT_KINDS = (
    "identifier", "property_identifier", "shorthand_property_identifier", "string_content", "string_fragment",
    "attribute_value", "text", "name", "constant", "simple_symbol", "hash_key_symbol",
)


def _all_calls(context: StaticContext) -> list[MessengerCall]:
    return [call for unit in messenger_units(context.sources) for call in messenger_calls(unit)]


def check_messenger_present(context: StaticContext) -> Iterable[Finding]:
    if messenger_units(context.sources):
        return
    yield Finding(
        "messenger-not-found",
        Severity.INFO,
        "No front-end code that loads or boots the Intercom Messenger was found; front-end checks were skipped.",
        "doctor reads the Messenger calls (boot, shutdown, region) from your front-end code.",
        "Run `intercom-wizard install`, or point doctor at the folder that holds the front end.",
    )


def check_user_hash(context: StaticContext) -> Iterable[Finding]:
    """user_hash and every other part of a hand-written installation, each with what `install --upgrade` does."""
    steps = upgrade_steps(context.sources.tree, find_existing_intercom(context.sources.tree, context.receipt))
    step_at = {step.path: step for step in steps}
    # A page can hold two parts (a PHP page computing user_hash above its snippet): the fix names both.
    steps_at = {path: [step for step in steps if step.path == path] for path in step_at}
    reported: set[str] = set()
    for unit in context.sources.units:
        if not unit.mentions(*HASH_KEYS):
            continue
        node = next((n for n in unit.find_all("property_identifier", "identifier", "hash_key_symbol", *STRING_KINDS) if _names_hash(n)), None)
        if node is None:
            continue
        step = step_at.get(unit.path)
        reported.add(unit.path)
        yield Finding(
            "user-hash",
            Severity.WARNING,
            f"{'The front end' if unit.side is Side.FRONTEND else 'The server'} uses user_hash, the deprecated HMAC identity verification.",
            "user_hash only proves the user_id/email; attributes stay spoofable, there is no expiry, and Intercom "
            "recommends moving to JWTs (intercom_user_jwt), which carry signed attributes and expire.",
            " ".join(_upgrade_fix(each) for each in steps_at[unit.path]) if step is not None and step.supported else "Upgrade to JWT: sign {user_id, email, name, exp} on the "
            "server with HS256 and boot with intercom_user_jwt instead of user_hash, then enforce identity verification "
            "for JWTs on the Messenger Security page"
            + (" (`intercom-wizard install --upgrade` does not convert this file yet)." if step is not None else "."),
            unit.path,
            unit.line_of(node),
        )
    for step in steps:
        if step.path in reported:
            continue
        yield Finding(
            "upgrade",
            Severity.WARNING,
            f"Intercom installed by hand: {step.found}.",
            "The wizard will not add a second Messenger next to it; `install --upgrade` converts it to JWT identity "
            "verification in place.",
            _upgrade_fix(step),
            step.path,
            step.line,
        )


def _upgrade_fix(step: UpgradeStep) -> str:
    if not step.supported:
        return f"`intercom-wizard install --upgrade`: {step.action}."
    return f"Run `intercom-wizard install --upgrade` ({step.path}:{step.line}: {step.action}; `uninstall` restores it)."


KEY_POSITIONS = frozenset(
    {"pair", "keyword_argument", "array_element_initializer", "subscript", "subscript_expression", "element_reference", "member_expression", "attribute"}
)


def _names_hash(node: SgNode) -> bool:
    """`user_hash` used as a setting: a key, a keyword argument, a property or a subscript."""
    text = literal_text(node) if node.kind() in STRING_KINDS else node.text()
    parent = node.parent()
    return text in HASH_KEYS and parent is not None and parent.kind() in KEY_POSITIONS


def check_insecure_boot(context: StaticContext) -> Iterable[Finding]:
    for call in _all_calls(context):
        if call.command != "boot" or call.settings is None:
            continue
        entries = mapping_entries(call.settings)
        keys = {e.key for e in entries if e.key is not None}
        spread = any(e.key is None for e in entries)
        identity = sorted(keys & IDENTITY_KEYS)
        if not identity or keys & (JWT_KEYS | HASH_KEYS) or spread:
            continue
        yield Finding(
            "insecure-boot",
            Severity.ERROR,
            f"The Messenger is booted with user attributes ({', '.join(identity)}) and no intercom_user_jwt.",
            "Unsigned attributes come from the browser: anyone can open the console, boot as another user's "
            "email or user_id and read their conversations.",
            "Fetch a JWT from your server (it signs user_id, email and name) and boot with { app_id, "
            "intercom_user_jwt: token } only; boot anonymously ({ app_id }) when nobody is signed in.",
            call.unit.path,
            call.line,
        )


def check_shutdown(context: StaticContext) -> Iterable[Finding]:
    calls = _all_calls(context)
    if not calls or any(c.command == "shutdown" for c in calls):
        return
    logout = _find_logout(context)
    if logout is None:
        return
    unit, node = logout
    yield Finding(
        "no-shutdown",
        Severity.ERROR,
        "The app lets users sign out, but no front-end code calls Intercom('shutdown').",
        "Without shutdown the Messenger keeps the previous user's session cookie: the next person on the same "
        "device sees their conversations.",
        "Call Intercom('shutdown') in the logout flow before the session is cleared, then boot anonymously "
        "({ app_id }); with the SDK, call shutdown(). For a server-side logout, shut down on the next page load "
        "when the token endpoint answers 401.",
        unit.path,
        unit.line_of(node),
    )


def _find_logout(context: StaticContext) -> tuple[CodeUnit, SgNode] | None:
    units = [u for u in context.sources.units if u.path not in context.ours]
    units.sort(key=lambda u: u.side is not Side.BACKEND)
    for unit in units:
        if not _LOGOUT_TEXT.search(unit.text):
            continue
        for node in unit.find_all(*LOGOUT_KINDS):
            if _means_logout(node.text()):
                return unit, node
    return None


def _means_logout(text: str) -> bool:
    words = [w.lower() for w in _WORDS.findall(text)]
    pairs = zip(words, words[1:])
    return any(w in ("logout", "signout", "logoff") for w in words) or any(p in (("log", "out"), ("sign", "out"), ("log", "off")) for p in pairs)


def check_region(context: StaticContext) -> Iterable[Finding]:
    expected = context.region
    units = messenger_units(context.sources)
    if expected is None or not units:
        return
    hosts, sdk_values = list(_api_hosts(units)), list(_sdk_regions(units))
    mismatches = [
        _mismatch(unit, node, expected, f"api_base points at the {region.value.upper()} data center ({API_HOSTS[region]})")
        for unit, node, region in hosts
        if region is not expected
    ]
    for unit, node, value in sdk_values:
        region = SDK_REGIONS.get(value)
        if value == "au":
            mismatches.append(_mismatch(unit, node, expected, "region: 'au' is not a value the SDK knows: Australia is 'ap'"))
        elif region is not None and region is not expected:
            mismatches.append(_mismatch(unit, node, expected, f"region: '{value}' selects the {region.value.upper()} data center"))
    if mismatches or expected is Region.US:
        yield from mismatches
        return
    sdk = any(uses_sdk(u) for u in units)
    has_host = any(region is expected for _, _, region in hosts)
    has_sdk_region = any(SDK_REGIONS.get(value) is expected for _, _, value in sdk_values)
    if has_sdk_region or (has_host and not sdk):
        return
    boot = next((c for c in _all_calls(context) if c.command == "boot"), None)
    unit, line = (boot.unit, boot.line) if boot is not None else (units[0], units[0].line_offset + 1)
    wanted = f"region: '{expected.sdk_region}'" if sdk else f"api_base: '{expected.api_base}'"
    yield Finding(
        "region-missing",
        Severity.ERROR,
        f"The workspace is hosted in {expected.value.upper()}, but the Messenger is booted without {wanted}.",
        "Without it the Messenger talks to the US data center, which does not know this workspace: it does not "
        "load, or users are not identified."
        + (" The SDK overwrites any api_base you pass, so only `region` works there." if sdk and has_host else ""),
        f"Add {wanted} to every boot call.",
        unit.path,
        line,
    )


def _mismatch(unit: CodeUnit, node: SgNode, expected: Region, what: str) -> Finding:
    return Finding(
        "region-mismatch",
        Severity.ERROR,
        f"The workspace is hosted in {expected.value.upper()}, but {what}.",
        "The Messenger then talks to a data center that does not hold this workspace.",
        f"Use the {expected.value.upper()} setting: "
        + (f"api_base '{expected.api_base}' (snippet) or region '{expected.sdk_region}' (SDK)." if expected.api_base else "remove api_base / region."),
        unit.path,
        unit.line_of(node),
    )


def _api_hosts(units: list[CodeUnit]) -> Iterator[tuple[CodeUnit, SgNode, Region]]:
    for unit in units:
        for node in unit.find_all(*STRING_KINDS):
            text = node.text()
            for region, host in API_HOSTS.items():
                if f"//{host}" in text:
                    yield unit, node, region


def _sdk_regions(units: list[CodeUnit]) -> Iterator[tuple[CodeUnit, SgNode, str]]:
    for unit in units:
        for call in messenger_calls(unit):
            if call.settings is None:
                continue
            for entry in mapping_entries(call.settings):
                value = literal_text(resolve(unit, entry.value)) if entry.key == "region" else None
                if value is not None:
                    yield unit, entry.value, value.lower()


def check_workspace_id(context: StaticContext) -> Iterable[Finding]:
    for unit, node, value in _workspace_ids(context):
        if PLACEHOLDER_IDS.match(value):
            yield Finding(
                "workspace-id-placeholder",
                Severity.ERROR,
                f"The Messenger is set up with a placeholder workspace id ({value}).",
                "Intercom cannot load a Messenger for a workspace that does not exist.",
                "Replace it with your workspace id (the part after /a/apps/ in the URL of your Intercom workspace).",
                unit.path,
                unit.line_of(node),
            )
        elif context.workspace_id is not None and value != context.workspace_id:
            yield Finding(
                "workspace-id-mismatch",
                Severity.ERROR,
                f"The Messenger loads workspace {value}, not {context.workspace_id}.",
                "Users would be identified in another workspace (or none); the identity secret of one workspace does "
                "not verify tokens for another.",
                f"Use app_id '{context.workspace_id}' everywhere the Messenger is loaded and booted.",
                unit.path,
                unit.line_of(node),
            )


def _workspace_ids(context: StaticContext) -> Iterator[tuple[CodeUnit, SgNode, str]]:
    for unit in messenger_units(context.sources):
        for call in messenger_calls(unit):
            for entry in mapping_entries(call.settings) if call.settings is not None else []:
                if entry.key in ("app_id", "appId"):
                    value = literal_text(resolve(unit, entry.value))
                    if value and "{" not in value:
                        yield unit, entry.value, value
        for node in unit.find_all(*STRING_KINDS):
            match = WORKSPACE_IN_URL.search(node.text())
            if match is not None:
                yield unit, node, match.group(1)
