"""Hostile and malformed input, table-driven: every case exits 2, names the problem, prints no
traceback, and leaves the tree byte-identical (special files and symlinks included) with no
temporary file behind.

Run: .venv/bin/python -m pytest tests/test_bad_input_table.py -q -p no:cacheprovider
"""

import json
import os
import socket
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import WORKSPACE_ID, copy_app

from intercom_wizard.journal import JOURNAL_NAME
from intercom_wizard.lock import LOCK_NAME, TRANSIENT_PREFIX

RECEIPT = ".intercom-wizard.json"
INSTALL = ("install", "--workspace-id", WORKSPACE_ID, "--yes", "--no-install")
UNINSTALL = ("uninstall", "--yes")
Setup = Callable[[Path, Callable[..., object]], None]


@dataclass
class Case:
    id: str
    message: str  # must appear in stderr: names the value, file or problem
    args: tuple[str, ...] = INSTALL
    setup: Setup | None = None
    app: str = "flask_login_app"
    secret: str | None = "bad-input-table-secret-0123456789abcdef0123"
    target: str = ""  # the project folder given to the command, relative to the app's copy
    git: bool = True  # the copy is a git repository with the fixture committed


def write(path: str, content: str | bytes) -> Setup:
    def setup(root: Path, cli) -> None:  # type: ignore[no-untyped-def]
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists() or target.is_symlink():
            target.unlink()
        target.write_bytes(content if isinstance(content, bytes) else content.encode())

    return setup


def fifo(path: str) -> Setup:
    def setup(root: Path, cli) -> None:  # type: ignore[no-untyped-def]
        target = root / path
        if target.exists():
            target.unlink()
        os.mkfifo(target)

    return setup


def unix_socket(path: str) -> Setup:
    def setup(root: Path, cli) -> None:  # type: ignore[no-untyped-def]
        target = root / path
        if target.exists():
            target.unlink()
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(target))
        server.close()  # the socket file stays

    return setup


def device(path: str) -> Setup:
    def setup(root: Path, cli) -> None:  # type: ignore[no-untyped-def]
        target = root / path
        if target.exists():
            target.unlink()
        try:
            os.mknod(target, 0o600 | stat.S_IFCHR, os.makedev(1, 3))  # a /dev/null twin
        except PermissionError:
            pytest.skip("creating a device node needs CAP_MKNOD")

    return setup


def symlink(path: str, to: str, *, outside: bool = False) -> Setup:
    def setup(root: Path, cli) -> None:  # type: ignore[no-untyped-def]
        target = root / path
        destination = Path(to)
        if outside:
            destination = root.parent / "outside" / to
            destination.parent.mkdir(parents=True, exist_ok=True)
            if target.is_file():
                destination.write_bytes(target.read_bytes())
            else:
                destination.write_text("x = 1\n")
        if target.exists() or target.is_symlink():
            target.unlink()
        target.symlink_to(destination)

    return setup


def installed_then(*more: Setup) -> Setup:
    """Install cleanly, then break something: for uninstall and re-install cases."""

    def setup(root: Path, cli) -> None:  # type: ignore[no-untyped-def]
        result = cli(INSTALL[0], str(root), *INSTALL[1:])
        assert result.exit_code == 0, result.stderr
        for step in more:
            step(root, cli)

    return setup


def edit_receipt(change: Callable[[dict], object]) -> Setup:
    def setup(root: Path, cli) -> None:  # type: ignore[no-untyped-def]
        data = json.loads((root / RECEIPT).read_text())
        replaced = change(data)
        (root / RECEIPT).write_text(json.dumps(data if replaced is None else replaced))

    return setup


def receipt(change: Callable[[dict], object]) -> Setup:
    return installed_then(edit_receipt(change))


def journal(body: object) -> Setup:
    return write(JOURNAL_NAME, body if isinstance(body, str) else json.dumps(body))


NOT_WORKSPACE = "is not an Intercom workspace id"
CONTROL = "The identity secret contains a control character"
NOT_ENDPOINT = "is not a usable endpoint path"
NOT_ORIGIN = "is not an origin"
NOT_RECEIPT = f"{RECEIPT} is not a receipt this version can read"

WORKSPACE_CASES = [
    Case(f"workspace {value!r}", NOT_WORKSPACE, args=("install", "--workspace-id", value, "--yes", "--no-install"))
    for value in [
        "ABC12345", "abc", "abc-1234", "abc12345abc12345", "", "   ", "abc 12345", "abc12345;rm -rf /", "../abc12345",
        "ａｂｃ12345", "abc\n12345", "https://example.com/a/apps/abc12345", "https://evil.com/app.intercom.com/a/apps/abc12345",
        "https://app.intercom.com.evil.com/a/apps/abc12345", "http://app.intercom.com/a/apps/abc12345",
        "https://user@app.intercom.com/a/apps/abc12345", "https://app.intercom.com:8443/a/apps/abc12345",
        "https://app.intercom.com/apps/abc12345", "https://app.intercom.com/a/apps/", "https://app.intercom.com/a/apps/ABC12345",
        "https://app.intercom.io/a/apps/abc12345", "javascript:alert(1)",
    ]
]

SECRET_CASES = [
    Case(f"secret with {name}", f"{CONTROL} ({shown})", secret=f"abc{char}def-0123456789abcdef0123456789")
    for name, char, shown in [
        ("a newline", "\n", "a newline"), ("a carriage return", "\r", "a carriage return"), ("a tab", "\t", "a tab"),
        ("ESC", "\x1b", "U+001B"), ("DEL", "\x7f", "U+007F"), ("NEL", "\x85", "U+0085"), ("BEL", "\x07", "U+0007"),
        ("backspace", "\x08", "U+0008"), ("vertical tab", "\x0b", "U+000B"), ("form feed", "\x0c", "U+000C"),
    ]
] + [
    Case("secret on the command line", "never accepted as a command-line value", args=(*INSTALL, "--secret", "hunter2-0123456789")),
    Case("secret as --identity-secret", "never accepted as a command-line value", args=(*INSTALL, "--identity-secret", "x")),
]

ENDPOINT_CASES = [
    Case(f"endpoint {value!r}", f"{value!r} {NOT_ENDPOINT}", args=(*INSTALL, "--endpoint", value))
    for value in [
        "/", "/.", "/..", "/a/../../x", "/a/./b", "/a/b/..", "//", "/a//b", "api/intercom-jwt", "/a?b=1", "/a#frag",
        "/a b", "/a\tb", "/a/", "/a%2e%2e/b", "/a;b", "/<script>", "/ä", " /api/jwt", "/api/jwt ",
    ]
] + [
    Case("endpoint on an existing route", "--endpoint /login is already a route of the app (app.py:", args=(*INSTALL, "--endpoint", "/login")),
    Case("endpoint on the home page route", "'/' " + NOT_ENDPOINT, args=(*INSTALL, "--endpoint", "/")),
    Case("endpoint on an Express route", "--endpoint /api/me is already a route of the app (server.js:", args=(*INSTALL, "--endpoint", "/api/me"), app="express_app"),
    Case("endpoint on a Laravel route", "already a route of the app (routes/web.php:10)", args=(*INSTALL, "--endpoint", "/login"), app="laravel_app"),
] + [
    # A full URL is accepted (the front end calls it, the back end serves its path), within limits.
    Case(f"endpoint URL {value!r}", f"{value!r} is not a usable endpoint URL: {why}", args=(*INSTALL, "--endpoint", value))
    for value, why in [
        ("ftp://api.example.com/jwt", "only http:// and https://"), ("javascript://x/jwt", "only http:// and https://"),
        ("https://user:pw@api.example.com/jwt", "credentials do not belong"), ("https://token@api.example.com/jwt", "credentials do not belong"),
        ("https://api.example.com/jwt?x=1", "a query or fragment"), ("https://api.example.com/jwt#top", "a query or fragment"),
        ("https://api.example.com/jwt?", "a query or fragment"), ("https://api.example.com:99999/jwt", "the port is not"),
        ("https:///jwt", "it has no host"), ("https://api.example.com", "/ is the site's home page"),
        ("https://api.example.com/a//b", "it contains an empty segment"),
    ]
]

ORIGIN_CASES = [
    Case(f"origin {value!r}", f"{value!r} {NOT_ORIGIN}: {why}", args=(*INSTALL, "--frontend-origin", value))
    for value, why in [
        ("http://127.0.0.1:99999", "the port must be"), ("https://x.example:0", "the port must be"),
        ("https://x.example:65536", "the port must be"), ("https://x.example:abc", "the port must be"),
        ("http://app.example.com", "plain http is only accepted for this machine"), ("http://10.0.0.5:3000", "plain http"),
        ("https://u:p@x.example", "an origin carries no user name or password"), ("https://x.example/", "an origin has no path"), ("https://x.example/app", "an origin has no path"),
        ("https://x.example?q=1", "an origin has no path, query or fragment"), ("https://x.example#f", "an origin has no path, query or fragment"),
        ("ftp://x.example", "give scheme and host"), ("x.example", "give scheme and host"), ("https://", "give scheme and host"),
        ("https://x..example", "'x..example' is not a host name"), ("https://-x.example", "'-x.example' is not a host name"),
        ("https:// x.example", "give scheme and host"), ("javascript:alert(1)", "give scheme and host"), ("*", "give scheme and host"),
        ("null", "give scheme and host"),
    ]
]

MANIFEST_CASES = [
    Case("pyproject dependencies a string", "pyproject.toml: [project] dependencies must be a list", setup=write("pyproject.toml", '[project]\nname = "x"\ndependencies = "flask"\n')),
    Case("pyproject dependencies a table", "pyproject.toml: [project] dependencies must be a list", setup=write("pyproject.toml", '[project]\nname = "x"\ndependencies = {flask = "*"}\n')),
    Case("pyproject dependencies numbers", "pyproject.toml: [project] dependencies must be a list", setup=write("pyproject.toml", '[project]\ndependencies = [1, 2]\n')),
    Case("pyproject project a string", "pyproject.toml: [project] must be a table", setup=write("pyproject.toml", 'project = "x"\n')),
    Case("pyproject invalid TOML", "pyproject.toml is not valid TOML", setup=write("pyproject.toml", "[project\n")),
    Case("pyproject poetry dependencies a string", "pyproject.toml: [tool.poetry.dependencies] must be a table", setup=write("pyproject.toml", '[tool.poetry]\ndependencies = "flask"\n')),
    Case("package.json invalid JSON", "package.json is not valid JSON", setup=write("package.json", '{"dependencies": {"express": "^4"}'), app="express_app"),
    Case("package.json an array", "package.json is not a package manifest", setup=write("package.json", "[]"), app="express_app"),
    Case("package.json null", "package.json is not a package manifest", setup=write("package.json", "null"), app="express_app"),
    Case("package.json dependencies a string", 'package.json: "dependencies" must be an object', setup=write("package.json", '{"dependencies": "express"}'), app="express_app"),
    Case("package.json dependencies a list", 'package.json: "dependencies" must be an object', setup=write("package.json", '{"dependencies": ["express"]}'), app="express_app"),
    Case("package.json version a number", 'package.json: "dependencies" must be an object', setup=write("package.json", '{"dependencies": {"express": 4}}'), app="express_app"),
    Case("package.json devDependencies a list", 'package.json: "devDependencies" must be an object', setup=write("package.json", '{"dependencies": {"express": "^4"}, "devDependencies": ["x"]}'), app="express_app"),
    Case("composer.json invalid JSON", "composer.json is not valid JSON", setup=write("composer.json", "nope"), app="laravel_app"),
    Case("composer.json an array", "composer.json is not a Composer manifest", setup=write("composer.json", "[]"), app="laravel_app"),
    Case("composer.json require a string", 'composer.json: "require" must be an object', setup=write("composer.json", '{"require": "laravel/framework"}'), app="laravel_app"),
    Case("composer.json version a number", 'composer.json: "require" must be an object', setup=write("composer.json", '{"require": {"laravel/framework": 11}}'), app="laravel_app"),
    Case("composer.json require-dev a string", 'composer.json: "require-dev" must be an object', setup=write("composer.json", '{"require": {"laravel/framework": "^11"}, "require-dev": "x"}'), app="laravel_app"),
    Case("plain PHP composer.json an array", "composer.json is not a Composer manifest", setup=write("composer.json", "[1]"), app="php_session_app"),
]

ENCODING_CASES = [
    Case("app.py in Latin-1", "app.py is not UTF-8 text", setup=write("app.py", "# caf\u00e9\nfrom flask import Flask\n".encode("latin-1"))),
    Case("layout in UTF-16", "templates/layout.html is not UTF-8 text", setup=write("templates/layout.html", "<html><body></body></html>".encode("utf-16"))),
    Case("pyproject in Latin-1", "pyproject.toml is not UTF-8 text", setup=write("pyproject.toml", '[project]\nname = "caf\u00e9"\n'.encode("latin-1"))),
    Case("package.json in Latin-1", "package.json is not UTF-8 text", setup=write("package.json", '{"name": "caf\u00e9", "dependencies": {"express": "^4"}}'.encode("latin-1")), app="express_app"),
    Case("composer.json in UTF-16", "composer.json is not UTF-8 text", setup=write("composer.json", '{"require": {}}'.encode("utf-16")), app="laravel_app"),
    Case(".env in Latin-1", ".env is not UTF-8 text", setup=write(".env", "NAME=caf\u00e9\n".encode("latin-1"))),
    Case("receipt in Latin-1", ".intercom-wizard.json is not UTF-8 text", args=UNINSTALL, setup=installed_then(write(RECEIPT, '{"about": "caf\u00e9"}'.encode("latin-1")))),
]

SPECIAL_FILE_CASES = [
    Case("FIFO named .env", ".env is a FIFO (named pipe), not a regular file", setup=fifo(".env")),
    Case("socket named .env", ".env is a socket, not a regular file", setup=unix_socket(".env")),
    Case("device named .env", ".env is a character device, not a regular file", setup=device(".env")),
    Case("FIFO named as the receipt (install)", f"{RECEIPT} is a FIFO", setup=fifo(RECEIPT)),
    Case("FIFO named as the receipt (uninstall)", f"{RECEIPT} is a FIFO", args=UNINSTALL, setup=fifo(RECEIPT)),
    Case("FIFO named as the receipt (detect)", f"{RECEIPT} is a FIFO", args=("detect",), setup=fifo(RECEIPT)),
    Case("socket named as the receipt", f"{RECEIPT} is a socket", args=UNINSTALL, setup=unix_socket(RECEIPT)),
    Case("FIFO named pyproject.toml", "pyproject.toml is a FIFO", setup=fifo("pyproject.toml")),
    Case("FIFO named package.json", "package.json is a FIFO", setup=fifo("package.json"), app="express_app"),
    Case("FIFO named as the journal", f"{JOURNAL_NAME} is a FIFO", args=("detect",), setup=fifo(JOURNAL_NAME)),
    Case("FIFO named as the lock", f"{LOCK_NAME} is not a regular file", setup=fifo(LOCK_NAME)),
    Case("FIFO named composer.json", "composer.json is a FIFO", setup=fifo("composer.json"), app="laravel_app"),
    Case("FIFO in place of a tracked template", "templates/layout.html is a FIFO", setup=fifo("templates/layout.html")),
    Case("device in place of a tracked module", "app.py is a character device", setup=device("app.py")),
    Case("FIFO in a project without git", "notes.md is a FIFO", setup=fifo("notes.md"), git=False),
    Case("FIFO as the env file without git", ".env is a FIFO", setup=fifo(".env"), git=False),
]

SYMLINK_CASES = [
    Case("layout symlinked outside", "outside the project", setup=symlink("templates/layout.html", "layout.html", outside=True)),
    Case(".env symlinked outside", "outside the project", setup=symlink(".env", "env", outside=True)),
    Case("app.py symlinked outside", "outside the project", setup=symlink("app.py", "app.py", outside=True)),
    Case("pyproject symlinked to /etc/passwd", "outside the project", setup=symlink("pyproject.toml", "/etc/passwd")),
    Case("receipt symlinked outside", "outside the project", args=UNINSTALL, setup=installed_then(symlink(RECEIPT, "receipt.json", outside=True))),
    Case("symlink loop named .env", ".env cannot be resolved", setup=lambda root, cli: (os.symlink(".env", root / ".env"))),
    Case("templates folder symlinked outside", "outside the project", setup=lambda root, cli: _move_folder_outside(root, "templates")),
]


def _move_folder_outside(root: Path, folder: str) -> None:
    outside = root.parent / "outside-folder"
    (root / folder).rename(outside)
    (root / folder).symlink_to(outside)


RECEIPT_CASES = [
    Case("receipt invalid JSON", NOT_RECEIPT, args=UNINSTALL, setup=installed_then(write(RECEIPT, "{ not json"))),
    Case("receipt empty", NOT_RECEIPT, args=UNINSTALL, setup=installed_then(write(RECEIPT, ""))),
    Case("receipt an array", f"{NOT_RECEIPT} (the receipt: not a JSON object)", args=UNINSTALL, setup=receipt(lambda d: [d])),
    Case("receipt settings a list", "settings: not a JSON object", args=UNINSTALL, setup=receipt(lambda d: d.update(settings=[]))),
    Case("receipt setting a number", "settings: every value must be a string", args=UNINSTALL, setup=receipt(lambda d: d["settings"].update(region=1))),
    Case("receipt created a list", "created: not a JSON object", args=UNINSTALL, setup=receipt(lambda d: d.update(created=["app.py"]))),
    Case("receipt created absolute path", "'/etc/passwd' is not a path inside the project", args=UNINSTALL, setup=receipt(lambda d: d["created"].update({"/etc/passwd": "0" * 64}))),
    Case("receipt created parent path", "'../outside.py' is not a path inside the project", args=UNINSTALL, setup=receipt(lambda d: d["created"].update({"../outside.py": "0" * 64}))),
    Case("receipt created dot segment", "'static/../app.py' is not a path inside the project", args=UNINSTALL, setup=receipt(lambda d: d["created"].update({"static/../app.py": "0" * 64}))),
    Case("receipt created in .git", "'.git/config' is not a path inside the project", args=UNINSTALL, setup=receipt(lambda d: d["created"].update({".git/config": "0" * 64}))),
    Case("receipt created the receipt", f"'{RECEIPT}' is not a path inside the project", args=UNINSTALL, setup=receipt(lambda d: d["created"].update({RECEIPT: "0" * 64}))),
    Case("receipt created backslash path", "is not a path inside the project", args=UNINSTALL, setup=receipt(lambda d: d["created"].update({"static\\app.py": "0" * 64}))),
    Case("receipt created empty path", "'' is not a path inside the project", args=UNINSTALL, setup=receipt(lambda d: d["created"].update({"": "0" * 64}))),
    Case("receipt digest not hex", "created['app.py']: not a SHA-256 hex digest", args=UNINSTALL, setup=receipt(lambda d: d["created"].update({"app.py": "zz"}))),
    Case("receipt digest a number", "created['app.py']: not a SHA-256 hex digest", args=UNINSTALL, setup=receipt(lambda d: d["created"].update({"app.py": 5}))),
    Case("receipt hash-less file not an env file", "created['app.py']: only an env file holding the secret has no hash", args=UNINSTALL, setup=receipt(lambda d: d["created"].update({"app.py": None}))),
    Case("receipt inserted not a list", "inserted['app.py']: not a list", args=UNINSTALL, setup=receipt(lambda d: d["inserted"].update({"app.py": "import os"}))),
    Case("receipt snippet negative offset", "inserted['app.py']: each snippet is", args=UNINSTALL, setup=receipt(lambda d: d["inserted"].update({"app.py": [{"offset": -1, "text": "x"}]}))),
    Case("receipt snippet offset a string", "inserted['app.py']: each snippet is", args=UNINSTALL, setup=receipt(lambda d: d["inserted"].update({"app.py": [{"offset": "0", "text": "x"}]}))),
    Case("receipt snippet without text", "inserted['app.py']: each snippet is", args=UNINSTALL, setup=receipt(lambda d: d["inserted"].update({"app.py": [{"offset": 0}]}))),
    Case("receipt snippet empty, nothing replaced", "inserted['app.py']: each snippet is", args=UNINSTALL, setup=receipt(lambda d: d["inserted"].update({"app.py": [{"offset": 0, "text": ""}]}))),
    Case("receipt snippet replaced empty", "inserted['app.py']: each snippet is", args=UNINSTALL, setup=receipt(lambda d: d["inserted"].update({"app.py": [{"offset": 0, "text": "x", "replaced": ""}]}))),
    Case("receipt snippet replaced a number", "inserted['app.py']: each snippet is", args=UNINSTALL, setup=receipt(lambda d: d["inserted"].update({"app.py": [{"offset": 0, "text": "", "replaced": 5}]}))),
    Case("receipt snippet empty text", "inserted['app.py']: each snippet is", args=UNINSTALL, setup=receipt(lambda d: d["inserted"].update({"app.py": [{"offset": 0, "text": ""}]}))),
    Case("receipt snippet a string", "inserted['app.py']: each snippet is", args=UNINSTALL, setup=receipt(lambda d: d["inserted"].update({"app.py": ["import os\n"]}))),
    Case("receipt env line of the user's variable", "env_lines['.env']: only INTERCOM_IDENTITY_SECRET is ever written", args=UNINSTALL, setup=receipt(lambda d: d["env_lines"].update({".env": ["DEBUG"]}))),
    Case("receipt env lines empty", "env_lines['.env']: only INTERCOM_IDENTITY_SECRET is ever written", args=UNINSTALL, setup=receipt(lambda d: d["env_lines"].update({".env": []}))),
    Case("receipt env_newline of another file", "env_newline: must list env files of env_lines", args=UNINSTALL, setup=receipt(lambda d: d.update(env_newline=["app.py"]))),
    Case("receipt path through a symlink outside", "outside the project", args=UNINSTALL, setup=installed_then(symlink("linked", "/etc", outside=False), edit_receipt(lambda d: d["created"].update({"linked/passwd": "0" * 64})))),
    Case("receipt broken for a re-install", NOT_RECEIPT, setup=installed_then(write(RECEIPT, "[]"))),
    Case("receipt broken for detect", NOT_RECEIPT, args=("detect",), setup=installed_then(write(RECEIPT, '{"created": 1}'))),
]

JOURNAL_CASES = [
    Case("journal invalid JSON", f"{JOURNAL_NAME} (left by an interrupted run) cannot be read", setup=journal("{ not json")),
    Case("journal with a path outside", "cannot be read (path '../x')", setup=journal({"state": "pending", "entries": [{"path": "../x", "action": "create", "temp": None, "backup": None, "sha256": None}]})),
    Case("journal naming a user's file as a temp", "cannot be read (file name 'app.py')", args=UNINSTALL, setup=journal({"state": "pending", "entries": [{"path": "app.py", "action": "modify", "temp": "app.py", "backup": None, "sha256": None}]})),
    Case("journal with an unknown state", "cannot be read (state 'done')", args=("detect",), setup=journal({"state": "done", "entries": []})),
    Case("journal with an unknown action", "cannot be read (action 'chmod')", setup=journal({"state": "pending", "entries": [{"path": "app.py", "action": "chmod"}]})),
]

OPTION_CASES = [
    Case("unknown back end", "Unknown back end 'cobol'", args=(*INSTALL, "--backend", "cobol")),
    Case("unknown front end", "Unknown or not yet supported front end 'svelte'", args=(*INSTALL, "--frontend", "svelte")),
    Case("unknown auth scheme", "'Basic' is not an Authorization scheme", args=(*INSTALL, "--auth-scheme", "Basic")),
    Case("token storage key with spaces", "'a b' is not a usable localStorage key", args=(*INSTALL, "--token-storage-key", "a b")),
    Case("unknown region", "Invalid value for '--region'", args=(*INSTALL, "--region", "mars")),
    Case("project folder missing", "does not exist", target="__missing__"),
    Case("project folder is a file", "app.py is not a directory", target="app.py"),
    Case("no confirmation without a terminal", "Confirmation needed and there is no terminal", args=("install", "--workspace-id", WORKSPACE_ID)),
    Case("uninstall not confirmed", "Not confirmed; nothing was changed", args=("uninstall",), setup=installed_then()),
]

CASES = (
    WORKSPACE_CASES + SECRET_CASES + ENDPOINT_CASES + ORIGIN_CASES + MANIFEST_CASES + ENCODING_CASES
    + SPECIAL_FILE_CASES + SYMLINK_CASES + RECEIPT_CASES + JOURNAL_CASES + OPTION_CASES
)


def tree_state(root: Path) -> dict[str, object]:
    """Every entry under root (outside .git): bytes of regular files, the kind of special files, symlink targets."""
    state: dict[str, object] = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if relative == ".git" or relative.startswith(".git/"):
            continue
        mode = path.lstat().st_mode
        if stat.S_ISLNK(mode):
            state[relative] = f"symlink -> {os.readlink(path)}"
        elif stat.S_ISREG(mode):
            state[relative] = path.read_bytes()
        elif stat.S_ISDIR(mode):
            state[relative] = "folder"
        else:
            state[relative] = f"special {stat.S_IFMT(mode):o}"
    return state


def test_the_table_has_at_least_100_cases():
    assert len(CASES) >= 100, len(CASES)
    assert len({case.id for case in CASES}) == len(CASES), "case ids are unique"


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input(case: Case, tmp_path, cli):
    root = copy_app(case.app, tmp_path, commit=case.git)
    if case.setup is not None:
        case.setup(root, cli)
    before = tree_state(root)
    command, *rest = case.args
    result = cli(command, str(root / case.target) if case.target else str(root), *rest, secret=case.secret)
    output = result.stdout + result.stderr
    assert result.exit_code == 2, f"exit {result.exit_code}: {output}"
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in output
    assert case.message in " ".join(output.split()), output
    assert tree_state(root) == before, "the tree changed"
    assert not [p for p in root.rglob(f"{TRANSIENT_PREFIX}*") if p.relative_to(root).as_posix() not in before]
    if case.secret and len(case.secret) > 8:
        assert case.secret not in output
