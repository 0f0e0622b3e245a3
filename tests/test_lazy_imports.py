"""What the command line imports before it has anything to do (issue 14): no timing, only which modules load."""

import subprocess
import sys

from intercom_wizard import __version__, integrations
from intercom_wizard.integrations import registry


def _modules_after(code: str, env: dict[str, str] | None = None) -> set[str]:
    listing = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"],
        capture_output=True, text=True, check=True, timeout=60, env=env,
    ).stdout
    return set(listing.split())


def _loaded(modules: set[str], *prefixes: str) -> list[str]:
    return sorted(m for m in modules if m.startswith(prefixes))


def test_version_imports_neither_typer_nor_rich() -> None:
    modules = _modules_after(
        "import sys\nsys.argv = ['intercom-wizard', '--version']\nfrom intercom_wizard.entry import main\nmain()"
    )
    assert _loaded(modules, "typer", "rich", "click", "intercom_wizard.cli") == []


def test_version_prints_the_version() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "intercom_wizard", "--version"], capture_output=True, text=True, check=True, timeout=60
    )
    assert completed.stdout == f"intercom-wizard {__version__}\n"


def test_cli_module_leaves_heavy_modules_to_the_commands() -> None:
    modules = _modules_after("import intercom_wizard.cli")
    heavy = ("jwt", "rich.syntax", "pygments", "playwright", "ast_grep_py", "intercom_wizard.doctor.run",
             "intercom_wizard.doctor.live", "intercom_wizard.doctor.checks", "intercom_wizard.verify.runner",
             "intercom_wizard.integrations.registry", "intercom_wizard.planner", "http.client")
    assert _loaded(modules, *heavy) == []


def test_detection_leaves_npm_ranges_to_the_projects_that_have_them() -> None:
    """nodesemver is imported where an npm range is read (versions.npm_range_floor), not by detection's imports."""
    modules = _modules_after("import intercom_wizard.project, intercom_wizard.planner, intercom_wizard.versions")
    assert _loaded(modules, "nodesemver") == []


def test_help_lists_every_integration() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "intercom_wizard", "install", "--help"], capture_output=True, text=True, check=True, timeout=60,
        env={"COLUMNS": "400", "PATH": "/usr/bin:/bin"},
    )
    for name in (*integrations.FRONTEND_NAMES, *integrations.BACKEND_NAMES):
        assert name in completed.stdout


def test_names_match_the_registry() -> None:
    assert tuple(registry.BACKENDS) == integrations.BACKEND_NAMES
    assert tuple(registry.FRONTENDS) == integrations.FRONTEND_NAMES
    assert integrations.BACKENDS is registry.BACKENDS


def test_install_dry_run_coerces_its_options_without_pydantic(tmp_path) -> None:
    """Typer builds a pydantic adapter per option; cli_coercion.PlainValuesGroup coerces plain values itself."""
    project = tmp_path / "site"
    project.mkdir()
    (project / "index.html").write_text("<html><body><h1>Hi</h1></body></html>\n")
    modules = _modules_after(
        "import sys\n"
        f"sys.argv = ['intercom-wizard', 'install', {str(project)!r}, '--workspace-id', 'abc12345', '--region', 'eu', '--dry-run', '--yes']\n"
        "from intercom_wizard.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )
    assert "intercom_wizard.planner" in modules, "the install ran"
    assert _loaded(modules, "pydantic", "typer._adapters") == []


def test_detection_imports_only_the_back_ends_whose_pre_test_says_yes() -> None:
    """registry.BACKENDS imports an integration on first look-up; presence.py's pre-tests keep Django & co. out of a Flask app."""
    from conftest import FIXTURES

    modules = _modules_after(f"from intercom_wizard.project import detect\ndetect(__import__('pathlib').Path({str(FIXTURES['flask_login_app'])!r}))")
    backends = {m.split(".")[3] for m in _loaded(modules, "intercom_wizard.integrations.backends.") if m.count(".") >= 3}
    assert backends - {"npm_common", "php_common", "python_common", "ruby_common"} == {"flask"}


def test_importing_the_registry_imports_no_integration() -> None:
    modules = _modules_after("import intercom_wizard.integrations.registry")
    assert _loaded(modules, "intercom_wizard.integrations.backends.", "intercom_wizard.integrations.frontends.") == []


def test_a_flask_install_imports_no_single_page_front_end_and_no_upgrade_planner(tmp_path) -> None:
    """registry.COMPONENT_KINDS answers the shared scanners without importing the front ends; upgrade_plan
    (with upgrade_next -> nextjs) loads only when there is something to upgrade."""
    from conftest import FIXTURES

    project = tmp_path / "app"
    __import__("shutil").copytree(FIXTURES["flask_login_app"], project)
    modules = _modules_after(
        "import sys\n"
        f"sys.argv = ['intercom-wizard', 'install', {str(project)!r}, '--workspace-id', 'abc12345', '--dry-run', '--yes']\n"
        "from intercom_wizard.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )
    assert "intercom_wizard.integrations.backends.flask.plan" in modules, "the install planned"
    frontends = ("nextjs", "angular", "ember", "vue", "react")
    assert _loaded(modules, *(f"intercom_wizard.integrations.frontends.{name}" for name in frontends)) == []
    assert _loaded(modules, "intercom_wizard.upgrade_plan", "intercom_wizard.upgrade_next", "intercom_wizard.upgrade_react") == []
    assert _loaded(modules, "intercom_wizard.checkbuild", "intercom_wizard.packages", "intercom_wizard.uninstall") == [], "a dry run without --check-build"


def test_a_flask_dry_run_leaves_apply_verify_doctor_and_their_libraries_alone(tmp_path) -> None:
    """Issue 14, fourth round: what a dry run never uses is not imported. apply, gitstate and outputcheck
    (which loads `packaging.requirements` with its markers and platform tags) wait for a real install;
    verify and doctor load only for themselves (cli.app_for builds only the invoked command);
    plain requirement lines are read without packaging.requirements; the HTML front end leaves the
    single-page apps' package to bundled pages; templates are read without importlib.resources (zipfile)."""
    from conftest import FIXTURES

    project = tmp_path / "app"
    __import__("shutil").copytree(FIXTURES["flask_requirements_app"], project)
    modules = _modules_after(
        "import sys\n"
        f"sys.argv = ['intercom-wizard', 'install', {str(project)!r}, '--workspace-id', 'abc12345', '--dry-run', '--yes']\n"
        "from intercom_wizard.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )
    assert "intercom_wizard.integrations.backends.flask.plan" in modules, "the install planned"
    assert "intercom_wizard.versions.python" in modules, "the requirement lines were read"
    assert _loaded(modules, "intercom_wizard.apply", "intercom_wizard.gitstate", "intercom_wizard.outputcheck", "intercom_wizard.rubycompat") == []
    assert _loaded(modules, "intercom_wizard.doctor", "intercom_wizard.verify") == []
    assert _loaded(modules, "intercom_wizard.integrations.frontends.spa_common", "intercom_wizard.integrations.nx") == []
    assert _loaded(modules, "packaging.requirements", "packaging.markers", "packaging.tags", "packaging.utils") == []
    # Seventh round: `flask>=3.0` is a plain specifier, read without packaging.specifiers (versions.ranges);
    # no journal was left behind (lock.journal_left_behind), and there is no .pug file for html detection.
    assert _loaded(modules, "packaging") == []
    assert _loaded(modules, "intercom_wizard.journal", "intercom_wizard.integrations.frontends.pug") == []
    assert _loaded(modules, "intercom_wizard.integrations.backends.npm_common") == [], "no package.json: no package manager to read"
    assert _loaded(modules, "shlex", "configparser", "tempfile", "zipfile", "importlib.resources") == []


def test_a_flask_dry_run_leaves_toml_and_the_front_end_call_scanners_alone(tmp_path) -> None:
    """Issue 14, fifth round: a project without TOML files never imports tomllib; with layouts to carry the
    script and a back end whose auth decides cookie or bearer, the front-end call scanner (client_auth),
    the response-pages scanner and the sign-out route finder (only for client-side navigation) stay unloaded."""
    from conftest import FIXTURES

    project = tmp_path / "app"
    __import__("shutil").copytree(FIXTURES["flask_requirements_app"], project)
    assert not any(path.suffix == ".toml" for path in project.rglob("*")), "the fixture has no TOML file"
    modules = _modules_after(
        "import sys\n"
        f"sys.argv = ['intercom-wizard', 'install', {str(project)!r}, '--workspace-id', 'abc12345', '--dry-run', '--yes']\n"
        "from intercom_wizard.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )
    assert "intercom_wizard.integrations.frontends.html.navigation" in modules, "the pages were planned"
    assert _loaded(modules, "tomllib") == []
    frontend_scanners = ("client_auth", "response_pages", "html.sign_out_routes")
    assert _loaded(modules, *(f"intercom_wizard.integrations.frontends.{name}" for name in frontend_scanners)) == []
    # Sixth round: without an ESLint configuration there is no import order rule to read or follow.
    assert not any(path.name.startswith(".eslintrc") or path.name.startswith("eslint.config") for path in project.rglob("*"))
    assert _loaded(modules, "intercom_wizard.js_import_order") == []


def test_the_full_app_still_has_every_command() -> None:
    """`intercom_wizard.cli.app` (for importers and tests) and `--help` are the full app, verify and doctor included."""
    from intercom_wizard import cli

    names = [info.name or (info.callback.__name__ if info.callback else "") for info in cli.app.registered_commands]
    assert names == ["install", "uninstall", "detect", "token", "demo", "verify", "doctor"]
    assert cli.app_for(["install", "--dry-run"]).registered_commands[0].callback is cli.install
    assert cli.app_for(["--help"]) is cli.app
    doctor = cli.app_for(["doctor", "--help"]).registered_commands  # registered by now: doctor alone, as it runs
    assert [info.name for info in doctor] == ["doctor"]


def test_a_dry_run_into_pipes_never_imports_rich(tmp_path) -> None:
    """cli_output's consoles are made on first use: a `--dry-run --json` that succeeds prints only JSON,
    so Rich is not imported at all (issue 14). Without --json, the plan's plain lines are written as Rich
    would write them to a pipe, without Rich (sixth round); a variable that makes Rich colour a pipe
    (FORCE_COLOR) sends them through Rich."""
    from conftest import FIXTURES

    project = tmp_path / "app"
    __import__("shutil").copytree(FIXTURES["flask_requirements_app"], project)
    run = (
        "import sys\n"
        f"sys.argv = ['intercom-wizard', 'install', {str(project)!r}, '--workspace-id', 'abc12345', '--dry-run', '--yes'{{json}}]\n"
        "from intercom_wizard.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )
    as_json = _modules_after(run.format(json=", '--json'"))
    assert "intercom_wizard.integrations.backends.flask.plan" in as_json, "the install planned"
    assert _loaded(as_json, "rich") == []
    plain = _modules_after(run.format(json=""))
    assert "intercom_wizard.integrations.backends.flask.plan" in plain, "the install planned"
    assert _loaded(plain, "rich") == []
    assert "rich.console" in _modules_after(run.format(json=""), env=dict(__import__("os").environ, FORCE_COLOR="1"))


def test_an_app_without_session_keys_leaves_the_session_evidence_unloaded(tmp_path) -> None:
    """Seventh round: identity's session-key half (identity_values: three dataclasses, the value patterns) loads
    on first use; flaskr (`g.user`) assigns no session key to read, an app whose login keeps `session["user_id"]` does."""
    import shutil
    from pathlib import Path

    from conftest import FIXTURES

    import intercom_wizard

    run = (
        "import sys\n"
        "sys.argv = ['intercom-wizard', 'install', {project!r}, '--workspace-id', 'abc12345', '--dry-run', '--yes']\n"
        "from intercom_wizard.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )
    flaskr = tmp_path / "flaskr"
    shutil.copytree(Path(intercom_wizard.__file__).parent / "samples" / "flask_notes", flaskr)
    modules = _modules_after(run.format(project=str(flaskr)))
    assert "intercom_wizard.integrations.backends.flask.plan" in modules, "the install planned"
    assert _loaded(modules, "intercom_wizard.integrations.identity_values") == []
    members = tmp_path / "members"
    shutil.copytree(FIXTURES["flask_requirements_app"], members)
    assert "intercom_wizard.integrations.identity_values" in _modules_after(run.format(project=str(members)))
