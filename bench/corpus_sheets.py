"""Run sheets of the corpus scorer: one TOML or JSON file per app saying how to install its
dependencies, build, check, start and sign in to it (format in docs/corpus.md). Every mistake is a
SheetError naming the file and the field."""

from __future__ import annotations

import json
import shlex
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus_results import NO_PAGES, NO_SERVER, OFFLINE_NO
from corpus_touched import TouchedCheck, TouchedSheetError, parse_touched

DEFAULT_WORKSPACE = "abc12345"
# commands.seed_order: when the seed runs, relative to the build / type check / lint before the install.
SEED_BEFORE_CHECKS = "before-checks"  # the default: the checks see the app as it is run (.env, database, local URLs)
SEED_AFTER_CHECKS = "after-checks"    # for a seed that needs the build's output
SEED_ORDERS = (SEED_BEFORE_CHECKS, SEED_AFTER_CHECKS)


class SheetError(Exception):
    """A run sheet that cannot be used; the message names the file and the field."""


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
    commands: dict[str, str] = field(default_factory=dict)  # deps, seed, build, typecheck, lint
    timeout: int = 900
    seed_order: str = SEED_BEFORE_CHECKS  # commands.seed_order: the seed before the checks before the install, or after them
    start: str | None = None
    port: int | None = None
    path: str = "/"                  # page verify opens
    ready_timeout: int = 90
    warm_up_timeout: int = 120       # start.warm_up_timeout: how long the first GET of `path` may take (a dev server's first compile)
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
    manual_rebuild: bool = False     # [manual] rebuild: run commands.build again after the patch (a built app serves the patched build)
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
        "commands": {"deps", "seed", "seed_order", "build", "typecheck", "lint", "timeout"},
        "start": {"command", "port", "path", "ready_timeout", "warm_up_timeout", "env"},
        "login": {"url", "logout_url", "logout_selector", "users", "verify_options", "offline", "offline_reason"},
        "manual": {"patch", "rebuild"},
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
    seed_order = commands.pop("seed_order", SEED_BEFORE_CHECKS)
    if seed_order not in SEED_ORDERS:
        raise SheetError(f"{source}: 'commands.seed_order' must be one of {', '.join(repr(order) for order in SEED_ORDERS)}")
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
    manual_rebuild = sections["manual"].get("rebuild", False)
    if not isinstance(manual_rebuild, bool):
        raise SheetError(f"{source}: 'manual.rebuild' must be true or false")
    if manual_rebuild and not (manual_patch and commands.get("build")):
        raise SheetError(f"{source}: 'manual.rebuild' needs 'manual.patch' and 'commands.build'")
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
        seed_order=seed_order,
        start=_text(start, "command", source),
        port=port,
        path=_text(start, "path", source, default="/") or "/",
        ready_timeout=int(start.get("ready_timeout", 90)),
        warm_up_timeout=int(start.get("warm_up_timeout", 120)),
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
        manual_rebuild=manual_rebuild,
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
