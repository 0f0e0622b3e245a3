"""The app's own sign-out routes named unlike /logout reach the plain-JS script (issue 13, Turbo/htmx).

Under Turbo, htmx, Inertia or Livewire a GET sign-out link is a visit without a form submission:
the script re-asks the token endpoint only after a visit to a sign-out path. Paths named like one
match its pattern; these are routes of the app's back end named otherwise, found in its code. The
script's matching itself runs in Node (a visit to `/auth/bye` after the route `/bye`), and in
Chromium with the real Turbo and htmx builds in tests/verify/test_page_visits.py.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import WORKSPACE_ID, copy_app, git, install_quietly

from intercom_wizard.integrations.frontends.html.navigation import Navigation, detect_navigation
from intercom_wizard.integrations.frontends.html.script import script_source
from intercom_wizard.integrations.frontends.html.sign_out_routes import find_sign_out_routes
from intercom_wizard.options import InstallOptions, parse_workspace_id
from intercom_wizard.tree import ProjectTree

APP_FILES = {
    "app.py": 'from flask_login import logout_user\n\n@app.route("/")\ndef index():\n    return "x"\n\n\n'
              '@app.route("/bye")\ndef bye():\n    logout_user()\n    return redirect("/")\n\n\n'
              '@app.route("/logout", methods=["POST"])\ndef logout():\n    logout_user()\n    return redirect("/")\n',
    "server.js": "app.get('/session/end', (req, res) => {\n  req.session.destroy(() => res.redirect('/'))\n})\n"
                 "app.get('/notes', (req, res) => res.send('notes'))\n",
    "shop/urls.py": "urlpatterns = [\n    path('leave/', views.leave, name='leave'),\n"
                    "    path('quit/', auth_views.LogoutView.as_view()),\n    path('about/', views.about),\n]\n",
    "shop/views.py": "def leave(request):\n    logout(request)\n    return redirect('/')\n\n\ndef about(request):\n    return render(request, 'about.html')\n",
    "web/exit.php": "<?php\nsession_start();\nsession_destroy();\nheader('Location: /');\n",
    # A GET handler ends at the next route of any method: `post "/login"` clears the session, not `get "/login"`
    # (sinatra_classic_app's shape, found in Chromium: /login was taken for a sign-out).
    "app.rb": "get '/cya' do\n  session.clear\n  redirect '/'\nend\n\nget '/notes' do\n  erb :notes\nend\n\n"
              'get "/login" do\n  erb :login\nend\n\npost "/login" do\n  session.clear\n  session[:user_id] = 3\nend\n',
    "server.mjs": "app.get('/signin', (req, res) => res.render('signin'))\napp.post('/signin', (req, res) => {\n"
                  "  req.session.destroy(() => res.redirect('/'))\n})\n",
    "routes/web.php": "<?php\nRoute::get('/adios', function () { Auth::logout(); return redirect('/'); });\n"
                      "Route::get('/user/{id}/quit', [UserController::class, 'logout']);\n"
                      "Route::get('/dashboard', [DashboardController::class, 'index']);\n",
}


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def test_routes_that_sign_out_are_found_in_each_back_end_shape(tmp_path: Path) -> None:
    _write(tmp_path, APP_FILES)
    routes = find_sign_out_routes(ProjectTree(tmp_path))
    # /logout matches the script's own pattern; a route with a parameter cannot be matched literally;
    # /, /notes, /about and /dashboard sign nobody out.
    assert sorted(routes) == ["/adios", "/bye", "/cya", "/exit.php", "/leave", "/quit", "/session/end"]


def test_only_pages_that_change_without_full_loads_get_them(tmp_path: Path) -> None:
    _write(tmp_path, {"app.py": APP_FILES["app.py"], "templates/layout.html": "<html><body>x</body></html>\n"})
    assert detect_navigation(ProjectTree(tmp_path)) == Navigation()  # full loads: the script runs on every page
    (tmp_path / "templates/layout.html").write_text('<html><body hx-boost="true">x</body></html>\n')
    assert detect_navigation(ProjectTree(tmp_path)) == Navigation(("htmx",), ("/bye",))


def _matches(script: str, paths: list[str]) -> list[bool]:
    """The rendered script's own visitTo() on each path, run in Node (does it re-ask the endpoint?)."""
    start, end = script.index("  function visitTo(url) {"), script.index("  function on(name, listener) {")
    harness = (
        "var SIGN_OUT_PATH = /\\/(log|sign)[-_]?(out|off)(\\/|\\.[a-z]+)?$/i;\n"
        + next(line for line in script.splitlines() if "var SIGN_OUT_ROUTES" in line) + "\n"
        + "var asked = false;\nfunction formSubmitted() { asked = true; }\n" + script[start:end]
        + f"console.log(JSON.stringify({json.dumps(paths)}.map(function (path) {{ asked = false; visitTo(path); return asked; }})));\n"
    )
    completed = subprocess.run(["node", "-e", harness], capture_output=True, text=True, check=True)
    return list(json.loads(completed.stdout))


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_the_script_re_asks_after_a_visit_to_such_a_route_only() -> None:
    options = InstallOptions(workspace=parse_workspace_id(WORKSPACE_ID))
    script = script_source(options, token_url="/api/intercom-jwt", navigation=Navigation(("turbo",), ("/bye", "/session/end")))
    assert "var SIGN_OUT_ROUTES = ['/bye', '/session/end'];" in script
    paths = ["/bye", "/auth/bye", "/bye/", "http://127.0.0.1:5000/bye?next=/", "/goodbye", "/bye/now",
             "/session/end", "/session", "/logout", "/notes"]
    assert _matches(script, paths) == [True, True, True, True, False, False, True, False, True, False]
    plain = script_source(options, token_url="/api/intercom-jwt", navigation=Navigation(("turbo",)))
    assert "var SIGN_OUT_ROUTES = [];" in plain
    assert _matches(plain, ["/bye", "/logout"]) == [False, True]  # the control: without the route, /bye is missed


def test_an_htmx_app_with_a_bye_route_gets_it_in_its_script(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """The whole install: the Flask-Login fixture of tests/verify/test_page_visits.py, boosted by htmx,
    whose GET sign-out link goes to /bye (the fixture's /sign-out, renamed)."""
    root = copy_app("flask_navigation_app", tmp_path, commit=False)
    app = root / "app.py"
    app.write_text(app.read_text().replace('@app.route("/sign-out")', '@app.route("/bye")'))
    layout = root / "templates/layout.html"
    layout.write_text(layout.read_text().replace('href="/sign-out"', 'href="/bye"').replace("  <body>\n", '  <body hx-boost="true">\n'))
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "app")
    result = install_quietly(cli, root)
    assert result.exit_code == 0, result.output
    script = (root / "static/intercom-messenger.js").read_text()
    # The fixture's own JavaScript has no semicolons, so neither has the script.
    assert "var NAVIGATION = ['htmx']\n" in script and "var SIGN_OUT_ROUTES = ['/bye']\n" in script
