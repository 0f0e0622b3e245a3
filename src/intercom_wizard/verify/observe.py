"""What the verifier saw in the browser, as plain records, and the observer that collects them.

The checks are pure functions of these records (see checks.py): the browser run only gathers
facts - every window.Intercom call, every ping the Messenger sent, every response delivered to the
page, direct probes of the token endpoint, every Content Security Policy violation - each tagged
with the phase of the visit it happened in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from intercom_wizard.verify.settings import VerifyOptions

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, ConsoleMessage, Response

JWT_KEY = "intercom_user_jwt"
# Attributes that identify a person: booting with them but without a JWT is the insecure install.
IDENTIFYING_KEYS = ("user_id", "email", "user_hash")
INTERCOM_HOST_SUFFIXES = ("intercom.io", "intercomcdn.com", "intercomassets.com", "intercom.com")


def is_intercom_host(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return any(host == suffix or host.endswith("." + suffix) for suffix in INTERCOM_HOST_SUFFIXES)


@dataclass
class Call:
    """One window.Intercom(command, settings) call made by the page."""

    phase: str
    load_id: str
    seq: int
    command: str
    settings: object  # whatever the page passed, as JSON
    undefined_keys: list[str]
    time: float
    url: str

    @property
    def options(self) -> dict[str, Any]:
        return self.settings if isinstance(self.settings, dict) else {}

    @property
    def has_jwt_key(self) -> bool:
        return JWT_KEY in self.options or JWT_KEY in self.undefined_keys

    @property
    def jwt(self) -> str | None:
        value = self.options.get(JWT_KEY)
        return value if isinstance(value, str) and value else None

    @property
    def bad_jwt(self) -> str | None:
        """Why the JWT setting is unusable, when the key is there but the value is not a token."""
        if JWT_KEY in self.undefined_keys:
            return "intercom_user_jwt is undefined"
        if JWT_KEY in self.options and self.jwt is None:
            return f"intercom_user_jwt is {json.dumps(self.options[JWT_KEY])}"
        if self.jwt in ("undefined", "null"):
            return f"intercom_user_jwt is the string {self.jwt!r}"
        return None

    @property
    def identifying_keys(self) -> list[str]:
        return [key for key in IDENTIFYING_KEYS if key in self.options]

    def summary(self) -> str:
        keys = sorted(self.options) + [f"{key}=undefined" for key in self.undefined_keys]
        path = urlsplit(self.url).path or "/"
        return f"{self.command}({', '.join(keys)}) on {path}"


@dataclass
class Ping:
    """A request the Messenger sent to api_base, and how identity verification judged it."""

    phase: str
    url: str
    source: str
    app_id: str
    user_data: dict[str, Any]
    session: str
    verdict: str  # verified | anonymous | rejected | insecure | session-carried | wrong-app | wrong-region
    reason: str
    status: int
    claims: dict[str, Any] | None = None

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc

    @property
    def carries_identity(self) -> bool:
        return JWT_KEY in self.user_data or self.verdict == "session-carried"


@dataclass
class Probe:
    """The token endpoint fetched directly with the browser's cookies (and the Authorization header the
    page's own token request carried in that phase), redirects not followed."""

    phase: str
    url: str
    status: int | None
    headers: dict[str, str]
    body: str
    error: str | None = None
    # Where the probed URL was read when the page itself asked none (recorded_endpoint.py), for the evidence.
    source: str = ""
    # Not sent: nothing the page did or the install recorded says where the token endpoint is (`error` says why).
    unsent: bool = False

    @property
    def json_body(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    @property
    def token(self) -> str | None:
        data = self.json_body
        value = data.get("token") if isinstance(data, dict) else None
        return value if isinstance(value, str) and value else None

    def describe(self) -> str:
        if self.unsent:
            return f"the token endpoint was not probed: {self.error}"
        if self.error:
            return f"GET {self.url} failed: {self.error}"
        extra = ""
        if self.status is not None and 300 <= self.status < 400:
            extra = f" -> {self.headers.get('location', '?')}"
        return f"GET {urlsplit(self.url).path} -> {self.status}{extra}"


# What `Visit.inspect` reads off a page into a PageState.
INSPECT_PAGE = """() => {
  const standIn = window.__intercomStandIn;
  const launcher = document.querySelector(
    '.intercom-lightweight-app-launcher, .intercom-launcher, iframe[name="intercom-launcher-frame"]');
  return {
    url: location.href,
    loadId: window.__intercomWizardLoadId || null,
    intercomType: typeof window.Intercom,
    scripts: Array.from(document.scripts).map((s, i) => s.src
      ? { index: i, src: s.src }
      : { index: i, inlineLoader: s.text.indexOf('widget.intercom.io/widget') >= 0 }),
    standIn: standIn ? { loads: standIn.loads, warnings: standIn.warnings.slice(), launcherVisible: standIn.launcherVisible } : null,
    launcher: !!launcher && launcher.getBoundingClientRect().width > 0,
  };
}"""


@dataclass
class PageState:
    """The page after the Messenger settled: what loads it and what window.Intercom is."""

    phase: str
    url: str
    load_id: str | None
    intercom_type: str
    widget_scripts: list[str]
    loader_scripts: list[str]
    standin_loads: int | None
    standin_warnings: list[str]
    launcher_visible: bool | None


@dataclass
class Delivered:
    """A response body the browser received (or a source map it could fetch)."""

    phase: str
    url: str
    status: int
    content_type: str
    body: bytes

    @property
    def from_intercom(self) -> bool:
        return is_intercom_host(self.url)


@dataclass
class Violation:
    """A Content Security Policy violation in the top page (its `securitypolicyviolation` event)."""

    phase: str
    load_id: str
    blocked: str  # blockedURI: a URL, or "inline", "eval", "wasm-eval", ...
    effective_directive: str  # e.g. script-src-elem: the directive the browser applied
    violated_directive: str
    disposition: str  # enforce | report (Content-Security-Policy-Report-Only)
    source_file: str  # the script (or document) that made the request, when known
    line: int
    policy: str  # the whole policy that was violated, as the page sent it
    page_url: str
    # An inline <script>/<style> (or element) whose text, id or class mentions Intercom: the only
    # way to tell the page's inline Messenger loader from any other inline script.
    mentions_intercom: bool = False

    @property
    def enforced(self) -> bool:
        return self.disposition != "report"


@dataclass(frozen=True)
class VisitStep:
    """One step of the in-tab navigation run (--visit): its phase tags the calls made during it."""

    kind: str  # start | visit | sign-in | sign-out
    target: str
    phase: str
    full_load: bool  # a new document was loaded: the framework did not swap the body


@dataclass
class Observations:
    options: VerifyOptions
    phase: str = "anonymous"
    calls: list[Call] = field(default_factory=list)
    pings: list[Ping] = field(default_factory=list)
    probes: list[Probe] = field(default_factory=list)
    pages: list[PageState] = field(default_factory=list)
    responses: list[Delivered] = field(default_factory=list)
    # What happened at each step of the visit (sign-in, navigate, logout), for the evidence.
    steps: dict[str, list[str]] = field(default_factory=dict)
    step_failed: dict[str, str] = field(default_factory=dict)
    console_errors: list[str] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    visit_steps: list[VisitStep] = field(default_factory=list)
    # The phase of every request a page sent to the token endpoint (the verifier's own probes are not pages').
    token_requests: list[str] = field(default_factory=list)

    def in_phase(self, phase: str) -> list[Call]:
        return [call for call in self.calls if call.phase == phase]

    def pings_in(self, phase: str) -> list[Ping]:
        return [ping for ping in self.pings if ping.phase == phase]

    def probe(self, phase: str) -> Probe | None:
        return next((probe for probe in reversed(self.probes) if probe.phase == phase), None)

    def page(self, phase: str) -> PageState | None:
        return next((page for page in reversed(self.pages) if page.phase == phase), None)

    def note(self, step: str, text: str) -> None:
        self.steps.setdefault(step, []).append(text)

    def fail_step(self, step: str, reason: str) -> None:
        self.step_failed[step] = reason
        self.note(step, reason)

    def body_of(self, url: str) -> bytes | None:
        return next((item.body for item in reversed(self.responses) if item.url == url), None)


def recorder_script() -> str:
    return resources.files("intercom_wizard.verify").joinpath("recorder.js").read_text(encoding="utf-8")


class Observer:
    """Feeds one browser context's events into Observations, tagged with the current phase."""

    BINDING = "__intercomWizardRecord"
    VIOLATION_BINDING = "__intercomWizardViolation"

    def __init__(self, observations: Observations) -> None:
        self.observations = observations

    def attach(self, context: BrowserContext) -> None:
        context.expose_binding(self.BINDING, self._on_call)
        context.expose_binding(self.VIOLATION_BINDING, self._on_violation)
        context.add_init_script(recorder_script())
        context.on("response", self._on_response)
        context.on("console", self._on_console)

    def _on_call(self, source: dict[str, Any], entry: dict[str, Any]) -> None:
        self.observations.calls.append(
            Call(
                phase=self.observations.phase,
                load_id=str(entry.get("load_id", "")),
                seq=int(entry.get("seq", 0)),
                command=str(entry.get("command", "")),
                settings=entry.get("settings"),
                undefined_keys=list(entry.get("undefined_keys") or []),
                time=float(entry.get("time", 0)),
                url=str(entry.get("url", "")),
            )
        )

    def _on_violation(self, source: dict[str, Any], entry: dict[str, Any]) -> None:
        effective = str(entry.get("effective_directive") or "")
        violated = str(entry.get("violated_directive") or "")
        self.observations.violations.append(
            Violation(
                phase=self.observations.phase,
                load_id=str(entry.get("load_id", "")),
                blocked=str(entry.get("blocked") or ""),
                effective_directive=effective or violated,
                violated_directive=violated or effective,
                disposition=str(entry.get("disposition") or "enforce"),
                source_file=str(entry.get("source_file") or ""),
                line=int(entry.get("line") or 0),
                policy=str(entry.get("policy") or ""),
                page_url=str(entry.get("url") or ""),
                mentions_intercom=bool(entry.get("mentions_intercom")),
            )
        )

    def _on_response(self, response: Response) -> None:
        if not response.url.startswith(("http://", "https://")) or 300 <= response.status < 400:
            return
        try:
            body = response.body()
        except Exception:  # the page navigated away or the body was evicted: nothing to scan
            return
        content_type = response.headers.get("content-type", "")
        self.observations.responses.append(Delivered(self.observations.phase, response.url, response.status, content_type, body))

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.observations.console_errors.append(f"[{self.observations.phase}] {message.text}")
