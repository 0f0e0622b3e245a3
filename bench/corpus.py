#!/usr/bin/env python3
"""Score intercom-wizard on a corpus of real apps written by other people.

Each app is a folder under APPS (checked out with `git archive`, never committed here) plus a run
sheet under SHEETS (one TOML or JSON file per app; format in docs/corpus.md). Per app, on a fresh
copy that is git-initialised and committed (so uninstall can be checked byte for byte):

    detect, install --dry-run, the app's own build / type check / lint before the install,
    install, the same checks after it, start + verify (signed out, then each sheet user),
    uninstall + byte-for-byte comparison with the committed copy.

Every stage ends pass, fail (one-line reason) or skip (why). Servers run in their own process
group and are stopped by that PID. Prints a table, writes JSON, and with --markdown rewrites the
scoreboard table in docs/corpus.md (rows of apps not in this run are kept, so two people can each
score their own apps into one table).

Usage: scripts/corpus [--apps DIR] [--sheets DIR] [--only NAME ...] [--json FILE] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from corpus_touched import (
    TouchedCheck,
    TouchedCount,
    TouchedSheetError,
    markdown_rows,
    named_files,
    parse_touched,
    planned_files,
    touched_count_from_json,
    update_touched_markdown,
)

REPO = Path(__file__).resolve().parent.parent
DEFAULT_ROOT = Path("/work/scratch/corpus")
SECRET_ENV = "INTERCOM_IDENTITY_SECRET"
DEFAULT_WORKSPACE = "abc12345"
GIT_IDENTITY = ("-c", "user.name=corpus", "-c", "user.email=corpus@example.invalid", "-c", "commit.gpgsign=false")
# Never part of the byte check: dependencies and the app's own build output (which its build
# rewrites after the install) — the wizard must not touch them either way.
DEFAULT_GENERATED = ("node_modules", ".next", "dist", "build", "out", ".angular", ".nuxt", ".svelte-kit",
                     "coverage", "tmp", ".cache", ".turbo", "__pycache__", ".parcel-cache", "vendor/bundle",
                     # the app's own linters' and test runners' caches (its lint stage writes them)
                     ".ruff_cache", ".mypy_cache", ".pytest_cache", ".eslintcache")
WIZARD_RECEIPT = ".intercom-wizard.json"
LOOPBACK_PRELOAD = Path(__file__).resolve().parent / "corpus_loopback.cjs"

Status = Literal["pass", "fail", "skip"]
STAGES = ("detect", "dry_run", "build_before", "typecheck_before", "lint_before", "install",
          "build_after", "typecheck_after", "lint_after", "touched", "manual", "start", "verify_anonymous", "verify_users",
          "uninstall")
CHECKS = ("build", "typecheck", "lint")
# The start stage's skip reason for an app that cannot run on this machine (sheet: offline_reason).
OFFLINE_NO = "offline: no"
# ... and for a JSON API without a page of its own (sheet: no_pages_reason): verify opens pages.
NO_PAGES = "no pages"
# ... and for a single-page app whose sign-in is a fake back end inside the browser (sheet:
# no_server_reason): no server whose session a token endpoint could trust; the front-end half of an
# app, as a `no pages` row is the API half.
NO_SERVER = "no server"
NOT_RUN_HERE = (OFFLINE_NO, NO_PAGES, NO_SERVER)
# The verify cell of an app verified after the scorer did the wizard's printed manual steps ([manual] patch).
AFTER_MANUAL = "pass (after its manual steps)"
# verify_users' skip reason when the sheet says why its sign-in cannot be used here (login.offline_reason).
NO_SIGN_IN = "sign-in not verifiable here"
# A verify failure after an install that ended incomplete (the scorer does not do the manual steps).
INCOMPLETE_PREFIX = "install incomplete (its manual steps not done): "
# ... and one after the scorer did them ([manual] patch).
AFTER_MANUAL_PREFIX = "after its manual steps: "


class SheetError(Exception):
    """A run sheet that cannot be used; the message names the file and the field."""


# ---------------------------------------------------------------- run sheets


@dataclass(frozen=True)
class User:
    username: str
    password: str


@dataclass(frozen=True)
class Service:
    """A server the app needs (a database): started before the seed command, stopped by its PID after verify."""

    name: str
    command: str                     # shell command in the app folder; must bind 127.0.0.1 (SERVICE_PORT is set)
    port: int
    ready_timeout: int = 60


@dataclass(frozen=True)
class Sheet:
    name: str                        # folder name under APPS, and the row's key
    repo: str                        # owner/name
    commit: str
    framework: str                   # e.g. "express@4.21.2"
    subdir: str = ""                 # the app inside the checkout
    expect_frontend: str | None = None
    expect_backend: str | None = None
    wizard_options: tuple[str, ...] = ()
    workspace_id: str = DEFAULT_WORKSPACE
    commands: dict[str, str] = field(default_factory=dict)  # deps, build, typecheck, lint
    timeout: int = 900
    start: str | None = None
    port: int | None = None
    path: str = "/"                  # page verify opens
    ready_timeout: int = 90
    env: dict[str, str] = field(default_factory=dict)
    login_url: str | None = None
    logout_url: str | None = None
    logout_selector: str | None = None
    users: tuple[User, ...] = ()
    verify_options: tuple[str, ...] = ()
    offline: bool = True             # the sign-in works without network access
    signin_offline_reason: str = ""  # why it does not (login.offline_reason)
    offline_reason: str = ""         # why the app cannot run here at all ("offline: no"): start and verify are skipped
    no_pages_reason: str = ""        # a JSON API with no page of its own: nothing for verify to open (start and verify skipped)
    no_server_reason: str = ""       # a SPA signing in against a fake back end in the browser: no server (start and verify skipped)
    manual_patch: str = ""           # [manual] patch: the wizard's printed manual steps as a diff, applied after install, reverted before uninstall
    ignore: tuple[str, ...] = ()     # more paths the app itself writes (databases, caches): not byte-checked
    touched: tuple[TouchedCheck, ...] = ()  # its formatter/linter over the files the install writes ([[touched]])
    notes: str = ""
    services: tuple[Service, ...] = ()  # servers the app needs ([[services]]), up from the seed to the end of verify

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def not_run_here(self) -> str:
        """The start stage's skip reason when the sheet says the app is not verified here ("" otherwise)."""
        for kind, reason in ((OFFLINE_NO, self.offline_reason), (NO_PAGES, self.no_pages_reason), (NO_SERVER, self.no_server_reason)):
            if reason:
                return f"{kind}: {reason}"
        return ""


def _text(data: dict[str, Any], key: str, source: Path, *, required: bool = False, default: str | None = None) -> str | None:
    value = data.get(key, default)
    if value is None:
        if required:
            raise SheetError(f"{source}: '{key}' is required")
        return None
    if not isinstance(value, str):
        raise SheetError(f"{source}: '{key}' must be a string")
    return value


def _strings(data: dict[str, Any], key: str, source: Path) -> tuple[str, ...]:
    value = data.get(key, [])
    if isinstance(value, str):
        return tuple(shlex.split(value))
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise SheetError(f"{source}: '{key}' must be a list of strings (or one shell-quoted string)")
    return tuple(value)


def parse_sheet(source: Path) -> Sheet:
    """Read one run sheet (.toml or .json); every mistake is a SheetError naming the field."""
    try:
        raw = source.read_text(encoding="utf-8")
        data = tomllib.loads(raw) if source.suffix == ".toml" else json.loads(raw)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, json.JSONDecodeError) as error:
        raise SheetError(f"{source}: cannot read: {error}") from None
    if not isinstance(data, dict):
        raise SheetError(f"{source}: must be a table/object")
    known = {"name", "repo", "commit", "framework", "subdir", "expect", "wizard", "commands", "start", "login", "ignore", "notes", "offline_reason", "no_pages_reason", "no_server_reason", "manual", "services", "touched"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise SheetError(f"{source}: unknown field(s): {', '.join(unknown)}")
    sections = {key: data.get(key, {}) for key in ("expect", "wizard", "commands", "start", "login", "manual")}
    section_fields = {
        "expect": {"frontend", "backend"},
        "wizard": {"options", "workspace_id"},
        "commands": {"deps", "seed", "build", "typecheck", "lint", "timeout"},
        "start": {"command", "port", "path", "ready_timeout", "env"},
        "login": {"url", "logout_url", "logout_selector", "users", "verify_options", "offline", "offline_reason"},
        "manual": {"patch"},
    }
    for key, section in sections.items():
        if not isinstance(section, dict):
            raise SheetError(f"{source}: '{key}' must be a table")
        unknown = sorted(set(section) - section_fields[key])
        if unknown:
            raise SheetError(f"{source}: unknown field(s) in [{key}]: {', '.join(unknown)}")
    commands = dict(sections["commands"])
    timeout = commands.pop("timeout", 900) if isinstance(commands.get("timeout", 900), int) else None
    if timeout is None:
        raise SheetError(f"{source}: 'commands.timeout' must be a number of seconds")
    for key, value in commands.items():
        if not isinstance(value, str):
            raise SheetError(f"{source}: commands.{key} must be a shell command (a string)")
    start, login = sections["start"], sections["login"]
    port = start.get("port")
    if start.get("command") is not None and not (isinstance(port, int) and 0 < port < 65536):
        raise SheetError(f"{source}: 'start.port' must be a port number when 'start.command' is given")
    users = []
    for index, user in enumerate(login.get("users", [])):
        if not isinstance(user, dict) or not isinstance(user.get("username"), str) or not isinstance(user.get("password"), str):
            raise SheetError(f"{source}: login.users[{index}] needs 'username' and 'password' strings")
        users.append(User(user["username"], user["password"]))
    env = start.get("env", {})
    if not isinstance(env, dict) or not all(isinstance(v, str) for v in env.values()):
        raise SheetError(f"{source}: 'start.env' must map names to strings")
    subdir = _text(data, "subdir", source, default="") or ""
    if subdir.startswith("/") or ".." in Path(subdir).parts:
        raise SheetError(f"{source}: 'subdir' must be a relative path inside the checkout")
    manual_patch = _text(sections["manual"], "patch", source, default="") or ""
    if manual_patch and not Path(manual_patch).is_absolute():
        raise SheetError(f"{source}: 'manual.patch' must be an absolute path (a scratch file, never committed)")
    not_run = [key for key in ("offline_reason", "no_pages_reason", "no_server_reason") if data.get(key)]
    if len(not_run) > 1:
        raise SheetError(f"{source}: only one of {', '.join(not_run)} can say why the app is not verified")
    try:
        touched = parse_touched(data.get("touched"), source)
    except TouchedSheetError as error:
        raise SheetError(str(error)) from None
    return Sheet(
        services=_services(data.get("services", []), source),
        name=_text(data, "name", source, default=source.stem) or source.stem,
        repo=_text(data, "repo", source, required=True) or "",
        commit=_text(data, "commit", source, required=True) or "",
        framework=_text(data, "framework", source, required=True) or "",
        subdir=subdir,
        expect_frontend=_text(sections["expect"], "frontend", source),
        expect_backend=_text(sections["expect"], "backend", source),
        wizard_options=_strings(sections["wizard"], "options", source),
        workspace_id=_text(sections["wizard"], "workspace_id", source, default=DEFAULT_WORKSPACE) or DEFAULT_WORKSPACE,
        commands=dict(commands),
        timeout=timeout,
        start=_text(start, "command", source),
        port=port,
        path=_text(start, "path", source, default="/") or "/",
        ready_timeout=int(start.get("ready_timeout", 90)),
        env=dict(env),
        login_url=_text(login, "url", source),
        logout_url=_text(login, "logout_url", source),
        logout_selector=_text(login, "logout_selector", source),
        users=tuple(users),
        verify_options=_strings(login, "verify_options", source),
        offline=bool(login.get("offline", True)) and not login.get("offline_reason"),
        signin_offline_reason=_text(login, "offline_reason", source, default="") or "",
        offline_reason=_text(data, "offline_reason", source, default="") or "",
        no_pages_reason=_text(data, "no_pages_reason", source, default="") or "",
        no_server_reason=_text(data, "no_server_reason", source, default="") or "",
        manual_patch=manual_patch,
        ignore=_strings(data, "ignore", source),
        touched=touched,
        notes=_text(data, "notes", source, default="") or "",
    )


def _services(value: Any, source: Path) -> tuple[Service, ...]:
    """`[[services]]`: name, command, port (and ready_timeout), each checked like the start section."""
    if not isinstance(value, list):
        raise SheetError(f"{source}: 'services' must be a list of tables ([[services]])")
    services = []
    for index, item in enumerate(value):
        where = f"services[{index}]"
        if not isinstance(item, dict):
            raise SheetError(f"{source}: {where} must be a table")
        unknown = sorted(set(item) - {"name", "command", "port", "ready_timeout"})
        if unknown:
            raise SheetError(f"{source}: unknown field(s) in {where}: {', '.join(unknown)}")
        name, command, port = item.get("name"), item.get("command"), item.get("port")
        if not isinstance(name, str) or not isinstance(command, str):
            raise SheetError(f"{source}: {where} needs 'name' and 'command' strings")
        if not (isinstance(port, int) and 0 < port < 65536):
            raise SheetError(f"{source}: {where}.port must be a port number")
        ready = item.get("ready_timeout", 60)
        if not isinstance(ready, int):
            raise SheetError(f"{source}: {where}.ready_timeout must be a number of seconds")
        services.append(Service(name, command, port, ready))
    return tuple(services)


def load_sheets(folder: Path, only: Sequence[str] = ()) -> list[Sheet]:
    sheets = []
    for path in sorted(folder.iterdir()):
        if path.suffix not in (".toml", ".json"):
            continue
        try:
            sheets.append(parse_sheet(path))
        except SheetError:
            # With --only, a sheet of another app that this scorer cannot read (a newer field) does not stop the run.
            if only and path.stem not in only:
                continue
            raise
    names = [sheet.name for sheet in sheets]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise SheetError(f"{folder}: more than one sheet for {', '.join(duplicates)}")
    if only:
        missing = sorted(set(only) - set(names))
        if missing:
            raise SheetError(f"{folder}: no sheet for {', '.join(missing)}")
        sheets = [sheet for sheet in sheets if sheet.name in only]
    return sheets


# ---------------------------------------------------------------- stage bookkeeping


@dataclass
class StageResult:
    status: Status
    reason: str = ""
    seconds: float = 0.0


@dataclass
class AppResult:
    name: str
    repo: str
    commit: str
    framework: str
    stages: dict[str, StageResult] = field(default_factory=dict)
    outcome: str = ""                # complete / incomplete / anonymous-only / failed, from install
    manual_steps: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    touched: list[TouchedCount] = field(default_factory=list)  # the [[touched]] checks' counts

    def record(self, stage: str, status: Status, reason: str = "", seconds: float = 0.0) -> StageResult:
        if stage not in STAGES:
            raise ValueError(f"unknown stage {stage}")
        if stage in self.stages:
            raise ValueError(f"stage {stage} recorded twice for {self.name}")
        result = StageResult(status, one_line(reason), round(seconds, 1))
        self.stages[stage] = result
        return result

    def skip_rest(self, reason: str) -> None:
        for stage in STAGES:
            if stage not in self.stages:
                self.record(stage, "skip", reason)

    def passed(self, stage: str) -> bool:
        result = self.stages.get(stage)
        return result is not None and result.status == "pass"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["stages"] = {stage: data["stages"][stage] for stage in STAGES if stage in data["stages"]}
        return data


def app_from_json(data: dict[str, Any]) -> AppResult:
    """An AppResult back from the JSON this script writes."""
    stages = {name: StageResult(**stage) for name, stage in data.get("stages", {}).items()}
    return AppResult(data["name"], data["repo"], data["commit"], data["framework"], stages,
                     data.get("outcome", ""), list(data.get("manual_steps", [])), list(data.get("notes", [])),
                     [touched_count_from_json(count) for count in data.get("touched", [])])


def one_line(text: str, limit: int = 160) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


# ---------------------------------------------------------------- byte check


def _generated(relative: str, generated: Iterable[str]) -> bool:
    parts = relative.split("/")
    for name in generated:
        name_parts = name.split("/")
        for index in range(len(parts) - len(name_parts) + 1):
            if parts[index : index + len(name_parts)] == name_parts:
                return True
    return False


def snapshot(root: Path, generated: Iterable[str] = DEFAULT_GENERATED) -> dict[str, str]:
    """sha256 + executable bit of every file (and symlink target) outside .git and generated folders."""
    generated = tuple(generated)
    files: dict[str, str] = {}
    for folder, dirs, names in os.walk(root):
        relative_folder = Path(folder).relative_to(root).as_posix()
        keep = []
        for name in dirs:
            relative = name if relative_folder == "." else f"{relative_folder}/{name}"
            if name == ".git" or _generated(relative, generated):
                continue
            if (Path(folder) / name).is_symlink():
                files[relative] = "link:" + os.readlink(Path(folder) / name)
                continue
            keep.append(name)
        dirs[:] = keep
        for name in names:
            path = Path(folder) / name
            relative = name if relative_folder == "." else f"{relative_folder}/{name}"
            if _generated(relative, generated):
                continue
            if path.is_symlink():
                files[relative] = "link:" + os.readlink(path)
                continue
            mode = os.lstat(path).st_mode
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            files[relative] = f"{digest}:{'x' if mode & stat.S_IXUSR else '-'}"
    return files


def compare_snapshots(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Differences as 'changed: a', 'added: b', 'removed: c' (sorted); empty when byte-identical."""
    differences = [f"changed: {path}" for path in sorted(before.keys() & after.keys()) if before[path] != after[path]]
    differences += [f"added: {path}" for path in sorted(after.keys() - before.keys())]
    differences += [f"removed: {path}" for path in sorted(before.keys() - after.keys())]
    return differences


# ---------------------------------------------------------------- running things


@dataclass
class Ran:
    code: int | None                 # None: timed out
    output: str
    seconds: float

    def last_line(self) -> str:
        lines = [line for line in self.output.splitlines() if line.strip()]
        errors = [line for line in lines if re.search(r"\berror\b|ERR!|Error:", line)]
        return (errors or lines or ["(no output)"])[-1].strip()


def run(command: Sequence[str] | str, cwd: Path, log: Path, *, env: dict[str, str] | None = None, timeout: int = 900) -> Ran:
    """Run a command in its own process group; on timeout the whole group is killed by its PID."""
    started = time.monotonic()
    log.parent.mkdir(parents=True, exist_ok=True)
    shell = isinstance(command, str)
    with open(log, "w", encoding="utf-8") as sink:
        sink.write(f"$ {command if shell else shlex.join(command)}\n")
        sink.flush()
        process = subprocess.Popen(command, cwd=cwd, shell=shell, env=env, stdout=sink, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            code: int | None = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            stop_group(process)
            code = None
    output = log.read_text(encoding="utf-8", errors="replace")
    return Ran(code, output, time.monotonic() - started)


def stop_group(process: subprocess.Popen[Any]) -> None:
    """Stop a process we started (and its children, in the group it leads) by its PID."""
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


class RunningServices:
    """The sheet's `[[services]]`, each in its own process group, stopped by PID (last started, first stopped)."""

    def __init__(self) -> None:
        self.processes: list[subprocess.Popen[Any]] = []
        self.sinks: list[Any] = []
        self.problem = ""  # why a service did not come up: the start stage fails with it

    def start(self, sheet: Sheet, root: Path, logs: Path, env: dict[str, str]) -> None:
        logs.mkdir(parents=True, exist_ok=True)
        for service in sheet.services:
            if port_open(service.port):
                self.problem = f"service {service.name}: port {service.port} is already in use"
                return
            log = logs / f"service-{service.name}.log"
            sink = open(log, "w", encoding="utf-8")
            self.sinks.append(sink)
            process = subprocess.Popen(service.command, cwd=root, shell=True, env=env | {"SERVICE_PORT": str(service.port)},
                                       stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
            self.processes.append(process)
            started = time.monotonic()
            while time.monotonic() - started < service.ready_timeout and process.poll() is None and not port_open(service.port):
                time.sleep(0.5)
            if not port_open(service.port):
                sink.flush()
                tail = Ran(process.poll(), log.read_text(encoding="utf-8", errors="replace"), 0).last_line()
                self.problem = f"service {service.name} not listening on 127.0.0.1:{service.port}: {tail}"
                return

    def stop(self) -> None:
        for process in reversed(self.processes):
            stop_group(process)
        for sink in self.sinks:
            sink.close()
        self.processes, self.sinks = [], []


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def wizard_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "intercom_wizard", *args]


def verify_supports_user_option() -> bool:
    """`verify --user NAME:PASSWORD` (repeatable) is newer than --username/--password."""
    help_text = subprocess.run(wizard_argv("verify", "--help"), capture_output=True, text=True,
                               env=os.environ | {"COLUMNS": "200"}).stdout
    return re.search(r"--user\b(?!name)", help_text) is not None


# Dependency folders are hard-linked into each fresh copy instead of copied: fast, and package
# managers replace files rather than editing them in place, so the checkout's copy stays intact.
LINKED_FOLDERS = ("node_modules", ".venv", "venv")


def copy_app(source: Path, target: Path) -> None:
    """A fresh copy of the app: its files copied, its dependency folders hard-linked, no .git."""
    if target.exists():
        shutil.rmtree(target)
    source = source.resolve()

    def ignore(folder: str, names: list[str]) -> list[str]:
        return [name for name in names if name in LINKED_FOLDERS or name == ".git"]

    shutil.copytree(source, target, symlinks=True, ignore=ignore)
    for folder, dirs, _ in os.walk(source):
        linked = [name for name in dirs if name in LINKED_FOLDERS]
        for name in linked:
            destination = target / Path(folder).relative_to(source) / name
            subprocess.run(["cp", "-al", os.path.join(folder, name), str(destination)], check=True)
        dirs[:] = [name for name in dirs if name not in LINKED_FOLDERS and name != ".git"]
    relink_outside_links(source, target)


def relink_outside_links(source: Path, target: Path) -> None:
    """Point the copy's relative symlinks that leave the copied folder at what they name in the checkout.

    A member of a pnpm workspace (an example under `examples/next`) has a `node_modules` of relative
    links into the workspace root's `node_modules/.pnpm` (`next -> ../../../node_modules/.pnpm/...`)
    and to sibling packages (`iron-session -> ../../..`): copied alone, they name nothing. Links that
    stay inside the copy are kept as they are. Inside a dependency folder only its top level, its
    `@scope` folders and `.bin` are looked at (pnpm's links are there; npm's folders are real ones).
    """
    for folder, dirs, names in os.walk(target):
        here = Path(folder)
        relative_folder = here.relative_to(target)
        in_dependencies = any(part in LINKED_FOLDERS for part in relative_folder.parts)
        for name in [*dirs, *names]:
            link = here / name
            if not link.is_symlink():
                continue
            pointed = os.readlink(link)
            if os.path.isabs(pointed):
                continue
            inside_copy = os.path.normpath(here / pointed)
            if inside_copy == str(target) or inside_copy.startswith(str(target) + os.sep):
                continue
            link.unlink()
            link.symlink_to(os.path.normpath(source / relative_folder / pointed))
        if in_dependencies:
            dirs[:] = [name for name in dirs if name.startswith("@") or name == ".bin"]


def git_commit_all(root: Path) -> None:
    exclude = root / ".git" / "info" / "exclude"
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    exclude.parent.mkdir(parents=True, exist_ok=True)
    # Dependencies are never committed, whatever the app's own .gitignore says.
    exclude.write_text("node_modules/\n", encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", *GIT_IDENTITY, "commit", "-q", "--allow-empty", "-m", "corpus baseline"], cwd=root, check=True)


# ---------------------------------------------------------------- scoring one app


class Scorer:
    def __init__(self, apps: Path, work: Path, *, fast: bool = False, reinstall_deps: bool = False, user_option: bool | None = None) -> None:
        self.apps = apps
        self.work = work
        self.fast = fast                      # no dependencies, checks or servers
        self.reinstall_deps = reinstall_deps
        self.secret = secrets.token_hex(32)
        self._user_option = user_option

    @property
    def user_option(self) -> bool:
        if self._user_option is None:
            self._user_option = verify_supports_user_option()
        return self._user_option

    def env(self, sheet: Sheet) -> dict[str, str]:
        env = dict(os.environ)
        env.update(sheet.env)
        env[SECRET_ENV] = self.secret
        env.setdefault("CI", "1")
        env.setdefault("NEXT_TELEMETRY_DISABLED", "1")
        env.setdefault("NG_CLI_ANALYTICS", "false")
        if sheet.port:
            env.setdefault("PORT", str(sheet.port))
            env.setdefault("HOST", "127.0.0.1")
            env.setdefault("HOSTNAME", "127.0.0.1")
        return env

    def score(self, sheet: Sheet) -> AppResult:
        result = AppResult(sheet.name, sheet.repo, sheet.commit, sheet.framework)
        source = self.apps / sheet.name / sheet.subdir
        if not source.is_dir():
            result.skip_rest(f"no checkout at {source}")
            return result
        (self.work / sheet.name).mkdir(parents=True, exist_ok=True)
        lock = self.work / sheet.name / "scoring.lock"
        try:
            # Two scorer runs (two people, or a background run) must not share one fresh copy.
            descriptor = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            result.skip_rest(f"another scorer run holds {lock}")
            return result
        os.write(descriptor, str(os.getpid()).encode())
        os.close(descriptor)
        try:
            return self._score(sheet, result, source)
        finally:
            lock.unlink(missing_ok=True)

    def _score(self, sheet: Sheet, result: AppResult, source: Path) -> AppResult:
        # The copy keeps the checkout's folder name: npm names a package without "name" after its
        # folder, so a copy under another name would have its lockfile's name rewritten by npm.
        root = self.work / sheet.name / "copy" / source.resolve().name
        logs = self.work / sheet.name / "logs"
        shutil.rmtree(logs, ignore_errors=True)
        env = self.env(sheet)
        deps_ready = self._dependencies(result, sheet, source, logs, env)
        copy_app(source, root)
        for check in CHECKS:
            self._check(result, sheet, root, logs, env, check, "before", deps_ready)
        services = RunningServices()
        patched = False
        try:
            # The services (a database) are up for the seed and stay up until verify is done.
            if not self.fast and sheet.start and not sheet.not_run_here:
                services.start(sheet, root, logs, env)
            seed = sheet.commands.get("seed")
            if seed and deps_ready and not services.problem:
                ran = run(seed, root, logs / "seed.log", env=env, timeout=sheet.timeout)
                if ran.code != 0:
                    result.notes.append(f"seeding failed: {ran.last_line()}")
            git_commit_all(root)
            generated = (*DEFAULT_GENERATED, *sheet.ignore)
            baseline = snapshot(root, generated)

            self._detect(result, sheet, root, logs, env)
            planned = self._dry_run(result, sheet, root, logs, env)
            if sheet.touched and not self.fast:
                result.touched = [self._touched_count(check, [path for path in planned if check.applies_to(path)], root, logs, env, "before")
                                  for check in sheet.touched]
            installed = self._install(result, sheet, root, logs, env, run_package_manager=deps_ready)
            for check in CHECKS:
                if installed:
                    self._check(result, sheet, root, logs, env, check, "after", deps_ready)
                else:
                    result.record(f"{check}_after", "skip", "install did not apply")
            self._touched_after(result, sheet, root, logs, env, installed)
            patched = self._manual_steps(result, sheet, root, logs, env, installed)
            if services.problem:
                result.record("start", "fail", services.problem)
            elif result.stages["manual"].status == "fail":
                result.record("start", "skip", "the manual steps could not be done")
            else:
                self._serve_and_verify(result, sheet, root, logs, env, installed, deps_ready)
        finally:
            services.stop()
        for stage in ("verify_anonymous", "verify_users"):
            if stage not in result.stages:
                result.record(stage, "skip", "no server running")
        if patched and not self._revert_manual_steps(result, sheet, root, logs, env):
            installed = False  # uninstall over the app's own edits would prove nothing: recorded as failed above
        self._uninstall(result, root, logs, env, baseline, generated, installed, run_package_manager=deps_ready)
        result.skip_rest("not run")
        for outcome in result.stages.values():
            outcome.reason = outcome.reason.replace(f"{root}/", "").replace(str(root), ".")
        return result

    def _dependencies(self, result: AppResult, sheet: Sheet, source: Path, logs: Path, env: dict[str, str]) -> bool:
        """Install the app's dependencies once, in the checkout itself (a stamp records the command)."""
        command = sheet.commands.get("deps")
        if not command or self.fast:
            return False
        stamp = self.work / sheet.name / "deps.done"
        if stamp.exists() and stamp.read_text(encoding="utf-8") == command and not self.reinstall_deps:
            return True
        ran = run(command, source, logs / "deps.log", env=env, timeout=sheet.timeout)
        if ran.code != 0:
            result.notes.append(f"installing dependencies failed: {ran.last_line()}")
            return False
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(command, encoding="utf-8")
        return True

    # -- stages

    def _check(self, result: AppResult, sheet: Sheet, root: Path, logs: Path, env: dict[str, str], check: str, when: str, deps_ready: bool) -> None:
        stage = f"{check}_{when}"
        command = sheet.commands.get(check)
        if self.fast:
            result.record(stage, "skip", "--fast")
        elif not command:
            result.record(stage, "skip", f"the sheet has no {check} command")
        elif not sheet.commands.get("deps"):
            result.record(stage, "skip", "the sheet has no deps command")
        elif not deps_ready:
            result.record(stage, "skip", "installing dependencies failed")
        elif when == "after" and result.stages.get(f"{check}_before", StageResult("skip")).status != "pass":
            result.record(stage, "skip", f"{check} does not pass before the install either")
        else:
            ran = run(command, root, logs / f"{stage}.log", env=env, timeout=sheet.timeout)
            if ran.code == 0:
                result.record(stage, "pass", seconds=ran.seconds)
            else:
                reason = "timed out" if ran.code is None else ran.last_line()
                result.record(stage, "fail", reason, ran.seconds)

    def _detect(self, result: AppResult, sheet: Sheet, root: Path, logs: Path, env: dict[str, str]) -> None:
        ran = run(wizard_argv("detect", "--json", "."), root, logs / "detect.log", env=env, timeout=300)
        if ran.code != 0:
            result.record("detect", "fail", f"exit {ran.code}: {ran.last_line()}", ran.seconds)
            return
        report = _json_tail(ran.output)
        frontends = [f"{item['name']}@{item['root']}" for item in report.get("frontends", [])]
        backends = [f"{item['name']}@{item['root']}" for item in report.get("backends", [])]
        found = ", ".join(frontends + backends) or "nothing"
        problems = []
        for role, expected, items in (("frontend", sheet.expect_frontend, report.get("frontends", [])),
                                      ("backend", sheet.expect_backend, report.get("backends", []))):
            if expected is None:
                continue
            names = [item["name"] for item in items]
            if expected == "none" and names:
                problems.append(f"expected no {role}")
            elif expected != "none" and expected not in names:
                problems.append(f"expected {role} {expected}")
        if not frontends and not backends:
            problems.append("nothing detected")
        status: Status = "fail" if problems else "pass"
        result.record("detect", status, f"{'; '.join(problems)} (found: {found})" if problems else found, ran.seconds)

    def _install_args(self, sheet: Sheet) -> list[str]:
        return ["install", ".", "--workspace-id", sheet.workspace_id, "--yes", "--json", *sheet.wizard_options]

    def _dry_run(self, result: AppResult, sheet: Sheet, root: Path, logs: Path, env: dict[str, str]) -> list[str]:
        """Record the dry run; the files it plans to write (for the touched-files checks)."""
        ran = run(wizard_argv(*self._install_args(sheet), "--dry-run"), root, logs / "dry_run.log", env=env, timeout=300)
        if ran.code in (0, 4):
            plan = _json_tail(ran.output)
            result.record("dry_run", "pass", f"{len(plan.get('changes', []))} changes, {len(plan.get('manual_steps', []))} manual steps", ran.seconds)
            return planned_files(plan)
        result.record("dry_run", "fail", f"exit {ran.code}: {ran.last_line()}", ran.seconds)
        return []

    def _touched_count(self, check: TouchedCheck, files: list[str], root: Path, logs: Path, env: dict[str, str], when: str,
                       count: TouchedCount | None = None) -> TouchedCount:
        """Run one [[touched]] check over those of `files` that exist now; count the files its output names."""
        count = count or TouchedCount(check.name, files)
        present = [path for path in files if (root / path).is_file()]
        named: list[str] = []
        if present:
            label = re.sub(r"[^\w.-]", "_", check.name)
            log = logs / f"touched_{when}_{label}.log"
            ran = run(check.command_for(present), root, log, env=env, timeout=600)
            # The log's first line is the command itself, which names every file.
            named = named_files(ran.output.split("\n", 1)[-1], present, root)
            if ran.code != 0 and not named:
                count.error = f"{when}: the check itself failed (exit {ran.code}): {one_line(ran.last_line(), 100)}"
        if when == "before":
            count.before = len(named)
        else:
            count.after, count.named_after = len(named), named
        return count

    def _touched_after(self, result: AppResult, sheet: Sheet, root: Path, logs: Path, env: dict[str, str], installed: bool) -> None:
        if not sheet.touched:
            result.record("touched", "skip", "the sheet has no [[touched]] checks")
            return
        if self.fast:
            result.record("touched", "skip", "--fast")
            return
        if not installed:
            result.record("touched", "skip", "install did not apply")
            return
        for count, check in zip(result.touched, sheet.touched):
            if not count.error:
                self._touched_count(check, count.files, root, logs, env, "after", count)
        summary = "; ".join(f"{count.check} {count.before} → {count.after}" for count in result.touched)
        errors = [f"{count.check}: {count.error}" for count in result.touched if count.error]
        worse = [f"{count.check} {count.before} → {count.after} ({', '.join(count.named_after or [])})" for count in result.touched if count.worse()]
        if errors or worse:
            result.record("touched", "fail", "; ".join((["worse: " + "; ".join(worse)] if worse else []) + errors))
        else:
            result.record("touched", "pass", f"files with problems before → after: {summary}")

    def _install(self, result: AppResult, sheet: Sheet, root: Path, logs: Path, env: dict[str, str], *, run_package_manager: bool) -> bool:
        args = self._install_args(sheet) + ([] if run_package_manager else ["--no-install"])
        ran = run(wizard_argv(*args), root, logs / "install.log", env=env, timeout=sheet.timeout)
        applied = (root / WIZARD_RECEIPT).exists()
        plan = _json_tail(ran.output)
        steps = plan.get("manual_steps", [])
        result.manual_steps = [f"{step.get('file')}: {one_line(step.get('instruction', ''), 120)}" for step in steps]
        missing = sorted({step.get("file", "") for step in steps if not _names_existing_file(root, step.get("file", ""))})
        leaked = self.secret in ran.output
        if ran.code == 0 and applied:
            # anonymous-only: a site without sign-in (no endpoint, no token fetch); verify is told so.
            result.outcome = "anonymous-only" if plan.get("result") == "anonymous-only" else "complete"
            result.record("install", "pass", result.outcome, ran.seconds)
        elif ran.code == 4:
            # Incomplete: what could be done was applied (perhaps nothing), the rest are manual steps.
            result.outcome = "incomplete"
            first = steps[0] if steps else {}
            summary = f"{len(steps)} manual step(s), first: {first.get('file')}: {first.get('instruction', '')}"
            if missing:
                result.record("install", "fail", f"manual step names a missing file: {', '.join(missing)}", ran.seconds)
            elif not steps:
                result.record("install", "fail", "exit 4 without any manual step", ran.seconds)
            else:
                result.record("install", "pass", ("incomplete: " if applied else "incomplete, nothing applied: ") + summary, ran.seconds)
        else:
            result.outcome = "failed"
            result.record("install", "fail", f"exit {ran.code}: {ran.last_line()}", ran.seconds)
        if leaked:
            result.stages["install"] = StageResult("fail", "the identity secret appeared in the wizard's output", result.stages["install"].seconds)
        return applied

    def _manual_steps(self, result: AppResult, sheet: Sheet, root: Path, logs: Path, env: dict[str, str], installed: bool) -> bool:
        """[manual] patch: do the wizard's printed manual steps (a diff over the installed copy) before verify."""
        if not sheet.manual_patch:
            result.record("manual", "skip", "the sheet has no manual steps to do")
            return False
        if not installed or result.outcome != "incomplete":
            result.record("manual", "skip", "install did not end incomplete" if installed else "install did not apply")
            return False
        ran = run(["git", "apply", "--whitespace=nowarn", sheet.manual_patch], root, logs / "manual.log", env=env, timeout=60)
        if ran.code != 0:
            result.record("manual", "fail", f"the patch does not apply: {ran.last_line()}", ran.seconds)
            return False
        result.record("manual", "pass", f"done by {Path(sheet.manual_patch).name}", ran.seconds)
        return True

    def _revert_manual_steps(self, result: AppResult, sheet: Sheet, root: Path, logs: Path, env: dict[str, str]) -> bool:
        """Undo the manual steps before uninstall, so that the byte check still proves the uninstall alone."""
        ran = run(["git", "apply", "-R", "--whitespace=nowarn", sheet.manual_patch], root, logs / "manual_revert.log", env=env, timeout=60)
        if ran.code != 0:
            result.record("uninstall", "fail", f"the manual steps' patch does not revert: {ran.last_line()}", ran.seconds)
            return False
        return True

    def _serve_and_verify(self, result: AppResult, sheet: Sheet, root: Path, logs: Path, env: dict[str, str], installed: bool, deps_ready: bool) -> None:
        if sheet.not_run_here:
            result.record("start", "skip", sheet.not_run_here)
            return
        if not sheet.start:
            result.record("start", "skip", "the sheet has no start command")
            return
        if self.fast:
            result.record("start", "skip", "--fast")
            return
        if not installed:
            result.record("start", "skip", "install did not apply")
            return
        if not deps_ready and sheet.commands.get("deps"):
            result.record("start", "skip", "installing dependencies failed")
            return
        assert sheet.port is not None
        if port_open(sheet.port):
            result.record("start", "fail", f"port {sheet.port} is already in use")
            return
        log = logs / "server.log"
        sink = open(log, "w", encoding="utf-8")
        # Node servers that listen on every interface are held to 127.0.0.1 (see corpus_loopback.cjs).
        env = env | {"NODE_OPTIONS": f"{env.get('NODE_OPTIONS', '')} --require {LOOPBACK_PRELOAD}".strip()}
        started = time.monotonic()
        server = subprocess.Popen(sheet.start, cwd=root, shell=True, env=env, stdout=sink, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            while time.monotonic() - started < sheet.ready_timeout and server.poll() is None and not port_open(sheet.port):
                time.sleep(0.5)
            if not port_open(sheet.port):
                sink.flush()
                tail = Ran(server.poll(), log.read_text(encoding="utf-8", errors="replace"), 0).last_line()
                result.record("start", "fail", f"not listening on 127.0.0.1:{sheet.port}: {tail}", time.monotonic() - started)
                return
            result.record("start", "pass", f"127.0.0.1:{sheet.port}", time.monotonic() - started)
            self._verify(result, sheet, root, logs, env)
        finally:
            stop_group(server)
            sink.close()

    def _verify_base(self, sheet: Sheet) -> list[str]:
        endpoint_option = _option_value(sheet.wizard_options, "--endpoint")
        argv = ["verify", sheet.base_url + sheet.path, "--workspace-id", sheet.workspace_id, "--json"]
        if endpoint_option:
            argv += ["--endpoint", endpoint_option]
        return argv + list(sheet.verify_options)

    def _verify(self, result: AppResult, sheet: Sheet, root: Path, logs: Path, env: dict[str, str]) -> None:
        anonymous_only = ["--anonymous-only"] if result.outcome == "anonymous-only" else []
        ran = run(wizard_argv(*self._verify_base(sheet), *anonymous_only), root, logs / "verify_anonymous.log", env=env, timeout=300)
        result.record("verify_anonymous", *self._in_context(result, _verify_outcome(ran)), ran.seconds)
        if not sheet.users:
            result.record("verify_users", "skip", "the sheet has no users to sign in")
            return
        if not sheet.offline:
            result.record("verify_users", "skip", f"{NO_SIGN_IN}: {sheet.signin_offline_reason}" if sheet.signin_offline_reason else "sign-in needs network access")
            return
        sign_in = ["--login-url", _absolute(sheet, sheet.login_url or "/login")]
        if sheet.logout_url:
            sign_in += ["--logout-url", _absolute(sheet, sheet.logout_url)]
        if sheet.logout_selector:
            sign_in += ["--logout-selector", sheet.logout_selector]
        outcomes = []
        if self.user_option:
            users = [arg for user in sheet.users[:2] for arg in ("--user", f"{user.username}:{user.password}")]
            ran = run(wizard_argv(*self._verify_base(sheet), *sign_in, *users), root, logs / "verify_users.log", env=env, timeout=600)
            outcomes.append((_verify_outcome(ran), ran.seconds))
        else:
            for index, user in enumerate(sheet.users[:2]):
                ran = run(wizard_argv(*self._verify_base(sheet), *sign_in, "--username", user.username, "--password", user.password),
                          root, logs / f"verify_user{index + 1}.log", env=env, timeout=300)
                outcomes.append((_verify_outcome(ran), ran.seconds))
        failed = [f"user {index + 1}: {reason}" for index, ((status, reason), _) in enumerate(outcomes) if status != "pass"]
        if failed:
            failed[0] = self._in_context(result, ("fail", failed[0]))[1]
        seconds = sum(seconds for _, seconds in outcomes)
        if failed:
            result.record("verify_users", "fail", "; ".join(failed), seconds)
        else:
            result.record("verify_users", "pass", f"{len(sheet.users[:2])} user(s) signed in and out", seconds)

    @staticmethod
    def _in_context(result: AppResult, outcome: tuple[Status, str]) -> tuple[Status, str]:
        """A verify failure after an incomplete install says whether its manual steps were done."""
        status, reason = outcome
        if status != "fail" or result.outcome != "incomplete":
            return outcome
        return status, (AFTER_MANUAL_PREFIX if result.passed("manual") else INCOMPLETE_PREFIX) + reason

    def _uninstall(self, result: AppResult, root: Path, logs: Path, env: dict[str, str], baseline: dict[str, str], generated: Sequence[str], installed: bool, *, run_package_manager: bool) -> None:
        if "uninstall" in result.stages:
            return
        if not installed:
            result.record("uninstall", "skip", "install did not apply")
            return
        args = ["uninstall", ".", "--yes"] + ([] if run_package_manager else ["--no-install"])
        ran = run(wizard_argv(*args), root, logs / "uninstall.log", env=env, timeout=600)
        if ran.code != 0:
            result.record("uninstall", "fail", f"exit {ran.code}: {ran.last_line()}", ran.seconds)
            return
        differences = compare_snapshots(baseline, snapshot(root, generated))
        if differences:
            more = f" (+{len(differences) - 3} more)" if len(differences) > 3 else ""
            result.record("uninstall", "fail", "not byte-identical: " + ", ".join(differences[:3]) + more, ran.seconds)
        else:
            result.record("uninstall", "pass", "byte-identical", ran.seconds)


def _option_value(options: Sequence[str], name: str) -> str | None:
    for index, option in enumerate(options):
        if option == name and index + 1 < len(options):
            return options[index + 1]
        if option.startswith(name + "="):
            return option.split("=", 1)[1]
    return None


def _absolute(sheet: Sheet, url: str) -> str:
    return url if re.match(r"https?://", url) else sheet.base_url + url


def _names_existing_file(root: Path, name: str) -> bool:
    """A manual step must point at a file that exists (in the app, after the install)."""
    if not name:
        return False
    path = name.split(":", 1)[0]  # "src/App.jsx:12" names a line
    return (root / path).is_file()


def _json_tail(output: str) -> dict[str, Any]:
    """The first JSON object a `--json` command printed on a line of its own (stderr chatter around it is ignored)."""
    decoder = json.JSONDecoder()
    for match in re.finditer(r"^\{", output, re.MULTILINE):
        try:
            value, _ = decoder.raw_decode(output[match.start() :])
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict):
            return value
    return {}


def _verify_outcome(ran: Ran) -> tuple[Status, str]:
    if ran.code == 0:
        return "pass", "all checks passed"
    report = _json_tail(ran.output)
    failed = [check for check in report.get("checks", []) if isinstance(check, dict) and check.get("status") in ("fail", "failed")]
    if failed:
        first = failed[0]
        evidence = first.get("evidence") or [""]
        return "fail", f"{first.get('id', '?')}: {evidence[0]}"
    return "fail", "timed out" if ran.code is None else f"exit {ran.code}: {ran.last_line()}"


# ---------------------------------------------------------------- output


COLUMNS = ("detect", "dry_run", "install", "build", "typecheck", "lint", "verify", "uninstall")
TABLE_BEGIN = "<!-- corpus-table:begin -->"
TABLE_END = "<!-- corpus-table:end -->"
HEADER = ("app", "repo", "commit", "framework", *COLUMNS, "failure reasons")


def column_cells(app: AppResult) -> dict[str, str]:
    """One word per column; build/typecheck/lint combine before + after, verify combines its stages."""
    cells: dict[str, str] = {}
    for column in ("detect", "dry_run", "install", "uninstall"):
        cells[column] = app.stages[column].status if column in app.stages else "skip"
    if app.outcome in ("complete", "incomplete", "anonymous-only") and cells["install"] == "pass":
        cells["install"] = f"pass ({app.outcome})"
    for check in CHECKS:
        before = app.stages.get(f"{check}_before", StageResult("skip"))
        after = app.stages.get(f"{check}_after", StageResult("skip"))
        if after.status == "fail":
            cells[check] = "fail"
        elif after.status == "pass":
            cells[check] = "pass"
        elif before.status == "fail":
            cells[check] = "skip (fails before)"
        else:
            cells[check] = "skip"
    verify_stages = [app.stages.get(stage, StageResult("skip")) for stage in ("start", "verify_anonymous", "verify_users")]
    not_run = next((kind for kind in NOT_RUN_HERE if verify_stages[0].reason.startswith(kind)), None)
    manual = app.stages.get("manual", StageResult("skip"))
    if verify_stages[0].status == "skip" and not_run:
        cells["verify"] = f"skip ({not_run})"
    elif manual.status == "fail" or any(stage.status == "fail" for stage in verify_stages):
        cells["verify"] = "fail"
    elif verify_stages[1].status == "pass" and verify_stages[2].status == "pass":
        cells["verify"] = AFTER_MANUAL if manual.status == "pass" else "pass"
    elif verify_stages[1].status == "pass":
        cells["verify"] = "pass (signed out only, after its manual steps)" if manual.status == "pass" else "pass (signed out only)"
    else:
        cells["verify"] = "skip"
    return cells


def failure_reasons(app: AppResult) -> str:
    """Every failed stage with its reason, and why an app or its sign-in could not run offline."""
    return "; ".join(f"{stage}: {result.reason}" for stage, result in app.stages.items()
                     if result.status == "fail"
                     or (result.status == "skip" and result.reason.startswith((*NOT_RUN_HERE, NO_SIGN_IN, "sign-in needs network access"))))


def markdown_row(app: AppResult) -> str:
    cells = column_cells(app)
    values = [app.name, app.repo, app.commit[:10], app.framework, *(cells[c] for c in COLUMNS), failure_reasons(app) or "—"]
    return "| " + " | ".join(value.replace("|", "\\|") for value in values) + " |"


def _row_key(line: str) -> str:
    return line.strip().strip("|").split("|", 1)[0].strip()


def _row_cells(line: str) -> list[str]:
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip().strip("|"))]


def totals_lines(rows: Sequence[str]) -> list[str]:
    counts = {column: {"pass": 0, "fail": 0, "skip": 0} for column in COLUMNS}
    for row in rows:
        cells = _row_cells(row)
        for column, cell in zip(COLUMNS, cells[4 : 4 + len(COLUMNS)]):
            word = cell.split(" ", 1)[0]
            if word in counts[column]:
                counts[column][word] += 1
    parts = [f"{column}: {c['pass']} pass / {c['fail']} fail / {c['skip']} skip" for column, c in counts.items()]
    not_run = {kind: sum(_row_cells(row)[4 + COLUMNS.index("verify")] == f"skip ({kind})" for row in rows) for kind in NOT_RUN_HERE}
    verify_index = COLUMNS.index("verify")
    parts[verify_index] += " (of the skips: " + ", ".join(f"{count} {kind}" for kind, count in not_run.items()) + ")"
    return [f"Totals over {len(rows)} apps — " + "; ".join(parts) + ".", "", *rates_lines(rows)]


def _percent(part: int, whole: int) -> str:
    return f"{part}/{whole} = {round(100 * part / whole)} %" if whole else "0/0"


def reason_class(reason: str) -> str:
    """A failure reason without its particulars (versions, paths, numbers), so that alike ones count together."""
    if reason.startswith(INCOMPLETE_PREFIX):
        return "install incomplete: " + reason_class(reason[len(INCOMPLETE_PREFIX):])
    if "does not generate code for this project's versions" in reason:
        return "refused: the project's versions are outside the integration's supported range"
    if reason.startswith("manual step names a missing file"):
        return "manual step names a missing file"
    text = re.sub(r"\buser \d+: ", "", reason)
    text = re.sub(r"(?:https?:/)?[\w.-]*(?:/[\w.?=&%-]*)+", "PATH", text)   # paths and URLs (a lone "/" too)
    text = re.sub(r"\d+(\.\d+)*", "N", text)
    return one_line(text, 90)


def _stage_reasons(cell: str) -> list[tuple[str, str]]:
    """(stage, reason) pairs from a row's reasons cell (`stage: reason; stage: reason`)."""
    if cell in ("", "—"):
        return []
    pattern = re.compile(r"(?:^|; )(" + "|".join(STAGES) + r"): ")
    marks = list(pattern.finditer(cell))
    return [(mark.group(1), cell[mark.end(): marks[index + 1].start() if index + 1 < len(marks) else len(cell)].replace("\\|", "|"))
            for index, mark in enumerate(marks)]


def rates_lines(rows: Sequence[str]) -> list[str]:
    """The issue's measures: install success rate, verify rate over the apps that can run here, reasons by stage."""
    installs = verified = signed_out_only = after_manual = offline = 0
    not_run = dict.fromkeys(NOT_RUN_HERE, 0)
    reasons: dict[tuple[str, str], int] = {}
    for row in rows:
        cells = _row_cells(row)
        by_column = dict(zip(COLUMNS, cells[4 : 4 + len(COLUMNS)]))
        installs += by_column.get("install", "").startswith("pass")
        verify = by_column.get("verify", "")
        kind = next((kind for kind in NOT_RUN_HERE if verify == f"skip ({kind})"), None)
        if kind:
            not_run[kind] += 1
        else:
            offline += 1
            verified += verify.startswith("pass")
            signed_out_only += verify.startswith("pass (signed out only")
            after_manual += verify.endswith("after its manual steps)")
        for stage, reason in _stage_reasons(cells[-1]):
            if reason.startswith((*NOT_RUN_HERE, NO_SIGN_IN, "sign-in needs network access")):
                continue
            key = (stage, reason_class(reason))
            reasons[key] = reasons.get(key, 0) + 1
    lines = [
        f"Install complete or incomplete (manual steps naming existing files): {_percent(installs, len(rows))}.",
        f"Verify passed (signed out, and both users where the sign-in can be used here) on {_percent(verified, offline)} of the apps that can run offline, "
        f"{signed_out_only} of them signed out only (no sign-in, or one that cannot be used here: the row says why), "
        f"{after_manual} of them after its manual steps (install `incomplete`; the scorer did exactly the wizard's printed steps "
        f"before verify and undid them before uninstall; {_percent(verified - after_manual, offline)} without those). "
        f"Not counted: {not_run[OFFLINE_NO]} that cannot run here (`offline: no`, the reason in their row), "
        f"{not_run[NO_PAGES]} JSON APIs with no page to open (`no pages`) and "
        f"{not_run[NO_SERVER]} single-page apps whose sign-in is a fake back end inside the browser, with no server whose session "
        f"a token endpoint could trust (`no server`: the front-end half of an app, as a `no pages` row is the API half; "
        f"where the same app is also run with its author's real API, the row names that row).",
        f"Counted as not verified, the {not_run[NO_SERVER]} `no server` rows would make it "
        f"{_percent(verified, offline + not_run[NO_SERVER])}.",
    ]
    if reasons:
        ranked = sorted(reasons.items(), key=lambda item: (-item[1], item[0]))
        lines += ["", "Failures by stage and reason (most common first):", ""]
        lines += [f"- {stage}: {reason} ×{count}" for (stage, reason), count in ranked]
    return lines


def update_markdown(document: str, apps: Sequence[AppResult]) -> str:
    """Replace (or add) the rows of these apps in the table between the markers; keep every other row."""
    if TABLE_BEGIN not in document or TABLE_END not in document:
        raise ValueError(f"the document has no {TABLE_BEGIN} ... {TABLE_END} section")
    head, rest = document.split(TABLE_BEGIN, 1)
    body, tail = rest.split(TABLE_END, 1)
    rows = [line for line in body.splitlines() if line.startswith("|") and not line.startswith("| app |") and not re.match(r"^\|[\s:|-]+\|$", line)]
    by_name = {_row_key(row): row for row in rows}
    for app in apps:
        by_name[app.name] = markdown_row(app)
    ordered = [by_name[name] for name in sorted(by_name)]
    table = ["| " + " | ".join(HEADER) + " |", "|" + "|".join("---" for _ in HEADER) + "|", *ordered]
    document = head + TABLE_BEGIN + "\n" + "\n".join(table) + "\n\n" + "\n".join(totals_lines(ordered)) + "\n" + TABLE_END + tail
    return update_touched_markdown(document, {app.name: markdown_rows(app.name, app.touched) for app in apps if app.touched})


def print_table(apps: Sequence[AppResult]) -> None:
    widths = [max(len(h), *(len(a.name) for a in apps)) if h == "app" else max(len(h), 9) for h in ("app", *COLUMNS)]
    print("  ".join(h.ljust(w) for h, w in zip(("app", *COLUMNS), widths)))
    for app in apps:
        cells = column_cells(app)
        print("  ".join(v.split(" ")[0].ljust(w) for v, w in zip((app.name, *(cells[c] for c in COLUMNS)), widths)))
    for app in apps:
        reasons = failure_reasons(app)
        if reasons:
            print(f"{app.name}: {reasons}")


# ---------------------------------------------------------------- command line


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--apps", type=Path, default=DEFAULT_ROOT / "apps", help="folder of checked-out apps (one folder per sheet name)")
    parser.add_argument("--sheets", type=Path, default=DEFAULT_ROOT / "sheets", help="folder of run sheets (.toml / .json)")
    parser.add_argument("--work", type=Path, default=DEFAULT_ROOT / "runs", help="where fresh copies and logs go")
    parser.add_argument("--only", nargs="*", default=(), help="score only these apps (sheet names)")
    parser.add_argument("--fast", action="store_true", help="detect, dry run, install and uninstall only: no dependencies, checks or servers")
    parser.add_argument("--reinstall-deps", action="store_true", help="run each sheet's deps command again even if it succeeded before")
    parser.add_argument("--json", dest="json_out", type=Path, default=DEFAULT_ROOT / "results.json", help="JSON results (merged by app name)")
    parser.add_argument("--markdown", type=Path, help="rewrite the scoreboard table in this file (docs/corpus.md)")
    parser.add_argument("--from-json", type=Path, help="run nothing: put the apps of this results file (--only: some of them) in --markdown")
    parser.add_argument("--touched-only", action="store_true",
                        help="with --from-json: rewrite only the touched-files table (the scoreboard rows of these apps stay as they are)")
    args = parser.parse_args(argv)
    if args.from_json:
        if not args.markdown:
            print("error: --from-json needs --markdown", file=sys.stderr)
            return 2
        saved = [app_from_json(app) for app in json.loads(args.from_json.read_text(encoding="utf-8"))["apps"]]
        saved = [app for app in saved if not args.only or app.name in args.only]
        document = args.markdown.read_text(encoding="utf-8")
        if args.touched_only:
            document = update_touched_markdown(document, {app.name: markdown_rows(app.name, app.touched) for app in saved if app.touched})
        else:
            document = update_markdown(document, saved)
        args.markdown.write_text(document, encoding="utf-8")
        return 0
    try:
        sheets = load_sheets(args.sheets, args.only)
    except (SheetError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    scorer = Scorer(args.apps, args.work, fast=args.fast, reinstall_deps=args.reinstall_deps)
    results = []
    for sheet in sheets:
        print(f"== {sheet.name}", file=sys.stderr, flush=True)
        result = scorer.score(sheet)
        results.append(result)
        for stage in STAGES:
            outcome = result.stages[stage]
            print(f"   {stage:18} {outcome.status:5} {outcome.reason}", file=sys.stderr, flush=True)
    print_table(results)
    previous: dict[str, Any] = {}
    if args.json_out.exists():
        try:
            previous = {app["name"]: app for app in json.loads(args.json_out.read_text(encoding="utf-8"))["apps"]}
        except (ValueError, KeyError, TypeError):
            previous = {}
    previous.update({result.name: result.to_json() for result in results})
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps({"apps": [previous[name] for name in sorted(previous)]}, indent=2) + "\n", encoding="utf-8")
    if args.markdown:
        args.markdown.write_text(update_markdown(args.markdown.read_text(encoding="utf-8"), results), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
