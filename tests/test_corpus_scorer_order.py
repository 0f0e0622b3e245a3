"""The corpus scorer's seed order (bench/corpus_scorer.py, `commands.seed_order` in docs/corpus.md):
the seed prepares the app before the build / type check / lint that run before the install (the .env a
build reads, the edits that point an SPA at its local API), unless the sheet says `after-checks`."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_corpus import corpus

PAGE = "<!doctype html>\n<html>\n<body>\n<h1>Hi</h1>\n</body>\n</html>\n"


def _app_with_a_seeded_build(tmp_path: Path, seed_order: str | None) -> tuple[object, object, Path]:
    """A static site whose build needs the .env its seed writes; every step is logged in order.log."""
    site = tmp_path / "apps" / "seeded"
    site.mkdir(parents=True)
    (site / "index.html").write_text(PAGE)
    (tmp_path / "sheets").mkdir()
    order = f'seed_order = "{seed_order}"\n' if seed_order else ""
    (tmp_path / "sheets" / "seeded.toml").write_text(
        'repo = "me/seeded"\ncommit = "0"\nframework = "html"\nignore = ["order.log", ".env"]\n'
        '[wizard]\noptions = ["--frontend", "html", "--backend", "none", "--insecure"]\n'
        "[commands]\n" + order +
        'deps = "true"\nseed = "echo seed >> order.log && echo API_URL=http://127.0.0.1:1 > .env"\n'
        'build = "echo build >> order.log && grep -q API_URL .env"\n'
    )
    sheet = corpus.load_sheets(tmp_path / "sheets")[0]
    return sheet, corpus.Scorer(tmp_path / "apps", tmp_path / "runs", user_option=False), tmp_path / "runs" / "seeded" / "copy" / "seeded"


def test_the_seed_runs_before_the_checks_by_default(tmp_path: Path) -> None:
    sheet, scorer, copy = _app_with_a_seeded_build(tmp_path, None)
    assert sheet.seed_order == "before-checks"
    result = scorer.score(sheet)
    assert (copy / "order.log").read_text().split() == ["seed", "build", "build"]
    assert result.stages["build_before"].status == "pass", result.stages["build_before"]
    assert result.stages["build_after"].status == "pass", result.stages["build_after"]
    assert result.stages["uninstall"].status == "pass", result.stages["uninstall"]


def test_a_sheet_can_seed_after_the_checks(tmp_path: Path) -> None:
    sheet, scorer, copy = _app_with_a_seeded_build(tmp_path, "after-checks")
    result = scorer.score(sheet)
    assert (copy / "order.log").read_text().split() == ["build", "seed"]
    # The build before the install had no .env yet; the one after is then skipped as failing before too.
    assert result.stages["build_before"].status == "fail"
    assert result.stages["build_after"].reason == "build does not pass before the install either"


def test_a_seed_order_that_is_not_one_of_the_two_names_the_field(tmp_path: Path) -> None:
    (tmp_path / "x.toml").write_text('repo = "o/x"\ncommit = "0"\nframework = "html"\n[commands]\nseed_order = "first"\n')
    with pytest.raises(corpus.SheetError, match="'commands.seed_order' must be one of 'before-checks', 'after-checks'"):
        corpus.parse_sheet(tmp_path / "x.toml")
