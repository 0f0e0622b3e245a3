"""What `install --upgrade` would do with an Intercom installation the wizard did not write.

`existing.find_existing_intercom` finds the signs line by line; this module groups them into the
installation's parts (the classic snippet in a page, the server's user_hash computation, a library)
and says, for each, what the upgrade does with it. The same steps are named by the exit-7 message of
a plain `install`, listed by `doctor`, and carried out by `install --upgrade` (see upgrade_plan.py).
"""

import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass, replace

from ast_grep_py import SgNode

from intercom_wizard.existing import Finding
from intercom_wizard.integrations.package_json import DEPENDENCY_SECTIONS
from intercom_wizard.jsonedit import member_value_in
from intercom_wizard.tree import ProjectTree
from intercom_wizard.versions import gem_range_floor, gem_version, npm_range_floor

PAGE_SUFFIXES = (".html", ".htm", ".jinja", ".j2", ".njk", ".erb", ".ejs", ".php", ".hbs")
# Pages `--upgrade` rewrites: the engines the back ends render (Jinja, Django templates, ERB for Rails
# and Sinatra, EJS for Express, Blade and plain PHP) and static HTML a back end serves.
UPGRADABLE_PAGE_SUFFIXES = (".html", ".htm", ".jinja", ".j2", ".erb", ".ejs", ".php")
# Patterns kept as text are compiled on first use (re's own cache): a run that never needs them skips the compile (start-up time, issue 14).
SNIPPET_SCRIPT = r"(?is)<script\b[^>]*>(?:(?!</script>).)*?(?:intercomSettings|widget\.intercom\.io).*?</script>"
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


def react_spec(package_json: str) -> SgNode | None:
    """The string node of react-use-intercom's range in a package.json's dependency sections."""
    return member_value_in(package_json, "react-use-intercom", DEPENDENCY_SECTIONS["npm"])


# The official SDK is kept as well: its Intercom(...)/boot(...) settings take intercom_user_jwt (every
# release passes unknown settings through to the Messenger), so only the calls change.
SDK = "@intercom/messenger-js-sdk"
SDK_PACKAGE = "messenger-sdk-package"
SDK_BOOT = "messenger-sdk-boot"
SDK_PROVIDER = "messenger-sdk-other"
SDK_KINDS = (SDK_PACKAGE, SDK_BOOT, SDK_PROVIDER)
SDK_CALL = r"\b(?:Intercom|boot)\(\s*\{"
# intercom-rails is kept too: from 1.0.5 on it signs intercom_user_jwt itself (config.jwt, with the
# identity verification secret it already has as config.api_secret), so the page carries no user_id,
# email, name or user_hash, and no token endpoint or second script is needed.
RAILS_GEM = "intercom-rails-gem"
RAILS_INITIALIZER = "intercom-rails-initializer"
RAILS_INITIALIZER_PATH = "config/initializers/intercom.rb"
RAILS_JWT_RELEASE = (1, 0, 5)
RAILS_GEM_LINE = re.compile(r"""^[ \t]*gem[ \t]+["']intercom-rails["'][^\n]*""", re.MULTILINE)
# Sign-out without the gem's shutdown: the Messenger's session cookie outlives the user's (intercom-rails'
# README, "Shutdown"). A controller's `destroy` that ends the session is the app's sign-out.
RAILS_SHUTDOWN = "intercom-rails-shutdown"
SIGN_OUT = r"\breset_session\b|\bsession\.delete\(|\bsession\[:\w+\]\s*=\s*nil\b|\bsign_out\b|<\s*Devise::SessionsController"
OTHER = "other"


@dataclass(frozen=True)
class UpgradeStep:
    """One piece of hand-written Intercom code and what `install --upgrade` does with it."""

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
    gemfiles = [path for path in tree.named("Gemfile") if RAILS_GEM_LINE.search(tree.text(path))]
    for gemfile in gemfiles:
        steps += _rails_steps(tree, gemfile) + _rails_shutdown_steps(tree, posixpath.dirname(gemfile))
    for path, found in by_path.items():
        if path in gemfiles or path in {posixpath.join(posixpath.dirname(g), RAILS_INITIALIZER_PATH) for g in gemfiles}:
            continue  # intercom-rails' own files: its steps above
        text = tree.text(path)
        signs = {f.sign for f in found}
        suffix = "." + path.rsplit(".", 1)[-1] if "." in path else ""
        if path.endswith(PAGE_SUFFIXES) and signs & {"intercomSettings", "widget.intercom.io"}:
            steps.append(_snippet_step(path, text, found, suffix))
            outside = re.sub(SNIPPET_SCRIPT, lambda m: "\n" * m.group(0).count("\n"), text)
            if suffix == ".php" and "user_hash" in signs and HMAC_CALLS[suffix] in outside:  # computed above the snippet, in the page
                steps.append(_hash_step(path, outside, found, HMAC_CALLS[suffix], supported=True))
        elif "react-use-intercom" in signs:
            steps.append(_react_step(path, text, found))
        elif SDK in signs:
            steps.append(_sdk_step(path, text, found))
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
    for kinds in (REACT_KINDS, SDK_KINDS):
        steps = _library_steps_with_work(steps, kinds)
    return sorted(steps, key=lambda s: (s.path, s.line))


def _library_steps_with_work(steps: list[UpgradeStep], kinds: tuple[str, str, str]) -> list[UpgradeStep]:
    """react-use-intercom's steps while something is left to do (a range to raise, a boot without the JWT),
    none once its boots carry the JWT (the library stays, so its signs stay). Without any boot(...) call
    there is nothing to pass the JWT to (the library is only loaded, or booted some other way): the steps
    say so and the upgrade stops, as it never adds a second Messenger beside the user's."""
    react = [step for step in steps if step.kind in kinds]
    if not react:
        return steps
    others = [step for step in steps if step.kind not in kinds]
    booting = [step for step in react if step.kind == kinds[1]]
    pending = [step for step in react if step.action.startswith(("raised", "each "))]
    if booting and not pending:
        return others
    if not booting and not any(step.kind == OTHER and "autoBoot" in step.found for step in others):
        library = "react-use-intercom" if kinds == REACT_KINDS else "the SDK"
        no_boot = f"not converted by --upgrade: no boot(...) call of {library} was found to pass the JWT to"
        react = [replace(step, action=no_boot, supported=False) for step in react]
    return others + react


def for_backends(steps: list[UpgradeStep], backends: list[str], frontends: tuple[str, ...] | list[str] = ()) -> list[UpgradeStep]:
    """The steps as they can be carried out in an app with these back ends: the token endpoint comes from
    the back end's own install plan (or from a front end that serves its own tokens, Next.js), so any of
    them will do; without one nothing is converted (a page that lost its identity attributes without a
    server to sign a JWT would turn every user into a lead)."""
    from intercom_wizard.integrations import FRONTENDS  # the registry loads on first use (start-up time)

    if backends or any(getattr(FRONTENDS.get(name), "SERVES_TOKENS", False) for name in frontends):
        return steps
    return [
        replace(step, action=f"not converted by --upgrade without a back end to sign the JWT (none was found): {step.action}", supported=False)
        if step.supported else step
        for step in steps
    ]


def keeps_server_library(tree: ProjectTree) -> bool:
    """True when intercom-rails puts the Messenger in the pages: `install --upgrade` configures it to sign
    a JWT, and the wizard adds no endpoint or script of its own (the install stops at exit 7 until then)."""
    return any(RAILS_GEM_LINE.search(tree.text(path)) for path in tree.named("Gemfile"))


def keeps_own_client(findings: list[Finding]) -> bool:
    """True when the app boots the Messenger with its own library (react-use-intercom, or the SDK in code
    the wizard did not write), which `install --upgrade` keeps (and has converted, or the install stops at
    exit 7 first): the wizard then adds no client of its own."""
    return any(finding.sign in ("react-use-intercom", SDK) for finding in findings)


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
        spec = react_spec(text)
        floor = npm_range_floor(spec.text()[1:-1]) if spec else None
        line = spec.range().start.line + 1 if spec else line
        if floor is not None and floor >= REACT_JWT_RELEASE:
            action = f"kept ({spec.text()[1:-1] if spec else ''}): react-use-intercom boots with intercomUserJwt from 5.5.0 on"
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


def _rails_steps(tree: ProjectTree, gemfile: str) -> list[UpgradeStep]:
    """intercom-rails: the gem's version and the initializer's JWT settings, when either is left to do."""
    text = tree.text(gemfile)
    line = RAILS_GEM_LINE.search(text)
    assert line is not None
    number = text.count("\n", 0, line.start()) + 1
    locked = gem_version(tree, posixpath.dirname(gemfile), "intercom-rails")
    versions = re.findall(r"""["']([~><=! ]*[0-9][^"']*)["']""", line.group(0))
    floor = locked.release if locked is not None else gem_range_floor(versions) if versions else None
    initializer = posixpath.join(posixpath.dirname(gemfile), RAILS_INITIALIZER_PATH)
    configured = tree.exists(initializer) and re.search(r"^\s*config\.jwt\.enabled\s*=\s*true", tree.text(initializer), re.MULTILINE)
    if floor is not None and floor >= RAILS_JWT_RELEASE and configured:
        return []
    found = "the intercom-rails gem"
    if floor is None and not versions:
        gem = UpgradeStep(RAILS_GEM, gemfile, number, found, "given the range \"~> 1.0\", \">= 1.0.5\" (intercom-rails signs intercom_user_jwt from 1.0.5 on); the gem is kept", True)
    elif floor is None or floor < RAILS_JWT_RELEASE:
        gem = UpgradeStep(RAILS_GEM, gemfile, number, found, "raised to \"~> 1.0\", \">= 1.0.5\" (intercom-rails signs intercom_user_jwt from 1.0.5 on); the gem is kept", True)
    else:
        gem = UpgradeStep(RAILS_GEM, gemfile, number, found, f"kept ({locked.release if locked else floor}): intercom-rails signs intercom_user_jwt from 1.0.5 on", True)
    if not tree.exists(initializer):
        return [gem, UpgradeStep(OTHER, gemfile, number, found, f"not converted by --upgrade: {initializer} was not found (run `rails generate intercom:config`)", False)]
    if configured:
        return [gem]
    body = tree.text(initializer)
    secret = "config.api_secret (kept: the same secret signs the JWT)" if re.search(r"^\s*config\.api_secret\s*=", body, re.MULTILINE) else "config.api_secret read from INTERCOM_IDENTITY_SECRET"
    return [gem, UpgradeStep(
        RAILS_INITIALIZER, initializer, 1, "the intercom-rails initializer (user_hash identity verification)",
        f"config.jwt enabled with a 2-hour expiry and email/name signed, {secret}: the page boots with intercom_user_jwt "
        "instead of user_id, email, name and user_hash; your other settings are kept", True,
    )]


def rails_sign_out(tree: ProjectTree, root: str) -> tuple[str, int] | None:
    """The controller whose `destroy` signs the user out, and that line; None when there is none, or when a
    controller already calls intercom-rails' ShutdownHelper."""
    controllers = [path for path in tree.glob(".rb", under=posixpath.join(root, "app/controllers"))]
    if any("ShutdownHelper" in tree.text(path) for path in controllers):
        return None
    for path in controllers:
        text = tree.text(path)
        destroy = re.search(r"^[ \t]*def destroy\b", text, re.MULTILINE)
        if destroy is not None and re.search(SIGN_OUT, text):
            return path, text.count("\n", 0, destroy.start()) + 1
    return None


def _rails_shutdown_steps(tree: ProjectTree, root: str) -> list[UpgradeStep]:
    found = rails_sign_out(tree, root)
    if found is None:
        return []
    path, line = found
    return [UpgradeStep(
        RAILS_SHUTDOWN, path, line, "sign-out (destroy) without intercom-rails' shutdown",
        "IntercomRails::ShutdownHelper.prepare_intercom_shutdown after destroy, and intercom_shutdown on the next "
        "request (the gem's README, \"Shutdown\"): the Messenger's session cookie is cleared, so the next person on "
        "this browser does not see the previous user's conversations", True,
    )]


def _sdk_step(path: str, text: str, found: list[Finding]) -> UpgradeStep:
    line = next(f.line for f in found if f.sign == SDK)
    if path.endswith("package.json"):
        return UpgradeStep(SDK_PACKAGE, path, line, "the official Messenger SDK", "kept: its settings carry intercom_user_jwt", True)
    if re.search(SDK_CALL, text) and "intercom_user_jwt" in text:
        return UpgradeStep(SDK_BOOT, path, line, "the SDK's Intercom(...)", "boots with intercom_user_jwt already", True)
    if re.search(SDK_CALL, text):
        return UpgradeStep(
            SDK_BOOT, path, line, "the SDK's Intercom(...) with user attributes",
            "each Intercom(...)/boot(...) call boots with intercom_user_jwt from a new token endpoint; user_id/email/name/user_hash "
            "leave the call and move into the JWT's claims; its other settings are kept", True,
        )
    return UpgradeStep(SDK_PROVIDER, path, line, "the official Messenger SDK", "kept as it is", True)
