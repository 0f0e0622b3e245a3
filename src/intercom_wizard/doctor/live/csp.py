"""The page's Content-Security-Policy header against the sources the Messenger needs.

A policy that leaves Intercom out fails without an error anyone sees: the Messenger just never
shows up. Only the header of the page at --url is read (a <meta> policy, or another page's header,
is not seen here; `intercom-wizard verify` sees what the browser enforces).
"""

from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

from intercom_wizard.csp import HELP_URL, governing_directive, intercom_sources, parse_policy
from intercom_wizard.doctor.findings import Finding, Severity
from intercom_wizard.doctor.live.http import HttpReply, Unreachable, send
from intercom_wizard.doctor.live.options import LiveOptions
from intercom_wizard.options import Region

HTML = {"Accept": "text/html"}
MAX_REDIRECTS = 3  # a page that sends visitors to a login page or a locale is still the page
# Without these the Messenger does not start, or cannot talk to Intercom; the rest costs fonts, images, attachments.
ESSENTIAL = ("script-src", "connect-src")
_DEFAULT_PORTS = {"http": "80", "https": "443", "ws": "80", "wss": "443"}
# Browsers let a source match the same URL over the secure scheme (http: also allows https:).
_UPGRADES = {"http": {"http", "https"}, "https": {"https"}, "ws": {"ws", "wss"}, "wss": {"wss"}}
# A source without a scheme means the page's own, and the WebSocket schemes of the same security.
_SCHEMELESS = {"http": {"http", "https", "ws", "wss"}, "https": {"https", "wss"}}


def missing_sources(policy: str, region: Region, page_scheme: str = "https") -> dict[str, tuple[str, list[str]]]:
    """Directive the Messenger needs -> (the policy's directive that decides it, the sources it does not allow)."""
    directives = parse_policy(policy)
    missing: dict[str, tuple[str, list[str]]] = {}
    for directive, needed in intercom_sources(region).items():
        # The Messenger loads its scripts with <script> elements, so script-src-elem decides first.
        governing = governing_directive("script-src-elem" if directive == "script-src" else directive, directives)
        if governing is None:
            continue  # not restricted by this policy
        sources = [source.lower() for source in directives[governing]]
        trusted_by_nonce = "'strict-dynamic'" in sources and any(source.startswith(("'nonce-", "'sha")) for source in sources)
        if directive == "script-src" and trusted_by_nonce:
            continue  # host lists are ignored: the nonced Messenger script's own scripts are trusted
        lacking = [source for source in needed if not allows(sources, source, page_scheme)]
        if lacking:
            missing[directive] = (governing, lacking)
    return missing


def allows(sources: list[str], needed: str, page_scheme: str) -> bool:
    if needed.startswith("'"):
        neutralised = needed == "'unsafe-inline'" and any(source.startswith(("'nonce-", "'sha")) for source in sources)
        return needed in sources and not neutralised
    scheme, separator, host = needed.partition("://")
    if not separator:  # a scheme source the Messenger needs, such as data: or blob:
        return needed in sources
    return any(_matches(source, scheme, host, page_scheme) for source in sources)


def _matches(source: str, scheme: str, host: str, page_scheme: str) -> bool:
    if source == "*":
        return scheme in _DEFAULT_PORTS
    if source.startswith("'"):
        return False  # 'self', 'none', nonces, hashes: never an Intercom host
    if source.endswith(":") and "/" not in source:
        return scheme in _UPGRADES.get(source[:-1], {source[:-1]})
    source_scheme, separator, rest = source.partition("://")
    if not separator:
        source_scheme, rest = "", source
    if scheme not in (_UPGRADES.get(source_scheme, {source_scheme}) if source_scheme else _SCHEMELESS.get(page_scheme, {page_scheme})):
        return False
    source_host, _, port = rest.split("/", 1)[0].partition(":")
    if port and port not in ("*", _DEFAULT_PORTS[scheme]):
        return False
    if source_host == "*":
        return True
    if host.startswith("*."):  # the Messenger needs every subdomain: only a wildcard as wide covers them
        return source_host.startswith("*.") and host[1:].endswith(source_host[1:])
    return source_host == host or (source_host.startswith("*.") and host.endswith(source_host[1:]))


def page_policy(options: LiveOptions) -> Iterator[Finding]:
    fetched = _fetch_page(options)
    if fetched is None:
        return
    reply, url = fetched
    region = options.region or Region.US
    scheme = urlsplit(url).scheme
    for header, enforced in (("Content-Security-Policy", True), ("Content-Security-Policy-Report-Only", False)):
        value = reply.header(header)
        if not value:
            continue
        missing: dict[str, tuple[str, list[str]]] = {}
        for policy in value.split(","):  # several policies: each one is enforced on its own
            for directive, (governing, lacking) in missing_sources(policy, region, scheme).items():
                known = missing.setdefault(directive, (governing, []))[1]
                known += [source for source in lacking if source not in known]
        if missing:
            yield _finding(url, header, value, missing, enforced, options.region)


def _fetch_page(options: LiveOptions) -> tuple[HttpReply, str] | None:
    url = options.url
    for _ in range(MAX_REDIRECTS + 1):
        try:
            reply = send("GET", url, HTML, timeout=options.timeout)
        except Unreachable:
            return None  # the token endpoint's check already says the app cannot be reached
        location = reply.header("location")
        if not (300 <= reply.status < 400 and location):
            return (reply, url) if 200 <= reply.status < 300 else None
        url = urljoin(url, location)
    return None


def _finding(url: str, header: str, value: str, missing: dict[str, tuple[str, list[str]]], enforced: bool, region: Region | None) -> Finding:
    lines = []
    for directive, (governing, lacking) in missing.items():
        decided_by = "" if governing == directive else f" ({governing} applies)"
        lines.append(f"{directive}{decided_by} lacks {' '.join(lacking)}")
    shown = value if len(value) <= 300 else value[:300] + "..."
    workspace = f"{region.value.upper()}-hosted workspace" if region else "US hosts: the workspace's region is unknown, pass --region"
    if enforced:
        finding_id = "csp-blocks-intercom"
        severity = Severity.ERROR if any(directive in ESSENTIAL for directive in missing) else Severity.WARNING
        message = f"The page's {header} leaves out what the Messenger needs ({workspace}): {'; '.join(lines)}. Header: {shown}"
        why = (
            "The browser refuses whatever the policy does not list, and says so only in the console: without script-src "
            "the Messenger never appears, without connect-src it cannot reach Intercom, without the others it shows "
            "without its fonts, images, attachments or articles."
        )
    else:
        finding_id = "csp-report-only-blocks-intercom"
        severity = Severity.INFO
        message = f"The page's {header} would block the Messenger once enforced ({workspace}): {'; '.join(lines)}. Header: {shown}"
        why = "Report-only policies block nothing yet; enforcing this one as it is would hide or break the Messenger."
    fix = (
        f"Add the missing sources to those directives ({HELP_URL}); where another directive applies now, add the "
        "directive itself with that one's sources plus these. For script-src, a nonce with 'strict-dynamic' instead "
        "of the hosts: `intercom-wizard install --csp-nonce`. Then prove it in a browser: `intercom-wizard verify`."
    )
    return Finding(finding_id, severity, message, why, fix, url)
