"""What the command line prints: the consoles, errors, the plan and its diff, the summary after an install,
the result line with its exit code, and the `detect` report.

Kept apart from cli.py (the Typer commands and their options) so each command reads as its steps; like
cli.py it imports only Typer at import time: Rich loads when something is printed through it (a `--json`
run that succeeds prints only JSON and never imports it), rich.syntax only when a diff is coloured.
"""

import os
import re
import sys
from typing import TYPE_CHECKING, Any, NoReturn, cast

import typer

from intercom_wizard.errors import ExitCode, WizardError

if TYPE_CHECKING:
    from rich.console import Console

    from intercom_wizard.plan import Plan


# The style tags this module's own messages use. A line made of these around plain text is written as
# Rich would write it to a stream that is not a terminal: the text alone (see `_plain_text`).
_OWN_TAGS = re.compile(r"\[(?:/|bold|dim|red|yellow|green|bold red|bold yellow|bold green)\]")
# What Rich would change in the remaining text even without colour: markup and escapes (`[`, `]`, `\`),
# emoji codes (`:name:`), and the control characters and tabs its Text strips or expands.
_RICH_WOULD_CHANGE = re.compile(r"[\[\]\\\x00-\x09\x0b-\x1f\x7f]|:\S*:")


def _plain_text(markup: str) -> str | None:
    """What Rich prints for `markup` on a stream it does not treat as a terminal (no colour, soft wrap),
    when that is simply the text without our own style tags; None when Rich has more to do (escapes,
    emoji codes, control characters, non-ASCII text)."""
    open_tags = 0
    for tag in _OWN_TAGS.findall(markup):
        open_tags += -1 if tag == "[/]" else 1
        if open_tags < 0:
            return None  # a `[/]` with nothing to close: Rich's error, not ours to hide
    text = _OWN_TAGS.sub("", markup)
    if not text.isascii() or _RICH_WOULD_CHANGE.search(text):
        return None
    return text


class _ConsoleOnFirstUse:
    """A Rich `Console` made with `options` the first time it is needed: importing Rich costs about 25 ms
    of CPU (issue 14). A `--json` run that succeeds prints only JSON and never imports it; a run whose
    output is not a terminal prints its plain lines itself (`print`), exactly as Rich would write them.
    Made on first use rather than at import, it reads the same stream, terminal and environment."""

    def __init__(self, *, stderr: bool = False, **options: Any) -> None:
        self._options = dict(options, stderr=stderr)
        self._stderr = stderr
        self._console: Console | None = None

    def _rich(self) -> "Console":
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self._rich(), name)

    @property
    def is_terminal(self) -> bool:
        """Rich's answer, without Rich when no environment variable overrides it: whether the stream is a tty."""
        if "TTY_COMPATIBLE" in os.environ or "FORCE_COLOR" in os.environ:
            return self._rich().is_terminal
        stream = sys.stderr if self._stderr else sys.stdout
        try:
            return stream.isatty()
        except ValueError:  # a closed stream, as Rich answers it
            return False

    def print(self, *objects: Any, **options: Any) -> None:
        plain = _plain_text(objects[0]) if len(objects) == 1 and not options and isinstance(objects[0], str) else None
        if plain is None or self.is_terminal:
            self._rich().print(*objects, **options)
            return
        stream = sys.stderr if self._stderr else sys.stdout
        stream.write(plain + "\n")
        stream.flush()  # as Rich flushes after each print


err = cast("Console", _ConsoleOnFirstUse(stderr=True, highlight=False, soft_wrap=True))
out = cast("Console", _ConsoleOnFirstUse(highlight=False, soft_wrap=True))


def escape(text: str) -> str:
    """Rich's markup escape (`[` that would start a tag), imported with Rich when the text needs it: Rich
    changes nothing in a text without `[` that does not end in a backslash."""
    if "[" not in text and not text.endswith("\\"):
        return text
    from rich.markup import escape as escape_markup

    return escape_markup(text)


def fail(error: WizardError) -> NoReturn:
    err.print(f"[bold red]error:[/] {escape(error.message)}")
    if error.hint:
        err.print(f"[dim]{escape(error.hint)}[/]")
    raise typer.Exit(int(error.exit_code))


def show_plan(plan: "Plan") -> None:
    err.print(f"[bold]Front end:[/] {plan.frontend or '-'}   [bold]Back end:[/] {plan.backend or '-'}")
    for change in plan.changes:
        err.print(f"  {change.action:7} {escape(change.path)}  [dim]{escape(change.reason)}[/]")
    diff = plan.diff()
    if diff and out.is_terminal:
        from rich.syntax import Syntax  # pygments and its lexers: only to colour a diff on a terminal

        out.print(Syntax(diff, "diff", theme="ansi_dark", word_wrap=True))
    elif diff:
        sys.stdout.write(diff)
        sys.stdout.flush()
    for note in plan.notes:
        err.print(("[yellow]warning:[/] " if note.level == "warning" else "note: ") + escape(note.text))
    for step in plan.manual_steps:
        err.print(f"[bold yellow]manual step[/] in {escape(step.file)}: {escape(step.instruction)}\n    {escape(step.snippet)}")


def show_summary(plan: "Plan") -> None:
    err.print("[bold]Applied.[/] Next steps:" if plan.next_steps else "[bold]Applied.[/]")
    for number, next_step in enumerate(plan.next_steps, start=1):
        err.print(f"  {number}. {escape(next_step)}")
    if plan.manual_steps:
        err.print("[bold yellow]Still to do by hand:[/]")
        for step in plan.manual_steps:
            err.print(f"  - {escape(step.file)}: {escape(step.instruction)}\n      {escape(step.snippet)}")


def finish(plan: "Plan", *, as_json: bool, dry_run: bool = False) -> NoReturn:
    """The result, as the last line (JSON carries it as "result"), and its exit code: a dry run
    reports what the install would end in, with the same code."""
    from intercom_wizard.plan import ANONYMOUS_ONLY, INCOMPLETE

    outcome = plan.result
    if not as_json:
        would = "would be " if dry_run else ""
        if outcome == INCOMPLETE:
            count = len(plan.manual_steps)
            detail = f"{count} part{'s' if count != 1 else ''} left to do by hand (listed above)"
            err.print(f"[bold yellow]result: {would}incomplete[/] - {detail}; identity is not working until done.")
        elif outcome == ANONYMOUS_ONLY:
            err.print(f"[bold green]result: {would}anonymous-only[/] - the app has no sign-in, so every visitor is a lead.")
        else:
            err.print(f"[bold green]result: {would}complete[/]")
    raise typer.Exit(int(ExitCode.MANUAL_STEP if outcome == INCOMPLETE else ExitCode.OK))


def show_detection(report: dict[str, Any]) -> None:
    """`detect` without --json: the project's front ends, back ends, versions and existing Intercom code."""
    out.print(f"[bold]{escape(report['root'])}[/] (git: {'yes' if report['git'] else 'no'})")
    for role in ("frontends", "backends"):
        out.print(f"[bold]{role}:[/]" + ("" if report[role] else " none"))
        for item in report[role]:
            extra = f", auth: {item['auth']}" if "auth" in item else ""
            out.print(f"  {item['name']} in {item['root']}{extra}")
            for evidence in item["evidence"]:
                out.print(f"    [dim]{escape(evidence)}[/]")
            for label, version in item.get("versions", {}).items():
                out.print(f"    {escape(_version_line(label, version))}")
    if report["package_managers"]:
        out.print("[bold]package managers:[/] " + ", ".join(f"{k}: {v}" for k, v in report["package_managers"].items()))
    if report["installed_by_wizard"]:
        out.print(f"[bold]installed by intercom-wizard:[/] {escape(str(report['installed_by_wizard']))}")
    if report["existing_intercom"]:
        out.print("[bold yellow]existing Intercom code:[/]")
        for finding in report["existing_intercom"]:
            out.print(f"  {escape(finding)}")


def _version_line(label: str, version: dict[str, object]) -> str:
    if version["version"] is None:
        return f"{label}: version unknown (supported {version['supported_range']})"
    verdict = "" if version["supported"] else f" - OUTSIDE the supported range {version['supported_range']}"
    return f"{label} {version['version']} ({version['how']}: {version['source']}){verdict}"
