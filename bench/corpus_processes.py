"""Running things for the corpus scorer: commands with a log and a timeout, servers and the sheet's
services, each in its own process group and stopped by its PID; the wizard's own command line."""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus_results import strip_ansi
from corpus_sheets import Sheet

ERROR_LINE = re.compile(r"\berror\b|ERR!|Error:")
# Lines that say that something failed, not what: linters' and compilers' counts, package managers'
# and task runners' wrappers around a failed script, stack frames.
SUMMARY_LINE = re.compile(
    r"^✖?\s*\d+ problems? \(\d+ errors?|\d+ errors? and \d+ warnings? potentially fixable|^Found \d+ errors?\b"
    r"|command finished with error|ERROR\s+run failed|ELIFECYCLE|Command failed with exit code|^npm ERR! (?:A complete log|code|errno|Lifecycle|Exit status|Failed at|This is probably|path|command)"
    r"|^error Command failed|Build error occurred|^at \S|ERR_PNPM_RECURSIVE_RUN_FIRST_FAIL"
    r"|^The last overload gave the following error"  # tsc's continuation under "error TS2769: No overload matches this call."
)
# A line whose message is on the next line (next's "`next/font` error:", "Error: next/font: error:").
HEADER_LINE = re.compile(r"\berror:$", re.IGNORECASE)


@dataclass
class Ran:
    code: int | None                 # None: timed out
    output: str
    seconds: float

    def last_line(self) -> str:
        """The line that says what went wrong: the last error line that is not a tool's summary or
        wrapper line, joined with the next line when it is only a header (`next/font` error:)."""
        lines = [line.strip() for line in self.output.splitlines() if line.strip()]
        errors = [index for index, line in enumerate(lines) if ERROR_LINE.search(line)]
        telling = [index for index in errors if not SUMMARY_LINE.search(lines[index])]
        if telling:
            index = telling[-1]
            if HEADER_LINE.search(lines[index]) and index + 1 < len(lines):
                return f"{lines[index]} {lines[index + 1]}"
            return lines[index]
        return lines[errors[-1]] if errors else (lines or ["(no output)"])[-1]


def run(command: Sequence[str] | str, cwd: Path, log: Path, *, env: dict[str, str] | None = None, timeout: int = 900) -> Ran:
    """Run a command in its own process group; on timeout the whole group is killed by its PID."""
    started = time.monotonic()
    log.parent.mkdir(parents=True, exist_ok=True)
    shell = isinstance(command, str)
    if env is not None and not shell and list(command[:3]) == wizard_argv():
        env = wizard_env(env)
    with open(log, "w", encoding="utf-8") as sink:
        sink.write(f"$ {command if shell else shlex.join(command)}\n")
        sink.flush()
        process = subprocess.Popen(command, cwd=cwd, shell=shell, env=env, stdout=sink, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            code: int | None = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            code = None
        # Also after a normal exit: what the command left running in its group (a backgrounded server)
        # is ours to stop.
        stop_group(process)
    # The log keeps what the command printed; what the scorer reads from it has no escape sequences.
    output = strip_ansi(log.read_text(encoding="utf-8", errors="replace"))
    return Ran(code, output, time.monotonic() - started)


def stop_group(process: subprocess.Popen[Any]) -> None:
    """Stop a process we started and every process left in the group it leads, by its PID. The group
    is signalled even when its leader has exited: a start command's backgrounded API (`api & exec web`)
    outlives the shell when the shell's last command fails."""
    for sig, wait in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break  # nobody left in the group
        deadline = time.monotonic() + wait
        while _group_alive(process) and time.monotonic() < deadline:
            time.sleep(0.1)
        if not _group_alive(process):
            break
    process.poll()  # reaps the leader when it was still ours to wait for


def _group_alive(process: subprocess.Popen[Any]) -> bool:
    """Whether the leader or any other process of its group still runs (zombies do not count: an orphan
    is reaped by whoever adopted it)."""
    return process.poll() is None or bool(group_members(process.pid))


def group_members(group: int) -> list[int]:
    """The PIDs of the live (not zombie) processes in a process group, read from /proc."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue  # exited meanwhile
        # "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses; the fields follow its last ")".
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 2 and fields[0] not in ("Z", "X") and fields[2] == str(group):
            members.append(int(entry.name))
    return members


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


def wizard_env(env: dict[str, str]) -> dict[str, str]:
    """The environment for the wizard's own runs: without FORCE_COLOR=0, which the app's Node tools read
    as "no colours" but Rich reads as "a terminal", so the wizard would print bold and dim codes."""
    return {name: value for name, value in env.items() if not (name == "FORCE_COLOR" and value == "0")}


def verify_supports_user_option() -> bool:
    """`verify --user NAME:PASSWORD` (repeatable) is newer than --username/--password."""
    help_text = subprocess.run(wizard_argv("verify", "--help"), capture_output=True, text=True,
                               env=os.environ | {"COLUMNS": "200"}).stdout
    return re.search(r"--user\b(?!name)", help_text) is not None


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
