"""`verify` on a page that patches `window.fetch` and reads the options of every call (corpus:
vue2-role-auth, whose fake back end does `const authHeader = opts.headers['Authorization']` before
anything else; polyfills and API-client wrappers do the same). The verifier's Messenger stand-in
pinged `api_base` with `{ method: 'POST', body }` and no headers, so the wrapper threw inside the
stand-in's boot ("boot failed: TypeError: Cannot read properties of undefined") and verify failed
the loader check on a correct install. The stand-in's ping is now shaped like an ordinary call
(method, headers, credentials, body), like the generated clients' token request (checked for both
clients in tests/client_contract.mjs, whose fetch reads the options the same way).

The app is test_verify_bearer's (bearer token in localStorage, two users) with such a wrapper in
each page's head, before the Messenger script. Exit codes through the command line: 0 when every
check passes; the control puts the stand-in's old ping (`{ method: 'POST', body }`) back and gets
exit 1 with the loader check failing exactly as on vue2-role-auth.
"""

from __future__ import annotations

import json

import pytest
from conftest import SECRET, WORKSPACE_ID
from test_verify_bearer import bearer_app
from typer.testing import CliRunner
from verify_support import require_chromium

from intercom_wizard.cli import app as cli_app
from intercom_wizard.verify import standin

# Reads opts.headers and opts.method of every call synchronously, as vue2-role-auth's fake back end does.
FETCH_WRAPPER = b"""<script>
(function () {
  var realFetch = window.fetch;
  window.fetch = function (url, opts) {
    var authHeader = opts.headers['Authorization'];
    var method = opts.method.toUpperCase();
    window.__wrappedCalls = (window.__wrappedCalls || []).concat([method + ' ' + url + (authHeader ? ' (bearer)' : '')]);
    return realFetch(url, opts);
  };
})();
</script>"""


def _verify(url: str, *users: str) -> tuple[int, dict[str, dict[str, object]], str]:
    argv = ["verify", url + "/", "--workspace-id", WORKSPACE_ID, "--json"]
    if users:
        argv += ["--login-url", "/login", "--logout-selector", "#logout"]
    for user in users:
        argv += ["--user", user]
    result = CliRunner().invoke(cli_app, argv, env={"INTERCOM_IDENTITY_SECRET": SECRET, "INTERCOM_ACCESS_TOKEN": ""}, catch_exceptions=False)
    checks = {check["id"]: check for check in json.loads(result.stdout)["checks"]}
    return result.exit_code, checks, result.stdout


def test_a_page_whose_fetch_wrapper_reads_the_options_of_every_call_verifies_with_two_users() -> None:
    require_chromium()
    with bearer_app(FETCH_WRAPPER) as url:
        exit_code, checks, output = _verify(url, "ann:ann-password", "ben:ben-password")
    assert exit_code == 0, output
    assert {name: checks[name]["status"] for name in ("loader", "anonymous", "signed-in", "logout", "identity")} == dict.fromkeys(
        ("loader", "anonymous", "signed-in", "logout", "identity"), "pass"
    ), output
    assert "boot failed" not in output


def test_signed_out_only_the_wrapper_passes_too() -> None:
    require_chromium()
    with bearer_app(FETCH_WRAPPER) as url:
        exit_code, checks, output = _verify(url)
    assert exit_code == 0, output
    assert checks["loader"]["status"] == "pass", output


def test_control_the_old_ping_without_headers_fails_the_loader_check(monkeypatch: pytest.MonkeyPatch) -> None:
    require_chromium()
    script = standin.standin_script()
    ping_call = "return fetch(entry.url, request)"
    assert ping_call in script
    monkeypatch.setattr(standin, "standin_script", lambda: script.replace(ping_call, "return fetch(entry.url, { method: 'POST', body: body })"))
    with bearer_app(FETCH_WRAPPER) as url:
        exit_code, checks, output = _verify(url)
    assert exit_code == 1, output
    assert checks["loader"]["status"] == "fail", output
    assert "boot failed: TypeError" in json.dumps(checks["loader"]), output
