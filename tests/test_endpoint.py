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
    assert options.endpoint == options.token_endpoint == Endpoint("/auth/intercom")
    assert str(InstallOptions(workspace=parse_workspace_id("abc12345")).endpoint) == "/api/intercom-jwt"
