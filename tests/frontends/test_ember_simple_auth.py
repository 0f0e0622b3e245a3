"""ember-simple-auth (issue 10, corpus: ember-simple-auth-test-app): the Messenger's login/logout
hooks go into the session service's handleAuthentication()/handleInvalidation(), which run whoever
starts the sign-in or sign-out, instead of a manual step.

Fixture `ember_simple_auth_app` (ours; ember-simple-auth 8.0.0 pinned): a login controller calling
`session.authenticate('authenticator:staff', ...)`, a sign-out calling `session.invalidate()`, and
no session service of its own. Before: "Call the Messenger hook from your login code" (a manual
step) and a note about handleAuthentication.

Every install here ends `incomplete` (exit 4) for one reason only: the app has no back end in the
project, so the step to run the wizard on its API remains; no step is about the hooks.
"""

import json

from conftest import WORKSPACE_ID, copy_app, install_and_check_uninstall

APP = "ember_simple_auth_app"
SESSION_JS = "app/services/session.js"
# The app's own subclass, as ember-simple-auth's test app writes it (TypeScript, with a hook of its own).
OWN_SESSION_TS = """import { service } from '@ember/service';
import Session from 'ember-simple-auth/services/session';

export default class SessionService extends Session {
  @service declare rota: any;

  handleAuthentication(routeAfterAuthentication: string) {
    super.handleAuthentication(routeAfterAuthentication);

    this.rota.load();
  }
}
"""


def _install(cli, root, *extra):  # type: ignore[no-untyped-def]
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install", "--json", "--auth", "cookie", "--allow-dirty", *extra)
    return result, (json.loads(result.stdout) if result.stdout.strip() else {})


def _only_the_api_step_is_left(report: dict) -> None:  # type: ignore[type-arg]
    steps = report["manual_steps"]
    assert len(steps) == 1, steps
    assert "No back end is in this project" in steps[0]["instruction"]
    assert not any("handleAuthentication" in note["text"] for note in report["notes"])


def test_no_session_service_of_its_own_gets_one_that_extends_ember_simple_auths(tmp_path, cli):
    root = copy_app(APP, tmp_path)
    controllers = {path: path.read_bytes() for path in (root / "app/controllers").iterdir()}
    install_and_check_uninstall(cli, root, "--auth", "cookie", exit_code=4)
    result, report = _install(cli, root)
    assert result.exit_code == 4, result.stderr
    _only_the_api_step_is_left(report)
    session = (root / SESSION_JS).read_text()
    assert "import SessionService from 'ember-simple-auth/services/session';\n" in session
    assert "import { intercomLogin, intercomLogout } from 'clinic/utils/intercom-messenger';\n" in session
    assert "  handleAuthentication(routeAfterAuthentication) {\n    super.handleAuthentication(routeAfterAuthentication);\n    void intercomLogin();\n  }\n" in session
    assert "  handleInvalidation(routeAfterInvalidation) {\n    intercomLogout();\n    super.handleInvalidation(routeAfterInvalidation);\n  }\n" in session
    assert ": string" not in session  # a JavaScript app gets JavaScript
    # The controllers that start sign-in and sign-out are left alone: the session service runs the hooks.
    assert {path: path.read_bytes() for path in (root / "app/controllers").iterdir()} == controllers


def test_the_apps_own_subclass_gets_the_call_and_the_missing_method(tmp_path, cli):
    root = copy_app(APP, tmp_path)
    (root / "tsconfig.json").write_text('{\n  "compilerOptions": { "strict": true, "paths": { "clinic/*": ["./app/*"] } }\n}\n')
    (root / "app/services").mkdir()
    (root / "app/services/session.ts").write_text(OWN_SESSION_TS)
    result, report = _install(cli, root)
    assert result.exit_code == 4, result.stderr
    _only_the_api_step_is_left(report)
    assert not (root / SESSION_JS).exists()
    edited = (root / "app/services/session.ts").read_text()
    # The import goes where the file's alphabetical order puts it (js_import_order).
    assert edited == OWN_SESSION_TS.replace(
        "import Session from 'ember-simple-auth/services/session';\n",
        "import { intercomLogin, intercomLogout } from 'clinic/utils/intercom-messenger';\nimport Session from 'ember-simple-auth/services/session';\n",
    ).replace(
        "    this.rota.load();\n  }\n}\n",
        "    this.rota.load();\n    void intercomLogin();\n  }\n\n"
        "  handleInvalidation(routeAfterInvalidation: string): void {\n    intercomLogout();\n    super.handleInvalidation(routeAfterInvalidation);\n  }\n}\n",
    )
    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert (root / "app/services/session.ts").read_text() == OWN_SESSION_TS


def test_both_methods_present_each_get_their_hook(tmp_path, cli):
    root = copy_app(APP, tmp_path)
    (root / "app/services").mkdir()
    own = (
        "import SessionService from 'ember-simple-auth/services/session';\n\n"
        "export default class ClinicSession extends SessionService {\n"
        "  handleAuthentication() {\n    super.handleAuthentication('rota');\n  }\n\n"
        "  handleInvalidation() {\n    super.handleInvalidation('/login');\n  }\n}\n"
    )
    (root / SESSION_JS).write_text(own)
    result, report = _install(cli, root)
    assert result.exit_code == 4, result.stderr
    _only_the_api_step_is_left(report)
    edited = (root / SESSION_JS).read_text()
    assert "    super.handleAuthentication('rota');\n    void intercomLogin();\n  }\n" in edited
    assert "  handleInvalidation() {\n    intercomLogout();\n    super.handleInvalidation('/login');\n" in edited
    assert edited.count("handleInvalidation(") == 2  # the method and its super call: none added


def test_before_ember_simple_auth_4_the_hooks_are_the_apps_own_login_code(tmp_path, cli):
    """ember-simple-auth 3 kept the hooks in the application route mixin: no session service is made;
    the note and the ordinary wiring (here a manual step for the login) stay."""
    root = copy_app(APP, tmp_path)
    manifest = root / "package.json"
    manifest.write_text(manifest.read_text().replace('"ember-simple-auth": "8.0.0"', '"ember-simple-auth": "3.1.0"'))
    result, report = _install(cli, root)
    assert result.exit_code == 4, result.stderr
    assert not (root / SESSION_JS).exists()
    assert any("handleAuthentication" in note["text"] for note in report["notes"])
