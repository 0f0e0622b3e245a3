"""The corpus scorer's verify classes and copies (bench/corpus.py).

- `no_server_reason`: a single-page app whose sign-in is a fake back end inside the browser has no
  server; start/verify are `skip (no server)`, left out of the verify rate and counted beside it,
  and the rate as it would be with those rows counted is printed too.
- `[manual] patch`: the wizard's printed manual steps, done by a patch after the install and undone
  before uninstall; the row reads `pass (after its manual steps)` and is counted apart.
- copies of a pnpm workspace member keep their links into the workspace root reachable.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from test_corpus import _verified_row, corpus

SPA_SHEET = """
repo = "someone/angular-jwt"
commit = "0"
framework = "angular@14"
no_server_reason = "an HTTP interceptor with one hard-coded user; run with its API as angular-jwt-api"
[start]
command = "npx http-server dist"
port = 4200
"""


def test_a_spa_with_a_fake_back_end_is_no_server_with_its_reason(tmp_path: Path) -> None:
    (tmp_path / "spa.toml").write_text(SPA_SHEET)
    sheet = corpus.parse_sheet(tmp_path / "spa.toml")
    assert sheet.no_server_reason.startswith("an HTTP interceptor")
    result = corpus.AppResult(sheet.name, sheet.repo, sheet.commit, sheet.framework)
    corpus.Scorer(tmp_path, tmp_path, user_option=False)._serve_and_verify(result, sheet, tmp_path, tmp_path, {}, True, True)
    assert result.stages["start"].status == "skip"
    assert result.stages["start"].reason == "no server: " + sheet.no_server_reason
    result.skip_rest("not run")
    assert corpus.column_cells(result)["verify"] == "skip (no server)"
    assert "start: no server: an HTTP interceptor with one hard-coded user; run with its API as angular-jwt-api" in corpus.failure_reasons(result)


def test_only_one_reason_says_why_an_app_is_not_verified(tmp_path: Path) -> None:
    (tmp_path / "spa.toml").write_text(SPA_SHEET.replace("framework", 'no_pages_reason = "an API"\nframework'))
    with pytest.raises(corpus.SheetError, match="only one of no_pages_reason, no_server_reason"):
        corpus.parse_sheet(tmp_path / "spa.toml")


def _manual_row(name: str) -> corpus.AppResult:
    app = corpus.AppResult(name, "o/" + name, "abcdef0123456789", "php")
    app.record("detect", "pass", "php@.")
    app.record("install", "pass", "incomplete: 1 manual step(s)")
    app.outcome = "incomplete"
    app.record("manual", "pass", "done by name.patch")
    app.record("start", "pass", "127.0.0.1:5000")
    app.record("verify_anonymous", "pass")
    app.record("verify_users", "pass", "2 user(s) signed in and out")
    app.skip_rest("not run")
    return app


def test_totals_leave_out_no_server_rows_say_so_and_give_the_rate_with_them_counted() -> None:
    spa = corpus.AppResult("spa", "o/spa", "0", "angular@14")
    spa.record("start", "skip", "no server: an HTTP interceptor")
    spa.skip_rest("not run")
    apps = [_verified_row("a"), _verified_row("b", verify="fail"), _manual_row("m"), spa,
            _verified_row("api", start_reason="no pages: a JSON API"), _verified_row("rails", start_reason="offline: no: gems")]
    text = corpus.update_markdown(f"{corpus.TABLE_BEGIN}\n{corpus.TABLE_END}\n", apps)
    assert "| m | o/m | abcdef0123 | php | pass | skip | pass (incomplete) |" in text
    assert "| pass (after its manual steps) |" in text
    assert "verify: 2 pass / 1 fail / 3 skip (of the skips: 1 offline: no, 1 no pages, 1 no server)" in text
    assert "on 2/3 = 67 % of the apps that can run offline, 0 of them signed out only" in text
    assert "1 of them after its manual steps" in text and "1/3 = 33 % without those" in text
    assert "1 single-page apps whose sign-in is a fake back end inside the browser" in text
    assert "Counted as not verified, the 1 `no server` rows would make it 2/4 = 50 %." in text


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *corpus.GIT_IDENTITY, *args], cwd=root, check=True, capture_output=True)


def _installed_copy(tmp_path: Path) -> tuple[Path, Path]:
    """A committed app and, as the wizard's manual step, a patch over one of its lines."""
    root = tmp_path / "app"
    root.mkdir()
    (root / "login.php").write_text("<?php\n$_SESSION['user_name'] = $row->user_name;\n")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "base")
    (root / "login.php").write_text("<?php\n$_SESSION['user_id'] = $row->user_id;\n$_SESSION['user_name'] = $row->user_name;\n")
    patch = tmp_path / "manual" / "app.patch"
    patch.parent.mkdir()
    patch.write_text(subprocess.run(["git", "diff"], cwd=root, check=True, capture_output=True, text=True).stdout)
    _git(root, "checkout", "--", "login.php")
    return root, patch


def test_manual_steps_patch_is_done_before_verify_and_undone_before_uninstall(tmp_path: Path) -> None:
    root, patch = _installed_copy(tmp_path)
    (tmp_path / "s.toml").write_text(f'repo = "o/s"\ncommit = "0"\nframework = "php"\n[manual]\npatch = "{patch}"\n')
    sheet = corpus.parse_sheet(tmp_path / "s.toml")
    scorer = corpus.Scorer(tmp_path, tmp_path, user_option=False)
    result = corpus.AppResult("s", "o/s", "0", "php")
    result.outcome = "incomplete"
    assert scorer._manual_steps(result, sheet, root, tmp_path / "logs", dict(os.environ), installed=True)
    assert result.stages["manual"].status == "pass"
    assert "$_SESSION['user_id'] = $row->user_id;" in (root / "login.php").read_text()
    # A verify failure now says the steps were done, not that they were missing.
    assert corpus.Scorer._in_context(result, ("fail", "x")) == ("fail", "after its manual steps: x")
    assert scorer._revert_manual_steps(result, sheet, root, tmp_path / "logs", dict(os.environ))
    assert (root / "login.php").read_text() == "<?php\n$_SESSION['user_name'] = $row->user_name;\n"


def test_a_manual_patch_that_does_not_apply_fails_verify_and_one_that_does_not_revert_fails_uninstall(tmp_path: Path) -> None:
    root, patch = _installed_copy(tmp_path)
    sheet = corpus.Sheet(name="s", repo="o/s", commit="0", framework="php", manual_patch=str(patch))
    scorer = corpus.Scorer(tmp_path, tmp_path, user_option=False)
    (root / "login.php").write_text("<?php\n// the app changed\n")
    result = corpus.AppResult("s", "o/s", "0", "php")
    result.outcome = "incomplete"
    assert not scorer._manual_steps(result, sheet, root, tmp_path / "logs", dict(os.environ), installed=True)
    assert result.stages["manual"].status == "fail" and result.stages["manual"].reason.startswith("the patch does not apply")
    result.skip_rest("not run")
    assert corpus.column_cells(result)["verify"] == "fail"
    reverted = corpus.AppResult("s", "o/s", "0", "php")
    assert not scorer._revert_manual_steps(reverted, sheet, root, tmp_path / "logs", dict(os.environ))
    assert reverted.stages["uninstall"].status == "fail"
    assert reverted.stages["uninstall"].reason.startswith("the manual steps' patch does not revert")


def test_manual_steps_are_only_done_after_an_install_that_ended_incomplete(tmp_path: Path) -> None:
    root, patch = _installed_copy(tmp_path)
    sheet = corpus.Sheet(name="s", repo="o/s", commit="0", framework="php", manual_patch=str(patch))
    result = corpus.AppResult("s", "o/s", "0", "php")
    result.outcome = "complete"
    assert not corpus.Scorer(tmp_path, tmp_path, user_option=False)._manual_steps(result, sheet, root, tmp_path, {}, installed=True)
    assert result.stages["manual"].status == "skip"
    (tmp_path / "s.toml").write_text('repo = "o/s"\ncommit = "0"\nframework = "php"\n[manual]\npatch = "rel/app.patch"\n')
    with pytest.raises(corpus.SheetError, match=re.escape("'manual.patch' must be an absolute path")):
        corpus.parse_sheet(tmp_path / "s.toml")


def test_a_copy_of_a_pnpm_workspace_member_keeps_its_links_into_the_workspace_root(tmp_path: Path) -> None:
    # pnpm's layout: the root's node_modules/.pnpm store; the member's node_modules holds relative links.
    checkout = tmp_path / "checkout"
    store = checkout / "node_modules" / ".pnpm" / "next@14" / "node_modules" / "next"
    (store / "dist" / "bin").mkdir(parents=True)
    (store / "dist" / "bin" / "next").write_text("console.log('next')\n")
    member = checkout / "examples" / "next"
    (member / "node_modules" / ".bin").mkdir(parents=True)
    (member / "node_modules" / "@types").mkdir()
    (member / "page.tsx").write_text("export default function Page() {}\n")
    os.symlink("../../../node_modules/.pnpm/next@14/node_modules/next", member / "node_modules" / "next")
    os.symlink("../../../../node_modules/.pnpm/next@14/node_modules/next", member / "node_modules" / "@types" / "next")
    os.symlink("../../..", member / "node_modules" / "workspace-root")      # the workspace's own package
    os.symlink("../next/dist/bin/next", member / "node_modules" / ".bin" / "next")  # stays inside: kept
    (checkout / "node_modules" / ".pnpm" / "lock.yaml").write_text("x")
    os.symlink("checkout", tmp_path / "alias")  # the scorer's apps folder may name a checkout through a link

    target = tmp_path / "runs" / "copy" / "next"
    corpus.copy_app(tmp_path / "alias" / "examples" / "next", target)
    assert (target / "node_modules" / "next" / "dist" / "bin" / "next").read_text() == "console.log('next')\n"
    assert (target / "node_modules" / ".bin" / "next").read_text() == "console.log('next')\n"
    assert os.readlink(target / "node_modules" / ".bin" / "next") == "../next/dist/bin/next"
    assert (target / "node_modules" / "@types" / "next" / "dist").is_dir()
    assert Path(os.readlink(target / "node_modules" / "workspace-root")) == checkout
    assert (target / "page.tsx").is_file()
    # The checkout's own links are untouched.
    assert os.readlink(member / "node_modules" / "next") == "../../../node_modules/.pnpm/next@14/node_modules/next"


def test_with_only_a_sheet_of_another_app_that_cannot_be_read_does_not_stop_the_run(tmp_path: Path) -> None:
    (tmp_path / "mine.toml").write_text('repo = "o/mine"\ncommit = "0"\nframework = "php"\n')
    (tmp_path / "theirs.toml").write_text('repo = "o/theirs"\ncommit = "0"\nframework = "php"\nnewer_field = "x"\n')
    assert [sheet.name for sheet in corpus.load_sheets(tmp_path, ["mine"])] == ["mine"]
    with pytest.raises(corpus.SheetError, match="unknown field"):
        corpus.load_sheets(tmp_path)
    with pytest.raises(corpus.SheetError, match="unknown field"):
        corpus.load_sheets(tmp_path, ["theirs"])


def test_a_workspace_member_is_scored_in_a_copy_of_its_whole_workspace(tmp_path: Path) -> None:
    apps, sheets, work = tmp_path / "apps", tmp_path / "sheets", tmp_path / "runs"
    checkout = apps / "mono"
    write = {
        "pnpm-workspace.yaml": "packages:\n  - examples/*\n",
        "package.json": '{\n  "name": "lib",\n  "packageManager": "pnpm@9.6.0"\n}\n',
        "node_modules/.pnpm/tool@1/node_modules/tool/index.js": "module.exports = 1\n",
        "examples/site/index.html": "<!doctype html>\n<html>\n<body>\n<h1>Hi</h1>\n</body>\n</html>\n",
        "examples/site/check.sh": "#!/bin/sh\ntest -f node_modules/tool/index.js && date +%s%N > tsconfig.tsbuildinfo\n",
    }
    for relative, text in write.items():
        (checkout / relative).parent.mkdir(parents=True, exist_ok=True)
        (checkout / relative).write_text(text)
    (checkout / "examples/site/check.sh").chmod(0o755)
    (checkout / "examples/site/node_modules").mkdir()
    os.symlink("../../../node_modules/.pnpm/tool@1/node_modules/tool", checkout / "examples/site/node_modules/tool")
    sheets.mkdir()
    # The check passes only when the member's link into the workspace root resolves in the copy; it
    # writes tsconfig.tsbuildinfo (as `tsc --incremental` does) before and after the install.
    (sheets / "mono-site.toml").write_text(
        'name = "mono"\nrepo = "me/mono"\ncommit = "0"\nframework = "html"\nsubdir = "examples/site"\n'
        '[wizard]\noptions = ["--frontend", "html", "--backend", "none", "--insecure", "--no-install"]\n'
        '[commands]\ndeps = "true"\ntypecheck = "./check.sh"\n'
    )
    result = corpus.Scorer(apps, work, user_option=False).score(corpus.load_sheets(sheets)[0])
    assert result.stages["typecheck_before"].status == "pass", result.stages["typecheck_before"]
    assert result.stages["typecheck_after"].status == "pass", result.stages["typecheck_after"]
    assert (work / "mono" / "copy" / "mono" / "pnpm-workspace.yaml").is_file()
    assert (work / "mono" / "copy" / "mono" / "examples" / "site" / ".git").is_dir()
    assert result.stages["uninstall"].status == "pass", result.stages["uninstall"]
    assert corpus.is_workspace_root(checkout) and not corpus.is_workspace_root(checkout / "examples" / "site")


def test_the_stages_skipped_for_want_of_a_server_are_not_the_no_server_class() -> None:
    spa = corpus.AppResult("spa", "o/spa", "0", "angular@14")
    spa.record("start", "skip", "no server: an HTTP interceptor")
    spa.record("verify_anonymous", "skip", "no server running")
    spa.record("verify_users", "skip", "no server running")
    spa.skip_rest("not run")
    assert corpus.failure_reasons(spa) == "start: no server: an HTTP interceptor"
    broken = corpus.AppResult("broken", "o/broken", "0", "php")
    broken.record("start", "skip", "no server running")  # not a sheet's reason: counted in the rate
    broken.skip_rest("not run")
    assert corpus.column_cells(broken)["verify"] == "skip"
