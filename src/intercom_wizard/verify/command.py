"""`intercom-wizard verify URL`: the command-line face of run_verification.

Register with `app.command("verify")(verify)`. Typer ignores return values, so when Typer runs it
(and passes its context as `ctx`) it exits with the code; called from Python (ctx None) it returns
the code. Either way: 0 = every applicable check passed, 1 = a check failed (or no browser),
2 = bad input.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape

from intercom_wizard.errors import BadInput, ExitCode, WizardError
from intercom_wizard.options import Region, parse_workspace_id
from intercom_wizard.verify.recorded_endpoint import recorded_endpoint
from intercom_wizard.verify.settings import ACCESS_TOKEN_ENV, SECRET_ENV, Logout, SignIn, VerifyOptions, parse_cookie, parse_user


def _finish(code: int, ctx: typer.Context | None) -> int:
    if ctx is not None:
        raise typer.Exit(code)
    return code


def verify(
    url: Annotated[str, typer.Argument(help="The page to verify, e.g. http://127.0.0.1:5000/")],
    workspace_id: Annotated[str, typer.Option(help="Workspace (app) id the page must load, e.g. abc12345, or a workspace URL.")],
    region: Annotated[Optional[Region], typer.Option(help="Where the workspace is hosted: the api_base the Messenger must use.")] = None,
    endpoint: Annotated[
        Optional[str],
        typer.Option(help="Path (or URL) of the token endpoint. Default: what the install recorded in --project (its receipt, the API base its core uses), else /api/intercom-jwt."),
    ] = None,
    project: Annotated[
        Optional[Path],
        typer.Option(help="The folder install ran in, whose receipt (.intercom-wizard.json) says where the token endpoint is. Default: the current folder, when it has one."),
    ] = None,
    login_url: Annotated[Optional[str], typer.Option(help="Page with the login form (fill the form that has a password field).")] = None,
    username: Annotated[Optional[str], typer.Option(help="Username or email for the login form.")] = None,
    password: Annotated[Optional[str], typer.Option(help="Password for the login form (a test account).")] = None,
    user: Annotated[Optional[list[str]], typer.Option(help="A test account NAME:PASSWORD for the login form (repeatable; two users are checked to get different, stable ids).")] = None,
    username_selector: Annotated[Optional[str], typer.Option(help="CSS selector of the username field.")] = None,
    password_selector: Annotated[Optional[str], typer.Option(help="CSS selector of the password field.")] = None,
    submit_selector: Annotated[Optional[str], typer.Option(help="CSS selector of the submit button.")] = None,
    cookie: Annotated[Optional[list[str]], typer.Option(help="Sign in with a session cookie NAME=VALUE (repeatable).")] = None,
    storage_state: Annotated[Optional[Path], typer.Option(help="Sign in with a Playwright storage state file.")] = None,
    logout_url: Annotated[Optional[str], typer.Option(help="URL that signs out (opened like a link).")] = None,
    logout_selector: Annotated[
        Optional[list[str]],
        typer.Option(
            help="CSS selector of the sign-out button or link (with --logout-url: the button on that sign-out page). "
            "Repeatable: clicked in order, e.g. an account menu, then its Log out item."
        ),
    ] = None,
    navigate: Annotated[Optional[str], typer.Option(help="Path for a client-side route change (history.pushState); expects an update.")] = None,
    no_reload: Annotated[
        bool,
        typer.Option(
            "--no-reload",
            help="The app keeps its sign-in only in memory (a store, React state), so a page load signs it out: after each "
            "form sign-in, check the page the sign-in left instead of loading the page again.",
        ),
    ] = False,
    visit: Annotated[
        Optional[list[str]],
        typer.Option(help="Path to reach by clicking its link, in one tab (repeatable): Turbo/htmx/Inertia/Livewire apps; expects one boot per identity and one update per visit."),
    ] = None,
    live: Annotated[bool, typer.Option("--live", help="Do not intercept: let the real Messenger load (needs network access).")] = False,
    api_token: Annotated[Optional[str], typer.Option(help=f"Intercom access token for the API check (or {ACCESS_TOKEN_ENV}); with --live.")] = None,
    anonymous_only: Annotated[
        bool,
        typer.Option("--anonymous-only", help="The install is anonymous-only (a site without sign-in): expect no token endpoint, and a page that asks none."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON on stdout.")] = False,
    screenshot: Annotated[Optional[Path], typer.Option(help="Save a PNG of the page (signed in, when signing in).")] = None,
    # Typer passes its context only to a parameter annotated exactly `typer.Context` (not Optional), so the
    # None default for Python callers cannot be spelled in the annotation.
    ctx: typer.Context = None,  # type: ignore[assignment]
) -> int:
    """Prove the installation in headless Chromium: signed out, signed in, navigating, signing out.

    Offline by default: the Messenger is replaced by a stand-in whose pings are checked against
    INTERCOM_IDENTITY_SECRET exactly as enforced identity verification would.
    """
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        workspace = parse_workspace_id(workspace_id)
        accounts = ([(username, password)] if username is not None or password is not None else []) + [parse_user(value) for value in user or ()]
        if user and login_url is None:
            raise BadInput("--user needs --login-url (the page with the login form).")
        users = tuple(
            SignIn(login_url=login_url, username=name, password=secret_word, username_selector=username_selector,
                   password_selector=password_selector, submit_selector=submit_selector)
            for name, secret_word in accounts
        )
        username, password = accounts[0] if accounts else (None, None)
        # --endpoint overrides; without it the install's own record says where the endpoint is (recorded_endpoint.py).
        recorded = None if endpoint is not None else recorded_endpoint(project or Path.cwd(), required=project is not None)
        options = VerifyOptions(
            url=url,
            workspace_id=workspace.id,
            secret=os.environ.get(SECRET_ENV, "").strip(),
            region=region or workspace.region_hint or Region.US,
            endpoint=endpoint or (recorded.endpoint if recorded else "/api/intercom-jwt"),
            recorded=recorded,
            sign_in=SignIn(
                login_url=login_url,
                username=username,
                password=password,
                username_selector=username_selector,
                password_selector=password_selector,
                submit_selector=submit_selector,
                cookies=tuple(parse_cookie(value) for value in cookie or ()),
                storage_state=storage_state,
            ),
            logout=Logout(url=logout_url, selectors=tuple(logout_selector or ())),
            navigate=navigate,
            no_reload=no_reload,
            visits=tuple(visit or ()),
            live=live,
            api_token=api_token or os.environ.get(ACCESS_TOKEN_ENV) or None,
            screenshot=screenshot,
            users=users,
            anonymous_only=anonymous_only,
        )
        from intercom_wizard.verify.runner import verify_options  # the browser side: imported only to run

        report = verify_options(options)
    except WizardError as error:
        err.print(f"[bold red]error:[/] {escape(error.message)}")
        if error.hint:
            err.print(f"[dim]{escape(error.hint)}[/]")
        return _finish(int(error.exit_code), ctx)
    if as_json:
        print(report.dumps())
    else:
        console = Console(highlight=False)
        # Logs and pipes get a readable width instead of Rich's 80 columns.
        report.render(console if console.is_terminal else Console(highlight=False, width=140))
    return _finish(int(ExitCode.OK if report.passed else ExitCode.FAILED), ctx)
