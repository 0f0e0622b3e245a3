"""The corpus scorer's seed, start and warm-up (bench/corpus_scorer.py, corpus_verify_stages.py,
corpus_processes.py; docs/corpus.md), on sheets and servers of our own in a temp dir:

- a failed seed is its own failed stage with its reason; the app is then not started, and the row's
  verify counts as failed; a seed runs without a deps command too;
- every process a start command started is stopped by its process group, whether the start fails
  (the shell exits while its backgrounded API runs on) or succeeds;
- `[manual] rebuild = true` builds the app again after the manual steps' patch (a built app would
  serve the build from before it), and a build that fails then fails the manual stage;
- before verify, the page is requested until the app answers (a dev server's first compile), bounded
  by start.warm_up_timeout; an app that never answers fails the warm-up and verify is not run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_corpus import corpus

from intercom_wizard.localserver import free_port

PAGE = "<!doctype html>\n<html>\n<body>\n<h1>Hi</h1>\n</body>\n</html>\n"
# A server of our own: answers GETs on 127.0.0.1:PORT, the first one after a pause (a dev server's
# first compile), and counts the answers in a file; mode "never" accepts connections and never answers.
SLOW_SERVER = """
import socket, sys, time, pathlib
port, mode, count = int(sys.argv[1]), sys.argv[2], pathlib.Path(sys.argv[3])
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", port))
server.listen(8)
held, answered = [], 0
while True:
    connection, _ = server.accept()
    if not connection.recv(65536):  # a port probe: connected and closed
        connection.close()
        continue
    if mode == "never":
        held.append(connection)
        continue
    if answered == 0:
        time.sleep(2)
    answered += 1
    # Written (whole, by a rename) before the answer: whoever got the answer reads the count.
    count.with_suffix(".new").write_text(str(answered))
    count.with_suffix(".new").replace(count)
    connection.sendall(b"HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\nConnection: close\\r\\n\\r\\nok")
    connection.close()
"""


class RecordingScorer(corpus.Scorer):
    """The scorer with verify replaced by a record of when it was called: how many answers the app had
    given by then (verify itself, Chromium, is tested in tests/verify)."""

    def __init__(self, tmp_path: Path, answers: Path) -> None:
        super().__init__(tmp_path, tmp_path, user_option=False)
        self.answers = answers
        self.calls: list[int] = []

    def _verify(self, result, sheet, root, logs, env) -> None:  # type: ignore[no-untyped-def]
        self.calls.append(int(self.answers.read_text()) if self.answers.exists() else 0)
        result.record("verify_anonymous", "pass", "all checks passed")
        result.record("verify_users", "skip", "the sheet has no users to sign in")


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return state[state.rfind(")") + 2] not in "ZX"


def _sheet(**fields: object) -> corpus.Sheet:
    return corpus.Sheet(name="mine", repo="me/mine", commit="0", framework="html", **fields)  # type: ignore[arg-type]


def _serve(scorer: corpus.Scorer, sheet: corpus.Sheet, tmp_path: Path) -> corpus.AppResult:
    result = corpus.AppResult(sheet.name, sheet.repo, sheet.commit, sheet.framework)
    (tmp_path / "logs").mkdir(exist_ok=True)
    scorer._serve_and_verify(result, sheet, tmp_path, tmp_path / "logs", dict(os.environ), True, True)
    return result


def test_a_failed_seed_is_its_own_stage_and_the_app_is_not_started(tmp_path: Path) -> None:
    site = tmp_path / "apps" / "seeded"
    site.mkdir(parents=True)
    (site / "index.html").write_text(PAGE)
    (tmp_path / "sheets").mkdir()
    started = tmp_path / "started"
    (tmp_path / "sheets" / "seeded.toml").write_text(
        'repo = "me/seeded"\ncommit = "0"\nframework = "html"\n'
        '[wizard]\noptions = ["--frontend", "html", "--backend", "none", "--insecure"]\n'
        '[commands]\ndeps = "true"\nseed = "echo \'Error: cannot reach the database\' >&2; exit 3"\n'
        f'[start]\ncommand = "touch {started} && exec python3 -m http.server $PORT --bind 127.0.0.1"\nport = {free_port()}\n'
    )
    sheet = corpus.load_sheets(tmp_path / "sheets")[0]
    result = corpus.Scorer(tmp_path / "apps", tmp_path / "runs", user_option=False).score(sheet)
    assert (result.stages["seed"].status, result.stages["seed"].reason) == ("fail", "exit 3: Error: cannot reach the database")
    assert (result.stages["start"].status, result.stages["start"].reason) == ("skip", corpus.SEED_FAILED)
    assert not started.exists()
    assert corpus.column_cells(result)["verify"] == "fail"
    assert corpus.failure_reasons(result) == "seed: exit 3: Error: cannot reach the database"
    assert result.stages["install"].status == "pass" and result.stages["uninstall"].status == "pass"
    # The row read back from the scoreboard names the seed as the stage that failed.
    text = corpus.update_markdown(f"{corpus.TABLE_BEGIN}\n{corpus.TABLE_END}\n", [result])
    assert "- seed: exit N: Error: cannot reach the database ×1" in text


def test_a_seed_runs_without_a_deps_command_and_is_skipped_when_the_deps_failed(tmp_path: Path) -> None:
    scorer = corpus.Scorer(tmp_path, tmp_path, user_option=False)
    sheet = _sheet(commands={"seed": "echo seeded > seeded.txt"})
    result = corpus.AppResult(sheet.name, sheet.repo, sheet.commit, sheet.framework)
    scorer._seed(result, sheet, tmp_path, tmp_path / "logs", dict(os.environ), False, corpus.RunningServices())
    assert result.stages["seed"].status == "pass" and (tmp_path / "seeded.txt").read_text() == "seeded\n"
    failed_deps = _sheet(commands={"deps": "false", "seed": "echo again > seeded.txt"})
    result = corpus.AppResult(sheet.name, sheet.repo, sheet.commit, sheet.framework)
    scorer._seed(result, failed_deps, tmp_path, tmp_path / "logs", dict(os.environ), False, corpus.RunningServices())
    assert (result.stages["seed"].status, result.stages["seed"].reason) == ("skip", "installing dependencies failed")
    assert (tmp_path / "seeded.txt").read_text() == "seeded\n"


def test_a_failed_start_stops_its_backgrounded_api(tmp_path: Path) -> None:
    """`api & exec web` where the web server fails: the shell exits and, before, the API ran on."""
    pid_file = tmp_path / "api.pid"
    start = (f"python3 -m http.server {free_port()} --bind 127.0.0.1 > /dev/null 2>&1 & echo $! > {pid_file}; "
             "echo 'Error: the web server cannot start' >&2; exit 3")
    sheet = _sheet(start=start, port=free_port(), ready_timeout=10)
    result = _serve(corpus.Scorer(tmp_path, tmp_path, user_option=False), sheet, tmp_path)
    assert result.stages["start"].status == "fail", result.stages
    assert "Error: the web server cannot start" in result.stages["start"].reason
    api = int(pid_file.read_text())
    assert not _alive(api), f"the backgrounded API {api} still runs"


def test_a_started_app_is_warmed_up_before_verify_and_stopped_with_its_api(tmp_path: Path) -> None:
    (tmp_path / "server.py").write_text(SLOW_SERVER)
    answers, pid_file = tmp_path / "answers", tmp_path / "api.pid"
    port = free_port()
    start = (f"python3 -m http.server {free_port()} --bind 127.0.0.1 > /dev/null 2>&1 & echo $! > {pid_file}; "
             f"exec {sys.executable} server.py {port} slow {answers}")
    scorer = RecordingScorer(tmp_path, answers)
    result = _serve(scorer, _sheet(start=start, port=port, ready_timeout=30, warm_up_timeout=60), tmp_path)
    assert result.stages["start"].status == "pass", result.stages
    assert (result.stages["warm_up"].status, result.stages["warm_up"].reason) == ("pass", "GET /: HTTP 200")
    # The slow first answer was given before verify started (without the warm-up: 0).
    assert scorer.calls == [1]
    assert not _alive(int(pid_file.read_text()))
    assert not corpus.port_open(port)


def test_an_app_that_never_answers_fails_the_warm_up_and_verify_is_not_run(tmp_path: Path) -> None:
    (tmp_path / "server.py").write_text(SLOW_SERVER)
    port = free_port()
    scorer = RecordingScorer(tmp_path, tmp_path / "answers")
    sheet = _sheet(start=f"exec {sys.executable} server.py {port} never {tmp_path / 'answers'}", port=port, warm_up_timeout=2)
    result = _serve(scorer, sheet, tmp_path)
    assert result.stages["start"].status == "pass"
    assert result.stages["warm_up"].status == "fail"
    assert result.stages["warm_up"].reason.startswith("no answer to GET / within 2 s")
    assert scorer.calls == []
    assert result.stages["verify_anonymous"].reason == "the app did not answer the warm-up request"
    result.skip_rest("not run")
    assert corpus.column_cells(result)["verify"] == "fail"


def test_stop_group_stops_what_is_left_in_the_group_after_its_leader_exited(tmp_path: Path) -> None:
    leader = subprocess.Popen(f"sleep 300 & echo $! > {tmp_path / 'child'}", shell=True, start_new_session=True)
    leader.wait()
    child = int((tmp_path / "child").read_text())
    assert corpus.group_members(leader.pid) == [child]
    corpus.stop_group(leader)
    assert corpus.group_members(leader.pid) == [] and not _alive(child)


PATCH = """--- a/page.html
+++ b/page.html
@@ -1 +1 @@
-before the manual step
+after the manual step
"""


def _patched(tmp_path: Path, build: str) -> tuple[bool, corpus.AppResult]:
    """`[manual] patch` + `rebuild = true` on an installed app whose build copies page.html into dist/."""
    app = tmp_path / "app"
    app.mkdir()
    (app / "page.html").write_text("before the manual step\n")
    (tmp_path / "steps.patch").write_text(PATCH)
    sheet_file = tmp_path / "built.toml"
    sheet_file.write_text(f'repo = "me/built"\ncommit = "0"\nframework = "html"\n[commands]\nbuild = "{build}"\n'
                          f'[manual]\npatch = "{tmp_path / "steps.patch"}"\nrebuild = true\n')
    sheet = corpus.parse_sheet(sheet_file)
    result = corpus.AppResult(sheet.name, sheet.repo, sheet.commit, sheet.framework)
    result.outcome = "incomplete"
    patched = corpus.Scorer(tmp_path, tmp_path, user_option=False)._manual_steps(result, sheet, app, tmp_path / "logs", dict(os.environ), True)
    return patched, result


def test_a_rebuild_after_the_manual_steps_builds_the_patched_app(tmp_path: Path) -> None:
    patched, result = _patched(tmp_path, "mkdir -p dist && cp page.html dist/")
    assert patched
    assert (result.stages["manual"].status, result.stages["manual"].reason) == ("pass", "done by steps.patch, then built again")
    assert (tmp_path / "app" / "dist" / "page.html").read_text() == "after the manual step\n"


def test_a_rebuild_that_fails_fails_the_manual_stage_and_the_patch_is_still_reverted(tmp_path: Path) -> None:
    patched, result = _patched(tmp_path, "echo 'error: the build broke' >&2; exit 1")
    assert patched  # applied: the scorer reverts it before uninstall
    assert (result.stages["manual"].status, result.stages["manual"].reason) == ("fail", "done by steps.patch; the build after it fails: error: the build broke")
    result.skip_rest("not run")
    assert corpus.column_cells(result)["verify"] == "fail"


def test_a_rebuild_needs_a_build_command(tmp_path: Path) -> None:
    (tmp_path / "x.toml").write_text('repo = "o/x"\ncommit = "0"\nframework = "html"\n[manual]\npatch = "/tmp/x.patch"\nrebuild = true\n')
    with pytest.raises(corpus.SheetError, match="'manual.rebuild' needs 'manual.patch' and 'commands.build'"):
        corpus.parse_sheet(tmp_path / "x.toml")
