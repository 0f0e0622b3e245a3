"""The sign-out route finder (integrations/frontends/html/sign_out_routes.py) in a browser on Django and Sinatra.

Our django_site fixture with Turbo Drive 8 or htmx 2's hx-boost (the real builds from npm, served
by the app) and a GET sign-out that the script's own pattern does not know: `/leave/`, a view of
ours that calls `logout(request)`, reached through a plain `<a href>` in the layout. The install
finds the route in notes/urls.py + notes/views.py and renders it into SIGN_OUT_ROUTES; `verify`
then signs carol in through the (framework-submitted) login form, visits pages, follows the link
and must see the anonymous boot that follows the sign-out (the `logout` check). The control: the
same install with SIGN_OUT_ROUTES emptied stays booted as carol. The same on our
sinatra_classic_app (Debian's ruby-sinatra) with `get "/so-long"` clearing the session.

Flask had this test first (tests/verify/test_page_visits.py). Laravel stays static here (no
Composer to install the framework); plain PHP's finder is checked on files only.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SECRET, WORKSPACE_ID, copy_app
from test_page_visits import BUILDS, navigation_builds  # noqa: F401  (the session fixture: Turbo and htmx from npm)
from verify_support import edit, require_chromium

from intercom_wizard.apply import apply_changes
from intercom_wizard.localserver import free_port, running_server
from intercom_wizard.options import InstallOptions, Region, parse_workspace_id
from intercom_wizard.planner import make_plan
from intercom_wizard.project import detect
from intercom_wizard.verify import Logout, Report, SignIn, Status, launched_browser, run_verification

SIGN_IN = SignIn(login_url="/accounts/login/", username="carol", password="pass-carol-123")
SIGN_OUT_LINK = Logout(selectors=("#sign-out-link",))
VISITS = ("/about/", "/")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    require_chromium()
    with launched_browser() as launched:
        yield launched


def _django_app(framework: str, destination: Path, builds: Path) -> Path:
    root = copy_app("django_site", destination, commit=False)
    edit(root / "notes/views.py", "from django.shortcuts import render\n",
         "from django.contrib.auth import logout\nfrom django.shortcuts import redirect, render\n")
    (root / "notes/views.py").write_text((root / "notes/views.py").read_text()
                                         + "\n\ndef leave(request):\n    logout(request)\n    return redirect(\"/\")\n")
    edit(root / "notes/urls.py", '    path("about/", views.about, name="about"),\n',
         '    path("about/", views.about, name="about"),\n    path("leave/", views.leave, name="leave"),\n')
    # The sign-out is a plain link (GET), not Django's POST form.
    layout = root / "templates/base.html"
    text = layout.read_text()
    start, end = text.index('      <form action="{% url \'logout\' %}"'), text.index("      </form>\n") + len("      </form>\n")
    layout.write_text(text[:start] + '      <a id="sign-out-link" href="{% url \'notes:leave\' %}">Sign out</a>\n' + text[end:])
    _, build, name = BUILDS[framework]
    (root / "notes/static").mkdir(parents=True, exist_ok=True)
    shutil.copy(builds / build, root / "notes/static" / name)
    edit(layout, "</title>\n", f'</title>\n  <script src="/static/{name}"></script>\n')
    if framework == "htmx":
        edit(layout, "<body>\n", '<body hx-boost="true">\n')
    plan = make_plan(detect(root), InstallOptions(workspace=parse_workspace_id(WORKSPACE_ID), region=Region.EU), SECRET)
    apply_changes(detect(root).tree, plan.changes)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=root, check=True, capture_output=True)
    return root


def _verify(root: Path, browser: object) -> Report:
    port = free_port()
    command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    with running_server(command, root, port, {"INTERCOM_IDENTITY_SECRET": SECRET}):
        return run_verification(
            f"http://127.0.0.1:{port}/", workspace_id=WORKSPACE_ID, secret=SECRET, region=Region.EU,
            sign_in=SIGN_IN, logout=SIGN_OUT_LINK, visits=VISITS, browser=browser,
        )


def _check(report: Report, check_id: str):  # type: ignore[no-untyped-def]
    return next(check for check in report.checks if check.id == check_id)


@pytest.mark.parametrize("framework", ["turbo", "htmx"])
def test_a_django_sign_out_route_named_otherwise_is_noticed(framework, tmp_path, browser, navigation_builds):  # noqa: F811
    root = _django_app(framework, tmp_path, navigation_builds)
    script = (root / "notes/static/intercom-messenger.js").read_text()
    assert "var SIGN_OUT_ROUTES = ['/leave']" in script, script[:3000]
    report = _verify(root, browser)
    print(f"{framework}: " + "; ".join(_check(report, "page-visits").evidence))
    assert _check(report, "page-visits").status is Status.PASS, report.dumps()
    # 2 visits, the login page, sign-in, 2 visits, sign-out through /leave/, 2 visits.
    assert "7 link visit(s): 7 update(s); boots: anonymous x2, user '1' x1; token requests: 3" in _check(report, "page-visits").evidence[0]
    assert _check(report, "logout").status is Status.PASS, report.dumps()
    assert report.passed, report.dumps()


def test_without_the_found_route_the_django_sign_out_fails_the_check(tmp_path, browser, navigation_builds):  # noqa: F811
    root = _django_app("turbo", tmp_path, navigation_builds)
    edit(root / "notes/static/intercom-messenger.js", "var SIGN_OUT_ROUTES = ['/leave']", "var SIGN_OUT_ROUTES = []")
    report = _verify(root, browser)
    sign_out = _check(report, "logout")
    assert sign_out.status is Status.FAIL, report.dumps()
    assert "no anonymous boot after signing out" in sign_out.evidence, sign_out.evidence


def _sinatra_app(framework: str, destination: Path, builds: Path) -> Path:
    root = copy_app("sinatra_classic_app", destination, commit=False)
    edit(root / "app.rb", 'get "/login" do\n', 'get "/about" do\n  erb :index\nend\n\nget "/so-long" do\n  session.clear\n'
         '  redirect to("/")\nend\n\nget "/login" do\n')
    layout = root / "views/layout.erb"
    edit(layout, '<form action="/logout" method="post"><button>Sign out</button></form>',
         '<a id="sign-out-link" href="/so-long">Sign out</a>')
    edit(layout, "    <header>\n", '    <header>\n      <a href="/">Home</a> <a href="/about">About</a>\n')  # links to visit
    _, build, name = BUILDS[framework]
    shutil.copy(builds / build, root / "public" / name)
    edit(layout, "</title>\n", f'</title>\n    <script src="/{name}"></script>\n')
    if framework == "htmx":
        edit(layout, "<body>\n", '<body hx-boost="true">\n')
    plan = make_plan(detect(root), InstallOptions(workspace=parse_workspace_id(WORKSPACE_ID), region=Region.EU), SECRET)
    apply_changes(detect(root).tree, plan.changes)
    return root


@pytest.mark.parametrize("framework", ["turbo", "htmx"])
def test_a_sinatra_sign_out_route_named_otherwise_is_noticed(framework, tmp_path, browser, navigation_builds):  # noqa: F811
    if shutil.which("ruby") is None:
        pytest.skip("needs Ruby (Debian's ruby-sinatra)")
    root = _sinatra_app(framework, tmp_path, navigation_builds)
    script = (root / "public/intercom-messenger.js").read_text()
    assert "var SIGN_OUT_ROUTES = ['/so-long']" in script
    port = free_port()
    command = ["ruby", "app.rb", "-o", "127.0.0.1", "-p", str(port)]
    with running_server(command, root, port, {"INTERCOM_IDENTITY_SECRET": SECRET, "APP_ENV": "development"}):
        report = run_verification(
            f"http://127.0.0.1:{port}/", workspace_id=WORKSPACE_ID, secret=SECRET, region=Region.EU,
            sign_in=SignIn(login_url="/login", username="frank@example.com", password="rum-ham"),
            logout=SIGN_OUT_LINK, visits=("/about", "/"), browser=browser,
        )
    visits = _check(report, "page-visits")
    print(f"{framework}: " + "; ".join(visits.evidence))
    assert visits.status is Status.PASS, report.dumps()
    assert "7 link visit(s): 7 update(s); boots: anonymous x2, user '3' x1; token requests: 3" in visits.evidence[0]
    assert _check(report, "logout").status is Status.PASS, report.dumps()
    assert report.passed, report.dumps()
