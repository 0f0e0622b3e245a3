"""The planner settles options once: every integration plans with one frozen context whose client
auth is already resolved (cookie or bearer, where the token is kept)."""

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from conftest import SECRET, WORKSPACE_ID, copy_app

from intercom_wizard.integrations import BACKENDS
from intercom_wizard.integrations.base import Detection, PlanContext
from intercom_wizard.options import ClientAuth, InstallOptions, parse_workspace_id
from intercom_wizard.planner import make_plan
from intercom_wizard.project import detect


def test_the_plan_context_cannot_be_changed_by_an_integration(tmp_path: Path) -> None:
    root = copy_app("flask_login_app", tmp_path, commit=False)
    project = detect(root)
    context = PlanContext(project.tree, InstallOptions(workspace=parse_workspace_id(WORKSPACE_ID)), None, SECRET)  # type: ignore[arg-type]
    with pytest.raises(dataclasses.FrozenInstanceError):
        context.options = InstallOptions(workspace=parse_workspace_id(WORKSPACE_ID))  # type: ignore[misc]


@pytest.mark.parametrize(("fixture", "auth"), [("flask_jwt_api", ClientAuth.BEARER), ("flask_login_app", ClientAuth.COOKIE)])
def test_the_back_end_plans_with_the_resolved_client_auth(fixture: str, auth: ClientAuth, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_app(fixture, tmp_path, commit=False)
    seen: list[InstallOptions] = []
    flask = BACKENDS["flask"]
    real_plan = flask.plan

    def plan(context: PlanContext, detection: Detection[Any]) -> None:
        seen.append(context.options)
        real_plan(context, detection)

    monkeypatch.setattr(flask, "plan", plan)
    options = InstallOptions(workspace=parse_workspace_id(WORKSPACE_ID))
    assert options.auth is None
    make_plan(detect(root), options, SECRET)
    assert [o.auth for o in seen] == [auth]
