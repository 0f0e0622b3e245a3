"""Content Security Policy: the sources the Messenger needs, and finding a policy or nonce in a project.

The hosts follow Intercom's CSP guide (help article 3894), narrowed to the workspace's region as
the guide advises for the regional CDNs. The Messenger's loader injects its own `<script>`
elements, so under a nonce-based policy they are trusted through `'strict-dynamic'` (or the
`script-src` hosts below for a policy without it); the nonce itself only has to be on the first
script, which is ours.
"""

import re
from dataclasses import dataclass

from intercom_wizard.errors import BadInput
from intercom_wizard.options import Region
from intercom_wizard.tree import ProjectTree

HELP_URL = "https://www.intercom.com/help/en/articles/3894-using-intercom-with-content-security-policy"

_COMMON: dict[str, tuple[str, ...]] = {
    "script-src": ("https://app.intercom.io", "https://widget.intercom.io", "https://js.intercomcdn.com"),
    "connect-src": (
        "https://via.intercom.io",
        "https://api.intercom.io",
        "https://api-iam.intercom.io",
        "https://api-ping.intercom.io",
        "https://*.intercom-messenger.com",
        "wss://*.intercom-messenger.com",
        "https://nexus-websocket-a.intercom.io",
        "wss://nexus-websocket-a.intercom.io",
        "https://nexus-websocket-b.intercom.io",
        "wss://nexus-websocket-b.intercom.io",
        "https://uploads.intercomusercontent.com",
    ),
    "frame-src": (
        "https://intercom-sheets.com",
        "https://www.intercom-reporting.com",
        "https://www.youtube.com",
        "https://player.vimeo.com",
        "https://fast.wistia.net",
    ),
    "font-src": ("https://js.intercomcdn.com", "https://fonts.intercomcdn.com"),
    "form-action": ("https://intercom.help", "https://api-iam.intercom.io"),
    "media-src": ("https://js.intercomcdn.com",),
    "img-src": (
        "blob:",
        "data:",
        "https://js.intercomcdn.com",
        "https://uploads.intercomusercontent.com",
        "https://gifs.intercomcdn.com",
        "https://video-messages.intercomcdn.com",
        "https://*.intercom-attachments-5.com",
        "https://*.intercom-attachments-6.com",
        "https://*.intercom-attachments-9.com",
    ),
    "style-src": ("'unsafe-inline'",),
}

_REGIONAL: dict[Region, dict[str, tuple[str, ...]]] = {
    Region.US: {
        "connect-src": ("https://uploads.intercomcdn.com",),
        "media-src": ("https://downloads.intercomcdn.com",),
        "img-src": ("https://static.intercomassets.com", "https://downloads.intercomcdn.com", "https://messenger-apps.intercom.io"),
    },
    Region.EU: {
        "connect-src": (
            "https://api.eu.intercom.io",
            "https://api-iam.eu.intercom.io",
            "https://nexus-europe-websocket.intercom.io",
            "wss://nexus-europe-websocket.intercom.io",
            "https://uploads.intercomcdn.eu",
            "https://uploads.eu.intercomcdn.com",
        ),
        "form-action": ("https://api-iam.eu.intercom.io",),
        "media-src": ("https://downloads.intercomcdn.eu",),
        "img-src": ("https://static.intercomassets.eu", "https://downloads.intercomcdn.eu", "https://messenger-apps.eu.intercom.io"),
    },
    Region.AU: {
        "connect-src": (
            "https://api.au.intercom.io",
            "https://api-iam.au.intercom.io",
            "https://nexus-australia-websocket.intercom.io",
            "wss://nexus-australia-websocket.intercom.io",
            "https://uploads.au.intercomcdn.com",
        ),
        "form-action": ("https://api-iam.au.intercom.io",),
        "media-src": ("https://downloads.au.intercomcdn.com",),
        "img-src": ("https://static.au.intercomassets.com", "https://downloads.au.intercomcdn.com", "https://messenger-apps.au.intercom.io"),
    },
}


def intercom_sources(region: Region) -> dict[str, tuple[str, ...]]:
    """Directive -> the sources the Messenger needs for a workspace hosted in `region`."""
    regional = _REGIONAL[region]
    return {directive: sources + regional.get(directive, ()) for directive, sources in _COMMON.items()}


# CSP3's fallback lists: the first of these directives that a policy sets decides.
_FALLBACKS: dict[str, tuple[str, ...]] = {
    "script-src-elem": ("script-src-elem", "script-src", "default-src"),
    "script-src-attr": ("script-src-attr", "script-src", "default-src"),
    "style-src-elem": ("style-src-elem", "style-src", "default-src"),
    "style-src-attr": ("style-src-attr", "style-src", "default-src"),
    "worker-src": ("worker-src", "child-src", "script-src", "default-src"),
    "frame-src": ("frame-src", "child-src", "default-src"),
    "child-src": ("child-src", "default-src"),
}
# Fetch directives fall back to default-src; the others (form-action, base-uri, ...) stand alone.
_FETCH_DIRECTIVES = {"script-src", "style-src", "connect-src", "font-src", "img-src", "media-src", "manifest-src", "object-src"}


def parse_policy(policy: str) -> dict[str, list[str]]:
    """Directive (lower-cased) -> sources of one serialised policy; a repeated directive is ignored, as browsers do."""
    directives: dict[str, list[str]] = {}
    for part in policy.split(";"):
        tokens = part.split()
        if tokens:
            directives.setdefault(tokens[0].lower(), tokens[1:])
    return directives


def governing_directive(directive: str, policy: dict[str, list[str]]) -> str | None:
    """The directive of `policy` that decides a check of `directive` (None: the policy does not restrict it)."""
    chain = _FALLBACKS.get(directive) or ((directive, "default-src") if directive in _FETCH_DIRECTIVES else (directive,))
    return next((name for name in chain if name in policy), None)


def hosts_step(region: Region, *, nonce: bool) -> str:
    """The final note listing what the site's policy must allow, one directive per line."""
    lines = [f"  {directive} {' '.join(sources)}" for directive, sources in intercom_sources(region).items()]
    script = (
        "script-src: keep 'nonce-<per request>' 'strict-dynamic' (the Messenger's scripts are added by the nonced "
        "one), or allow the hosts below"
        if nonce
        else "script-src: allow the hosts below, or use a nonce with 'strict-dynamic' (--csp-nonce)"
    )
    return (
        f"Content Security Policy: allow Intercom in every directive your policy sets ({script}); "
        f"{region.value.upper()}-hosted workspace, from {HELP_URL}:\n" + "\n".join(lines)
    )


# Markers of a Content Security Policy being sent, by code or configuration, in any framework.
_POLICY_MARKERS = re.compile(
    r"Content-Security-Policy|contentSecurityPolicy|content_security_policy|SECURE_CSP|CSP_DEFAULT_SRC|CSP_SCRIPT_SRC"
    r"|\bTalisman\(|\bhelmet\(|spatie/laravel-csp|http-equiv=[\"']Content-Security-Policy",
    re.IGNORECASE,
)
# Lower-case literals one of which every match of _POLICY_MARKERS contains: a byte test that skips the
# regex on the files that cannot match (nearly all of them).
_POLICY_NEEDLES = (
    b"content-security-policy", b"contentsecuritypolicy", b"content_security_policy", b"secure_csp",
    b"csp_default_src", b"csp_script_src", b"talisman(", b"helmet(", b"spatie/laravel-csp",
)
_COMMENT_STARTS = ("#", "//", "/*", "*", "<!--", "{#", "<%#")
_POLICY_SUFFIXES = (".py", ".js", ".mjs", ".cjs", ".ts", ".rb", ".php", ".json", ".html", ".erb", ".conf", ".toml")
_NOT_THE_APPS = ("package-lock.json", "composer.lock", ".intercom-wizard.json")


def find_policies(tree: ProjectTree, root: str = "") -> list[str]:
    """Files under `root` that set a Content Security Policy (their paths, at most five)."""
    found = []
    candidates = [path for path in tree.glob(*_POLICY_SUFFIXES, under=root) if not path.endswith(_NOT_THE_APPS)]
    for path in tree.mentioning(candidates, _POLICY_NEEDLES, ignore_case=True):
        if search_code(tree, [path], _POLICY_MARKERS):
            found.append(path)
            if len(found) == 5:
                break
    return found


@dataclass(frozen=True)
class NonceSource:
    """How the app's templates print the request's CSP nonce, and what provides it."""

    provider: str  # what makes the nonce, and where: "Flask-Talisman (app/__init__.py)"
    expressions: tuple[tuple[str, str], ...]  # (layout suffix, template code printing the nonce); "" = any layout

    @classmethod
    def everywhere(cls, provider: str, expression: str) -> "NonceSource":
        return cls(provider, (("", expression),))

    def expression_for(self, layout: str) -> str | None:
        return next((expression for suffix, expression in self.expressions if layout.endswith(suffix)), None)


def search_code(
    tree: ProjectTree, paths: list[str], pattern: re.Pattern[str], needles: tuple[bytes, ...] = ()
) -> tuple[str, re.Match[str]] | None:
    """The first match of `pattern` on a line of code (not a comment) in `paths`: (path, match).

    `needles`: byte strings one of which every match contains (`ProjectTree.mentions`, case-sensitive):
    a file without any is not decoded.
    """
    for path in tree.mentioning(paths, needles) if needles else paths:
        try:
            text = tree.text(path)
        except BadInput:
            continue  # an unreadable file cannot hold a policy the wizard could name
        if not pattern.search(text):
            continue  # the common case, decided without splitting the file into lines
        for line in text.splitlines():
            if line.lstrip().startswith(_COMMENT_STARTS):
                continue
            match = pattern.search(line)
            if match:
                return path, match
    return None
