"""`verify` against the fixture apps' real servers after the wizard installed the Messenger.

Positive: each app, signed out, signed in through its own login form, navigating client-side and
signing out, passes every check. Negative: each broken installation fails, and fails the check
that names the problem.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SECRET, WORKSPACE_ID
from verify_support import APPS, edit, install, require_chromium, serve

from intercom_wizard.options import Region
from intercom_wizard.verify import Report, Status, launched_browser, run_verification

CHECKS = ["loader", "anonymous", "signed-in", "navigation", "logout", "no-secrets"]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    require_chromium()
    with launched_browser() as launched:
        yield launched


def verify_app(name: str, url: str, browser: object, *, region: Region = Region.EU, **overrides: object) -> Report:
    app = APPS[name]
    arguments: dict[str, object] = {"sign_in": app.sign_in, "logout": app.logout, "navigate": app.navigate} | overrides
    return run_verification(url, workspace_id=WORKSPACE_ID, secret=SECRET, region=region, browser=browser, **arguments)  # type: ignore[arg-type]


def explain(report: Report) -> str:
    return report.dumps()


@pytest.fixture(scope="module")
def flask_notes_url(tmp_path_factory: pytest.TempPathFactory, browser: object) -> Iterator[str]:
    """One served flask_notes install (EU) shared by the tests that do not change the app."""
    root = install("flask_notes", tmp_path_factory.mktemp("shared"))
    with serve("flask_notes", root) as url:
        yield url


@pytest.mark.parametrize("name", ["flask_notes", "flask_login_app", "django_site", "express_app"])
def test_every_check_passes_on_an_installed_app(name: str, tmp_path: Path, browser: object) -> None:
    root = install(name, tmp_path)
    screenshot = tmp_path / "page.png"
    with serve(name, root) as url:
        report = verify_app(name, url, browser, screenshot=screenshot)
    assert report.passed, explain(report)
    assert [check.id for check in report.checks if check.status is Status.PASS] == CHECKS, explain(report)
    assert report.check("api").status is Status.SKIPPED
    assert screenshot.read_bytes().startswith(b"\x89PNG")
    signed_in = "\n".join(report.check("signed-in").evidence)
    assert "Messenger ping to api-iam.eu.intercom.io: JWT verified" in signed_in
    assert "no-store" in signed_in


def test_without_sign_in_only_the_signed_out_checks_apply(flask_notes_url: str, browser: object) -> None:
    report = run_verification(flask_notes_url, workspace_id=WORKSPACE_ID, secret=SECRET, region=Region.EU, browser=browser)
    assert report.passed, explain(report)
    statuses = {check.id: check.status for check in report.checks}
    assert statuses == {
        "loader": Status.PASS,
        "anonymous": Status.PASS,
        "signed-in": Status.SKIPPED,
        "navigation": Status.SKIPPED,
        "logout": Status.SKIPPED,
        "no-secrets": Status.PASS,
        "identity": Status.SKIPPED,
        "page-visits": Status.SKIPPED,
        "api": Status.SKIPPED,
    }


def test_wrong_region_fails_the_signed_in_check(flask_notes_url: str, browser: object) -> None:
    report = verify_app("flask_notes", flask_notes_url, browser, region=Region.US)
    assert report.failed_checks == ["signed-in"], explain(report)
    assert any("needs https://api-iam.intercom.io" in line for line in report.check("signed-in").evidence)


def test_wrong_workspace_fails_the_loader_check(flask_notes_url: str, browser: object) -> None:
    report = run_verification(flask_notes_url, workspace_id="zzz99999", secret=SECRET, region=Region.EU, browser=browser)
    assert "loader" in report.failed_checks, explain(report)
    assert any("expected zzz99999" in line for line in report.check("loader").evidence)


def test_wrong_secret_on_the_server_fails_the_signed_in_check(tmp_path: Path, browser: object) -> None:
    root = install("flask_notes", tmp_path)
    with serve("flask_notes", root, secret="a-different-secret-than-the-workspace-has-0123456789") as url:
        report = verify_app("flask_notes", url, browser)
    assert report.failed_checks == ["signed-in"], explain(report)
    evidence = "\n".join(report.check("signed-in").evidence)
    assert "does not verify with INTERCOM_IDENTITY_SECRET: Signature verification failed" in evidence
    assert "identity verification refused the Messenger's ping" in evidence


def test_endpoint_without_authentication_fails_the_anonymous_check(tmp_path: Path, browser: object) -> None:
    root = install("flask_notes", tmp_path)
    edit(root / "flaskr/intercom_jwt.py", 'return jsonify(error="Not signed in"), 401', 'claims = {"user_id": "1", "email": "alice@example.com"}')
    with serve("flask_notes", root) as url:
        report = verify_app("flask_notes", url, browser)
    assert "anonymous" in report.failed_checks, explain(report)
    evidence = "\n".join(report.check("anonymous").evidence)
    assert "-> 200 without a signed-in user" in evidence
    assert "was booted with a JWT" in evidence


def test_secret_in_a_page_fails_the_no_secrets_check(tmp_path: Path, browser: object) -> None:
    root = install("flask_notes", tmp_path)
    edit(root / APPS["flask_notes"].layout, "</head>", f'<meta name="debug-intercom" content="{SECRET}">\n</head>')
    with serve("flask_notes", root) as url:
        report = verify_app("flask_notes", url, browser)
    assert report.failed_checks == ["no-secrets"], explain(report)
    assert any("the identity secret is in the response of http://127.0.0.1" in line for line in report.check("no-secrets").evidence)


def test_missing_shutdown_fails_the_logout_check(tmp_path: Path, browser: object) -> None:
    root = install("flask_login_app", tmp_path)
    edit(root / APPS["flask_login_app"].script, "window.Intercom('shutdown');", "")
    with serve("flask_login_app", root) as url:
        report = verify_app("flask_login_app", url, browser)
    assert report.failed_checks == ["logout"], explain(report)
    evidence = "\n".join(report.check("logout").evidence)
    assert "no shutdown after signing out" in evidence
    assert "still carried user 7's Messenger session" in evidence


def test_boot_with_an_undefined_token_fails_the_signed_in_check(tmp_path: Path, browser: object) -> None:
    root = install("flask_notes", tmp_path)
    edit(root / APPS["flask_notes"].script, "intercom_user_jwt: token }", "intercom_user_jwt: token.jwt }")
    with serve("flask_notes", root) as url:
        report = verify_app("flask_notes", url, browser)
    assert report.failed_checks == ["signed-in"], explain(report)
    assert any("intercom_user_jwt is undefined" in line for line in report.check("signed-in").evidence)


# The seed's classic snippet, left in the layout next to the wizard's script.
CLASSIC_SNIPPET = """<script>window.intercomSettings = { api_base: "https://api-iam.eu.intercom.io", app_id: "abc12345" };</script>
<script>(function(){var w=window;var ic=w.Intercom;if(typeof ic==="function"){ic('reattach_activator');ic('update',w.intercomSettings);}else{var d=document;var i=function(){i.c(arguments);};i.q=[];i.c=function(args){i.q.push(args);};w.Intercom=i;var l=function(){var s=d.createElement('script');s.type='text/javascript';s.async=true;s.src='https://widget.intercom.io/widget/abc12345';var x=d.getElementsByTagName('script')[0];x.parentNode.insertBefore(s,x);};if(document.readyState==='complete'){l();}else if(w.attachEvent){w.attachEvent('onload',l);}else{w.addEventListener('load',l,false);}}})();</script>
</head>"""


def test_two_loaders_on_the_page_fail_the_loader_check(tmp_path: Path, browser: object) -> None:
    root = install("flask_notes", tmp_path)
    edit(root / APPS["flask_notes"].layout, "</head>", CLASSIC_SNIPPET)
    with serve("flask_notes", root) as url:
        report = verify_app("flask_notes", url, browser)
    assert "loader" in report.failed_checks, explain(report)
    assert any("2 scripts load the Messenger" in line for line in report.check("loader").evidence)


def test_script_included_twice_fails_the_loader_check(tmp_path: Path, browser: object) -> None:
    root = install("django_site", tmp_path)
    layout = root / APPS["django_site"].layout
    tag = "<script src=\"{% static 'intercom-messenger.js' %}\" defer></script>"
    edit(layout, tag, tag + "\n  " + tag)
    with serve("django_site", root) as url:
        report = verify_app("django_site", url, browser)
    assert "loader" in report.failed_checks, explain(report)
    evidence = "\n".join(report.check("loader").evidence)
    assert "2 scripts load the Messenger" in evidence  # (the script itself runs once per tab, so it boots once)
