"""`render`'s variant blocks: only the chosen options' lines are generated."""

import pytest

from intercom_wizard.templates import _select_blocks, render

TEMPLATE = """start
  // iw:if load=idle
  idle();
  // iw:end
  // iw:if load=interaction|immediate
  soon();
  // iw:end
end
"""


@pytest.mark.parametrize(("load", "expected"), [("idle", "start\n  idle();\nend\n"), ("immediate", "start\n  soon();\nend\n")])
def test_blocks_keep_only_the_chosen_variant(load: str, expected: str) -> None:
    assert _select_blocks("t", TEMPLATE, {"load": load}) == expected


def test_a_missing_choice_is_an_error() -> None:
    with pytest.raises(KeyError, match="needs a choice for load"):
        _select_blocks("t", TEMPLATE, {})


@pytest.mark.parametrize(
    "broken", ["// iw:if a=1\n// iw:if b=2\n// iw:end\n", "// iw:end\n", "// iw:if a=1\nx\n"]
)
def test_unbalanced_markers_are_errors(broken: str) -> None:
    with pytest.raises(ValueError):
        _select_blocks("t", broken, {"a": "1", "b": "2"})


def test_templates_without_markers_render_unchanged() -> None:
    assert "iw:" not in render("html/intercom-insecure.html", workspace_id="abc12345", settings="")
