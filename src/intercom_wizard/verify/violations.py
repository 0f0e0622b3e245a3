"""Content Security Policy violations that concern the Messenger, and the fix for each (pure).

A violation concerns the Messenger when what it blocked is a source the Messenger needs
(`intercom_wizard.csp.intercom_sources` for the workspace's region), the page's own Messenger
script or token endpoint, or inline code that is the Messenger's (its loader, its styles).
Everything else a policy blocks is the site's own business and is not reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from intercom_wizard.csp import governing_directive, intercom_sources, parse_policy
from intercom_wizard.verify.observe import Observations, Violation, is_intercom_host
from intercom_wizard.verify.settings import is_token_path

NONCE_FIX = "`intercom-wizard install --csp-nonce`"

# blockedURI values that are not URLs (Chromium reports data: and blob: URLs by their scheme alone).
_NOT_URLS = {"inline", "eval", "wasm-eval", "trusted-types-policy", "trusted-types-sink", "data", "blob"}
_KEYWORDS = {"eval": "'unsafe-eval'", "wasm-eval": "'wasm-unsafe-eval'", "data": "data:", "blob": "blob:"}


def family(directive: str) -> str:
    """script-src-elem -> script-src: the directive people write in their policies."""
    for suffix in ("-elem", "-attr"):
        if directive.endswith(suffix):
            return directive[: -len(suffix)]
    return directive


def intercom_source_for(url: str, directive: str, obs: Observations) -> str | None:
    """The source of Intercom's list that covers `url`, preferring the list of `directive`."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host:
        return None
    sources = intercom_sources(obs.options.region)
    ordered = list(sources.get(family(directive), ())) + [source for name, listed in sources.items() if name != family(directive) for source in listed]
    for source in ordered:
        scheme, separator, pattern = source.partition("://")
        if not separator or scheme != parts.scheme:
            continue
        if host == pattern or (pattern.startswith("*.") and host.endswith(pattern[1:])):
            return source
    return None


def _messenger_script_paths(obs: Observations) -> set[str]:
    return {loader.split("?")[0].split("#")[0] for page in obs.pages for loader in page.loader_scripts if loader.startswith("/")}


def is_messenger_script(url: str, obs: Observations) -> bool:
    """The page's own Messenger script: seen loading the widget, or named like ours (intercom-messenger.js)."""
    path = urlsplit(url).path
    return bool(path) and (path in _messenger_script_paths(obs) or "intercom" in path.rsplit("/", 1)[-1].lower())


def is_token_endpoint(url: str, obs: Observations) -> bool:
    """The page's token request: on whatever origin, since an SPA builds the URL from its API base at run
    time (another origin, a path prefix) and a request the policy refused never reaches the verifier's
    request hook; matched by path, as the hook matches the requests it sees."""
    blocked = urlsplit(url)
    return blocked.scheme in ("http", "https") and is_token_path(blocked.path, urlsplit(obs.options.endpoint_url).path)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _path(url: str) -> str:
    return urlsplit(url).path or "/"


@dataclass
class Blocked:
    """One thing the Messenger needs that a policy refused (or would refuse), and how to allow it."""

    target: str  # the blocked URL, or a description of blocked inline code
    directive: str  # the directive to change, as the policy names it
    enforced: bool
    fix: str
    script: bool  # a script the Messenger needs to load at all (check 1), not something it does once loaded
    policy: str
    phases: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)

    def describe(self) -> str:
        verb = "CSP blocked" if self.enforced else "CSP (report-only) would block"
        return f"{verb} {self.target} ({self.directive}) on {', '.join(self.pages)} ({', '.join(self.phases)})"

    def lines(self) -> list[str]:
        header = "Content-Security-Policy" if self.enforced else "Content-Security-Policy-Report-Only"
        policy = self.policy if len(self.policy) <= 300 else self.policy[:300] + "..."
        return [self.describe(), f"fix: {self.fix}", f"the page's {header}: {policy}"]


def _classify(violation: Violation, obs: Observations) -> Blocked | None:
    effective = violation.effective_directive or violation.violated_directive
    kind = family(effective)
    policy = parse_policy(violation.policy)
    governing = governing_directive(effective, policy)
    named = governing if governing not in (None, "default-src") else kind
    sources = policy.get(governing or "", [])
    nonce = any(source.startswith("'nonce-") for source in sources)
    strict_dynamic = "'strict-dynamic'" in sources
    nonce_option = f"use a nonce with 'strict-dynamic' — {NONCE_FIX}"
    blocked = violation.blocked
    from_messenger = is_intercom_host(violation.source_file) or is_messenger_script(violation.source_file, obs)

    if blocked in _NOT_URLS or blocked.startswith(("data:", "blob:")):
        blocked = blocked.split(":", 1)[0]
        if blocked == "inline" and kind == "script-src" and violation.mentions_intercom:
            target, script = "an inline <script> that loads the Messenger", True
            fix = f"give that <script> the request's nonce, or load the Messenger from a file and {nonce_option}"
        elif blocked == "inline" and kind == "style-src" and (from_messenger or violation.mentions_intercom):
            target, script = "the Messenger's inline styles", False
            fix = f"add 'unsafe-inline' to {named}"
            if nonce or any(source.startswith("'sha") for source in sources):
                fix += " (browsers ignore 'unsafe-inline' next to a nonce or hash in the same directive)"
        elif blocked in _KEYWORDS and from_messenger:
            target, script = f"{blocked} in {violation.source_file}", False
            fix = f"add {_KEYWORDS[blocked]} to {named}"
        else:
            return None
    else:
        source = intercom_source_for(blocked, effective, obs)
        same_origin = _origin(blocked) == _origin(violation.page_url or obs.options.url)
        allow = "'self'" if same_origin else _origin(blocked)
        target = blocked
        if source is not None:
            script = kind == "script-src"
            if script and strict_dynamic:
                fix = (
                    f"'strict-dynamic' makes browsers ignore the hosts in {named}: load the Messenger from a script that carries "
                    f"the request's nonce (scripts it adds are then trusted) — {NONCE_FIX}"
                )
            elif script:
                fix = f"add {source} to {named}, or {nonce_option}"
            else:
                fix = f"add {source} to {named}"
        elif kind == "script-src" and is_messenger_script(blocked, obs):
            script = True
            if nonce or strict_dynamic:
                fix = f"give the <script> tag of {_path(blocked)} the request's nonce — {NONCE_FIX}"
            else:
                fix = f"add {allow} to {named}, or {nonce_option}"
        elif is_token_endpoint(blocked, obs):
            script = False
            fix = f"add {allow} to {named}: the Messenger script fetches the signed-in user's token from {_path(blocked)}"
        else:
            return None
    if governing == "default-src":
        fix += f" (the policy has no {kind}, so default-src decides: a new {kind} must also list what default-src allows)"
    return Blocked(target, named, violation.enforced, fix, script, violation.policy)


def messenger_blocks(obs: Observations, phases: Iterable[str] | None = None, *, enforced: bool = True) -> list[Blocked]:
    """What policies refused the Messenger, one entry per thing and fix, with every page and phase it happened on."""
    wanted = set(phases) if phases is not None else None
    merged: dict[tuple[str, str, bool, str], Blocked] = {}
    for violation in obs.violations:
        if violation.enforced != enforced or (wanted is not None and violation.phase not in wanted):
            continue
        block = _classify(violation, obs)
        if block is None:
            continue
        kept = merged.setdefault((block.target, block.directive, block.enforced, block.fix), block)
        if violation.phase not in kept.phases:
            kept.phases.append(violation.phase)
        page = _path(violation.page_url) if violation.page_url else "?"
        if page not in kept.pages:
            kept.pages.append(page)
    return list(merged.values())


def blocked_lines(blocks: Iterable[Blocked]) -> list[str]:
    return [line for block in blocks for line in block.lines()]


def widget_blocked(obs: Observations, load_id: str | None) -> bool:
    """Whether a policy refused the Messenger's own script on this page load: then it will never start."""
    return any(
        violation.enforced
        and violation.load_id == load_id
        and family(violation.effective_directive) == "script-src"
        and intercom_source_for(violation.blocked, violation.effective_directive, obs) is not None
        for violation in obs.violations
    )
