"""options.Endpoint: the token endpoint's path, validated when it is made and shaped in one place."""

import pytest

from intercom_wizard.errors import BadInput
from intercom_wizard.options import Endpoint, InstallOptions, parse_workspace_id


def test_the_shapes_integrations_read() -> None:
    endpoint = Endpoint("/api/v1/intercom-jwt")
    assert str(endpoint) == "/api/v1/intercom-jwt"
    assert endpoint.relative == "api/v1/intercom-jwt"
    assert endpoint.segments == ("api", "v1", "intercom-jwt")
    assert endpoint.below("/api") == endpoint.below("api/") == "v1/intercom-jwt"
    assert endpoint.below("/apiv1") is None and endpoint.below("/other") is None


@pytest.mark.parametrize("path", ["api/intercom-jwt", "/", "/api/", "/api//jwt", "/api/../jwt", "/api?x=1", "/api jwt"])
def test_an_endpoint_cannot_be_made_from_a_bad_path(path: str) -> None:
    with pytest.raises(BadInput, match="is not a usable endpoint path"):
        Endpoint(path)


def test_install_options_hand_out_one_endpoint() -> None:
    options = InstallOptions(workspace=parse_workspace_id("abc12345"), endpoint=Endpoint("/auth/intercom"))
    assert options.endpoint == options.endpoint == Endpoint("/auth/intercom")
    assert str(InstallOptions(workspace=parse_workspace_id("abc12345")).endpoint) == "/api/intercom-jwt"


@pytest.mark.parametrize(
    ("value", "origin", "path"),
    [
        ("https://api.example.com/api/intercom-jwt", "https://api.example.com", "/api/intercom-jwt"),
        ("http://127.0.0.1:8000/auth/jwt", "http://127.0.0.1:8000", "/auth/jwt"),
        ("HTTPS://API.Example.com/jwt", "https://api.example.com", "/jwt"),
        ("/api/intercom-jwt", None, "/api/intercom-jwt"),
    ],
)
def test_a_full_url_is_the_front_end_s_url_and_the_back_end_s_path(value: str, origin: str | None, path: str) -> None:
    endpoint = Endpoint.parse(value)
    assert (endpoint.origin, endpoint.path, str(endpoint)) == (origin, path, path)
    assert endpoint.url == (f"{origin}{path}" if origin else path)


@pytest.mark.parametrize("value", ["ftp://h/jwt", "https://u:p@h/jwt", "https://h/jwt?a=1", "https://h/jwt#x", "https://h", "https:///jwt"])
def test_a_bad_url_is_bad_input(value: str) -> None:
    with pytest.raises(BadInput, match="is not a usable endpoint URL"):
        Endpoint.parse(value)


def test_install_with_a_full_url_pages_call_it_and_the_back_end_serves_its_path(tmp_path, cli) -> None:  # type: ignore[no-untyped-def]
    from conftest import copy_app, install_quietly

    root = copy_app("flask_login_app", tmp_path, commit=False)
    url = "https://api.example.com/auth/intercom-jwt"
    result = install_quietly(cli, root, "--endpoint", url, "--frontend-origin", "https://app.example.com")
    assert result.exit_code == 0, result.stderr
    scripts = [p.read_text() for p in root.rglob("intercom-messenger.js")]
    assert len(scripts) == 1 and f"var TOKEN_URL = '{url}';" in scripts[0]
    backend = "".join(p.read_text() for p in root.rglob("*.py") if "intercom" in p.name)
    assert "'/auth/intercom-jwt'" in backend or '"/auth/intercom-jwt"' in backend
    assert "https://api.example.com" not in backend
