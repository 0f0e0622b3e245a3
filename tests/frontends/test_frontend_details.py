"""The Next.js, React and HTML detections carry their typed details, and a front end chosen with
`--frontend` (the planner's own Detection, without details) plans exactly what detection plans."""

from pathlib import Path

import pytest
from conftest import WORKSPACE_ID, git
from test_nextjs import app_router_ts, pages_router_ts
from test_react import _ts_app

from intercom_wizard.integrations.frontends import html, nextjs, react
from intercom_wizard.tree import ProjectTree


def _commit(root: Path) -> Path:
    if not (root / ".git").exists():
        git(root, "init", "-q")
        git(root, "add", "-A")
        git(root, "commit", "-qm", "app")
    return root


def test_nextjs_details_name_the_router_and_its_folder(tmp_path: Path) -> None:
    app = nextjs.detect(ProjectTree(app_router_ts(tmp_path / "app")))
    pages = nextjs.detect(ProjectTree(pages_router_ts(tmp_path / "pages")))
    assert [d.details for d in app] == [nextjs.NextjsDetails(typescript=True, base="src", router="app", both_routers=False)]
    assert [d.details for d in pages] == [nextjs.NextjsDetails(typescript=True, base="", router="pages", both_routers=False)]


def test_react_details_name_the_source_folder_and_router_package(tmp_path: Path) -> None:
    found = react.detect(ProjectTree(_ts_app(tmp_path, router=True)))
    assert [d.details for d in found] == [react.ReactDetails(typescript=True, source_dir="src", router_package="react-router-dom")]


def test_html_details_are_typed(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<!doctype html><html><body></body></html>\n")
    assert [type(d.details) for d in html.detect(ProjectTree(tmp_path))] == [html.HtmlDetails]


@pytest.mark.parametrize(
    ("name", "make", "exit_code"),
    # React fetches its token from a back end this project does not have: incomplete (exit 4).
    [("nextjs", app_router_ts, 0), ("nextjs", pages_router_ts, 0), ("react", lambda root: _ts_app(root, router=True), 4)],
    ids=["nextjs-app", "nextjs-pages", "react"],
)
def test_frontend_option_plans_what_detection_plans(tmp_path: Path, cli, name: str, make, exit_code: int) -> None:  # type: ignore[no-untyped-def]
    root = _commit(make(tmp_path))
    common = ("install", str(root), "--workspace-id", WORKSPACE_ID, "--dry-run", "--json", "--no-install", "--auth", "cookie", "--backend", "none")
    detected = cli(*common)
    chosen = cli(*common, "--frontend", name)
    assert (detected.exit_code, chosen.exit_code) == (exit_code, exit_code), detected.stderr + chosen.stderr
    assert detected.stdout == chosen.stdout and f'"frontend": "{name}"' in detected.stdout
