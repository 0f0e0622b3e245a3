"""The steps of `install` between reading its options and writing files: the project guard (lock and
journal recovery), the identity secret, the endpoint check, planning with the user's choices where the
project is ambiguous, and the package-manager installs afterwards.

Kept apart from cli.py so the Typer commands stay a readable list of steps; the pipeline modules are
imported inside the functions that use them, so importing the command line stays light (issue 14).
"""

import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from intercom_wizard.cli_output import err, escape
from intercom_wizard.errors import Ambiguous, BadInput, Candidate
from intercom_wizard.options import AuthMode, ClientAuth, InstallOptions, parse_secret

if TYPE_CHECKING:
    from intercom_wizard.plan import Plan
    from intercom_wizard.project import Project

SECRET_ENV = "INTERCOM_IDENTITY_SECRET"


def guard_project(ctx: typer.Context | None, path: Path) -> None:
    """Take the project's lock for the command of `ctx` (install and uninstall pass theirs) and finish or
    roll back a run that was interrupted, before anything reads the project."""
    if not path.is_dir():
        return  # the command's own check names the problem
    from intercom_wizard.lock import ProjectLock, journal_left_behind

    if ctx is not None:  # released when the command ends, however it ends
        held = ProjectLock.acquire(path)
        ctx.call_on_close(held.release)
    if not journal_left_behind(path):
        return  # nothing to recover: journal (with its classes) is not imported (start-up time, issue 14)
    from intercom_wizard.journal import recover

    message = recover(path)
    if message:
        err.print(f"note: {escape(message)}")


def read_secret(interactive: bool) -> str | None:
    # Surrounding spaces and the final newline of `export X=$(cat file)` are trimmed, nothing inside.
    secret = os.environ.get(SECRET_ENV, "").strip(" \n")
    if secret:
        return parse_secret(secret)
    if interactive:
        typed = typer.prompt(
            "Identity verification secret (Messenger Security page; Enter to skip)",
            default="",
            hide_input=True,
            show_default=False,
        ).strip(" \n")
        return parse_secret(typed) if typed else None
    return None


def check_endpoint_is_free(project: "Project", options: InstallOptions) -> None:
    from intercom_wizard.routes import existing_route

    if options.mode is not AuthMode.SECURE:
        return
    route = existing_route(project.tree, options.endpoint, project.receipt)
    if route is not None:
        raise BadInput(
            f"--endpoint {options.endpoint} is already a route of the app ({route}): the token endpoint would shadow it, or be shadowed by it.",
            hint="Choose a path the app does not use, e.g. /api/intercom-jwt.",
        )


def parse_auth_scheme(value: str) -> str:
    if value not in ("Bearer", "Token", "JWT"):
        raise BadInput(f"{value!r} is not an Authorization scheme the wizard knows.", hint="Use Bearer, Token or JWT.")
    return value


def plan_with_choices(project: "Project", options: InstallOptions, secret: str | None, interactive: bool) -> "Plan":
    from intercom_wizard.planner import make_plan

    while True:
        try:
            return make_plan(project, options, secret)
        except Ambiguous as ambiguous:
            if not interactive and ambiguous.role == "auth":  # an option the user must give: bad input
                raise BadInput(ambiguous.message, hint=ambiguous.hint) from None
            if not interactive:
                raise
            options = apply_choice(options, ask_choice(ambiguous))


def ask_choice(ambiguous: Ambiguous) -> Candidate:
    """Show the candidates (numbered, from their data) and return the one the answer names."""
    err.print(escape(ambiguous.message))
    for number, candidate in enumerate(ambiguous.candidates, start=1):
        err.print(f"  {number}. {escape(candidate.display)}")
    what = ambiguous.role.replace("_", " ")
    offered = f" ({', '.join(dict.fromkeys(c.name for c in ambiguous.candidates))})" if ambiguous.candidates else ""
    answer = typer.prompt(f"Which {what}?{offered}")
    chosen = ambiguous.choice(answer)
    if chosen is None:
        raise BadInput(f"{answer.strip()!r} is not one of the {what} choices listed.", hint="Answer with a number from the list, or pass the choice as an option.")
    return chosen


def apply_choice(options: InstallOptions, chosen: Candidate) -> InstallOptions:
    if chosen.kind == "backend":
        return replace(options, backend=chosen.name, backend_root=chosen.root)
    if chosen.kind == "frontend":
        return replace(options, frontend=chosen.name, frontend_root=chosen.root)
    if chosen.kind == "auth":
        return replace(options, auth=ClientAuth(chosen.name))
    return replace(options, token_storage_key=chosen.name)


def install_dependencies(project: "Project", plan: "Plan", *, run: bool, quiet: bool, secret: str | None = None, npm: bool = True) -> list[dict[str, object]]:
    """Install what the plan declared with the project's own package manager; what could not be installed
    becomes a manual step (the code is right, only the library is missing), so the result is incomplete.
    `npm=False`: only the other ecosystems (a re-run with nothing to do leaves node_modules alone)."""
    from intercom_wizard import packages
    from intercom_wizard.plan import ManualStep

    results = []
    for job in packages.plan_installs(project.tree.root, packages.to_install(plan, project.receipt, npm=npm)):
        if not run:
            if not quiet:
                err.print(f"Skipped the package manager (--no-install): install {escape(job.names)} with [bold]{escape(job.shown)}[/]")
            results.append(packages.InstallOutcome(job, "skipped").to_json())
            continue
        outcome = packages.run_job(project.tree.root, job, secret)
        results.append(outcome.to_json())
        if not quiet:
            status = {"installed": "[green]done[/]", "failed": f"[red]failed[/]\n{escape(outcome.output)}"}.get(outcome.outcome, f"[yellow]not run[/] ({escape(job.unavailable or '')})")
            err.print(f"{escape(job.shown)}: {status}")
        if outcome.outcome != "installed":
            plan.manual_steps.append(ManualStep(job.manifest, packages.manual_instruction(outcome), job.shown))
    return results
