#!/usr/bin/env python3
"""Load the generated Intercom token endpoint beside a bare authenticated JSON route, on loopback.

For each framework (Flask, Django, Express, and FastAPI when its back end and fixture exist), a copy
of the fixture app is made in a temporary directory, the wizard is run on the copy, a bare
authenticated JSON route is added to the copy where the app has none, the app's own server is
started on 127.0.0.1, a user signs in through the login form, and both routes are driven with the
same session cookie by a bounded load generator: --requests requests over --concurrency keep-alive
connections (one http.client.HTTPConnection per worker thread), stopped after --max-seconds.

Every token response must be 200 JSON holding a token (anything else is an error); a sample of the
tokens is verified with PyJWT against the secret once the load is over. Only 127.0.0.1 is contacted.
The servers are development servers: the figures compare two routes of one server, not frameworks.

When `wrk` is installed (Debian: apt-get install wrk) it generates the load instead (--client auto,
the default): the Python client, whose threads share one interpreter, saturates before the faster
servers do. wrk runs --rounds pairs (bare route, then token route, --duration seconds each, the same
--concurrency connections); the ratio is taken pair by pair and its median printed. wrk does not look at
bodies, so the answers are checked by the Python client around it: --warmup requests before, and a
sample of VERIFY_SAMPLE token answers after, each checked (and the tokens verified with PyJWT) as above.

Usage: python bench/token_endpoint_load.py [--requests 2000] [--concurrency 4] [--max-seconds 60]
                                           [--warmup 20] [--close] [--only flask,django,express,fastapi]
                                           [--client auto|wrk|python] [--duration 5] [--rounds 3]
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import json
import math
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path

import jwt

from intercom_wizard.apply import apply_changes
from intercom_wizard.integrations.registry import BACKENDS
from intercom_wizard.localserver import BrowserlessClient, free_port, running_server
from intercom_wizard.options import InstallOptions, parse_workspace_id
from intercom_wizard.planner import make_plan
from intercom_wizard.project import detect

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
HOST = "127.0.0.1"
TOKEN_PATH = "/api/intercom-jwt"
BARE_PATH = "/bench/me"  # added to the copies that have no bare authenticated JSON route
WORKSPACE_ID = "abc12345"
COPY_IGNORED = ("__pycache__", "instance", "node_modules", ".pytest_cache", "db.sqlite3", ".env")
VERIFY_SAMPLE = 200  # tokens verified with PyJWT per run, spread over the run
PY = sys.executable


class SetupFailed(Exception):
    pass


# --- bare authenticated JSON routes, added to the copies only ------------------------------------

FLASK_BARE_ROUTE = '''

# Added by bench/token_endpoint_load.py: a bare authenticated JSON route to compare against.
from flask import jsonify as _bench_jsonify


@app.get("/bench/me")
def bench_me():
    if not current_user.is_authenticated:
        return _bench_jsonify(error="Not signed in"), 401
    return _bench_jsonify(user_id=current_user.get_id(), email=current_user.email, name=current_user.name)
'''

DJANGO_BARE_VIEW = '''"""Added by bench/token_endpoint_load.py: a bare authenticated JSON view to compare against."""

from django.http import JsonResponse


def bench_me(request):
    if not request.user.is_authenticated:
        return JsonResponse({"error": "Not signed in"}, status=401)
    return JsonResponse({"username": request.user.username})
'''

DJANGO_BARE_URL = '''

# Added by bench/token_endpoint_load.py.
from mysite.bench_views import bench_me  # noqa: E402

urlpatterns.append(path("bench/me", bench_me))
'''

FASTAPI_BARE_ROUTE = '''

# Added by bench/token_endpoint_load.py: a bare authenticated JSON route to compare against.
from fastapi import HTTPException as _BenchHTTPException


@app.get("/bench/me")
def bench_me(user: CurrentUser):
    if user is None:
        raise _BenchHTTPException(status.HTTP_401_UNAUTHORIZED, "Not signed in")
    return {"user_id": str(user.id), "email": user.email, "name": user.name}
'''


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text() + text)


def _run(command: list[str], cwd: Path) -> None:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        raise SetupFailed(f"`{' '.join(command)}` exited with {result.returncode}:\n{(result.stdout + result.stderr)[-3000:]}")


def _prepare_flask(root: Path) -> None:
    _append(root / "app.py", FLASK_BARE_ROUTE)


def _prepare_django(root: Path) -> None:
    (root / "mysite" / "bench_views.py").write_text(DJANGO_BARE_VIEW)
    _append(root / "mysite" / "urls.py", DJANGO_BARE_URL)
    _run([PY, "manage.py", "migrate", "-v", "0"], root)


def _prepare_express(root: Path) -> None:
    _run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"], root)


def _prepare_fastapi(root: Path) -> None:
    _append(root / "main.py", FASTAPI_BARE_ROUTE)


def _fastapi_missing() -> str | None:
    # The back end is a package since the contract refactor: asking the registry, not a file path, keeps
    # this check true to what the wizard itself would load (the old `fastapi.py` test skipped it silently).
    if "fastapi" not in BACKENDS:
        return "the wizard has no fastapi back end"
    if not (FIXTURES / "fastapi_session_app").is_dir():
        return "tests/fixtures/fastapi_session_app is not there"
    wanted = ("fastapi", "uvicorn", "multipart", "itsdangerous", "jinja2", "dotenv")
    absent = [name for name in wanted if importlib.util.find_spec(name) is None]
    return f"not installed in this interpreter: {', '.join(absent)}" if absent else None


def _npm_missing() -> str | None:
    absent = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    return f"not on PATH: {', '.join(absent)}" if absent else None


@dataclass(frozen=True)
class Framework:
    name: str
    fixture: str
    command: list[str]  # "{port}" is replaced
    login_path: str
    credentials: dict[str, str]
    bare_path: str
    bare_expect: dict[str, object]  # must be part of the bare route's JSON
    token_user_id: str
    prepare: Callable[[Path], None]
    csrf: bool = False
    optional: bool = False
    missing: Callable[[], str | None] = lambda: None


FRAMEWORKS = [
    Framework(
        "flask", "flask_login_app",
        [PY, "-m", "flask", "--app", "app", "run", "--host", HOST, "--port", "{port}"],
        "/login", {"email": "bob@example.com", "password": "canwefixit"},
        BARE_PATH, {"user_id": "7"}, "7", _prepare_flask,
    ),
    Framework(
        "django", "django_site",
        [PY, "manage.py", "runserver", f"{HOST}:{{port}}", "--noreload"],
        "/accounts/login/", {"username": "carol", "password": "pass-carol-123"},
        BARE_PATH, {"username": "carol"}, "1", _prepare_django, csrf=True,
    ),
    Framework(
        "express", "express_app",
        ["node", "server.js"],
        "/login", {"email": "dave@example.com", "password": "smeghead"},
        "/api/me", {"id": 42}, "42", _prepare_express, missing=_npm_missing,
    ),
    Framework(
        "fastapi", "fastapi_session_app",
        [PY, "-m", "uvicorn", "main:app", "--host", HOST, "--port", "{port}"],
        "/login", {"email": "erin@example.com", "password": "reception-desk"},
        BARE_PATH, {"user_id": "3"}, "3", _prepare_fastapi, optional=True, missing=_fastapi_missing,
    ),
]


# --- load generator ------------------------------------------------------------------------------


@dataclass
class RouteResult:
    route: str
    latencies: list[float] = field(default_factory=list)  # seconds, every attempt (errors included)
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    tokens: list[str] = field(default_factory=list)  # the sample kept for PyJWT
    seconds: float = 0.0
    capped: bool = False
    cut_off: int = 0  # requests still unanswered when the time cap came: neither counted nor errors

    @property
    def requests(self) -> int:
        return len(self.latencies)

    def error(self, kind: str) -> None:
        self.errors += 1
        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]  # nearest rank


def _check(status: int, content_type: str, body: bytes, secret: str, token_route: bool, expect: dict[str, object]) -> tuple[str | None, str | None]:
    """(error kind or None, token or None) for one answer."""
    if not 200 <= status < 300:
        return f"HTTP {status}", None
    if "json" not in content_type:
        return "not JSON", None
    try:
        data = json.loads(body)
    except ValueError:
        return "bad JSON", None
    if not isinstance(data, dict):
        return "bad JSON", None
    if token_route:
        if status != 200:
            return f"HTTP {status}", None
        token = data.get("token")
        if not isinstance(token, str) or token.count(".") != 2:
            return "no token", None
        if secret in body.decode("utf-8", "replace"):
            return "secret in body", None
        return None, token
    if any(data.get(key) != value for key, value in expect.items()):
        return "wrong user", None
    return None, None


def drive(port: int, path: str, cookie: str, *, total: int, concurrency: int, max_seconds: float, secret: str, token_route: bool, expect: dict[str, object], close_each: bool = False) -> RouteResult:
    result = RouteResult(path)
    lock = threading.Lock()
    issued = 0
    keep_every = max(1, total // (VERIFY_SAMPLE // 2))
    headers = {"Cookie": cookie, "Accept": "application/json", "Connection": "close" if close_each else "keep-alive"}
    start = time.perf_counter()
    deadline = start + max_seconds

    def worker() -> None:
        nonlocal issued
        connection = http.client.HTTPConnection(HOST, port, timeout=max_seconds)
        latencies: list[float] = []
        errors: list[str] = []
        tokens: list[str] = []
        try:
            while True:
                with lock:
                    if issued >= total:
                        return
                    remaining = deadline - time.perf_counter()
                    if remaining <= 0:
                        result.capped = True
                        return
                    index = issued
                    issued += 1
                # No request may outlive the time cap.
                if connection.sock is not None:
                    connection.sock.settimeout(remaining)
                else:
                    connection.timeout = remaining
                began = time.perf_counter()
                try:
                    connection.request("GET", path, headers=headers)
                    response = connection.getresponse()
                    body = response.read()
                    if close_each:
                        connection.close()
                    latencies.append(time.perf_counter() - began)
                except (OSError, http.client.HTTPException) as exc:
                    connection.close()  # the next request opens a new connection
                    if isinstance(exc, TimeoutError) and time.perf_counter() >= deadline:
                        with lock:
                            result.capped = True
                            result.cut_off += 1
                        return
                    latencies.append(time.perf_counter() - began)
                    errors.append(type(exc).__name__)
                    continue
                kind, token = _check(response.status, response.getheader("Content-Type", ""), body, secret, token_route, expect)
                if kind is not None:
                    errors.append(kind)
                elif token is not None and (index < VERIFY_SAMPLE // 2 or index % keep_every == 0):
                    tokens.append(token)
        finally:
            connection.close()
            with lock:
                result.latencies.extend(latencies)
                for kind in errors:
                    result.error(kind)
                result.tokens.extend(tokens)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - start
    return result


def verify_tokens(result: RouteResult, secret: str, user_id: str) -> None:
    """PyJWT on the kept sample, after the timed run: a bad token counts as an error."""
    for token in result.tokens:
        try:
            claims = jwt.decode(token, secret, algorithms=["HS256"], options={"require": ["user_id", "iat", "exp"]})
        except jwt.PyJWTError as exc:
            result.error(f"PyJWT: {type(exc).__name__}")
            continue
        if claims["user_id"] != user_id:
            result.error("PyJWT: wrong user_id")


# --- wrk ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WrkRun:
    requests: int
    rate: float  # requests per second
    p50_ms: float
    p99_ms: float
    bad: int  # non-2xx answers and socket errors
    cpu_us: float = math.nan  # the server process's CPU time (user + system) per request, microseconds


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def server_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds the server process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime: fields 14 and 15 of stat


def _milliseconds(text: str) -> float:
    parsed = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if parsed is None:
        raise ValueError(f"not a wrk duration: {text!r}")
    value, unit = parsed.groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(port: int, path: str, cookie: str, *, connections: int, seconds: float, close_each: bool) -> WrkRun:
    command = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency",
               "-H", f"Cookie: {cookie}", "-H", "Accept: application/json"]
    if close_each:
        command += ["-H", "Connection: close"]
    output = subprocess.run([*command, f"http://{HOST}:{port}{path}"], capture_output=True, text=True, check=True,
                            timeout=seconds + 60).stdout
    total = re.search(r"(\d+) requests in", output)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    if not (total and rate and p50 and p99):
        raise SetupFailed(f"could not read wrk's output:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    bad = (int(non_2xx.group(1)) if non_2xx else 0) + (sum(map(int, sockets.groups())) if sockets else 0)
    return WrkRun(int(total.group(1)), float(rate.group(1)), _milliseconds(p50.group(1)), _milliseconds(p99.group(1)), bad)


@dataclass
class WrkResult:
    framework: str
    bare: list[WrkRun]
    token: list[WrkRun]
    checked: RouteResult  # the Python client's checked sample of token answers

    @property
    def ratios(self) -> list[float]:
        return [t.rate / b.rate if b.rate else math.nan for b, t in zip(self.bare, self.token)]

    @property
    def cpu_ratios(self) -> list[float]:
        """Bare CPU per request / token CPU per request: the throughput ratio once the server's CPU is the limit."""
        return [b.cpu_us / t.cpu_us if t.cpu_us else math.nan for b, t in zip(self.bare, self.token)]


# --- one framework -------------------------------------------------------------------------------


def install_copy(framework: Framework, workdir: Path, secret: str) -> Path:
    root = workdir / framework.fixture
    shutil.copytree(FIXTURES / framework.fixture, root, ignore=shutil.ignore_patterns(*COPY_IGNORED))
    project = detect(root)
    plan = make_plan(project, InstallOptions(workspace=parse_workspace_id(WORKSPACE_ID)), secret)
    if plan.backend is None:
        raise SetupFailed(f"the wizard found no back end in {framework.fixture}")
    apply_changes(detect(root).tree, plan.changes)
    if not any(change_path(change).endswith(("intercom_jwt.py", "intercom-jwt.js")) for change in plan.changes):
        raise SetupFailed(f"the wizard wrote no token endpoint for {framework.fixture}")
    framework.prepare(root)
    return root


def change_path(change: object) -> str:
    return str(getattr(change, "path", ""))


def cookie_header(client: BrowserlessClient) -> str:
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in client.cookies)


def bench_framework(framework: Framework, workdir: Path, args: argparse.Namespace) -> list[RouteResult] | list[WrkResult]:
    """One RouteResult per route with the Python client; with wrk, one WrkResult."""
    secret = secrets.token_urlsafe(32)
    print(f"[{framework.name}] copying {framework.fixture} and running the wizard on the copy", file=sys.stderr)
    try:
        root = install_copy(framework, workdir, secret)
    except (SetupFailed, OSError) as exc:
        raise SetupFailed(str(exc)) from exc
    except Exception as exc:  # the wizard's own errors
        raise SetupFailed(f"the wizard failed on the copy: {type(exc).__name__}: {exc}") from exc
    port = free_port()
    command = [part.replace("{port}", str(port)) for part in framework.command]
    env = {"PORT": str(port), "HOST": HOST, "INTERCOM_IDENTITY_SECRET": secret, "FLASK_DEBUG": "0"}
    print(f"[{framework.name}] starting `{' '.join(command)}` on {HOST}:{port}", file=sys.stderr)
    with ExitStack() as stack:
        stack.callback(print, f"[{framework.name}] server stopped", file=sys.stderr)
        try:
            server = stack.enter_context(running_server(command, root, port, env))
        except RuntimeError as exc:
            raise SetupFailed(str(exc)) from exc
        client = BrowserlessClient(f"http://{HOST}:{port}")
        client.post_form(framework.login_path, framework.credentials, csrf_from=framework.login_path if framework.csrf else None)
        cookie = cookie_header(client)
        for path in (framework.bare_path, TOKEN_PATH):
            probe = client.get(path, follow=False)
            if probe.status != 200:
                raise SetupFailed(f"signed in, GET {path} answered {probe.status}: {probe.body[:300]}")
        if args.client == "wrk":
            return [bench_with_wrk(framework, port, cookie, secret, args, server.pid)]
        results: list[RouteResult] = []
        for path, token_route in ((framework.bare_path, False), (TOKEN_PATH, True)):
            def run(total: int, max_seconds: float, path: str = path, token_route: bool = token_route) -> RouteResult:
                return drive(port, path, cookie, total=total, concurrency=args.concurrency, max_seconds=max_seconds,
                             secret=secret, token_route=token_route, expect=framework.bare_expect, close_each=args.close)

            if args.warmup:
                run(args.warmup, min(10.0, args.max_seconds))
            print(f"[{framework.name}] {args.requests} x GET {path}, {args.concurrency} at a time", file=sys.stderr)
            result = run(args.requests, args.max_seconds)
            if token_route:
                verify_tokens(result, secret, framework.token_user_id)
            results.append(result)
        return results


def bench_with_wrk(framework: Framework, port: int, cookie: str, secret: str, args: argparse.Namespace, server_pid: int) -> WrkResult:
    def checked(path: str, total: int, token_route: bool) -> RouteResult:
        return drive(port, path, cookie, total=total, concurrency=args.concurrency, max_seconds=min(30.0, args.max_seconds),
                     secret=secret, token_route=token_route, expect=framework.bare_expect, close_each=args.close)

    for path, token_route in ((framework.bare_path, False), (TOKEN_PATH, True)):
        if args.warmup:
            warm = checked(path, args.warmup, token_route)
            if warm.errors:
                raise SetupFailed(f"warm-up on {path}: " + ", ".join(f"{k} x{n}" for k, n in warm.error_kinds.items()))
    bare: list[WrkRun] = []
    token: list[WrkRun] = []
    for round_number in range(1, args.rounds + 1):
        print(f"[{framework.name}] wrk round {round_number}/{args.rounds}: {args.duration:g} s per route, "
              f"{args.concurrency} connections", file=sys.stderr)
        for path, runs in ((framework.bare_path, bare), (TOKEN_PATH, token)):
            cpu_before = server_cpu_seconds(server_pid)
            run = run_wrk(port, path, cookie, connections=args.concurrency, seconds=args.duration, close_each=args.close)
            cpu = server_cpu_seconds(server_pid) - cpu_before
            runs.append(replace(run, cpu_us=cpu / run.requests * 1e6 if run.requests else math.nan))
    sample = checked(TOKEN_PATH, VERIFY_SAMPLE, True)
    verify_tokens(sample, secret, framework.token_user_id)
    return WrkResult(framework.name, bare, token, sample)


# --- report --------------------------------------------------------------------------------------


def print_wrk_table(result: WrkResult) -> None:
    print(f"\n{result.framework} (wrk; each round: bare route, then token route)")
    rows = [("round", "bare req/s", "token req/s", "ratio", "bare p50 ms", "token p50 ms", "bare p99 ms", "token p99 ms",
             "bare cpu us/req", "token cpu us/req", "cpu ratio", "bad answers")]
    for number, (bare, token, ratio, cpu_ratio) in enumerate(zip(result.bare, result.token, result.ratios, result.cpu_ratios), start=1):
        rows.append((str(number), f"{bare.rate:.0f}", f"{token.rate:.0f}", f"{ratio:.2f}", f"{bare.p50_ms:.2f}",
                     f"{token.p50_ms:.2f}", f"{bare.p99_ms:.2f}", f"{token.p99_ms:.2f}", f"{bare.cpu_us:.0f}",
                     f"{token.cpu_us:.0f}", f"{cpu_ratio:.2f}", str(bare.bad + token.bad)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  " + "  ".join(cell.rjust(widths[i]) for i, cell in enumerate(row)))
    print(f"  throughput ratio token/bare (median of {len(result.ratios)} pairs): {statistics.median(result.ratios):.2f}; "
          f"server CPU per request, bare/token: {statistics.median(result.cpu_ratios):.2f}")
    sample = result.checked
    problems = ", ".join(f"{kind} x{n}" for kind, n in sorted(sample.error_kinds.items())) or "none"
    print(f"  checked sample after the load: {sample.requests} token answers, errors: {problems}; "
          f"tokens verified with PyJWT: {len(sample.tokens)}")


def print_wrk_summary(results: list[WrkResult]) -> None:
    print("\nside by side (median of the paired rounds)")
    rows = [("framework", "bare req/s", "token req/s", "token/bare", "bare p50 ms", "token p50 ms", "bare cpu us/req", "token cpu us/req",
             "cpu bare/token")]
    for r in results:
        rows.append((r.framework, f"{statistics.median(b.rate for b in r.bare):.0f}", f"{statistics.median(t.rate for t in r.token):.0f}",
                     f"{statistics.median(r.ratios):.2f}", f"{statistics.median(b.p50_ms for b in r.bare):.2f}",
                     f"{statistics.median(t.p50_ms for t in r.token):.2f}", f"{statistics.median(b.cpu_us for b in r.bare):.0f}",
                     f"{statistics.median(t.cpu_us for t in r.token):.0f}", f"{statistics.median(r.cpu_ratios):.2f}"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  " + "  ".join(cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)))



def print_table(name: str, results: list[RouteResult]) -> None:
    header = ("route", "requests", "errors", "req/s", "p50 ms", "p99 ms")
    rows = [header]
    for r in results:
        rate = r.requests / r.seconds if r.seconds else 0.0
        rows.append((
            r.route + (" (time cap)" if r.capped else ""),
            str(r.requests), str(r.errors), f"{rate:.0f}",
            f"{_percentile(r.latencies, 0.50) * 1000:.2f}", f"{_percentile(r.latencies, 0.99) * 1000:.2f}",
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    print(f"\n{name}")
    for row in rows:
        print("  " + "  ".join(cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)))
    bare, token = results
    bare_rate, token_rate = (r.requests / r.seconds if r.seconds else 0.0 for r in results)
    print(f"  throughput ratio token/bare: {token_rate / bare_rate:.2f}" if bare_rate else "  throughput ratio token/bare: n/a")
    for r in results:
        if r.capped:
            print(f"  {r.route}: stopped at the time cap, {r.cut_off} request(s) in flight then left out")
        if r.error_kinds:
            print(f"  errors on {r.route}: " + ", ".join(f"{kind} x{n}" for kind, n in sorted(r.error_kinds.items())))
    print(f"  tokens verified with PyJWT: {len(token.tokens)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per route (default 2000)")
    parser.add_argument("--concurrency", type=int, default=4, help="keep-alive connections, one thread each (default 4)")
    parser.add_argument("--max-seconds", type=float, default=60.0, help="time cap per route (default 60)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests per route before the run (default 20)")
    parser.add_argument("--close", action="store_true", help="a new connection per request (Connection: close) instead of keep-alive")
    parser.add_argument("--only", default="", help="comma-separated subset of: " + ",".join(f.name for f in FRAMEWORKS))
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto",
                        help="load generator: wrk when installed (auto, the default), or the Python client")
    parser.add_argument("--duration", type=float, default=5.0, help="wrk: seconds per route and round (default 5)")
    parser.add_argument("--rounds", type=int, default=3, help="wrk: paired rounds, bare then token (default 3)")
    args = parser.parse_args(argv)
    if args.client == "auto":
        args.client = "wrk" if shutil.which("wrk") else "python"
    elif args.client == "wrk" and not shutil.which("wrk"):
        parser.error("--client wrk: wrk is not installed (Debian: apt-get install wrk)")
    if args.duration < 1 or args.rounds < 1:
        parser.error("--duration must be at least 1 and --rounds at least 1")
    if args.requests < 1 or args.concurrency < 1 or args.max_seconds <= 0 or args.warmup < 0:
        parser.error("--requests and --concurrency must be at least 1, --max-seconds positive, --warmup not negative")
    chosen = [f for f in FRAMEWORKS if not args.only or f.name in args.only.split(",")]
    if args.only and len(chosen) != len(set(args.only.split(","))):
        parser.error(f"--only: unknown framework in {args.only!r}")

    connections = "connections, a new one per request" if args.close else "keep-alive connections"
    if args.client == "wrk":
        print(f"wrk: {args.rounds} rounds of {args.duration:g} s per route, {args.concurrency} {connections}, "
              f"{args.warmup} checked warm-up requests; server on {HOST}")
    else:
        print(f"{args.requests} requests per route, {args.concurrency} {connections}, "
              f"cap {args.max_seconds:g} s per route, {args.warmup} warm-up requests; server on {HOST}")
    failed = []
    wrk_results: list[WrkResult] = []
    with tempfile.TemporaryDirectory(prefix="token-endpoint-load-") as tmp:
        for framework in chosen:
            reason = framework.missing()
            if reason is not None:
                if framework.optional:
                    print(f"\n{framework.name}: skipped ({reason})")
                    continue
                failed.append(framework.name)
                print(f"\n{framework.name}: SETUP FAILED ({reason})")
                continue
            try:
                results = bench_framework(framework, Path(tmp), args)
            except SetupFailed as exc:
                if framework.optional:
                    print(f"\n{framework.name}: skipped, its install did not work:\n  {exc}")
                    continue
                failed.append(framework.name)
                print(f"\n{framework.name}: SETUP FAILED\n  {exc}")
                continue
            wrk_runs = [result for result in results if isinstance(result, WrkResult)]
            if wrk_runs:  # --client wrk
                print_wrk_table(wrk_runs[0])
                wrk_results += wrk_runs
            else:
                print_table(framework.name, [result for result in results if isinstance(result, RouteResult)])
    if wrk_results:
        print_wrk_summary(wrk_results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
