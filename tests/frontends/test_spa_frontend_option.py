"""`--frontend angular|vue|ember` plans exactly what detection plans: the planner's own Detection for
a chosen front end carries no details, so each integration reads them itself (the same function its
`detect()` uses)."""

import json
from pathlib import Path

import pytest
from angular_support import standalone_app
from conftest import WORKSPACE_ID
from ember_support import write_app
from test_vue import ts_app

from intercom_wizard.integrations.base import Detection, FrontendDetails
from intercom_wizard.integrations.frontends import angular, ember, vue
from intercom_wizard.tree import ProjectTree


def plan_json(cli, root: Path, exit_code: int, *extra: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--dry-run", "--json", "--auth", "cookie", *extra)
    assert result.exit_code == exit_code, result.stdout + result.stderr
    plan: dict[str, object] = json.loads(result.stdout)
    return plan


@pytest.mark.parametrize(
    ("name", "make", "exit_code"),
    [
        # 4 everywhere: these apps' API is not in their project (its token endpoint is a manual step);
        # the vue app also has no login/logout function.
        ("angular", standalone_app, 4),
        ("vue", ts_app, 4),
        ("ember", lambda root: write_app(root, typescript=True), 4),
    ],
)
def test_chosen_front_end_plans_what_detection_plans(name, make, exit_code, tmp_path, cli):  # type: ignore[no-untyped-def]
    make(tmp_path)
    detected = plan_json(cli, tmp_path, exit_code)
    chosen = plan_json(cli, tmp_path, exit_code, "--frontend", name)
    assert detected["changes"] and chosen == detected


@pytest.mark.parametrize(
    ("module", "make"),
    [(angular, standalone_app), (vue, ts_app), (ember, lambda root: write_app(root, typescript=True))],
)
def test_a_detection_without_details_is_read_like_detect_reads_it(module, make, tmp_path):  # type: ignore[no-untyped-def]
    """The planner's stand-in for a front end it did not detect (`--frontend` naming another folder's
    framework) has no details: the integration reads them as its detect() would."""
    make(tmp_path)
    tree = ProjectTree(tmp_path)
    stand_in: Detection[object] = Detection(module.NAME, "frontend", "", ("chosen with --frontend",), FrontendDetails())
    assert module._details(tree, stand_in) == module.details_of(tree, "") == module.detect(tree)[0].details
