"""The Ruby we write passes the real RuboCop (Debian 12's 1.39, `scripts/setup --system`).

Every variant of the Rails controller (each sign-in kind, Rails before and from 7.1, Ruby before 2.7,
known or unknown user columns) and of the Sinatra token route (helper, session key or adapter stub;
Hash or object access; with and without `Hash#compact`) is checked under two configurations:
RuboCop's defaults (single quotes, as `requote` writes for a project that prefers them) and a
`.rubocop.yml` that enforces double quotes (what rubocop-rails-omakase asks of Rails apps). Then the
four fixture apps, first made clean by RuboCop's own autocorrect under each configuration (the state of
a project that runs RuboCop), are installed: the offenses over every touched Ruby file, counted by
cop, are exactly those of before (none of our lines adds one), and each created file has none.
"""

from __future__ import annotations

import collections
import itertools
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import copy_app, install_quietly

from intercom_wizard.integrations.backends.rails.controller import _controller_source
from intercom_wizard.integrations.backends.rails.details import RailsAuth
from intercom_wizard.integrations.backends.ruby_common import requote
from intercom_wizard.integrations.backends.sinatra.details import SinatraAuth
from intercom_wizard.integrations.backends.sinatra.route import _route_source

RUBOCOP = shutil.which("rubocop")
CONFIGS = {
    "defaults": ("'", ""),
    "double-quotes": ('"', "Style/StringLiterals:\n  EnforcedStyle: double_quotes\n"),
}
RAILS_AUTHS = [
    RailsAuth(kind="devise"),
    RailsAuth(kind="devise", overridden="app/controllers/application_controller.rb", scope="admin"),
    RailsAuth(kind="rails-authentication", filters=("require_authentication",)),
    RailsAuth(kind="current_user", fields=("id", "email", "name")),
    RailsAuth(kind="current-attributes", fields=("id", "email", "first_name", "last_name")),
    RailsAuth(kind="instance-variable", variable="@current_user", filters=("authenticate_user!", "set_current_user")),
    RailsAuth(kind="none"),
]
SINATRA_AUTHS = [
    SinatraAuth(kind="helper", access="index"),
    SinatraAuth(kind="helper", access="method", fields=("id", "email", "name")),
    SinatraAuth(kind="session", access="index", key="user_id", fields=("id",)),
    SinatraAuth(kind="none", access="index"),
]


def _rubocop(folder: Path, *files: str) -> dict[str, list[dict[str, object]]]:
    """RuboCop's offenses by file, with the folder's configuration (its defaults when there is none)."""
    assert RUBOCOP is not None, "RuboCop is missing: run scripts/setup --system (Debian's rubocop package)"
    completed = subprocess.run([RUBOCOP, "--format", "json", "--cache", "false", *files], cwd=folder,
                               capture_output=True, text=True, check=False)
    assert completed.returncode in (0, 1), completed.stderr  # 1: offenses found (returned)
    report = json.loads(completed.stdout)
    return {entry["path"]: entry["offenses"] for entry in report["files"]}


def _configured(folder: Path, config: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    # NewCops: enable, so the cops RuboCop 1.39 marks pending count too (and it prints no notice about them).
    (folder / ".rubocop.yml").write_text("AllCops:\n  NewCops: enable\n  SuggestExtensions: false\n" + CONFIGS[config][1])
    return folder


def _controllers() -> dict[str, str]:
    files = {}
    for (number, auth), version, old_ruby in itertools.product(enumerate(RAILS_AUTHS), [(6, 1), (7, 1), None], [False, True]):
        files[f"controller_{number}_{'_'.join(map(str, version or ())) or 'unknown'}_{int(old_ruby)}.rb"] = (
            _controller_source(auth, version, old_ruby=old_ruby))
    return files


def _sinatra_routes() -> dict[str, str]:
    files = {}
    for (number, auth), compact in itertools.product(enumerate(SINATRA_AUTHS), [True, False]):
        # A classic app's file: the route after the app's requires, as the planner places it.
        route = _route_source("/api/intercom-jwt", auth, hash_compact=compact)
        # Without Hash#compact the app runs Ruby 2.3 or older: RuboCop's target there is 2.3 (ruby2/.rubocop.yml),
        # where the pending Style/CollectionCompact is off: RuboCop 1.39 proposes `compact` whatever the target.
        folder = "" if compact else "ruby2/"
        files[f"{folder}sinatra_{number}_{int(compact)}.rb"] = "# frozen_string_literal: true\n\nrequire \"sinatra\"\n\n" + route
    return files


@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_every_rails_and_sinatra_variant_passes_rubocop(tmp_path: Path, config: str) -> None:
    folder = _configured(tmp_path / config, config)
    quote = CONFIGS[config][0]
    files = {name: requote(text, quote) for name, text in {**_controllers(), **_sinatra_routes()}.items()}
    (folder / "ruby2").mkdir()
    (folder / "ruby2/.rubocop.yml").write_text("inherit_from: ../.rubocop.yml\nAllCops:\n  TargetRubyVersion: 2.3\n"
                                           "Style/CollectionCompact:\n  Enabled: false\n")
    for name, text in files.items():
        (folder / name).write_text(text)
        syntax = subprocess.run(["ruby", "-c", name], cwd=folder, capture_output=True, text=True, check=False)
        assert syntax.returncode == 0, (name, syntax.stderr)
    offenses = _rubocop(folder, *sorted(files))
    assert len(offenses) == len(files) == 50
    found = {name: [f"{o['cop_name']}:{o['location']['line']}: {o['message']}" for o in entries]  # type: ignore[index]
             for name, entries in offenses.items() if entries}
    assert found == {}


def _by_cop(offenses: list[dict[str, object]]) -> collections.Counter[str]:
    return collections.Counter(str(offense["cop_name"]) for offense in offenses)


@pytest.mark.parametrize("config", sorted(CONFIGS))
@pytest.mark.parametrize("fixture", ["rails_app", "rails_devise_app", "sinatra_classic_app", "sinatra_modular_app"])
def test_an_app_clean_under_rubocop_stays_clean(tmp_path: Path, cli, fixture: str, config: str) -> None:  # type: ignore[no-untyped-def]
    root = _configured(copy_app(fixture, tmp_path / "app", commit=False), config)
    ruby_files = sorted(str(path.relative_to(root)) for path in root.rglob("*.rb"))
    # The project as RuboCop's own autocorrect leaves it (the offenses it cannot correct remain, counted).
    subprocess.run([str(RUBOCOP), "--autocorrect-all", "--format", "quiet", "--cache", "false", *ruby_files], cwd=root,
                   capture_output=True, text=True, check=False)
    before = _rubocop(root, *ruby_files)
    assert install_quietly(cli, root).exit_code == 0
    touched = sorted(str(path.relative_to(root)) for path in root.rglob("*.rb"))
    created = sorted(set(touched) - set(ruby_files))
    after = _rubocop(root, *touched)
    assert "config/routes.rb" in touched or "app.rb" in touched
    assert {name: _by_cop(after[name]) for name in ruby_files} == {name: _by_cop(before[name]) for name in ruby_files}
    assert {name: after[name] for name in created} == {name: [] for name in created}
    for name in touched:
        assert subprocess.run(["ruby", "-c", name], cwd=root, capture_output=True, check=False).returncode == 0, name


BINSTUB = '#!/usr/bin/env ruby\nrequire "rubygems"\nrequire "bundler/setup"\nload Gem.bin_path("rubocop", "rubocop")\n'


@pytest.mark.parametrize("binstub", [True, False])
def test_the_install_runs_the_apps_own_bin_rubocop_only(tmp_path: Path, cli, binstub: bool) -> None:  # type: ignore[no-untyped-def]
    """A Rails app with RuboCop in its Gemfile and the binstub Rails writes (`bin/rubocop`, through Bundler:
    offline it resolves the Gemfile from Debian's gems): the created controller is formatted by it (the
    app's code is double-quoted, its RuboCop config single). Without the binstub the rubocop on PATH is
    not the project's, so it is not run: the controller keeps the app's double quotes."""
    root = _configured(copy_app("rails_app", tmp_path, commit=False), "defaults")
    with (root / "Gemfile").open("a") as gemfile:
        gemfile.write('gem "rubocop", require: false\n')
    if binstub:
        (root / "bin/rubocop").write_text(BINSTUB)
        (root / "bin/rubocop").chmod(0o755)
    result = install_quietly(cli, root)
    assert result.exit_code == 0, result.stderr
    controller = (root / "app/controllers/intercom_jwts_controller.rb").read_text()
    formatted = "note: Formatted with the project's own rubocop: app/controllers/intercom_jwts_controller.rb." in result.stderr
    assert (formatted, "ENV.fetch('INTERCOM_IDENTITY_SECRET', nil)" in controller) == (binstub, binstub), result.stderr
    assert ('ENV.fetch("INTERCOM_IDENTITY_SECRET", nil)' in controller) is not binstub
    if binstub:
        assert _rubocop(root, "app/controllers/intercom_jwts_controller.rb") == {"app/controllers/intercom_jwts_controller.rb": []}
