"""Turbo Drive, htmx's hx-boost and Inertia - the real builds from npm - on a Flask-Login app served on 127.0.0.1.

The wizard detects the framework from the app's layout, puts the Messenger script in <head> and
renders it with that framework's visit events; `verify --visit` then clicks through the pages in
one tab, signs in through the (Turbo/htmx-submitted) login form and out with the sign-out button,
and counts: one boot per identity, one update and no token request per visit. The control is the
script as it was before (no once-per-tab guard, tag in the body, pushState wrapping): it fails the
check with the counts. A sign-out through a plain GET link (no form) is noticed on that visit too:
the script asks the token endpoint after a visit to a sign-out path.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SECRET, WORKSPACE_ID, copy_app
from verify_support import edit, require_chromium

from intercom_wizard.apply import apply_changes
from intercom_wizard.localserver import free_port, running_server
from intercom_wizard.options import InstallOptions, Region, parse_workspace_id
from intercom_wizard.planner import make_plan
from intercom_wizard.project import detect
from intercom_wizard.verify import Logout, Report, SignIn, Status, launched_browser, run_verification

BUILDS = {
    "turbo": ("@hotwired/turbo@8.0.13", "@hotwired/turbo/dist/turbo.es2017-umd.js", "turbo.es2017-umd.js"),
    "htmx": ("htmx.org@2.0.6", "htmx.org/dist/htmx.min.js", "htmx.min.js"),
    # Inertia has no browser build of its own: the app's client (client/inertia-app.js) is bundled with esbuild.
    "inertia": ("@inertiajs/core@2.3.28", "", "inertia-app.js"),
}
ESBUILD = "esbuild@0.25.10"
VISITS = ("/notes", "/about")
SIGN_IN = SignIn(login_url="/login", username="erin@example.com", password="no-full-loads")
SIGN_OUT = Logout(selectors=("#logout button",))
# A plain <a href="/sign-out"> (GET, no form): the framework visits it like any link.
SIGN_OUT_LINK = Logout(selectors=("#sign-out-link",))


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    require_chromium()
    with launched_browser() as launched:
        yield launched


@pytest.fixture(scope="session")
def navigation_builds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The frameworks' browser builds from the npm registry, installed once per session."""
    if shutil.which("npm") is None:
        pytest.skip("needs npm")
    folder = tmp_path_factory.mktemp("navigation-builds")
    (folder / "package.json").write_text('{"name": "builds", "private": true}\n')
    completed = subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--prefer-offline", ESBUILD, *(spec for spec, _, _ in BUILDS.values())],
        cwd=folder, capture_output=True, text=True, timeout=600, check=False,
    )
    if completed.returncode != 0:
        pytest.skip(f"npm could not install the builds: {completed.stderr.strip().splitlines()[-1:]}")
    return folder / "node_modules"


def _app(framework: str, destination: Path, builds: Path, source: Path | None = None, *, modern: bool = False) -> Path:
    """The fixture (or `source`, an edited copy of it) with the framework's real build served from
    static/, as the app's own layout loads it; `modern`: the app lints with Biome, so the install writes
    the modern-syntax script."""
    if source is None:
        root = copy_app("flask_navigation_app", destination, commit=False)
    else:
        root = destination / "flask_navigation_app"
        shutil.copytree(source, root)
    spec, build, name = BUILDS[framework]
    (root / "static").mkdir()
    if framework == "inertia":
        # Bundled where the packages are; the app declares the dependency, as an Inertia app does.
        entry = builds.parent / name
        shutil.copy(root / "client" / name, entry)
        subprocess.run([str(builds / ".bin/esbuild"), str(entry), "--bundle", "--format=iife", f"--outfile={root / 'static' / name}"], check=True, capture_output=True)
        (root / "package.json").write_text(json.dumps({"private": True, "dependencies": {"@inertiajs/core": spec.rsplit("@", 1)[1]}}) + "\n")
    else:
        shutil.copy(builds / build, root / "static" / name)
        edit(root / "templates/layout.html", "</title>\n", f'</title>\n    <script src="/static/{name}"></script>\n')
    if framework == "htmx":
        edit(root / "templates/layout.html", "  <body>\n", '  <body hx-boost="true">\n')
    if modern:
        (root / "biome.json").write_text('{ "linter": { "rules": { "recommended": true } } }\n')
    plan = make_plan(detect(root), InstallOptions(workspace=parse_workspace_id(WORKSPACE_ID), region=Region.EU), SECRET)
    apply_changes(detect(root).tree, plan.changes)
    return root


def _verify(root: Path, browser: object, framework: str, logout: Logout = SIGN_OUT) -> Report:
    port = free_port()
    command = [sys.executable, "-m", "flask", "--app", "app", "run", "--host", "127.0.0.1", "--port", str(port)]
    environment = {"INTERCOM_IDENTITY_SECRET": SECRET, "INERTIA": "1" if framework == "inertia" else "0"}
    with running_server(command, root, port, environment):
        return run_verification(
            f"http://127.0.0.1:{port}/", workspace_id=WORKSPACE_ID, secret=SECRET, region=Region.EU,
            sign_in=SIGN_IN, logout=logout, visits=VISITS, browser=browser,
        )


def _check(report: Report, check_id: str):  # type: ignore[no-untyped-def]
    return next(check for check in report.checks if check.id == check_id)


@pytest.mark.parametrize("syntax", ["es5", "modern"])
@pytest.mark.parametrize("framework", ["turbo", "htmx", "inertia"])
def test_one_boot_per_identity_and_one_update_per_visit(framework, syntax, tmp_path, browser, navigation_builds):
    root = _app(framework, tmp_path, navigation_builds, modern=syntax == "modern")
    layout = (root / ("templates/inertia.html" if framework == "inertia" else "templates/layout.html")).read_text()
    head = layout.split("</head>")[0]
    # Turbo and htmx swap the body but keep <head>; Inertia renders its root template once.
    assert ("intercom-messenger.js" in head) is (framework != "inertia") and "intercom-messenger.js" in layout
    if framework == "turbo":
        assert 'data-turbo-track="reload"' in head
    declaration = "const" if syntax == "modern" else "var"
    assert f"{declaration} NAVIGATION = ['{framework}']" in (root / "static/intercom-messenger.js").read_text()
    report = _verify(root, browser, framework)
    visits = _check(report, "page-visits")
    print(f"{framework}: " + json.dumps(visits.evidence, indent=1))
    assert visits.status is Status.PASS, report.dumps()
    # start, 2 visits, the login page, sign-in, 2 visits, sign-out, 2 visits: 7 updates, 3 boots, 3 token requests.
    assert "7 link visit(s): 7 update(s); boots: anonymous x2, user '31' x1; token requests: 3" in visits.evidence[0]
    assert report.passed, report.dumps()


def test_a_script_that_runs_again_on_every_swap_fails_with_the_counts(tmp_path, browser, navigation_builds):
    """The control: the tag in the body (Turbo runs it on every visit) and no once-per-tab guard."""
    root = _app("turbo", tmp_path, navigation_builds)
    layout = root / "templates/layout.html"
    text = layout.read_text()
    tag = next(line for line in text.splitlines() if "intercom-messenger.js" in line)
    layout.write_text(text.replace(tag + "\n", "").replace("  </body>", tag.replace(' data-turbo-track="reload"', "") + "\n  </body>"))
    # The app's own JavaScript (client/) has no semicolons, so neither has the generated script.
    edit(root / "static/intercom-messenger.js", "  if (window.intercomMessenger) {\n    return\n  }\n", "")
    report = _verify(root, browser, "turbo")
    visits = _check(report, "page-visits")
    assert visits.status is Status.FAIL
    problems = "\n".join(visits.evidence)
    assert "booted anonymous again, already booted in this tab (a duplicate boot)" in problems, problems
    assert "expected exactly 1 update and no boot" in problems, problems


@pytest.mark.parametrize("framework", ["turbo", "htmx"])
def test_a_sign_out_through_a_plain_link_is_noticed_on_that_visit(framework, tmp_path, browser, navigation_builds):
    root = _app(framework, tmp_path, navigation_builds)
    report = _verify(root, browser, framework, SIGN_OUT_LINK)
    visits = _check(report, "page-visits")
    print(f"{framework}: " + json.dumps(visits.evidence, indent=1))
    assert visits.status is Status.PASS, report.dumps()
    assert "7 link visit(s): 7 update(s); boots: anonymous x2, user '31' x1; token requests: 3" in visits.evidence[0]
    assert report.passed, report.dumps()


def test_without_the_sign_out_path_a_link_sign_out_fails_the_check(tmp_path, browser, navigation_builds):
    """The control: the script as it was (only form submissions re-ask) keeps the signed-out tab booted as the user."""
    root = _app("turbo", tmp_path, navigation_builds)
    edit(root / "static/intercom-messenger.js", "        visitTo(event.detail && event.detail.url)\n", "")
    report = _verify(root, browser, "turbo", SIGN_OUT_LINK)
    sign_out = _check(report, "logout")
    assert sign_out.status is Status.FAIL, report.dumps()
    assert "no anonymous boot after signing out" in sign_out.evidence, sign_out.evidence


@pytest.mark.parametrize("framework", ["turbo", "htmx"])
def test_a_sign_out_link_to_a_route_named_otherwise_is_noticed(framework, tmp_path, browser, navigation_builds):
    """The app's GET sign-out is /bye, which the script's pattern does not know: the install finds the
    route in app.py (it calls logout_user()) and renders it into SIGN_OUT_ROUTES."""
    root = copy_app("flask_navigation_app", tmp_path / "source", commit=False)
    edit(root / "app.py", '@app.route("/sign-out")', '@app.route("/bye")')
    edit(root / "templates/layout.html", 'href="/sign-out"', 'href="/bye"')
    built = _app(framework, tmp_path, navigation_builds, source=root)
    assert "var SIGN_OUT_ROUTES = ['/bye']" in (built / "static/intercom-messenger.js").read_text()
    report = _verify(built, browser, framework, SIGN_OUT_LINK)
    visits = _check(report, "page-visits")
    assert visits.status is Status.PASS, report.dumps()
    assert "7 link visit(s): 7 update(s); boots: anonymous x2, user '31' x1; token requests: 3" in visits.evidence[0]
    assert report.passed, report.dumps()


def test_without_the_found_route_a_sign_out_to_bye_fails_the_check(tmp_path, browser, navigation_builds):
    """The control: the same app with an empty SIGN_OUT_ROUTES stays booted as the user after /bye."""
    root = copy_app("flask_navigation_app", tmp_path / "source", commit=False)
    edit(root / "app.py", '@app.route("/sign-out")', '@app.route("/bye")')
    edit(root / "templates/layout.html", 'href="/sign-out"', 'href="/bye"')
    built = _app("turbo", tmp_path, navigation_builds, source=root)
    edit(built / "static/intercom-messenger.js", "var SIGN_OUT_ROUTES = ['/bye']", "var SIGN_OUT_ROUTES = []")
    report = _verify(built, browser, "turbo", SIGN_OUT_LINK)
    sign_out = _check(report, "logout")
    assert sign_out.status is Status.FAIL, report.dumps()
    assert "no anonymous boot after signing out" in sign_out.evidence, sign_out.evidence
