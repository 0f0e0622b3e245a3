"""Shared test helpers: fixture apps copied into tmp dirs (as git repos), the CLI, tree snapshots."""

import contextlib
import json
import shutil
import subprocess
import textwrap
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from intercom_wizard.cli import app
from intercom_wizard.outputcheck import TYPESCRIPT_SYNTAX_SCRIPT

REPO = Path(__file__).resolve().parents[1]
# Every fixture app by folder name, plus the bundled demo sample.
FIXTURES = {path.name: path for path in sorted((REPO / "tests/fixtures").iterdir()) if path.is_dir()}
FIXTURES["flask_notes"] = REPO / "src/intercom_wizard/samples/flask_notes"
SECRET = "test-identity-secret-3f9c2a7b1d-0c6e5a94f81b"
WORKSPACE_ID = "abc12345"
IGNORED = ("__pycache__", "instance", "node_modules", ".pytest_cache", "db.sqlite3")


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.email=test@example.com", "-c", "user.name=Test", *args],
        cwd=root, check=True, capture_output=True, text=True,
    ).stdout


def copy_app(name: str, destination: Path, *, commit: bool = True) -> Path:
    target = destination / name
    shutil.copytree(FIXTURES[name], target, ignore=shutil.ignore_patterns(*IGNORED))
    if commit:
        git(target, "init", "-q")
        git(target, "add", "-A")
        git(target, "commit", "-qm", "fixture")
    return target


def write_files(root: Path, files: dict[str, str]) -> None:
    """Write a small project: dedented file contents by relative path."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content).lstrip("\n"))


def line_of(text: str, code: str) -> int:
    """The 1-based line of `text` (a file as an install wrote it) that holds `code`: the `file:line` a step names."""
    [number] = [n for n, line in enumerate(text.splitlines(), start=1) if code in line]
    return number


def install_quietly(cli, root: Path, *extra: str, **kwargs):  # type: ignore[no-untyped-def]
    """`install --yes --no-install` with the test workspace; kwargs go to the `cli` fixture (secret=, input=)."""
    return cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install", *extra, **kwargs)


def install_signed_in_app(cli, root: Path, *extra: str, **kwargs):  # type: ignore[no-untyped-def]
    """`install_quietly` for the small front-end apps that have no sign-in of their own: `--auth cookie`
    (unless the options choose) says they do, else the install is anonymous-only."""
    extra = extra if "--auth" in extra else (*extra, "--auth", "cookie")
    return install_quietly(cli, root, *extra, **kwargs)


def install_and_check_uninstall(cli, root: Path, *extra: str, exit_code: int):  # type: ignore[no-untyped-def]
    """Install with the exact `exit_code`, check a second install has nothing to do, uninstall, check
    every byte is back.

    Returns the first install's result and the installed files' text by path.
    """
    before = snapshot(root)
    result = install_quietly(cli, root, *extra)
    assert result.exit_code == exit_code, result.stdout + result.stderr
    after = snapshot(root)
    again = install_quietly(cli, root, *extra)
    assert "Nothing to do" in again.stderr and snapshot(root) == after, again.stderr
    removed = cli("uninstall", str(root), "--yes")
    assert removed.exit_code == 0, removed.stderr
    assert snapshot(root) == before
    return result, {k: v.decode() for k, v in after.items()}


# A single-page app whose API is not in its project: the install does everything else and leaves one
# part, the token endpoint, to a run of the wizard on the API's code (remote_endpoint.py), so it exits 4.
API_ELSEWHERE = "Run the wizard on the API's code"


def only_the_api_is_left(result) -> bool:  # type: ignore[no-untyped-def]
    """Exit 4 with exactly one manual step: the token endpoint, to be written in the API's code."""
    code = getattr(result, "exit_code", None)
    output = result.output if code is not None else result.stdout + result.stderr
    text = " ".join(output.split())
    return (code if code is not None else result.returncode) == 4 and text.count("manual step in ") == 1 and API_ELSEWHERE in text


@pytest.fixture(scope="session")
def typescript(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """TypeScript's own package (pinned), for checking rendered templates with its parser."""
    root = tmp_path_factory.mktemp("typescript")
    (root / "package.json").write_text(json.dumps({"name": "template-check", "private": True}))
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent", "typescript@5.9"], cwd=root, check=True, capture_output=True)
    return root / "node_modules" / "typescript"


def syntax_errors(typescript: Path, files: dict[str, str]) -> dict[str, list[str]]:
    """TypeScript's parser over each file (by its name's extension: .ts, .tsx, .js, .jsx): path -> errors."""
    request = json.dumps({"typescript": str(typescript), "files": [{"path": path, "text": text} for path, text in files.items()]})
    checked = subprocess.run(["node", str(TYPESCRIPT_SYNTAX_SCRIPT)], input=request, capture_output=True, text=True, check=True)
    errors: dict[str, list[str]] = json.loads(checked.stdout)
    return errors


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(root).parts and not set(path.relative_to(root).parts) & set(IGNORED)
    }


@pytest.fixture
def app_copy(tmp_path: Path) -> Callable[..., Path]:
    return lambda name, **kwargs: copy_app(name, tmp_path, **kwargs)


@pytest.fixture
def cli() -> Callable[..., object]:
    runner = CliRunner()

    def run(*args: str, secret: str | None = SECRET, input: str | None = None):  # type: ignore[no-untyped-def]
        env = {"INTERCOM_IDENTITY_SECRET": secret or ""}
        return runner.invoke(app, list(args), env=env, input=input, catch_exceptions=False)

    return run


@contextlib.contextmanager
def threaded_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve `handler` on a free 127.0.0.1 port in a thread; yields the base URL (no trailing slash)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
