"""The corpus scorer's touched-files stage (bench/corpus_touched.py): the app's own formatter/linter
over exactly the files the install writes, before and after it (issue 13)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from test_corpus import corpus

TOUCHED_CHECK = """\
import sys
# A stand-in linter: names each file holding the word it is given, as prettier/ruff name the files they reject.
needle, names = sys.argv[1], sys.argv[2:]
bad = [name for name in names if needle in open(name).read()]
for name in bad:
    print(f"[warn] {name}")
sys.exit(1 if bad else 0)
"""


def _touched_app(tmp_path: Path, needle: str) -> tuple[Path, Path, Path]:
    apps, sheets, work = tmp_path / "apps", tmp_path / "sheets", tmp_path / "runs"
    site = apps / "tiny"
    site.mkdir(parents=True)
    (site / "index.html").write_text("<!doctype html>\n<html>\n<head><title>Tiny</title></head>\n<body>\n<h1>Hi</h1>\n</body>\n</html>\n")
    (site / "other.html").write_text("<p>never touched: Intercom</p>\n")
    (tmp_path / "check.py").write_text(TOUCHED_CHECK)
    sheets.mkdir()
    (sheets / "tiny.toml").write_text(
        'repo = "me/tiny"\ncommit = "0000000"\nframework = "html"\n'
        '[wizard]\noptions = ["--frontend", "html", "--backend", "none", "--insecure"]\n'
        f'[[touched]]\nname = "words"\ncommand = "{sys.executable} {tmp_path / "check.py"} {needle} {{files}}"\nsuffixes = [".html", ".js"]\n'
    )
    return apps, sheets, work


def test_touched_files_check_runs_over_exactly_the_installs_files_before_and_after(tmp_path: Path) -> None:
    apps, sheets, work = _touched_app(tmp_path, "Tiny")
    result = corpus.Scorer(apps, work, user_option=False).score(corpus.load_sheets(sheets)[0])
    assert result.stages["touched"].status == "pass", result.stages["touched"]
    [count] = result.touched
    assert "index.html" in count.files and "other.html" not in count.files
    # index.html has the word before and after; the created script does not.
    assert (count.before, count.after, count.named_after) == (1, 1, ["index.html"])
    assert "words 1 → 1" in result.stages["touched"].reason
    document = "# Corpus\n\n" + corpus.TABLE_BEGIN + "\n" + corpus.TABLE_END + "\n\n" + sys.modules["corpus_touched"].TOUCHED_BEGIN + "\n" + sys.modules["corpus_touched"].TOUCHED_END + "\n"
    rendered = corpus.update_markdown(document, [result])
    assert f"| tiny | words | {len(count.files)} | 1 | 1 | index.html |" in rendered
    # The saved JSON brings the counts back.
    again = corpus.app_from_json(json.loads(json.dumps(result.to_json())))
    assert again.touched == result.touched


def test_touched_files_check_fails_when_the_install_adds_problems(tmp_path: Path) -> None:
    # The word is in what the wizard writes (page tag and script), not in the page before: worse.
    apps, sheets, work = _touched_app(tmp_path, "Intercom")
    result = corpus.Scorer(apps, work, user_option=False).score(corpus.load_sheets(sheets)[0])
    [count] = result.touched
    assert count.before == 0 and count.after is not None and count.after >= 1
    assert result.stages["touched"].status == "fail"
    assert result.stages["touched"].reason.startswith("worse: words 0 → ")
    assert corpus.markdown_rows("tiny", [count])[0].startswith(f"| tiny | words | {len(count.files)} | 0 | {count.after} |")


def test_touched_check_that_cannot_run_is_an_error_not_clean(tmp_path: Path) -> None:
    apps, sheets, work = _touched_app(tmp_path, "Tiny")
    (tmp_path / "check.py").write_text("import sys\nprint('config is invalid')\nsys.exit(2)\n")
    result = corpus.Scorer(apps, work, user_option=False).score(corpus.load_sheets(sheets)[0])
    assert result.stages["touched"].status == "fail"
    assert "the check itself failed (exit 2): config is invalid" in result.stages["touched"].reason


def test_named_files_needs_the_whole_path() -> None:
    root = Path("/app")
    output = "lib/src/a.js:1:1 error\n/app/src/b.js\n  3:1  error  Missing semicolon\nWould reformat: c.py\n"
    assert corpus.named_files(output, ["src/a.js", "src/b.js", "c.py", "c.pyi"], root) == ["src/b.js", "c.py"]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('[[touched]]\ncommand = "prettier --check"', "must be a shell command containing {files}"),
        ('[[touched]]\ncommand = "prettier --check {files}"\nsuffixes = ["js"]', "'suffixes' must be a list"),
        ('[[touched]]\ncommand = "prettier {files}"\nwhen = "after"', "unknown field(s): when"),
        ('touched = "prettier {files}"', "must be an array of tables"),
    ],
)
def test_touched_sheet_mistakes_name_the_field(tmp_path: Path, entry: str, message: str) -> None:
    source = tmp_path / "bad.toml"
    source.write_text('repo = "a/b"\ncommit = "c"\nframework = "x@1"\n' + entry)
    with pytest.raises(corpus.SheetError, match=message.replace("[", r"\[").replace("(", r"\(").replace(")", r"\)").replace("{", r"\{").replace("}", r"\}")):
        corpus.parse_sheet(source)
