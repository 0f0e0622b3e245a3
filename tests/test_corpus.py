"""The corpus scorer's own logic (bench/corpus.py): sheets, stage bookkeeping, byte check, scoreboard.

A tiny fake app (a static page with a committed shell "build") is scored end to end without network:
detect, dry run, install, the app's own checks before and after, uninstall with the byte check.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _load_corpus():
    # corpus.py imports its sibling corpus_touched.py, as it does when run as bench/corpus.py.
    sys.path.insert(0, str(REPO / "bench"))
    spec = importlib.util.spec_from_file_location("corpus", REPO / "bench" / "corpus.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["corpus"] = module
    spec.loader.exec_module(module)
    return module


corpus = _load_corpus()

SHEET_TOML = """
repo = "someone/shop"
commit = "0123456789abcdef"
framework = "express@4.21.2"
subdir = "server"
ignore = ["var/db"]
[expect]
backend = "express"
[wizard]
options = ["--backend", "express"]
[commands]
deps = "npm ci"
build = "npm run build"
timeout = 120
[start]
command = "node app.js"
port = 3123
[start.env]
SESSION_SECRET = "test"
[login]
url = "/login"
logout_url = "/logout"
users = [{username = "alice", password = "a-pass"}, {username = "bob", password = "b-pass"}]
"""


def test_sheet_toml_fields(tmp_path: Path) -> None:
    source = tmp_path / "shop.toml"
    source.write_text(SHEET_TOML)
    sheet = corpus.parse_sheet(source)
    assert sheet.name == "shop"
    assert sheet.subdir == "server"
    assert sheet.expect_backend == "express" and sheet.expect_frontend is None
    assert sheet.wizard_options == ("--backend", "express")
    assert sheet.commands == {"deps": "npm ci", "build": "npm run build"}
    assert sheet.timeout == 120
    assert sheet.port == 3123 and sheet.base_url == "http://127.0.0.1:3123"
    assert sheet.env == {"SESSION_SECRET": "test"}
    assert sheet.ignore == ("var/db",)
    assert [user.username for user in sheet.users] == ["alice", "bob"]


def test_sheet_json_and_shell_string_options(tmp_path: Path) -> None:
    source = tmp_path / "spa.json"
    source.write_text(json.dumps({"name": "my-spa", "repo": "a/b", "commit": "c", "framework": "react@18.2.0",
                                  "wizard": {"options": "--frontend react --auth bearer"}}))
    sheet = corpus.parse_sheet(source)
    assert sheet.name == "my-spa"
    assert sheet.wizard_options == ("--frontend", "react", "--auth", "bearer")
    assert sheet.start is None and sheet.users == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('commit = "c"\nframework = "x@1"', "'repo' is required"),
        ('repo = "a/b"\ncommit = "c"\nframework = "x@1"\ncolour = "red"', "unknown field(s): colour"),
        ('repo = "a/b"\ncommit = "c"\nframework = "x@1"\n[start]\ncommand = "node app.js"', "'start.port' must be a port number"),
        ('repo = "a/b"\ncommit = "c"\nframework = "x@1"\n[commands]\ndeploy = "x"', "unknown field(s) in [commands]: deploy"),
        ('repo = "a/b"\ncommit = "c"\nframework = "x@1"\n[expect]\nignore = ["var"]', "unknown field(s) in [expect]: ignore"),
        ('repo = "a/b"\ncommit = "c"\nframework = "x@1"\n[commands]\nbuild = ["npm", "run"]', "commands.build must be a shell command"),
        ('repo = "a/b"\ncommit = "c"\nframework = "x@1"\nsubdir = "../elsewhere"', "'subdir' must be a relative path"),
        ('repo = "a/b"\ncommit = "c"\nframework = "x@1"\n[login]\nusers = [{username = "x"}]', "login.users[0]"),
        ('repo = "a/b"\ncommit = ', "cannot read"),
    ],
)
def test_sheet_mistakes_name_the_field(tmp_path: Path, text: str, message: str) -> None:
    source = tmp_path / "bad.toml"
    source.write_text(text)
    with pytest.raises(corpus.SheetError, match=message.replace("[", r"\[").replace("(", r"\(").replace(")", r"\)")):
        corpus.parse_sheet(source)


def test_load_sheets_refuses_duplicates_and_unknown_only(tmp_path: Path) -> None:
    (tmp_path / "one.toml").write_text('repo = "a/b"\ncommit = "c"\nframework = "x@1"')
    (tmp_path / "two.json").write_text(json.dumps({"name": "one", "repo": "a/b", "commit": "c", "framework": "x@1"}))
    with pytest.raises(corpus.SheetError, match="more than one sheet for one"):
        corpus.load_sheets(tmp_path)
    (tmp_path / "two.json").unlink()
    with pytest.raises(corpus.SheetError, match="no sheet for ghost"):
        corpus.load_sheets(tmp_path, ["ghost"])


def test_stage_bookkeeping() -> None:
    app = corpus.AppResult("shop", "a/b", "c", "x@1")
    app.record("detect", "pass", "express@.")
    app.record("install", "fail", "exit 3:\n  no express app\n")
    with pytest.raises(ValueError, match="recorded twice"):
        app.record("detect", "fail")
    with pytest.raises(ValueError, match="unknown stage"):
        app.record("deploy", "pass")
    app.skip_rest("install did not apply")
    assert set(app.stages) == set(corpus.STAGES)
    assert app.stages["install"].reason == "exit 3: no express app"
    assert app.stages["uninstall"].status == "skip"
    assert list(app.to_json()["stages"]) == list(corpus.STAGES)
    assert corpus.failure_reasons(app) == "install: exit 3: no express app"


def test_byte_check_sees_content_mode_added_and_removed(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.js").write_text("a\n")
    (tmp_path / "run.sh").write_text("#!/bin/sh\n")
    (tmp_path / "node_modules" / "x").mkdir(parents=True)
    (tmp_path / "node_modules" / "x" / "index.js").write_text("1")
    before = corpus.snapshot(tmp_path)
    assert sorted(before) == ["run.sh", "src/app.js"]
    assert corpus.compare_snapshots(before, corpus.snapshot(tmp_path)) == []

    (tmp_path / "src" / "app.js").write_text("a\r\n")  # one byte more
    (tmp_path / "run.sh").chmod(0o755)
    (tmp_path / "src" / "intercom.js").write_text("")
    (tmp_path / "node_modules" / "x" / "index.js").write_text("2")  # dependencies are not compared
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "bundle.js").write_text("built")  # nor build output
    assert corpus.compare_snapshots(before, corpus.snapshot(tmp_path)) == ["changed: run.sh", "changed: src/app.js", "added: src/intercom.js"]
    (tmp_path / "src" / "app.js").unlink()
    assert "removed: src/app.js" in corpus.compare_snapshots(before, corpus.snapshot(tmp_path))


def test_json_tail_skips_chatter() -> None:
    output = '$ intercom-wizard install\nwarning: {not json}\n{\n  "changes": [1, 2]\n}\nnpm install: done\n'
    assert corpus._json_tail(output) == {"changes": [1, 2]}
    assert corpus._json_tail("error: nothing\n") == {}


def _row(name: str, detect: str = "pass") -> corpus.AppResult:
    app = corpus.AppResult(name, "o/" + name, "abcdef0123456789", "react@18.2.0")
    app.record("detect", detect, "react@." if detect == "pass" else "nothing detected")
    app.skip_rest("not run")
    return app


def test_markdown_keeps_other_rows_and_recounts_totals() -> None:
    document = f"# Corpus\n\n{corpus.TABLE_BEGIN}\n{corpus.TABLE_END}\n\nafter\n"
    first = corpus.update_markdown(document, [_row("beta"), _row("alpha", "fail")])
    # Someone else's run adds its own rows; earlier rows stay, re-scored rows are replaced.
    second = corpus.update_markdown(first, [_row("gamma"), _row("alpha")])
    rows = [line for line in second.splitlines() if line.startswith("| ") and not line.startswith("| app |")]
    assert [corpus._row_key(row) for row in rows] == ["alpha", "beta", "gamma"]
    assert "abcdef0123" in rows[0] and "| react@18.2.0 |" in rows[0]
    assert "Totals over 3 apps — detect: 3 pass / 0 fail / 0 skip" in second
    assert second.endswith(f"{corpus.TABLE_END}\n\nafter\n")
    assert "nothing detected" not in second
    with pytest.raises(ValueError, match="corpus-table:begin"):
        corpus.update_markdown("# no table\n", [])


def test_names_existing_file(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "App.jsx").write_text("")
    assert corpus._names_existing_file(tmp_path, "src/App.jsx")
    assert corpus._names_existing_file(tmp_path, "src/App.jsx:12")
    assert not corpus._names_existing_file(tmp_path, "src/main.jsx")
    assert not corpus._names_existing_file(tmp_path, "")


def test_scores_a_fake_app_end_to_end_offline(tmp_path: Path) -> None:
    apps, sheets, work = tmp_path / "apps", tmp_path / "sheets", tmp_path / "runs"
    site = apps / "tiny" / "site"
    site.mkdir(parents=True)
    (site / "index.html").write_text("<!doctype html>\n<html>\n<head><title>Tiny</title></head>\n<body>\n<h1>Hi</h1>\n</body>\n</html>\n")
    (site / "build.sh").write_text("#!/bin/sh\nmkdir -p dist && cp index.html dist/\n")
    (site / "build.sh").chmod(0o755)
    sheets.mkdir()
    # deps is a no-op so the checks run; build writes dist/ (excluded from the byte check).
    (sheets / "tiny.toml").write_text(
        'repo = "me/tiny"\ncommit = "0000000"\nframework = "html"\nsubdir = "site"\n'
        '[expect]\nfrontend = "html"\n[wizard]\noptions = ["--frontend", "html", "--backend", "none", "--insecure"]\n'
        '[commands]\ndeps = "true"\nbuild = "./build.sh"\nlint = "false"\n'
    )
    scorer = corpus.Scorer(apps, work, user_option=False)
    result = scorer.score(corpus.load_sheets(sheets)[0])
    statuses = {stage: outcome.status for stage, outcome in result.stages.items()}
    assert statuses["detect"] == "pass", result.stages["detect"]
    assert statuses["dry_run"] == "pass", result.stages["dry_run"]
    assert statuses["install"] == "pass", result.stages["install"]
    assert statuses["build_before"] == "pass" and statuses["build_after"] == "pass"
    assert statuses["lint_before"] == "fail" and result.stages["lint_after"].reason == "lint does not pass before the install either"
    assert statuses["typecheck_before"] == "skip"
    assert statuses["start"] == "skip" and statuses["verify_anonymous"] == "skip"
    assert statuses["uninstall"] == "pass", result.stages["uninstall"]
    assert (work / "tiny" / "logs" / "install.log").is_file()
    # The checkout itself is never touched.
    assert sorted(p.name for p in site.iterdir()) == ["build.sh", "index.html"]


def test_ignored_paths_are_not_byte_checked(tmp_path: Path) -> None:
    (tmp_path / "var" / "db").mkdir(parents=True)
    (tmp_path / "var" / "db" / "todos.db").write_bytes(b"1")
    (tmp_path / "app.js").write_text("x")
    before = corpus.snapshot(tmp_path, (*corpus.DEFAULT_GENERATED, "var"))
    (tmp_path / "var" / "db" / "todos.db").write_bytes(b"2")
    assert corpus.compare_snapshots(before, corpus.snapshot(tmp_path, (*corpus.DEFAULT_GENERATED, "var"))) == []
    assert corpus.compare_snapshots(corpus.snapshot(tmp_path), {**corpus.snapshot(tmp_path), "var/db/todos.db": "other"}) == ["changed: var/db/todos.db"]


def test_results_json_round_trips_into_the_scoreboard(tmp_path: Path) -> None:
    app = _row("delta", "fail")
    saved = json.loads(json.dumps({"apps": [app.to_json()]}))
    again = corpus.app_from_json(saved["apps"][0])
    assert again == app
    document = tmp_path / "corpus.md"
    document.write_text(f"{corpus.TABLE_BEGIN}\n{corpus.TABLE_END}\n")
    results = tmp_path / "results.json"
    results.write_text(json.dumps(saved))
    assert corpus.main(["--from-json", str(results), "--markdown", str(document)]) == 0
    assert "| delta | o/delta | abcdef0123 | react@18.2.0 | fail |" in document.read_text()
    assert corpus.main(["--from-json", str(results)]) == 2


def _verified_row(name: str, *, verify: str = "pass", start_reason: str = "") -> corpus.AppResult:
    app = corpus.AppResult(name, "o/" + name, "abcdef0123456789", "flask@3")
    app.record("detect", "pass", "flask@.")
    app.record("install", "pass", "complete")
    app.outcome = "complete"
    if start_reason:
        app.record("start", "skip", start_reason)
    else:
        app.record("start", "pass", "127.0.0.1:5000")
        app.record("verify_anonymous", verify, "" if verify == "pass" else "anonymous: GET /api/intercom-jwt -> 404: expected 401")
        app.record("verify_users", verify, "" if verify == "pass" else "user 2: logout: no shutdown after signing out")
    app.skip_rest("not run")
    return app


def test_an_app_that_cannot_run_here_is_offline_no_with_its_reason(tmp_path: Path) -> None:
    (tmp_path / "laravel.toml").write_text(
        'repo = "o/laravel"\ncommit = "0"\nframework = "laravel@11"\n'
        'offline_reason = "vendor/ needs Composer, whose registry is unreachable"\n'
        '[start]\ncommand = "php artisan serve"\nport = 8000\n'
        '[login]\noffline_reason = "OAuth providers only"\n'
    )
    sheet = corpus.parse_sheet(tmp_path / "laravel.toml")
    assert sheet.offline_reason == "vendor/ needs Composer, whose registry is unreachable"
    assert not sheet.offline and sheet.signin_offline_reason == "OAuth providers only"
    result = corpus.AppResult(sheet.name, sheet.repo, sheet.commit, sheet.framework)
    corpus.Scorer(tmp_path, tmp_path, user_option=False)._serve_and_verify(result, sheet, tmp_path, tmp_path, {}, True, True)
    assert result.stages["start"].status == "skip"
    assert result.stages["start"].reason == "offline: no: vendor/ needs Composer, whose registry is unreachable"
    result.skip_rest("not run")
    assert corpus.column_cells(result)["verify"] == "skip (offline: no)"
    assert "start: offline: no: vendor/ needs Composer" in corpus.failure_reasons(result)


def test_totals_give_the_install_rate_the_verify_rate_over_runnable_apps_and_reasons_by_stage() -> None:
    document = f"# Corpus\n\n{corpus.TABLE_BEGIN}\n{corpus.TABLE_END}\n"
    apps = [
        _verified_row("a"),
        _verified_row("b", verify="fail"),
        _verified_row("c", verify="fail"),
        _verified_row("d", start_reason="offline: no: gems not in Debian"),
        _row("e", "fail"),
    ]
    text = corpus.update_markdown(document, apps)
    assert "Install complete or incomplete (manual steps naming existing files): 4/5 = 80 %." in text
    assert "on 1/4 = 25 % of the apps that can run offline, 0 of them signed out only" in text
    assert "Not counted: 1 that cannot run here (`offline: no`, the reason in their row), 0 JSON APIs with no page to open" in text
    assert "verify: 1 pass / 2 fail / 2 skip (of the skips: 1 offline: no, 0 no pages, 0 no server)" in text
    assert "- verify_anonymous: anonymous: GET PATH -> N: expected N ×2" in text
    assert "- verify_users: logout: no shutdown after signing out ×2" in text
    assert "- detect: nothing detected ×1" in text
    assert "offline: no" not in text.split("Failures by stage", 1)[1]


def test_a_verify_failure_after_an_incomplete_install_says_so() -> None:
    app = corpus.AppResult("x", "o/x", "0", "php")
    app.outcome = "incomplete"
    status, reason = corpus.Scorer._in_context(app, ("fail", "loader: window.Intercom is undefined"))
    assert (status, reason) == ("fail", "install incomplete (its manual steps not done): loader: window.Intercom is undefined")
    assert corpus.reason_class(reason) == "install incomplete: loader: window.Intercom is undefined"
    app.outcome = "complete"
    assert corpus.Scorer._in_context(app, ("fail", "loader: x")) == ("fail", "loader: x")


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _service_app(tmp_path: Path, service_command: str, service_port: int, app_port: int) -> tuple[object, object]:
    """A static site whose seed needs a service (a stand-in for a database server) to be listening."""
    site = tmp_path / "apps" / "withdb"
    site.mkdir(parents=True)
    (site / "index.html").write_text("<!doctype html>\n<html>\n<body>\n<h1>Hi</h1>\n</body>\n</html>\n")
    (tmp_path / "sheets").mkdir()
    seed = f"python3 -c \"import urllib.request; urllib.request.urlopen('http://127.0.0.1:{service_port}/')\" && echo ok > seeded.txt"
    (tmp_path / "sheets" / "withdb.toml").write_text(
        'repo = "me/withdb"\ncommit = "0"\nframework = "html"\nignore = ["seeded.txt"]\n'
        '[wizard]\noptions = ["--frontend", "html", "--backend", "none", "--insecure"]\n'
        f"[commands]\ndeps = \"true\"\nseed = '''{seed}'''\n"
        f'[start]\ncommand = "exec python3 -m http.server $PORT --bind 127.0.0.1"\nport = {app_port}\nready_timeout = 20\n'
        f'[[services]]\nname = "db"\ncommand = "{service_command}"\nport = {service_port}\nready_timeout = 20\n'
    )
    sheet = corpus.load_sheets(tmp_path / "sheets")[0]
    return sheet, corpus.Scorer(tmp_path / "apps", tmp_path / "runs", user_option=False)


def test_a_service_runs_from_the_seed_to_the_end_of_verify_and_is_stopped_by_its_pid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    service_port, app_port = _free_port(), _free_port()
    sheet, scorer = _service_app(tmp_path, "exec python3 -m http.server $SERVICE_PORT --bind 127.0.0.1", service_port, app_port)
    assert sheet.services == (corpus.Service("db", "exec python3 -m http.server $SERVICE_PORT --bind 127.0.0.1", service_port, 20),)
    seen_during_verify = []

    def fake_verify(self, result, sheet, root, logs, env):  # the browser is not needed to see the service's lifetime
        seen_during_verify.append(corpus.port_open(service_port))
        result.record("verify_anonymous", "pass")
        result.record("verify_users", "skip", "the sheet has no users to sign in")

    monkeypatch.setattr(corpus.Scorer, "_verify", fake_verify)
    result = scorer.score(sheet)
    copy = tmp_path / "runs" / "withdb" / "copy" / "withdb"
    assert (copy / "seeded.txt").read_text() == "ok\n"  # the seed reached the service
    assert result.stages["start"].status == "pass", result.stages["start"]
    assert seen_during_verify == [True]
    assert not corpus.port_open(service_port)  # stopped after verify, by its PID
    assert result.stages["uninstall"].status == "pass", result.stages["uninstall"]


def test_a_service_that_does_not_listen_fails_the_start_stage_and_skips_the_seed(tmp_path: Path) -> None:
    service_port, app_port = _free_port(), _free_port()
    sheet, scorer = _service_app(tmp_path, "echo 'mariadbd: cannot open data dir' && exit 1", service_port, app_port)
    result = scorer.score(sheet)
    assert result.stages["start"].status == "fail"
    assert result.stages["start"].reason == f"service db not listening on 127.0.0.1:{service_port}: mariadbd: cannot open data dir"
    assert not (tmp_path / "runs" / "withdb" / "copy" / "withdb" / "seeded.txt").exists()
    assert result.stages["install"].status == "pass" and result.stages["uninstall"].status == "pass"


@pytest.mark.parametrize(
    ("services", "message"),
    [
        ('[[services]]\ncommand = "x"\nport = 5\n', "services[0] needs 'name' and 'command' strings"),
        ('[[services]]\nname = "db"\ncommand = "x"\nport = 0\n', "services[0].port must be a port number"),
        ('[[services]]\nname = "db"\ncommand = "x"\nport = 5\nhost = "0.0.0.0"\n', "unknown field(s) in services[0]: host"),
        ('services = "mariadb"\n', "'services' must be a list of tables"),
    ],
)
def test_service_mistakes_name_the_field(tmp_path: Path, services: str, message: str) -> None:
    (tmp_path / "x.toml").write_text(f'repo = "o/x"\ncommit = "0"\nframework = "php"\n{services}')
    with pytest.raises(corpus.SheetError, match=re.escape(message)):
        corpus.parse_sheet(tmp_path / "x.toml")
