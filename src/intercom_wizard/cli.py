"""The `intercom-wizard` command line: install, uninstall, detect, token, demo.

The Typer commands and their options live here; what they print is in cli_output.py and the steps of
`install` (project guard, secret, choices, package installs) in install_flow.py.
"""

import gc
import json
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from intercom_wizard import __version__
from intercom_wizard.cli_coercion import PlainValuesGroup
from intercom_wizard.cli_output import err, escape, fail, finish, show_detection, show_plan, show_summary
from intercom_wizard.errors import EXIT_CODE_HELP, BadInput, ExitCode, WizardError
from intercom_wizard.install_flow import (
    SECRET_ENV,
    check_endpoint_is_free,
    guard_project,
    install_dependencies,
    parse_auth_scheme,
    plan_with_choices,
    read_secret,
)
from intercom_wizard.integrations import BACKEND_NAMES, FRONTEND_NAMES
from intercom_wizard.options import (
    AuthMode,
    ClientAuth,
    Endpoint,
    InstallOptions,
    LoadStrategy,
    Region,
    TokenEncoding,
    parse_folder,
    parse_origin,
    parse_storage_key,
    parse_workspace_id,
)

# Only what every command needs is imported above: the pipeline (detection, planning, ast-grep),
# PyJWT and rich.syntax are imported inside the commands (and install_flow's steps) that use them, so `--help` stays quick
# (and `--version` is answered by intercom_wizard.entry before this module is imported at all).



def _new_app() -> typer.Typer:
    return typer.Typer(
        help="Install the Intercom Messenger with server-signed JWT identity verification.",
        epilog=EXIT_CODE_HELP,
        no_args_is_help=True,
        add_completion=False,
        rich_markup_mode=None,
        cls=PlainValuesGroup,  # option values coerced without pydantic (start-up time, issue 14)
    )


# This module's own commands; `app` (below) is all of them with verify and doctor, whose modules load
# only when one of them runs, `--help` lists them, or something imports `app`.
wizard = _new_app()

PathArg = Annotated[Path, typer.Argument(help="The project folder.", show_default=True)]


def refuse_secret_argument(value: Optional[str]) -> None:
    if value is not None:
        fail(
            BadInput(
                "The identity secret is never accepted as a command-line value: it would be kept in your shell "
                "history and be visible to other processes.",
                hint=f"export {SECRET_ENV}=... before running the wizard, or type it at the hidden prompt.",
            )
        )


def is_interactive(yes: bool) -> bool:
    return not yes and sys.stdin.isatty()


@wizard.command(epilog=EXIT_CODE_HELP)
def install(
    ctx: typer.Context,
    path: PathArg = Path("."),
    workspace_id: Annotated[Optional[str], typer.Option(help="Workspace (app) id, e.g. abc12345, or a URL of your workspace.")] = None,
    region: Annotated[Optional[Region], typer.Option(help="Where the workspace is hosted.")] = None,
    endpoint: Annotated[str, typer.Option(help="Path of the token endpoint, or its full http(s) URL when the front end calls an API on another origin.")] = "/api/intercom-jwt",
    frontend: Annotated[Optional[str], typer.Option(help=f"Front end to install (skips detection): {', '.join(FRONTEND_NAMES)}.")] = None,
    backend: Annotated[Optional[str], typer.Option(help=f"Back end to install (skips detection): {', '.join(BACKEND_NAMES)}, none.")] = None,
    frontend_root: Annotated[Optional[str], typer.Option(metavar="FOLDER", help="Which detected front end to install when there are several: its folder, e.g. apps/web in a monorepo.")] = None,
    backend_root: Annotated[Optional[str], typer.Option(metavar="FOLDER", help="Which detected back end gets the token endpoint when there are several: its folder, e.g. apps/api in a monorepo.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the plan and diff; write nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable plan and result on stdout.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="No prompts: apply, or fail where a choice is needed.")] = False,
    no_install: Annotated[bool, typer.Option("--no-install", help="Edit manifests but do not run the package manager.")] = False,
    allow_dirty: Annotated[bool, typer.Option("--allow-dirty", help="Edit files that have uncommitted changes.")] = False,
    insecure: Annotated[bool, typer.Option("--insecure", help="Only on explicit request: no identity verification.")] = False,
    auth: Annotated[Optional[ClientAuth], typer.Option(help="How the front end authenticates API calls (default: detected).")] = None,
    token_storage_key: Annotated[Optional[str], typer.Option(help="localStorage key of the app's access token (bearer auth).")] = None,
    auth_scheme: Annotated[str, typer.Option(help="Authorization scheme of the app's access token: Bearer or Token.")] = "Bearer",
    token_storage_encoding: Annotated[Optional[TokenEncoding], typer.Option(help="How the access token is stored: raw, or base64 (btoa) to decode before sending (default: detected).")] = None,
    frontend_origin: Annotated[Optional[str], typer.Option(help="Origin of the pages when it differs from the API's (adds CORS to the token endpoint).")] = None,
    load: Annotated[LoadStrategy, typer.Option(help="When single-page apps load the Messenger: at once, when idle, or on first interaction.")] = LoadStrategy.IMMEDIATE,
    csp_nonce: Annotated[bool, typer.Option("--csp-nonce", help="The site sends a nonce-based Content Security Policy: give the Messenger's script the request's nonce (Next.js: write the proxy that sends one).")] = False,
    upgrade: Annotated[bool, typer.Option("--upgrade", help="Convert Intercom code written by hand (classic snippet, user_hash) to JWT identity verification in place; `uninstall` restores it.")] = False,
    check_build: Annotated[bool, typer.Option("--check-build", help="Run the project's own build/type-check script (from package.json) before and after; undo the install when it made that fail.")] = False,
    secret: Annotated[Optional[str], typer.Option("--secret", "--identity-secret", hidden=True)] = None,
) -> None:
    """Plan the installation, show the diff, and apply it when confirmed (or with --yes)."""
    # apply, gitstate and outputcheck (which loads the version tables and `packaging`) are imported
    # below, once the command is past --dry-run: a dry run never needs them (issue 14).
    from intercom_wizard.plan import Note
    from intercom_wizard.project import detect
    from intercom_wizard.tree import MAX_FILE_BYTES

    refuse_secret_argument(secret)
    interactive = is_interactive(yes)
    try:
        if workspace_id is None:
            if not interactive:
                raise BadInput("--workspace-id is required.", hint="Find it in the URL of your workspace: app.intercom.com/a/apps/<id>/...")
            workspace_id = typer.prompt("Intercom workspace id (or a URL of your workspace)")
        workspace = parse_workspace_id(workspace_id)
        if insecure:
            err.print(
                "[bold red]WARNING:[/] --insecure installs the Messenger WITHOUT identity verification: anyone can "
                "impersonate any of your users from the browser console. Use it only if you explicitly accept that."
            )
        options = InstallOptions(
            workspace=workspace,
            region=region or workspace.region_hint or Region.US,
            endpoint=Endpoint.parse(endpoint),
            mode=AuthMode.INSECURE if insecure else AuthMode.SECURE,
            frontend=frontend,
            frontend_root=parse_folder(frontend_root) if frontend_root is not None else None,
            backend=backend,
            backend_root=parse_folder(backend_root, "--backend-root") if backend_root is not None else None,
            frontend_origin=parse_origin(frontend_origin) if frontend_origin else None,
            auth=auth,
            token_storage_key=parse_storage_key(token_storage_key) if token_storage_key else None,
            auth_scheme=parse_auth_scheme(auth_scheme),
            token_storage_encoding=token_storage_encoding,
            load=load,
            csp_nonce=csp_nonce,
            upgrade=upgrade,
        )
        guard_project(None if dry_run else ctx, path)
        project = detect(path)
        check_endpoint_is_free(project, options)
        identity_secret = None if insecure else read_secret(interactive and not dry_run)
        plan = plan_with_choices(project, options, identity_secret, interactive)
        plan.notes += [
            Note(f"{skipped} was not read: {size // (1024 * 1024)} MiB is over the {MAX_FILE_BYTES // (1024 * 1024)} MiB limit for project files.")
            for skipped, size in project.tree.skipped_large
        ]
        plan.notes += [Note(f"{link} was not read: it links to {target}, a file of another package of the workspace.") for link, target in project.tree.skipped_links]
    except WizardError as error:
        fail(error)
    if as_json:
        result = plan.to_json()
    else:
        show_plan(plan)
    if plan.is_empty:
        if not as_json:
            err.print("[green]Nothing to do:[/] Intercom is already installed as planned.")
        # A library an earlier run could not install is still missing: install it now, or say so again.
        installs = install_dependencies(project, plan, run=True, quiet=as_json, secret=identity_secret, npm=False) if not (dry_run or no_install) else []
        if as_json:
            print(json.dumps(plan.to_json() | {"applied": False, "status": "nothing to do", "package_manager": installs}, indent=2))
        finish(plan, as_json=as_json)
    if dry_run:
        if as_json:
            print(json.dumps(result | {"applied": False, "status": "dry run"}, indent=2))
        finish(plan, as_json=as_json, dry_run=True)
    if not yes:
        if not interactive:
            fail(BadInput("Confirmation needed and there is no terminal to ask on.", hint="Review the plan with --dry-run, then run again with --yes."))
        if not typer.confirm("Apply these changes?", default=True):
            err.print("Nothing was changed.")
            raise typer.Exit(int(ExitCode.OK))
    from intercom_wizard.apply import apply_changes
    from intercom_wizard.gitstate import ensure_clean
    from intercom_wizard.outputcheck import ensure_parses

    try:
        if not allow_dirty:
            ensure_clean(project.tree, [c.path for c in plan.changes if c.action == "modify"])
        checked = ensure_parses(project.tree, plan.changes)  # our own output, before anything is written
        builds = None
        if check_build:  # checkbuild (with the package installer and uninstall) loads only for --check-build
            from intercom_wizard.checkbuild import BuildCheck

            builds = BuildCheck.start(project.tree, plan.changes)
        applied = apply_changes(project.tree, plan.changes)
    except WizardError as error:
        fail(error)
    for reason in checked.not_checked:
        err.print(f"note: {escape(reason)}")
    installs = install_dependencies(project, plan, run=not no_install, quiet=as_json, secret=identity_secret)
    if builds is not None:
        builds.finish(run_package_manager=not no_install)
        for line in builds.report():
            err.print(escape(line))
        if builds.rolled_back:
            from intercom_wizard.checkbuild import BuildBroken

            if as_json:
                print(json.dumps(result | {"applied": False, "status": "rolled back: the install made the build fail", "check_build": builds.to_json()}, indent=2))
            fail(BuildBroken("The install made the project's build fail, so it was undone: every file is as it was.", hint="The output above names the error; please report it with `intercom-wizard detect` output."))
    if as_json:
        result = plan.to_json()  # a package that failed to install is a manual step now
        extra = {"check_build": builds.to_json()} if builds is not None else {}
        print(json.dumps(result | {"applied": True, "status": "applied", "written": applied.written, "package_manager": installs} | extra, indent=2))
    else:
        show_summary(plan)
    finish(plan, as_json=as_json)


@wizard.command()
def uninstall(
    ctx: typer.Context,
    path: PathArg = Path("."),
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be removed; write nothing.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="No prompts.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable plan on stdout.")] = False,
    no_install: Annotated[bool, typer.Option("--no-install", help="Do not run the package manager to prune removed dependencies.")] = False,
) -> None:
    """Remove exactly what install added; files edited since are reported, not clobbered."""
    from intercom_wizard.apply import apply_changes
    from intercom_wizard.integrations.backends.npm_common import package_manager
    from intercom_wizard.lockfiles import keeps_a_lockfile, restore_lockfiles
    from intercom_wizard.packages import run_install
    from intercom_wizard.plan import DependencyChange
    from intercom_wizard.receipt import load_receipt
    from intercom_wizard.tree import ProjectTree, folder_of
    from intercom_wizard.uninstall import make_uninstall_plan

    try:
        guard_project(None if dry_run else ctx, path)
        tree = ProjectTree(path)
        plan = make_uninstall_plan(tree)
        original_lockfiles = receipt.lockfiles if (receipt := load_receipt(tree)) else {}
    except WizardError as error:
        fail(error)
    if as_json:
        print(plan.render_json())
    else:
        show_plan(plan)
    if dry_run:
        raise typer.Exit(0)
    if not yes and not (sys.stdin.isatty() and typer.confirm("Remove these changes?", default=True)):
        fail(BadInput("Not confirmed; nothing was changed.", hint="Run again with --yes."))
    try:
        apply_changes(tree, plan.changes)
    except WizardError as error:
        fail(error)
    manifests = [c.path for c in plan.changes if c.action == "modify" and Path(c.path).name == "package.json"]
    for manifest in manifests:
        folder = folder_of(manifest)
        if not keeps_a_lockfile(tree, manifest):
            continue  # no lockfile to bring back in line
        change = DependencyChange("npm", "", "", manifest, package_manager(tree, folder))
        if no_install:
            err.print(f"Skipped the package manager (--no-install): run [bold]{change.package_manager} install[/] in {escape(folder or '.')} to prune the lockfile.")
            continue
        ok, output = run_install(tree.root, change)
        err.print(f"{change.package_manager} install (prunes the removed dependency): " + ("[green]done[/]" if ok else f"[red]failed[/]\n{escape(output)}"))
    for line in restore_lockfiles(tree, original_lockfiles):  # after the prune: what it rewrote goes back too
        err.print(escape(line))
    if not as_json:
        err.print("[green]Uninstalled.[/]")


@wizard.command("detect")
def detect_command(
    path: PathArg = Path("."),
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Show what was found: front ends, back ends, package managers, auth, existing Intercom code."""
    from intercom_wizard.project import detect

    try:
        guard_project(None, path)
        project = detect(path)
        report = project.to_json()
    except WizardError as error:
        fail(error)
    if as_json:
        print(json.dumps(report, indent=2))
        return
    show_detection(report)


@wizard.command()
def token(
    user_id: Annotated[str, typer.Option(help="The user_id claim.")],
    email: Annotated[Optional[str], typer.Option(help="The email claim.")] = None,
    name: Annotated[Optional[str], typer.Option(help="The name claim.")] = None,
    expires_in: Annotated[int, typer.Option(help="Lifetime in seconds.", min=1, max=86400)] = 7200,
) -> None:
    """Mint a token with INTERCOM_IDENTITY_SECRET, for debugging."""
    from intercom_wizard.tokens import mint  # PyJWT

    secret = os.environ.get(SECRET_ENV)
    if not secret:
        fail(BadInput(f"{SECRET_ENV} is not set.", hint=f"export {SECRET_ENV}=... (from the Messenger Security page) and run again."))
    print(mint(secret, user_id, email, name, expires_in))


@wizard.command()
def demo(
    keep: Annotated[bool, typer.Option(help="Keep the sample app's folder and print where it is.")] = False,
) -> None:
    """Install into the bundled sample app, serve it on 127.0.0.1, sign in and check the token."""
    from intercom_wizard.demo import run_demo

    raise typer.Exit(run_demo(err, keep=keep))


def full_app() -> typer.Typer:
    """Every command, verify and doctor included (registered once, after this module's own)."""
    if not any(info.name == "verify" for info in wizard.registered_commands):
        from intercom_wizard.doctor.command import doctor
        from intercom_wizard.verify.command import verify

        wizard.command("verify", epilog=EXIT_CODE_HELP)(verify)
        wizard.command("doctor", epilog=EXIT_CODE_HELP)(doctor)
    return wizard


def __getattr__(name: str) -> typer.Typer:
    """`intercom_wizard.cli.app`: the full app, built on first use (PEP 562)."""
    if name == "app":
        return full_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def app_for(arguments: list[str]) -> typer.Typer:
    """The app to run `arguments` with: only the invoked command when it is one of this module's.

    Typer builds the options of every registered command before it parses anything (about 10 ms for
    all seven here, 2 ms for one), and verify and doctor import their modules (about 15 ms). A group
    with the one command and the same root callback parses, helps and fails exactly as the full app
    does for that command; anything else (no command, an option first, an unknown name) gets the full app.
    """
    if arguments and not arguments[0].startswith("-"):
        own = [info for info in wizard.registered_commands if _command_name(info) == arguments[0]]
        if own:
            single = _new_app()
            single.registered_commands = own
            single.registered_callback = wizard.registered_callback
            return single
    return full_app()


def _command_name(info: typer.models.CommandInfo) -> str:
    return info.name or (info.callback.__name__.replace("_", "-") if info.callback else "")


def version_callback(value: bool) -> None:
    if value:
        print(f"intercom-wizard {__version__}")
        raise typer.Exit()


@wizard.callback()
def root(
    version: Annotated[Optional[bool], typer.Option("--version", callback=version_callback, is_eager=True, help="Show the version.")] = None,
) -> None:
    """Install the Intercom Messenger with server-signed JWT identity verification."""


def main() -> None:
    try:
        app_for(sys.argv[1:])()
    finally:
        # The process ends here: moving every object into the permanent generation spares the
        # interpreter's garbage collections at shutdown over the tens of thousands of objects the run
        # made (about 0.03 s of CPU on the bench tree, issue 14); the exit frees the memory all the same.
        # Nothing of ours relies on a finaliser those collections would run (files close in `with`,
        # the project lock is released by the command's context).
        gc.freeze()
