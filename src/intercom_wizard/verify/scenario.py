"""The visit a person would make: anonymous, signed in, a client-side route change, signed out.

Every step waits for the Messenger to settle (a boot on the current page, the stand-in's pings
answered, then a short quiet period) instead of sleeping, and records what happened; a step that
cannot be carried out is recorded as such and fails its check, it never raises.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from intercom_wizard.verify.browser import visit_context
from intercom_wizard.verify.login_form import login_form, other_kind_only
from intercom_wizard.verify.observe import INSPECT_PAGE, Observations, PageState, Probe
from intercom_wizard.verify.settings import SignIn, VerifyOptions, is_token_path
from intercom_wizard.verify.settings import first_line as _first_line
from intercom_wizard.verify.settings import url_path as _path
from intercom_wizard.verify.source_maps import collect_source_maps
from intercom_wizard.verify.violations import widget_blocked

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Dialog, Page, Request

WIDGET_MARKER = "widget.intercom.io/widget/"
QUIET_SECONDS = 0.3
NO_MESSENGER_SECONDS = 4.0  # past the SPA core's --load idle bound (3 s after the page loaded)
NAVIGATION_TIMEOUT_MS = 30_000
ACTION_TIMEOUT_MS = 10_000
# What verify types into a page's prompt() (a name, say): any answer lets such a page go on.
DIALOG_ANSWER = "verify"

STANDIN_IDLE = "() => document.readyState === 'complete' && !!window.__intercomStandIn && window.__intercomStandIn.ready && window.__intercomStandIn.pending === 0"


_INTERRUPTED_BY = re.compile(r'is interrupted by another navigation to "([^"]+)"')


class Visit:
    """Drives one page of one browser context through the steps, feeding Observations."""

    def __init__(self, context: BrowserContext, observations: Observations) -> None:
        self.context = context
        self.obs = observations
        self.options: VerifyOptions = observations.options
        self.page: Page = context.new_page()
        # Every request the page itself sends to the token endpoint, tagged with the phase it was sent in
        # (counted when sent: a response may arrive too late to know its step, or never if superseded).
        endpoint = urlsplit(self.options.endpoint_url).path
        self.page.on("request", lambda request: self._token_request(request) if is_token_path(urlsplit(request.url).path, endpoint) else None)
        # Where the page itself asks for its token: an SPA whose API lives on another origin or under a
        # path prefix (VITE_API_URL, environment.apiUrl) builds the URL from that base at run time, so
        # unless --endpoint gave a whole URL the probes follow the page there.
        self.page_token_url: str | None = None
        # The Authorization header the page's own token request carried in a phase: a bearer-token app's
        # endpoint answers 401 to the browser's cookies alone, so the probe sends what the page sent.
        self.page_authorization: dict[str, str] = {}
        self.page.on("dialog", self._answer_dialog)
        self.sign_in_failed = False  # the last sign-in found no form to fill: no one to sign out

    def _token_request(self, request: Request) -> None:
        self.obs.token_requests.append(self.obs.phase)
        asked = urlsplit(request.url)
        self.page_token_url = f"{asked.scheme}://{asked.netloc}{asked.path}"
        if authorization := request.headers.get("authorization"):
            self.page_authorization[self.obs.phase] = authorization

    def _answer_dialog(self, dialog: Dialog) -> None:
        """Answer alert/confirm/prompt as a person would: OK, with a name for a prompt.

        Playwright dismisses dialogs by default; a page that asks again until it gets an answer (MDN's
        beginner site prompts for a name on its first visit) then never finishes loading.
        """
        self.obs.note(self.obs.phase, f"answered the page's {dialog.type} {dialog.message[:60]!r}")
        dialog.accept(DIALOG_ANSWER if dialog.type == "prompt" else None)

    # -- waiting -------------------------------------------------------------------------------

    def _evaluate(self, script: str, arg: Any = None) -> Any:
        try:
            return self.page.evaluate(script, arg)
        except Exception:  # mid-navigation: the old document is gone, the new one not there yet
            return None

    def _idle(self, load_id: str | None) -> bool:
        # A policy that blocked the Messenger's script means the stand-in never comes: waiting for it
        # would only delay the report of that block by the whole boot timeout.
        if self.options.live or widget_blocked(self.obs, load_id):
            return self._evaluate("() => document.readyState === 'complete'") is True
        return self._evaluate(STANDIN_IDLE) is True

    def settle(self, wanted: Callable[[str | None], bool], timeout: float, *, outside_the_app: bool = False) -> bool:
        """Wait until `wanted(current load id)` holds, the Messenger is idle and nothing new happened for a moment."""
        started = quiet_since = time.monotonic()
        deadline, seen = started + timeout, -1
        while time.monotonic() < deadline:
            count = len(self.obs.calls) + len(self.obs.pings)
            if count != seen:
                seen, quiet_since = count, time.monotonic()
            load_id = self._evaluate("() => window.__intercomWizardLoadId || null")
            if wanted(load_id) and self._idle(load_id) and time.monotonic() - quiet_since >= QUIET_SECONDS:
                if self.options.live:
                    try:
                        self.page.wait_for_load_state("networkidle", timeout=10_000)
                    except Exception:  # a page that keeps polling never goes idle; what we have is enough
                        pass
                return True
            if outside_the_app and self._without_messenger(started):
                return False  # no Messenger is coming on this page: the caller goes on
            self.page.wait_for_timeout(50)
        return False

    def _without_messenger(self, since: float) -> bool:  # (an --load interaction core waits for a click: no wait helps)
        """A page other than the one under test, NO_MESSENGER_SECONDS on, with no window.Intercom and no token asked."""
        waited = time.monotonic() - since >= NO_MESSENGER_SECONDS and self.obs.phase not in self.obs.token_requests
        return waited and _path(self.page.url) != _path(self.options.url) and self._evaluate("() => typeof window.Intercom") == "undefined"

    def _booted_here(self, load_id: str | None) -> bool:
        phase = self.obs.phase
        return load_id is not None and any(c.command == "boot" and c.phase == phase and c.load_id == load_id for c in self.obs.calls)

    def _wait_for_boot(self, timeout: float | None = None, *, report: bool = True) -> None:
        timeout = self.options.boot_timeout if timeout is None else timeout
        if not self.settle(self._booted_here, timeout, outside_the_app=not report) and report:
            self.obs.note(self.obs.phase, f"no Messenger boot on {_path(self.page.url)} within {timeout:g} s")

    # -- steps ---------------------------------------------------------------------------------

    def open(self, url: str) -> bool:
        try:
            self._goto(url)
        except Exception as error:
            self.obs.fail_step(self.obs.phase, f"could not open {url}: {_first_line(error)}")
            return False
        self._wait_for_boot()
        self.inspect()
        return True

    def _goto(self, url: str) -> None:
        """page.goto, except that the page's own script navigating to that same URL meanwhile (a sign-in
        handled in script sets location.href once its request is done) is the page we asked for: wait for it."""
        try:
            self.page.goto(url, wait_until="load", timeout=NAVIGATION_TIMEOUT_MS)
        except Exception as error:
            interrupted = _INTERRUPTED_BY.search(str(error))
            if (urljoin(url, interrupted.group(1)) if interrupted else None) != url and f"net::ERR_ABORTED at {url}" not in str(error):
                raise
            try:  # Chromium aborts ours for the page's own when they overlap: the page is loading it anyway
                self.page.wait_for_url(url, wait_until="load", timeout=NAVIGATION_TIMEOUT_MS)
            except Exception:
                raise error from None

    def inspect(self) -> None:
        state = self._evaluate(INSPECT_PAGE)
        if not isinstance(state, dict):
            self.obs.note(self.obs.phase, f"could not inspect {self.page.url}")
            return
        widget_scripts = [s["src"] for s in state["scripts"] if "src" in s and WIDGET_MARKER in s["src"]]
        loaders = []
        for script in state["scripts"]:
            if script.get("inlineLoader"):
                loaders.append(f"inline <script> #{script['index']}")
            elif "src" in script and WIDGET_MARKER not in script["src"]:
                body = self.obs.body_of(script["src"])
                if body is not None and WIDGET_MARKER.encode() in body:
                    loaders.append(_path(script["src"]))
        stand_in = state.get("standIn") or {}
        self.obs.pages.append(
            PageState(
                phase=self.obs.phase,
                url=state["url"],
                load_id=state["loadId"],
                intercom_type=state["intercomType"],
                widget_scripts=widget_scripts,
                loader_scripts=loaders,
                standin_loads=stand_in.get("loads"),
                standin_warnings=list(stand_in.get("warnings") or []),
                launcher_visible=stand_in.get("launcherVisible") if stand_in else bool(state.get("launcher")),
            )
        )

    def probe(self) -> None:
        """GET the token endpoint with this browser's cookies (and the Authorization header the page sent
        in this phase, if any), not following redirects."""
        url, source, recorded = self.options.endpoint_url, "", self.options.recorded
        if self.page_token_url is not None and not self.options.endpoint_is_url:
            url = self.page_token_url
            if url != self.options.endpoint_url:
                self.obs.note(self.obs.phase, f"the page asks for its token at {url} (the app's API base): probed there")
        elif recorded is not None and not self.options.endpoint_is_url:
            # Signed out, a bearer-token SPA asks nothing: the URL is the one the install recorded.
            candidate, why = recorded.choose(item.body for item in self.obs.responses)
            if candidate is not None:
                url = self.options.resolve(candidate.url)
                source = f"read from {recorded.source}: {candidate.source}" + (f" ({why})" if why else "")
            elif why:  # several values and nothing tells which one the served build holds
                reason = f"the page asked for no token, and {why}; pass --endpoint with the token endpoint's URL"
                self.obs.probes.append(Probe(self.obs.phase, url, None, {}, "", error=reason, unsent=True))
                return
            elif recorded.unknown:  # an unset base: the core asks its own origin (the build's shell may have set it)
                source = f"the pages' own origin, where the core asks when its API base is unset: {recorded.unknown}"
            else:
                source = f"read from {recorded.source}"
        try:
            headers = {"Accept": "application/json"}
            if authorization := self.page_authorization.get(self.obs.phase):
                headers["Authorization"] = authorization
            response = self.context.request.get(url, max_redirects=0, headers=headers, fail_on_status_code=False, timeout=15_000)
            self.obs.probes.append(Probe(self.obs.phase, url, response.status, dict(response.headers), response.text(), source=source))
        except Exception as error:
            self.obs.probes.append(Probe(self.obs.phase, url, None, {}, "", error=_first_line(error), source=source))

    def sign_in_with_form(self, sign_in: SignIn | None = None, step: str = "sign-in", then: str | None = None) -> None:
        """Fill and send the login form; `then`: the phase of what follows the submission (--no-reload)."""
        sign_in = sign_in or self.options.sign_in
        assert sign_in.login_url is not None and sign_in.username is not None and sign_in.password is not None
        page = self.page
        login_url = self.options.resolve(sign_in.login_url)
        self.sign_in_failed = True  # until the form is filled
        try:
            page.goto(login_url, wait_until="load", timeout=NAVIGATION_TIMEOUT_MS)
        except Exception as error:
            self.obs.fail_step(step, f"could not open the login page {login_url}: {_first_line(error)}")
            return
        form = login_form(page, sign_in)
        try:
            if wrong_form := other_kind_only(page, sign_in):
                raise LookupError(wrong_form)
            form.fill(sign_in, ACTION_TIMEOUT_MS)
        except Exception as error:
            fields = "a name field (and no password field)" if sign_in.name_only else "a username and a password field"
            self.obs.fail_step(step, f"no login form with {fields} at {_path(login_url)}: {_first_line(error)}")
            return
        self.sign_in_failed = False
        if then is not None:
            self.obs.phase = then
        try:
            with page.expect_navigation(wait_until="load", timeout=15_000) as landing:
                form.send(ACTION_TIMEOUT_MS)
            self.obs.note(step, f"submitted the login form at {_path(login_url)} as {sign_in.username}; landed on {_path(page.url)}")
            if (answer := landing.value) is not None and 400 <= answer.status < 500:  # refused: nobody to sign out
                self.sign_in_failed = True
                self.obs.fail_step(step, f"the login form was answered {answer.status} {answer.status_text}: the app refused the sign-in")
            # Let the landing page's Messenger finish, so its calls are not mistaken for the next page's.
            self._wait_for_boot(3, report=False)
        except Exception as error:
            self.obs.note(step, f"submitted the login form; no page load followed ({_first_line(error)}): client-side sign-in?")
        if page.locator("input[type=password]").filter(visible=True).count():
            self.obs.note(step, f"a password field is still shown on {_path(page.url)}: were the credentials accepted?")

    def stay(self) -> None:
        """--no-reload: the signed-in page is the one the sign-in left; wait for its boot with a token."""
        phase = self.obs.phase
        if not self.settle(lambda _: any(c.command == "boot" and c.phase == phase and c.jwt for c in self.obs.calls), self.options.boot_timeout):
            self.obs.note(phase, f"no boot with a token on {_path(self.page.url)} within {self.options.boot_timeout:g} s of the sign-in")
        self.inspect()

    def navigate(self, target: str) -> None:
        """Change route the way a client-side router does: history.pushState (then popstate, for back/forward)."""

        def updated(load_id: str | None) -> bool:
            return any(c.command == "update" and c.phase == self.obs.phase for c in self.obs.calls)

        try:
            self.page.evaluate("path => history.pushState({ intercomWizard: true }, '', path)", target)
        except Exception as error:
            self.obs.fail_step("navigate", f"history.pushState({target!r}) failed: {_first_line(error)}")
            return
        if self.settle(updated, 3):
            self.obs.note("navigate", f"history.pushState to {_path(self.page.url)}")
            return
        self._evaluate("() => window.dispatchEvent(new PopStateEvent('popstate', { state: history.state }))")
        if self.settle(updated, 3):
            self.obs.note("navigate", f"history.pushState to {_path(self.page.url)}: update came only on the popstate event that followed, not on pushState")
        else:
            self.obs.note("navigate", f"history.pushState to {_path(self.page.url)}, then a popstate event")

    def log_out(self) -> None:
        logout = self.options.logout
        if self.sign_in_failed and not (self.options.sign_in.storage_state or self.options.sign_in.cookies):
            self.obs.fail_step(self.obs.phase, "not attempted: the sign-in before it failed")  # no control to wait for
            return
        if logout.url is not None:
            url = self.options.resolve(logout.url)
            phase = self.obs.phase
            if logout.selectors:
                # A sign-out confirmation page: the user is still signed in there (an identified boot is
                # right); only what follows the click is the signed-out state the checks look at.
                self.obs.phase = f"{phase}:sign-out-page"
            try:
                self.page.goto(url, wait_until="load", timeout=NAVIGATION_TIMEOUT_MS)
            except Exception as error:
                self.obs.phase = phase
                self.obs.fail_step(self.obs.phase, f"could not open {url}: {_first_line(error)}")
                return
            if logout.selectors:
                self._wait_for_boot(report=False)
                self.obs.phase = phase
            self.obs.note(self.obs.phase, f"opened {_path(url)}; landed on {_path(self.page.url)}")
        phase = self.obs.phase
        for index, selector in enumerate(logout.selectors):  # in order: a menu, then its item
            last, before = index == len(logout.selectors) - 1, _path(self.page.url)
            if not last:  # a click before the last may open a confirmation page, still signed in (as above)
                self.obs.phase = f"{phase}:sign-out-page"
            try:
                self.page.locator(selector).first.click(timeout=ACTION_TIMEOUT_MS)
            except Exception as error:
                self.obs.phase = phase
                self.obs.fail_step(self.obs.phase, f"could not click {selector!r}: {_first_line(error)}")
                return
            if not last and _path(self.page.url) != before:
                self._wait_for_boot(report=False)
            self.obs.phase = phase
            self.obs.note(self.obs.phase, f"clicked {selector!r}")
        booted = self.settle(self._booted_here, self.options.boot_timeout, outside_the_app=True)
        if not booted and self._lands_outside_the_app():
            # Signing out landed on a page that has no Messenger at all (wagtail's admin login after
            # /admin/logout/): the signed-out state is seen on the page under test, as a person going back would.
            self.obs.note(self.obs.phase, f"signing out landed on {_path(self.page.url)}, a page without the Messenger; opened {_path(self.options.url)}")
            self.open(self.options.url)
            return
        if not booted:
            self.obs.note(self.obs.phase, f"no Messenger boot on {_path(self.page.url)} within {self.options.boot_timeout:g} s")
        self.inspect()

    def _lands_outside_the_app(self) -> bool:
        """The current page is not the one under test and loads no Messenger (no window.Intercom)."""
        return _path(self.page.url) != _path(self.options.url) and self._evaluate("() => typeof window.Intercom") != "function"

    def screenshot(self) -> None:
        if self.options.screenshot is None:
            return
        try:
            self.page.screenshot(path=str(self.options.screenshot))
        except Exception as error:
            self.obs.note(self.obs.phase, f"screenshot failed: {_first_line(error)}")


def run_scenario(browser: Browser, options: VerifyOptions) -> Observations:
    obs = Observations(options)
    signs_in = not options.sign_in.is_empty
    with visit_context(browser, obs) as context:
        visit = Visit(context, obs)
        obs.phase = "anonymous"
        visit.open(options.url)
        visit.probe()
        if not signs_in:
            visit.screenshot()
            if options.navigate is not None:
                obs.phase = "navigate"
                visit.navigate(options.navigate)
        collect_source_maps(visit.context, obs)
    if not signs_in:
        _page_visits(browser, options, obs)
        return obs
    with visit_context(browser, obs, storage_state=options.sign_in.storage_state) as context:
        if options.sign_in.cookies:
            context.add_cookies([{"name": name, "value": value, "url": options.origin} for name, value in options.sign_in.cookies])
        visit = Visit(context, obs)
        stays = options.no_reload and options.sign_in.login_url is not None
        if options.sign_in.login_url is not None:
            obs.phase = "sign-in"
            visit.sign_in_with_form(then="signed-in" if stays else None)
        obs.phase = "signed-in"
        visit.stay() if stays else visit.open(options.url)
        visit.probe()
        visit.screenshot()
        if options.navigate is not None:
            obs.phase = "navigate"
            visit.navigate(options.navigate)
        if not options.logout.is_empty:
            obs.phase = "logout"
            visit.log_out()
            visit.probe()
        collect_source_maps(visit.context, obs)
    if len(options.users) > 1:
        from intercom_wizard.verify.user_switch import switch_users

        with visit_context(browser, obs) as context:
            switch_users(Visit(context, obs))
    _page_visits(browser, options, obs)
    return obs


def _page_visits(browser: Browser, options: VerifyOptions, obs: Observations) -> None:
    """--visit: a fresh tab clicked through the pages (see page_visits.py)."""
    if not options.visits:
        return
    from intercom_wizard.verify.page_visits import run_page_visits

    with visit_context(browser, obs) as context:
        run_page_visits(Visit(context, obs))
