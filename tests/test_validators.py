"""What the option validators accept, and how they normalise it (the refusals are in test_bad_input_table.py)."""

import pytest
from conftest import WORKSPACE_ID, snapshot

from intercom_wizard.options import Region, parse_endpoint, parse_origin, parse_workspace_id


@pytest.mark.parametrize(
    "value, expected",
    [
        ("https://app.example.com", "https://app.example.com"),
        ("HTTPS://App.Example.COM:443", "https://app.example.com"),
        ("https://app.example.com:8443", "https://app.example.com:8443"),
        ("http://localhost:5173", "http://localhost:5173"),
        ("http://127.0.0.1:3000", "http://127.0.0.1:3000"),
        ("http://[::1]:4200", "http://[::1]:4200"),
        ("http://web.localhost:8080", "http://web.localhost:8080"),
        ("https://192.0.2.10", "https://192.0.2.10"),
        ("http://localhost:80", "http://localhost"),
    ],
)
def test_origins_accepted_and_normalised(value, expected):
    assert parse_origin(value) == expected


@pytest.mark.parametrize("value", ["/api/intercom-jwt", "/intercom-jwt", "/api/v1/intercom.jwt", "/a~b/c_d", "/api/intercom-jwt.php"])
def test_endpoint_paths_accepted(value):
    assert parse_endpoint(value) == value


@pytest.mark.parametrize(
    "value, workspace, region",
    [
        ("abc12345", "abc12345", None),
        ("https://app.intercom.com/a/apps/abc12345/inbox", "abc12345", None),
        ("app.eu.intercom.com/a/apps/xyz98765", "xyz98765", Region.EU),
        ("https://app.au.intercom.com/a/apps/xyz98765/settings?tab=web#top", "xyz98765", Region.AU),
        ("  https://APP.intercom.com/a/apps/abc12345  ", "abc12345", None),
    ],
)
def test_workspace_ids_and_urls_accepted(value, workspace, region):
    parsed = parse_workspace_id(value)
    assert (parsed.id, parsed.region_hint) == (workspace, region)


def test_an_endpoint_on_an_existing_route_is_refused(app_copy, cli):
    root = app_copy("flask_login_app")
    before = snapshot(root)
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install", "--endpoint", "/login")
    assert result.exit_code == 2
    assert "--endpoint /login is already a route of the app (app.py:" in result.stderr
    assert snapshot(root) == before


def test_an_endpoint_on_a_laravel_route_is_refused(app_copy, cli):
    root = app_copy("laravel_app")
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install", "--endpoint", "/reading-list")
    assert result.exit_code == 2
    assert "already a route of the app (routes/web.php:15)" in result.stderr


def test_the_installed_endpoint_is_not_mistaken_for_the_apps_own(app_copy, cli):
    root = app_copy("django_site")
    for _ in range(2):
        result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install")
        assert result.exit_code == 0, result.stderr
    assert "Nothing to do" in result.stderr
