"""The single-page core when the app signs out while the Messenger is still loading (corpus:
react-redux-login-api, whose login page calls the app's `logout()` on every visit to reset its state).

`start` and `logout` with nothing settled between them: both asked for a boot while the SDK's import
was in flight. The shutdown that logout asked for was consumed by the first boot, and the second
boot followed it without one: two boots with no shutdown between (verify: "booted twice ... without
a shutdown between"). Now a boot superseded while the SDK loads does not run.
"""

import json
import subprocess
from pathlib import Path

from test_client_contract import HARNESS, URL, _clients, ok, status


def _log(tmp_path: Path, scenario: dict[str, object]) -> list[str]:
    scenario_file = tmp_path / "scenario.json"
    scenario_file.write_text(json.dumps(scenario))
    client = _clients(tmp_path, {})["spa"]
    run = subprocess.run(["node", str(HARNESS), "spa", str(client), str(scenario_file)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    return list(json.loads(run.stdout)["log"])


def _boots_without_shutdown_between(log: list[str]) -> bool:
    last = None
    for entry in log:
        if entry.startswith(("load ", "boot ")):
            if last == "boot":
                return True
            last = "boot"
        elif entry == "shutdown":
            last = "shutdown"
    return False


def test_logout_while_the_first_boot_loads_the_sdk_leaves_one_anonymous_boot(tmp_path: Path) -> None:
    log = _log(tmp_path, {"responses": [status(401)], "steps": [["together", "start", "logout"]]})
    assert not _boots_without_shutdown_between(log), log
    assert log[-1] == "boot anonymous" or log[-1] == "load anonymous", log


def test_login_then_logout_before_the_sdk_loads_remembers_nobody(tmp_path: Path) -> None:
    log = _log(tmp_path, {"responses": [ok("42")], "steps": [["together", "start", "logout"]]})
    assert not _boots_without_shutdown_between(log), log
    assert f"fetch {URL} include -" in log


def test_logout_while_the_first_token_request_is_in_flight_boots_nobody_identified(tmp_path: Path) -> None:
    """angular13-express-session (g10new round): verify opened its /logout page while signed in. The
    core's first token request was in flight when the page's own logout() called intercomLogout(); the
    token came back afterwards and the user was booted again (verify: "boot(app_id, intercom_user_jwt)
    on /logout after signing out: an identity was still sent"). A sign-out now supersedes it."""
    log = _log(tmp_path, {"responses": [ok("42")], "steps": [["together", "start", "logout"]]})
    boots = [entry for entry in log if entry.startswith(("load ", "boot "))]
    assert boots and boots[-1] in ("boot anonymous", "load anonymous"), log
    assert not any(entry.endswith(" 42") for entry in log if entry.startswith(("load ", "boot "))), log
