"""Showing the findings: a Rich table for people, JSON for CI."""

import json

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from intercom_wizard.doctor.findings import Severity
from intercom_wizard.doctor.run import DoctorReport

STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def render_json(report: DoctorReport) -> str:
    return json.dumps(report.to_json(), indent=2)


def render_table(report: DoctorReport, console: Console) -> None:
    console.print(f"[bold]intercom-wizard doctor[/] {escape(report.root)}" + (f"  (live: {escape(report.url)})" if report.url else ""))
    if report.findings:
        table = Table(show_lines=True, expand=True)
        table.add_column("check", no_wrap=True)
        table.add_column("where", overflow="fold", max_width=32)
        table.add_column("finding, why it matters, fix", ratio=1, overflow="fold")
        for finding in report.findings:
            table.add_row(
                f"[{STYLE[finding.severity]}]{finding.severity.value}[/]\n{escape(finding.id)}",
                escape(finding.location),
                f"{escape(finding.message)}\n[dim]why:[/] {escape(finding.why)}\n[bold]fix:[/] {escape(finding.fix)}",
            )
        console.print(table)
    summary = ", ".join(f"{report.count(s)} {s.value}{'s' if report.count(s) != 1 else ''}" for s in Severity)
    verdict = "[bold green]No errors.[/]" if report.ok else "[bold red]Errors found.[/]"
    console.print(f"{verdict} {summary}.")
