"""First-load JavaScript and Intercom requests of a Vite React app: ours vs react-use-intercom vs the bare SDK.

    .venv/bin/python bench/spa_bench.py
    .venv/bin/python bench/spa_bench.py --keep --tmpdir /dev/shm

Scaffolds one Vite React app (`npm create vite@7.1.3 app -- --template react-ts --no-interactive`,
`npm install`) in a temporary directory and makes copies of it:

- baseline: as scaffolded;
- ours/<load>: `python -m intercom_wizard install COPY --workspace-id abc12345 --yes --load <load>`
  for immediate, idle and interaction (a random INTERCOM_IDENTITY_SECRET in the environment);
- react-use-intercom: `npm install react-use-intercom`, `<IntercomProvider appId="abc12345" autoBoot>`
  around `<App />` in main.tsx (its README);
- messenger-js-sdk: `npm install @intercom/messenger-js-sdk`, `Intercom({ app_id: 'abc12345' })` in
  the App component (its README).

Each copy is built with `npm run build`. Table 1: gzip bytes (level 9 and zlib's default level 6) of
the JavaScript that dist/index.html loads at first (the entry module script and its modulepreload
links), the delta against the baseline, and all JS in dist/ for reference (lazy chunks included).

Table 2: each dist/ is served on 127.0.0.1 (http.server in a thread; /api/intercom-jwt answers 401 JSON
so our integration boots anonymously) and opened in /usr/bin/chromium through Playwright. Requests to
https://*.intercom.io and https://*.intercomcdn.com are counted and answered with an empty 200 (JS
content type), every other non-loopback request is aborted and counted separately. Counted: after
network idle plus 3 s without any input, and again after one click (plus network idle and 3 s).
Because the widget script is answered empty, it never asks for more: the count is the requests the
integration itself makes, not what the real Messenger would fetch afterwards.

Progress goes to stderr, the two tables to stdout. Exit 1 only when setup (scaffold, install, build,
browser) fails. The temporary directory is removed at the end unless --keep.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where used, so the size part runs without Playwright
    from playwright.sync_api import Browser, Route

REPO = Path(__file__).resolve().parents[1]
CREATE_VITE = "vite@7.1.3"
WORKSPACE_ID = "abc12345"
LOADS = ("immediate", "idle", "interaction")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NPM_FLAGS = ["--no-audit", "--no-fund", "--prefer-offline"]
INTERCOM_HOST = re.compile(
    r"^https://([a-z0-9-]+\.)*(intercom\.io|intercomcdn\.com)(:\d+)?/", re.IGNORECASE
)


class SetupError(Exception):
    pass


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(
    cmd: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    try:
        result = subprocess.run(
            cmd,
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise SetupError(
            f"{' '.join(cmd)} timed out after {timeout:.0f} s in {cwd}"
        ) from exc
    return result


def must(
    cmd: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    result = run(cmd, cwd, env, timeout)
    if result.returncode != 0:
        raise SetupError(
            f"{' '.join(cmd)} failed ({result.returncode}) in {cwd}:\n{result.stdout}\n{result.stderr}"
        )
    return result


# --------------------------------------------------------------------------- variants


def scaffold(base: Path) -> Path:
    log(
        f"scaffold: npm create {CREATE_VITE} app -- --template react-ts --no-interactive"
    )
    must(
        [
            "npm",
            "create",
            "--yes",
            CREATE_VITE,
            "app",
            "--",
            "--template",
            "react-ts",
            "--no-interactive",
        ],
        base,
    )
    app = base / "app"
    log("scaffold: npm install")
    must(["npm", "install", *NPM_FLAGS], app)
    return app


def copy_app(app: Path, dest: Path) -> Path:
    shutil.copytree(app, dest, symlinks=True)
    return dest


def make_ours(app: Path, dest: Path, load: str) -> str:
    copy_app(app, dest)
    env = {**os.environ, "INTERCOM_IDENTITY_SECRET": secrets.token_hex(32)}
    cmd = [
        sys.executable,
        "-m",
        "intercom_wizard",
        "install",
        str(dest),
        "--workspace-id",
        WORKSPACE_ID,
        "--yes",
        "--load",
        load,
    ]
    result = run(cmd, REPO, env)
    # 4 = a manual step is left (e.g. no login/logout function in the bare scaffold); the files are written.
    if result.returncode not in (0, 4):
        raise SetupError(
            f"wizard install --load {load} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    if not (dest / "node_modules/@intercom/messenger-js-sdk/package.json").exists():
        must(["npm", "install", *NPM_FLAGS, "@intercom/messenger-js-sdk"], dest)
    return f"wizard exit {result.returncode}"


def make_react_use_intercom(app: Path, dest: Path) -> str:
    copy_app(app, dest)
    must(["npm", "install", *NPM_FLAGS, "react-use-intercom"], dest)
    main = dest / "src/main.tsx"
    text = main.read_text()
    if "<App />" not in text:
        raise SetupError("react-use-intercom: no <App /> in src/main.tsx")
    text = text.replace(
        "import App from",
        "import { IntercomProvider } from 'react-use-intercom'\nimport App from",
        1,
    )
    text = text.replace(
        "<App />",
        f'<IntercomProvider appId="{WORKSPACE_ID}" autoBoot>\n      <App />\n    </IntercomProvider>',
        1,
    )
    main.write_text(text)
    return ""


def make_bare_sdk(app: Path, dest: Path) -> str:
    copy_app(app, dest)
    must(["npm", "install", *NPM_FLAGS, "@intercom/messenger-js-sdk"], dest)
    app_tsx = dest / "src/App.tsx"
    text = app_tsx.read_text()
    match = re.search(r"function App\(\) \{\n", text)
    if match is None:
        raise SetupError("messenger-js-sdk: no `function App() {` in src/App.tsx")
    text = (
        text[: match.end()]
        + f"  Intercom({{ app_id: '{WORKSPACE_ID}' }})\n"
        + text[match.end() :]
    )
    text = "import Intercom from '@intercom/messenger-js-sdk'\n" + text
    app_tsx.write_text(text)
    return ""


def package_version(app: Path, name: str) -> str:
    try:
        version = json.loads((app / "node_modules" / name / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return "-"
    return version if isinstance(version, str) else "-"


# --------------------------------------------------------------------------- sizes


def first_load_js(dist: Path) -> list[Path]:
    html = (dist / "index.html").read_text()
    refs: list[str] = []
    for tag in re.findall(r"<(?:script|link)\b[^>]*>", html, re.IGNORECASE):
        is_module = re.search(r'type\s*=\s*["\']module["\']', tag, re.IGNORECASE)
        is_preload = re.search(r'rel\s*=\s*["\']modulepreload["\']', tag, re.IGNORECASE)
        src = re.search(r'(?:src|href)\s*=\s*["\']([^"\']+)["\']', tag, re.IGNORECASE)
        if src and (is_module and tag.lower().startswith("<script") or is_preload):
            refs.append(src.group(1))
    files = []
    for ref in refs:
        path = dist / ref.split("?", 1)[0].lstrip("/")
        if path.suffix == ".js" and path.exists() and path not in files:
            files.append(path)
    return files


def gz(data: bytes, level: int) -> int:
    return len(gzip.compress(data, compresslevel=level, mtime=0))


def sizes(files: list[Path]) -> tuple[int, int, int]:
    raw = g9 = g6 = 0
    for path in files:
        data = path.read_bytes()
        raw += len(data)
        g9 += gz(data, 9)
        g6 += gz(data, 6)
    return raw, g9, g6


# --------------------------------------------------------------------------- requests


def serve(dist: Path) -> tuple[http.server.ThreadingHTTPServer, threading.Thread]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(dist), **kwargs)

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _token(self) -> bool:
            if self.path.split("?", 1)[0] != "/api/intercom-jwt":
                return False
            body = b'{"error":"Not signed in"}'
            self.send_response(401)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return True

        def do_GET(self) -> None:
            if not self._token():
                super().do_GET()

        def do_POST(self) -> None:
            if not self._token():
                self.send_error(404)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


def count_requests(browser: Browser, dist: Path, settle_ms: int) -> dict[str, object]:
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    server, thread = serve(dist)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    seen: list[str] = []
    other: list[str] = []

    def handle(route: Route) -> None:
        request_url = route.request.url
        if request_url.startswith(url):
            route.continue_()
        elif INTERCOM_HOST.match(request_url):
            seen.append(request_url)
            route.fulfill(
                status=200, body="", headers={"Content-Type": "application/javascript"}
            )
        else:
            other.append(request_url)
            route.abort()

    context = browser.new_context()
    try:
        page = context.new_page()
        page.route("**/*", handle)
        page.goto(url, wait_until="networkidle", timeout=30000)
        page.wait_for_timeout(settle_ms)
        before = len(seen)
        before_urls = list(seen)
        page.mouse.click(5, 5)
        try:
            page.wait_for_load_state("networkidle", timeout=10000)
        except PlaywrightTimeoutError:
            log("  (no network idle within 10 s after the click; counted anyway)")
        page.wait_for_timeout(settle_ms)
        return {
            "before": before,
            "after": len(seen),
            "urls": before_urls,
            "later": seen[before:],
            "other": len(other),
        }
    finally:
        context.close()
        server.shutdown()
        server.server_close()
        thread.join(5)


# --------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--tmpdir", default=None, help="where to make the temporary directory"
    )
    parser.add_argument(
        "--settle", type=float, default=3.0, help="seconds to wait after network idle"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary directory"
    )
    args = parser.parse_args()

    if shutil.which("npm") is None or not Path(CHROMIUM).exists():
        log(f"needs npm and {CHROMIUM}")
        return 1
    base = Path(tempfile.mkdtemp(prefix="spa-bench-", dir=args.tmpdir))
    try:
        return bench(base, int(args.settle * 1000))
    except SetupError as exc:
        log(f"setup failed: {exc}")
        return 1
    finally:
        if args.keep:
            log(f"kept {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)


def bench(base: Path, settle_ms: int) -> int:
    started = time.monotonic()
    app = scaffold(base)
    variants: dict[str, Path] = {"baseline": app}
    notes: dict[str, str] = {
        "baseline": f"react {package_version(app, 'react')}, vite {package_version(app, 'vite')}"
    }
    for load in LOADS:
        name = f"ours --load {load}"
        log(f"variant: {name}")
        dest = base / f"ours-{load}"
        status = make_ours(app, dest, load)
        variants[name] = dest
        notes[name] = (
            f"{status}; messenger-js-sdk {package_version(dest, '@intercom/messenger-js-sdk')}"
        )
    log("variant: react-use-intercom")
    variants["react-use-intercom"] = base / "react-use-intercom"
    make_react_use_intercom(app, variants["react-use-intercom"])
    notes["react-use-intercom"] = (
        f"react-use-intercom {package_version(variants['react-use-intercom'], 'react-use-intercom')}"
    )
    log("variant: bare messenger-js-sdk")
    variants["messenger-js-sdk (bare)"] = base / "bare-sdk"
    make_bare_sdk(app, variants["messenger-js-sdk (bare)"])
    notes["messenger-js-sdk (bare)"] = (
        f"messenger-js-sdk {package_version(variants['messenger-js-sdk (bare)'], '@intercom/messenger-js-sdk')}"
    )

    for name, root in variants.items():
        log(f"build: {name}")
        must(["npm", "run", "build"], root)

    size_rows = []
    for name, root in variants.items():
        dist = root / "dist"
        first = first_load_js(dist)
        every = sorted(dist.rglob("*.js"))
        raw, g9, g6 = sizes(first)
        _, all9, _ = sizes(every)
        size_rows.append((name, len(first), raw, g9, g6, len(every), all9))
    base_row = size_rows[0]

    log("browser: counting requests to Intercom hosts")
    from playwright.sync_api import sync_playwright

    request_rows = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            try:
                for name, root in variants.items():
                    counts = count_requests(browser, root / "dist", settle_ms)
                    log(
                        f"  {name}: before click {counts['urls']}, after click +{counts['later']}"
                    )
                    request_rows.append(
                        (name, counts["before"], counts["after"], counts["other"])
                    )
            finally:
                browser.close()
    except SetupError:
        raise
    except Exception as exc:
        raise SetupError(f"browser: {exc}") from exc

    print(
        "First-load JavaScript (entry module + modulepreload links of dist/index.html), bytes"
    )
    header = (
        "variant",
        "files",
        "raw",
        "gzip-9",
        "gzip-6",
        "delta gzip-9",
        "delta gzip-6",
        "x react-use-intercom",
        "x bare SDK",
        "all JS files",
        "all JS gzip-9",
    )
    # Ratios of the added first-load bytes (delta gzip-9), paired within this one run.
    added = {row[0]: row[3] - base_row[3] for row in size_rows}
    rows: list[tuple[str, ...]] = [header]
    for name, files, raw, g9, g6, n_all, all9 in size_rows:
        rows.append(
            (
                name,
                str(files),
                str(raw),
                str(g9),
                str(g6),
                f"{g9 - base_row[3]:+d}",
                f"{g6 - base_row[4]:+d}",
                ratio(added[name], added["react-use-intercom"]),
                ratio(added[name], added["messenger-js-sdk (bare)"]),
                str(n_all),
                str(all9),
            )
        )
    print_table(rows)
    print()
    print(
        f"Requests to *.intercom.io / *.intercomcdn.com (network idle + {settle_ms / 1000:g} s; then one click)"
    )
    rows = [("variant", "before interaction", "after one click", "other external")]
    rows += [
        (name, str(before), str(after), str(other))
        for name, before, after, other in request_rows
    ]
    print_table(rows)
    print()
    print("versions: " + "; ".join(f"{name}: {note}" for name, note in notes.items()))
    log(f"done in {time.monotonic() - started:.0f} s")
    return 0


def ratio(value: int, reference: int) -> str:
    return f"{value / reference:.2f}x" if reference > 0 else "-"


def print_table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for index, row in enumerate(rows):
        cells = [
            cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i])
            for i, cell in enumerate(row)
        ]
        print("  ".join(cells).rstrip())
        if index == 0:
            print("  ".join("-" * width for width in widths))


if __name__ == "__main__":
    sys.exit(main())
