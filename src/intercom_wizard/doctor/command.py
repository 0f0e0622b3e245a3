"""The `doctor` command, written to be registered with `app.command("doctor")(doctor)`.

Exit codes: 0 no error-severity finding, 1 at least one, 2 bad input.
"""

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape

from intercom_wizard.errors import BadInput, ExitCode, WizardError
from intercom_wizard.journal import recover
from intercom_wizard.options import Region, parse_endpoint, parse_workspace_id

# The checks (ast-grep, PyJWT, http.client) are imported when doctor runs, not when the CLI starts.
if TYPE_CHECKING:
    from intercom_wizard.doctor.run import DoctorOptions


def doctor(
    path: Annotated[Path, typer.Argument(help="The project folder.")] = Path("."),
    url: Annotated[Optional[str], typer.Option(metavar="URL", help="Also check the running app at this URL (its token endpoint).")] = None,
    origin: Annotated[Optional[str], typer.Option(metavar="ORIGIN", help="The front end's origin when it differs from --url's: checks CORS.")] = None,
    workspace_id: Annotated[Optional[str], typer.Option(metavar="ID", help="Workspace (app) id, or a URL of your workspace.")] = None,
    region: Annotated[Optional[Region], typer.Option(help="Where the workspace is hosted (default: as installed).")] = None,
    endpoint: Annotated[Optional[str], typer.Option(metavar="PATH", help="Path of the token endpoint (default: as installed, else /api/intercom-jwt).")] = None,
    cookie: Annotated[Optional[list[str]], typer.Option("--cookie", metavar="NAME=VALUE", help="A cookie of a signed-in session, for the token checks (repeatable).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable findings on stdout.")] = False,
    secret: Annotated[Optional[str], typer.Option("--secret", "--identity-secret", hidden=True)] = None,
) -> None:
    """Diagnose an installation: static checks on the code, live checks with --url, and reminders.

    The token's signature is checked with INTERCOM_IDENTITY_SECRET from the environment (never an option).
    Exit 0 when no finding is an error, 1 when one is, 2 for bad input.
    """
    from intercom_wizard.doctor.report import render_json, render_table
    from intercom_wizard.doctor.run import run_doctor

    err = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        repaired = recover(path) if path.is_dir() else None  # an interrupted install is finished or undone first
        if repaired:
            err.print(f"note: {escape(repaired)}")
        options = _options(path, url, origin, workspace_id, region, endpoint, cookie or [], secret)
        report = run_doctor(options)
    except WizardError as error:
        err.print(f"[bold red]error:[/] {escape(error.message)}")
        if error.hint:
            err.print(f"[dim]{escape(error.hint)}[/]")
        raise typer.Exit(int(error.exit_code)) from None
    if as_json:
        print(render_json(report))
    else:
        render_table(report, Console(highlight=False))
    raise typer.Exit(int(ExitCode.OK if report.ok else ExitCode.FAILED))


def _options(
    path: Path,
    url: str | None,
    origin: str | None,
    workspace_id: str | None,
    region: Region | None,
    endpoint: str | None,
    cookies: list[str],
    secret: str | None,
) -> "DoctorOptions":
    from intercom_wizard.doctor.live import parse_cookie, parse_origin, parse_url
    from intercom_wizard.doctor.run import SECRET_ENV, DoctorOptions

    if secret is not None:
        raise BadInput(
            "The identity secret is never accepted as a command-line value: it would be kept in your shell history.",
            hint=f"export {SECRET_ENV}=... before running doctor.",
        )
    if url is None and (cookies or origin):
        raise BadInput("--cookie and --origin are for the live checks: they need --url.")
    workspace = parse_workspace_id(workspace_id) if workspace_id is not None else None
    return DoctorOptions(
        path=path,
        url=parse_url(url) if url is not None else None,
        origin=parse_origin(origin) if origin is not None else None,
        workspace_id=workspace.id if workspace is not None else None,
        region=region or (workspace.region_hint if workspace is not None else None),
        endpoint=parse_endpoint(endpoint) if endpoint is not None else None,
        cookies=tuple(parse_cookie(c) for c in cookies),
        secret=os.environ.get(SECRET_ENV, "").strip() or None,
    )
