"""The corpus scorer's per-app lock (bench/corpus_lock.py): a killed run's `scoring.lock` does not block
the next run (its owner's PID is dead: taken over, and the output says so), and two live runs never
score one app (the second one's exit code is 3 and the app's saved results stay as they were)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from test_corpus import corpus

# Holds the flock on argv[1] (writing its PID as the scorer does) until its stdin closes.
HOLDER = """
import fcntl, os, sys
descriptor = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.flock(descriptor, fcntl.LOCK_EX)
os.write(descriptor, f"pid={os.getpid()}\\n".encode())
print("held", flush=True)
sys.stdin.read()
"""


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _tiny_app(tmp_path: Path) -> tuple[Path, Path, Path]:
    apps, sheets, work = tmp_path / "apps", tmp_path / "sheets", tmp_path / "runs"
    (apps / "tiny").mkdir(parents=True)
    (apps / "tiny" / "index.html").write_text("<!doctype html>\n<html>\n<body>\n<h1>Hi</h1>\n</body>\n</html>\n")
    sheets.mkdir()
    (sheets / "tiny.toml").write_text('repo = "me/tiny"\ncommit = "0"\nframework = "html"\n'
                                      '[wizard]\noptions = ["--frontend", "html", "--backend", "none", "--insecure"]\n')
    (work / "tiny").mkdir(parents=True)
    return apps, sheets, work


def _main(apps: Path, sheets: Path, work: Path, results: Path) -> int:
    return corpus.main(["--apps", str(apps), "--sheets", str(sheets), "--work", str(work), "--only", "tiny", "--fast", "--json", str(results)])


def test_a_killed_runs_lock_is_taken_over_and_the_output_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    apps, sheets, work = _tiny_app(tmp_path)
    dead = _dead_pid()
    (work / "tiny" / "scoring.lock").write_text(f"{dead}")  # a bare PID, as the scorer before this one wrote it
    results = tmp_path / "results.json"
    assert _main(apps, sheets, work, results) == 0
    err = capsys.readouterr().err
    assert f"took over {work / 'tiny' / 'scoring.lock'}: its owner, PID {dead}, is no longer running" in err
    (app,) = json.loads(results.read_text())["apps"]
    assert app["stages"]["uninstall"]["status"] == "pass"
    assert app["notes"] == [f"took over {work / 'tiny' / 'scoring.lock'}: its owner, PID {dead}, is no longer running"]
    assert not (work / "tiny" / "scoring.lock").exists()  # released at the end of the run


def test_a_live_run_holding_the_lock_keeps_the_app_and_its_saved_results(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    apps, sheets, work = _tiny_app(tmp_path)
    lock = work / "tiny" / "scoring.lock"
    results = tmp_path / "results.json"
    saved = {"apps": [{"name": "tiny", "repo": "me/tiny", "commit": "0", "framework": "html", "stages": {}}]}
    results.write_text(json.dumps(saved))
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(lock)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        assert _main(apps, sheets, work, results) == 3
        err = capsys.readouterr().err
        assert f"not scored: another scorer run (PID {holder.pid}) holds {lock}" in err
        assert "error: not scored, another scorer run holds them: tiny" in err
        assert json.loads(results.read_text()) == saved
        assert lock.read_text() == f"pid={holder.pid}\n"  # the holder's lock is left alone
    finally:
        holder.communicate("")
    assert not (work / "tiny" / "copy").exists()


def test_an_older_scorers_lock_without_flock_counts_while_its_pid_runs(tmp_path: Path) -> None:
    path = tmp_path / "scoring.lock"
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        path.write_text(str(sleeper.pid))  # O_EXCL + PID, no flock: the lock of a scorer before this one
        with pytest.raises(corpus.LockHeld, match=f"another scorer run \\(PID {sleeper.pid}\\) holds"):
            corpus.ScoringLock.acquire(path)
        assert path.read_text() == str(sleeper.pid)
        # The same PID with another start time is a process the system gave that PID to later.
        path.write_text(f"pid={sleeper.pid} start=1")
        lock = corpus.ScoringLock.acquire(path)
        assert lock.taken_over == f"took over {path}: its owner, PID {sleeper.pid}, is no longer running"
        lock.release()
    finally:
        sleeper.kill()
        sleeper.wait()
    assert not path.exists()


def test_the_lock_records_its_owner_and_refuses_a_second_holder(tmp_path: Path) -> None:
    path = tmp_path / "scoring.lock"
    lock = corpus.ScoringLock.acquire(path)
    owner = corpus.parse_owner(path.read_text())
    assert owner is not None and owner.alive() and owner.start is not None
    assert lock.taken_over == ""
    # A second acquire, as another run would: the flock is taken (checked through a child process).
    probe = subprocess.run([sys.executable, "-c", "import fcntl, os, sys; d = os.open(sys.argv[1], os.O_RDWR)\n"
                            "try:\n    fcntl.flock(d, fcntl.LOCK_EX | fcntl.LOCK_NB)\nexcept BlockingIOError:\n    sys.exit(7)",
                            str(path)])
    assert probe.returncode == 7
    lock.release()
    assert not path.exists()
    assert corpus.parse_owner("garbage") is None
    path.write_text("garbage")
    garbage = corpus.ScoringLock.acquire(path)
    assert garbage.taken_over == f"took over {path}: it names no process ('garbage')"
    garbage.release()
