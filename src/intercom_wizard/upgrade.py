"""What `install --upgrade` would do with an Intercom installation the wizard did not write.

`existing.find_existing_intercom` finds the signs line by line; this module groups them into the
installation's parts (the classic snippet in a page, the server's user_hash computation, a library)
and says, for each, what the upgrade does with it. The same steps are named by the exit-7 message of
a plain `install`, listed by `doctor`, and carried out by `install --upgrade` (see upgrade_plan.py).
"""

import re
from collections import defaultdict
from dataclasses import dataclass, replace

from intercom_wizard.existing import Finding
from intercom_wizard.tree import ProjectTree
from intercom_wizard.versions import npm_range_floor

PAGE_SUFFIXES = (".html", ".htm", ".jinja", ".j2", ".njk", ".erb", ".ejs", ".php", ".hbs")
# Pages `--upgrade` rewrites: the engines the back ends render (Jinja, Django templates, ERB for Rails
# and Sinatra, EJS for Express, Blade and plain PHP) and static HTML a back end serves.
UPGRADABLE_PAGE_SUFFIXES = (".html", ".htm", ".jinja", ".j2", ".erb", ".ejs", ".php")
SNIPPET_SCRIPT = re.compile(r"<script\b[^>]*>(?:(?!</script>).)*?(?:intercomSettings|widget\.intercom\.io).*?</script>", re.DOTALL | re.IGNORECASE)
IDENTITY_SETTINGS = ("user_id", "email", "name", "user_hash")
SETTING_KEY = re.compile(r"""^\s*["']?([A-Za-z_][A-Za-z0-9_]*)["']?\s*:""", re.MULTILINE)
# How each back end computes the deprecated user_hash.
HMAC_CALLS = {".py": "hmac.new", ".php": "hash_hmac", ".rb": "OpenSSL::HMAC", ".js": "createHmac", ".ts": "createHmac"}

CLASSIC_SNIPPET = "classic-snippet"
USER_HASH = "user-hash"
# react-use-intercom is kept (it carries a JWT from 5.5.0 on, as `intercomUserJwt`, which it passes to
# Intercom as intercom_user_jwt): its range in package.json, the files whose boot(...) calls change, and
# the files that only load it (the provider), which stay as they are.
REACT_PACKAGE = "react-use-intercom-package"
REACT_BOOT = "react-use-intercom-boot"
REACT_PROVIDER = "react-use-intercom-provider"
REACT_JWT_RELEASE = (5, 5, 0)
REACT_KINDS = (REACT_PACKAGE, REACT_BOOT, REACT_PROVIDER)
REACT_SPEC = re.compile(r'"react-use-intercom"\s*:\s*"([^"]*)"')
OTHER = "other"


@dataclass(frozen=True)
class UpgradeStep:
    kind: str
    path: str
    line: int
    found: str  # what is there, in words
    action: str  # what `install --upgrade` does with it
    supported: bool  # False: this release does not convert it; `action` says what to do by hand

    def __str__(self) -> str:
        return f"{self.found} in {self.path}:{self.line} → {self.action}"


def upgrade_steps(tree: ProjectTree, findings: list[Finding]) -> list[UpgradeStep]:
    by_path: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_path[finding.path].append(finding)
    steps = []
    for path, found in by_path.items():
        text = tree.text(path)
        signs = {f.sign for f in found}
        suffix = "." + path.rsplit(".", 1)[-1] if "." in path else ""
        if path.endswith(PAGE_SUFFIXES) and signs & {"intercomSettings", "widget.intercom.io"}:
            steps.append(_snippet_step(path, text, found, suffix))
            outside = SNIPPET_SCRIPT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
            if suffix == ".php" and "user_hash" in signs and HMAC_CALLS[suffix] in outside:  # computed above the snippet, in the page
                steps.append(_hash_step(path, outside, found, HMAC_CALLS[suffix], supported=True))
        elif "react-use-intercom" in signs:
            steps.append(_react_step(path, text, found))
        elif "user_hash" in signs and HMAC_CALLS.get(suffix, "\0") in text:
            steps.append(_hash_step(path, text, found, HMAC_CALLS[suffix], supported=True))
        else:
            first = found[0]
            steps.append(
                UpgradeStep(
                    OTHER, path, first.line, first.meaning,
                    "not converted by --upgrade in this release: boot it with intercom_user_jwt from the wizard's "
                    "token endpoint by hand, or remove it and run `intercom-wizard install`",
                    supported=False,
                )
            )
    return sorted(_react_steps_with_work(steps), key=lambda s: (s.path, s.line))


def _react_steps_with_work(steps: list[UpgradeStep]) -> list[UpgradeStep]:
    """react-use-intercom's steps when something is left to do (a range to raise, a boot without the JWT),
    none once it is done (the library stays, so its signs stay); without any boot(...) call to convert
    there is nothing to carry the JWT, and the package step says so."""
    react = [step for step in steps if step.kind in REACT_KINDS]
    if not react:
        return steps
    others = [step for step in steps if step.kind not in REACT_KINDS]
    booting = [step for step in react if step.kind == REACT_BOOT]
    pending = [step for step in react if step.action.startswith(("raised", "each boot"))]
    if not pending:
        return others
    if not booting and not any(step.kind == OTHER and "autoBoot" in step.found for step in others):
        react = [
            replace(step, action="not converted by --upgrade: no boot(...) call of react-use-intercom was found to pass the JWT to", supported=False)
            if step.kind == REACT_PACKAGE else step
            for step in react
        ]
    return others + react


def for_backends(steps: list[UpgradeStep], backends: list[str]) -> list[UpgradeStep]:
    """The steps as they can be carried out in an app with these back ends: the token endpoint comes from
    the back end's own install plan, so any detected back end will do; without one nothing is converted
    (a page that lost its identity attributes without a server to sign a JWT would turn every user into
    a lead)."""
    if backends:
        return steps
    return [
        replace(step, action=f"not converted by --upgrade without a back end to sign the JWT (none was found): {step.action}", supported=False)
        if step.supported else step
        for step in steps
    ]


def keeps_own_client(tree: ProjectTree) -> bool:
    """True when the app boots the Messenger with its own library, which `install --upgrade` keeps (and
    has converted, or the install stops at exit 7 first): the wizard then adds no client of its own."""
    return any(REACT_SPEC.search(tree.text(path)) for path in tree.named("package.json") if "node_modules" not in path)


def snippet_settings(text: str) -> tuple[list[str], list[str]]:
    """The identifying and the custom settings a page's window.intercomSettings carries, in file order."""
    start = text.find("intercomSettings")
    end = text.find("};", start)
    keys = SETTING_KEY.findall(text[start:end] if start >= 0 and end >= 0 else "")
    identity = [k for k in keys if k in IDENTITY_SETTINGS]
    custom = [k for k in keys if k not in IDENTITY_SETTINGS and k != "app_id"]
    return identity, custom


def _snippet_step(path: str, text: str, found: list[Finding], suffix: str) -> UpgradeStep:
    line = next((f.line for f in found if f.sign == "intercomSettings"), found[0].line)
    identity, custom = snippet_settings(text)
    carrying = f" carrying {'/'.join(identity)}" if identity else ""
    what = f"the classic loader snippet with window.intercomSettings{carrying}"
    kept = f"custom settings kept ({', '.join(custom)})" if custom else "no custom settings to keep"
    action = (
        "replaced by the wizard's script tag, which boots with intercom_user_jwt from a new token endpoint; "
        + ("the identifying attributes leave the page and move into the JWT's claims; " if identity else "")
        + kept
    )
    if suffix not in UPGRADABLE_PAGE_SUFFIXES:
        return UpgradeStep(CLASSIC_SNIPPET, path, line, what, f"not converted by --upgrade in this release ({suffix} pages): {action} by hand", False)
    return UpgradeStep(CLASSIC_SNIPPET, path, line, what, action, True)


def _hash_step(path: str, text: str, found: list[Finding], call: str, *, supported: bool) -> UpgradeStep:
    lines = text.splitlines()
    line = next((n for n, content in enumerate(lines, start=1) if call in content), found[0].line)
    action = "removed when nothing else uses it, the JWT replaces it"
    if not supported:
        action = f"not converted by --upgrade in this release: remove it by hand once the page boots with intercom_user_jwt ({action})"
    return UpgradeStep(USER_HASH, path, line, f"user_hash computed with {call}", action, supported)


def _react_step(path: str, text: str, found: list[Finding]) -> UpgradeStep:
    line = next(f.line for f in found if f.sign == "react-use-intercom")
    if path.endswith("package.json"):
        spec = REACT_SPEC.search(text)
        floor = npm_range_floor(spec.group(1)) if spec else None
        line = text.count("\n", 0, spec.start()) + 1 if spec else line
        if floor is not None and floor >= REACT_JWT_RELEASE:
            action = f"kept ({spec.group(1) if spec else ''}): react-use-intercom boots with intercomUserJwt from 5.5.0 on"
        else:
            action = "raised to ^5.5.0, the first release whose boot takes the JWT (intercomUserJwt); the library is kept"
        return UpgradeStep(REACT_PACKAGE, path, line, "the react-use-intercom package", action, True)
    if "autoBootProps" in text or re.search(r"\bautoBoot\b", text):
        return UpgradeStep(
            OTHER, path, line, "react-use-intercom booted automatically (autoBoot)",
            "not converted by --upgrade: autoBoot boots before a token can be fetched; remove autoBoot and call "
            "boot({ intercomUserJwt }) with the token from the wizard's endpoint", False,
        )
    if re.search(r"\bboot\(", text) and "intercomUserJwt" in text:
        return UpgradeStep(REACT_BOOT, path, line, "react-use-intercom's boot(...)", "boots with intercomUserJwt already", True)
    if re.search(r"\bboot\(", text):
        return UpgradeStep(
            REACT_BOOT, path, line, "react-use-intercom's boot(...)",
            "each boot(...) call boots with intercomUserJwt from a new token endpoint; userId/email/name/userHash leave "
            "the call and move into the JWT's claims; its other settings are kept", True,
        )
    return UpgradeStep(REACT_PROVIDER, path, line, "react-use-intercom's provider", "kept as it is (it loads the Messenger)", True)
