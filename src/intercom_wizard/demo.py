"""`intercom-wizard demo`: the whole job on the bundled sample app, end to end, on 127.0.0.1."""

import json
import os
import secrets
import shutil
import sys
import tempfile
from importlib import resources
from pathlib import Path

from rich.console import Console
from rich.table import Table

from intercom_wizard.apply import apply_changes
from intercom_wizard.localserver import BrowserlessClient, free_port, running_server
from intercom_wizard.options import InstallOptions, parse_workspace_id
from intercom_wizard.planner import make_plan
from intercom_wizard.project import detect
from intercom_wizard.tokens import check

DEMO_WORKSPACE_ID = "demo1234"
SAMPLE = "flask_notes"
USERNAME, PASSWORD = "alice", "wonderland"


def copy_sample(destination: Path) -> Path:
    sample = resources.files("intercom_wizard").joinpath("samples", SAMPLE)
    with resources.as_file(sample) as source:
        shutil.copytree(source, destination, ignore=shutil.ignore_patterns("__pycache__", "instance"))
    return destination


def run_demo(console: Console, *, keep: bool = False) -> int:
    try:
        import flask  # noqa: F401
    except ImportError:
        console.print("[red]The demo runs a Flask app:[/] pip install 'intercom-wizard[demo]' (or pip install flask).")
        return 2
    # The demo's own throwaway secret unless the user exported one; it is never printed.
    secret = os.environ.get("INTERCOM_IDENTITY_SECRET") or secrets.token_urlsafe(32)
    workdir = Path(tempfile.mkdtemp(prefix="intercom-wizard-demo-"))
    app_dir = copy_sample(workdir / SAMPLE)
    try:
        console.print(f"[bold]1. Sample app[/] (Flask, login with {USERNAME}/{PASSWORD}) copied to {app_dir}")
        plan = make_plan(detect(app_dir), InstallOptions(workspace=parse_workspace_id(DEMO_WORKSPACE_ID)), secret)
        apply_changes(detect(app_dir).tree, plan.changes)
        console.print(f"[bold]2. Installed[/] ({plan.frontend} on {plan.backend}):")
        for change in plan.changes:
            console.print(f"   {change.action:7} {change.path}")
        port = free_port()
        command = [sys.executable, "-m", "flask", "--app", "flaskr", "run", "--host", "127.0.0.1", "--port", str(port)]
        with running_server(command, app_dir, port, {"INTERCOM_IDENTITY_SECRET": secret}):
            base_url = f"http://127.0.0.1:{port}"
            console.print(f"[bold]3. Serving[/] {base_url}/ — HTTP checks:")
            results = exercise(base_url, secret)
            table = Table("check", "result", "evidence")
            for name, ok, evidence in results:
                table.add_row(name, "[green]pass[/]" if ok else "[red]FAIL[/]", evidence)
            console.print(table)
            console.print("[bold]4. In the browser[/] (headless Chromium, offline Messenger stand-in): sign in, navigate, sign out")
            browser_passed = verify_in_browser(console, base_url, secret)
        passed = all(ok for _, ok, _ in results) and browser_passed
        console.print("[bold green]Demo passed.[/]" if passed else "[bold red]Demo failed.[/]")
        return 0 if passed else 1
    finally:
        if keep:
            console.print(f"Kept {app_dir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def verify_in_browser(console: Console, base_url: str, secret: str) -> bool:
    from intercom_wizard.verify import BrowserUnavailable, Logout, SignIn, run_verification

    try:
        report = run_verification(
            base_url + "/",
            workspace_id=DEMO_WORKSPACE_ID,
            secret=secret,
            sign_in=SignIn(login_url="/auth/login", username=USERNAME, password=PASSWORD),
            logout=Logout(url="/auth/logout"),
            navigate="/notes/about",
        )
    except BrowserUnavailable as missing:
        console.print(f"[red]Browser verification could not run:[/] {missing}")
        return False
    report.render(console)
    return report.exit_code == 0


def exercise(base_url: str, secret: str) -> list[tuple[str, bool, str]]:
    """Sign in through the login form, fetch and check the token, sign out; what a browser would do."""
    client = BrowserlessClient(base_url)
    results: list[tuple[str, bool, str]] = []
    page = client.get("/")
    results.append(("Messenger script on the page", "intercom-messenger.js" in page.body, f"GET / -> {page.status}"))
    script = client.get("/static/intercom-messenger.js")
    results.append(("script has the workspace id", f"'{DEMO_WORKSPACE_ID}'" in script.body and secret not in script.body, f"{len(script.body)} bytes, no secret"))
    anonymous = client.get("/api/intercom-jwt")
    results.append(("signed out: 401", anonymous.status == 401, f"HTTP {anonymous.status}"))
    client.post_form("/auth/login", {"username": USERNAME, "password": PASSWORD})
    signed_in = client.get("/api/intercom-jwt")
    try:
        claims = check(json.loads(signed_in.body)["token"], secret)
        ok, evidence = signed_in.status == 200, f"user_id={claims['user_id']} email={claims.get('email')} exp in {claims['exp'] - claims['iat']} s"
    except Exception as exc:  # any failure here is the finding to report
        ok, evidence = False, f"HTTP {signed_in.status}: {exc}"
    results.append(("signed in: token verifies (HS256, user_id, exp)", ok, evidence))
    no_store = "no-store" in signed_in.headers.get("Cache-Control", "")
    results.append(("token response not cached", no_store, signed_in.headers.get("Cache-Control", "(none)")))
    client.get("/auth/logout")
    after = client.get("/api/intercom-jwt")
    results.append(("signed out again: 401", after.status == 401, f"HTTP {after.status}"))
    leaked = any(secret in reply.body for reply in (page, script, anonymous, signed_in, after))
    results.append(("secret in no response", not leaked, "checked every body above"))
    return results
