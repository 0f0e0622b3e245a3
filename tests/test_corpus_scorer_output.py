"""What the corpus scorer writes (bench/corpus_results.py, corpus_processes.py): failure reasons
without terminal escape codes, in the JSON and the scoreboard alike, and the app's tools asked for no
colours (NO_COLOR=1, FORCE_COLOR=0)."""

from __future__ import annotations

import json
from pathlib import Path

from test_corpus import corpus

PAGE = "<!doctype html>\n<html>\n<body>\n<h1>Hi</h1>\n</body>\n</html>\n"
# A build that colours its error whatever it is told, and prints what it was told.
COLOURED_BUILD = r"""printf '\033[1m\033[31mError:\033[39m\033[22m \033]8;;file:///x\033\\bad.js\033]8;;\033\\ NO_COLOR=%s FORCE_COLOR=%s\n' "$NO_COLOR" "$FORCE_COLOR"; exit 1"""


def test_failure_reasons_carry_no_escape_codes_and_tools_are_asked_for_no_colour(tmp_path: Path) -> None:
    site = tmp_path / "apps" / "coloured"
    site.mkdir(parents=True)
    (site / "index.html").write_text(PAGE)
    (tmp_path / "sheets").mkdir()
    (tmp_path / "sheets" / "coloured.toml").write_text(
        'repo = "me/coloured"\ncommit = "0"\nframework = "html"\n'
        '[wizard]\noptions = ["--frontend", "html", "--backend", "none", "--insecure", "--endpoint", "no-slash"]\n'
        f"[commands]\ndeps = \"true\"\nbuild = '''{COLOURED_BUILD}'''\n"
    )
    results, document = tmp_path / "results.json", tmp_path / "corpus.md"
    document.write_text(f"{corpus.TABLE_BEGIN}\n{corpus.TABLE_END}\n")
    code = corpus.main(["--apps", str(tmp_path / "apps"), "--sheets", str(tmp_path / "sheets"), "--work", str(tmp_path / "runs"),
                        "--json", str(results), "--markdown", str(document)])
    assert code == 0
    (app,) = json.loads(results.read_text())["apps"]
    assert app["stages"]["build_before"] == {"status": "fail", "reason": "Error: bad.js NO_COLOR=1 FORCE_COLOR=0",
                                             "seconds": app["stages"]["build_before"]["seconds"]}
    assert "\x1b" not in results.read_text() and "\\u001b" not in results.read_text()
    assert "build_before: Error: bad.js NO_COLOR=1 FORCE_COLOR=0" in document.read_text()
    assert "\x1b" not in document.read_text()
    # The log keeps the command's own bytes.
    assert "\x1b[31m" in (tmp_path / "runs" / "coloured" / "logs" / "build_before.log").read_text()
    # The wizard (Rich) is not given FORCE_COLOR=0, which Rich takes for a terminal: its error is plain.
    install_log = (tmp_path / "runs" / "coloured" / "logs" / "install.log").read_text()
    assert "error:" in install_log and "\x1b" not in install_log
    assert app["stages"]["install"]["status"] == "fail" and app["stages"]["install"]["reason"].startswith("exit 2: error:")


def test_results_saved_with_escape_codes_lose_them_on_the_scoreboard(tmp_path: Path) -> None:
    saved = {"name": "old", "repo": "o/old", "commit": "0", "framework": "next@14",
             "stages": {"lint_before": {"status": "fail", "reason": "\x1b[31m10:14\x1b[39m  \x1b[1mError\x1b[22m: x", "seconds": 1.0}},
             "notes": ["\x1b[33mwarn\x1b[0m"], "manual_steps": ["a.js: \x1b[1mdo\x1b[22m"]}
    app = corpus.app_from_json(saved)
    assert app.stages["lint_before"].reason == "10:14  Error: x"
    assert app.notes == ["warn"] and app.manual_steps == ["a.js: do"]
    assert corpus.one_line("\x1b[2K\x1b[1G\x1b[32m✓\x1b[39m built\r\n") == "✓ built"


def test_a_reason_is_the_line_that_says_what_failed_not_a_summary_or_a_header() -> None:
    eslint = ("$ npx eslint src\n/app/src/a.tsx\n  6:1  error  File name \"A.tsx\" is not kebab-case  check-file/filename-naming-convention\n"
              "  9:1  error  `@/b` import should occur before import of `@/c`  import/order\n\n✖ 2 problems (2 errors, 0 warnings)\n"
              "  1 error and 0 warnings potentially fixable with the `--fix` option.\n")
    assert corpus.Ran(1, eslint, 0).last_line() == "9:1  error  `@/b` import should occur before import of `@/c`  import/order"
    fonts = ("Failed to compile.\n\nsrc/app/layout.tsx\n`next/font` error:\nFailed to fetch `Inter` from Google Fonts.\n\n"
             "> Build failed because of webpack errors\n ELIFECYCLE  Command failed with exit code 1.\n")
    assert corpus.Ran(1, fonts, 0).last_line() == "`next/font` error: Failed to fetch `Inter` from Google Fonts."
    tsc = ("src/x.ts(3,1): error TS2304: Cannot find name 'y'.\nsrc/r.ts(9,2): error TS2769: No overload matches this call.\n"
           "  The last overload gave the following error.\n    Argument of type 'x' is not assignable.\n\nFound 2 errors in 2 files.\n")
    assert corpus.Ran(1, tsc, 0).last_line() == "src/r.ts(9,2): error TS2769: No overload matches this call."
    # Nothing but wrappers: the last of them still says something.
    wrapped = "@app/api:lint: ERROR: command finished with error: exited (2)\n ERROR  run failed: command  exited (2)\n"
    assert corpus.Ran(1, wrapped, 0).last_line() == "@app/api:lint: ERROR: command finished with error: exited (2)"
    assert corpus.Ran(1, "done\n", 0).last_line() == "done"
