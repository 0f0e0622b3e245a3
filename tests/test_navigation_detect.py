"""Which navigation framework a server-rendered project uses, and where the Messenger tag goes then."""

import pytest
from conftest import copy_app, install_quietly

from intercom_wizard.integrations.frontends.html.navigation import Navigation, detect_navigation
from intercom_wizard.tree import ProjectTree


@pytest.mark.parametrize(
    ("files", "frameworks"),
    [
        ({"Gemfile": 'source "https://rubygems.org"\ngem "turbo-rails"\n'}, ("turbo",)),
        ({"config/importmap.rb": 'pin "@hotwired/turbo-rails", to: "turbo.min.js"\n'}, ("turbo",)),
        ({"package.json": '{"dependencies": {"@hotwired/turbo": "^8.0.0"}}'}, ("turbo",)),
        ({"templates/base.html": '<html><head><script src="https://unpkg.com/@hotwired/turbo@8/dist/turbo.es2017-umd.js"></script></head><body></body></html>'}, ("turbo",)),
        ({"templates/base.html": '<html><body hx-boost="true"></body></html>'}, ("htmx",)),
        ({"templates/base.html": '<html><body><div hx-get="/x">no boost</div></body></html>'}, ()),
        ({"package.json": '{"devDependencies": {"@inertiajs/vue3": "^1.0.0"}}'}, ("inertia",)),
        ({"composer.json": '{"require": {"inertiajs/inertia-laravel": "^1.0"}}'}, ("inertia",)),
        ({"composer.json": '{"require": {"livewire/livewire": "^3.0"}}'}, ("livewire",)),
        ({"package.json": '{"dependencies": {"react": "^19.0.0"}}'}, ()),
    ],
)
def test_detect_navigation(tmp_path, files, frameworks):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert detect_navigation(ProjectTree(tmp_path)).frameworks == frameworks


def test_placement_and_attributes():
    assert Navigation(("turbo",)).in_head and Navigation(("turbo",)).tag_attributes == ' data-turbo-track="reload"'
    assert Navigation(("livewire",)).tag_attributes == " data-navigate-track"
    assert not Navigation(("inertia",)).in_head and Navigation(("inertia",)).script_value == "['inertia']"
    assert Navigation().script_value == "[]"


def test_boosted_flask_app_gets_the_tag_in_head_and_uninstalls_exactly(tmp_path, cli):
    root = copy_app("flask_login_app", tmp_path, commit=False)
    layout = root / "templates/layout.html"
    layout.write_text(layout.read_text().replace("  <body>\n", '  <body hx-boost="true">\n'))
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    result = install_quietly(cli, root, "--allow-dirty")
    assert result.exit_code == 0, result.output
    text = layout.read_text()
    assert '<script src="{{ url_for(\'static\', filename=\'intercom-messenger.js\') }}" defer></script>\n  </head>' in text
    assert "var NAVIGATION = ['htmx']" in (root / "static/intercom-messenger.js").read_text()
    assert "htmx (hx-boost)" in result.output
    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before
