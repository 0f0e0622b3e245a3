"""The corpus scorer's uninstall byte check (bench/corpus_copies.py): it covers every file of the app,
tracked or untracked, plus the files the wizard writes wherever they are, and leaves out the
dependency folders the sheet's deps command made (node_modules, a virtual environment by any name),
which are neither committed in the baseline nor read."""

from __future__ import annotations

import subprocess
from pathlib import Path

from test_corpus import corpus

PAGE = "<!doctype html>\n<html>\n<body>\n<h1>Hi</h1>\n</body>\n</html>\n"
# After the install (the receipt exists), the build changes a tracked file, a git-ignored file of the
# app, the page the wizard edited (which the sheet's `ignore` leaves out of the snapshot) and files of the
# sheet's virtual environments: the first three are uninstall failures, the last are not.
BUILD = ("if [ -f .intercom-wizard.json ]; then echo x >> notes.txt; echo y >> local.env; echo '<!-- v -->' >> index.html; "
         "echo z >> env/lib/site.py; echo w >> backend/.venv/lib/site.py; fi")


def test_uninstall_is_checked_on_tracked_and_untracked_files_but_not_on_the_sheets_virtualenv(tmp_path: Path) -> None:
    site = tmp_path / "apps" / "venvapp"
    site.mkdir(parents=True)
    (site / "index.html").write_text(PAGE)
    (site / "notes.txt").write_text("tracked\n")
    (site / "local.env").write_text("API=1\n")
    (site / ".gitignore").write_text("local.env\n")
    (tmp_path / "sheets").mkdir()
    # deps makes two virtual environments (pyvenv.cfg), one under a name no list knows ("env").
    deps = ("for v in env backend/.venv; do mkdir -p $v/lib && echo 'home = /usr/bin' > $v/pyvenv.cfg && echo a > $v/lib/site.py; done")
    (tmp_path / "sheets" / "venvapp.toml").write_text(
        'repo = "me/venvapp"\ncommit = "0"\nframework = "html"\nignore = ["index.html"]\n'
        '[wizard]\noptions = ["--frontend", "html", "--backend", "none", "--insecure"]\n'
        f"[commands]\ndeps = '''{deps}'''\nbuild = '''{BUILD}'''\n"
    )
    sheet = corpus.load_sheets(tmp_path / "sheets")[0]
    result = corpus.Scorer(tmp_path / "apps", tmp_path / "runs", user_option=False).score(sheet)
    assert result.stages["build_after"].status == "pass", result.stages["build_after"]
    assert result.stages["uninstall"].status == "fail"
    assert result.stages["uninstall"].reason == "not byte-identical: changed: local.env, changed: notes.txt, changed: index.html"
    copy = tmp_path / "runs" / "venvapp" / "copy" / "venvapp"
    tracked = subprocess.run(["git", "ls-files"], cwd=copy, capture_output=True, text=True, check=True).stdout.split()
    assert tracked == [".gitignore", "index.html", "notes.txt"]  # the environments are not the app's files
    # Hard-linked from the checkout, as node_modules is: the same inode, not a copy.
    assert (copy / "env" / "pyvenv.cfg").stat().st_ino == (site / "env" / "pyvenv.cfg").stat().st_ino


def test_the_snapshot_leaves_out_dependency_folders_and_reads_everything_else(tmp_path: Path) -> None:
    for folder in ("node_modules/x", "backend/venv-3.11", "src"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "backend" / "venv-3.11" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (tmp_path / "backend" / "venv-3.11" / "site.py").write_text("a")
    (tmp_path / "node_modules" / "x" / "index.js").write_text("1")
    (tmp_path / "src" / "pyvenv.cfg.example").write_text("a file of the app's")
    (tmp_path / "src" / "app.py").write_text("print(1)\n")
    assert sorted(corpus.snapshot(tmp_path)) == ["src/app.py", "src/pyvenv.cfg.example"]
    assert corpus.dependency_folders(tmp_path) == ["/backend/venv-3.11/"]
    assert corpus.left_out(tmp_path, "backend/venv-3.11/site.py") and corpus.left_out(tmp_path, "dist/index.html")
    assert not corpus.left_out(tmp_path, "src/app.py")


def test_a_file_the_wizard_writes_where_the_snapshot_does_not_look_is_compared_on_its_own(tmp_path: Path) -> None:
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "index.html").write_text(PAGE)  # a static site served from its build/ folder
    paths = ["build/index.html", "build/intercom-messenger.js"]
    before = corpus.touched_states(tmp_path, paths)
    assert before["build/intercom-messenger.js"] == corpus.ABSENT
    assert corpus.compare_snapshots(corpus.snapshot(tmp_path), corpus.snapshot(tmp_path)) == []
    (tmp_path / "build" / "index.html").write_text(PAGE.replace("<body>", "<body>\n<script src=x></script>"))
    (tmp_path / "build" / "intercom-messenger.js").write_text("left behind")
    assert corpus.compare_snapshots(before, corpus.touched_states(tmp_path, paths)) == [
        "changed: build/index.html", "changed: build/intercom-messenger.js"]
