"""The verification report: one result per check, with the evidence that decided it.

Kept as plain data so that the CLI can print it (Rich) or emit it (`--json`) and `demo` or a test
can assert on it, without any of them knowing how the browser run went.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table


class Status(str, Enum):
    PASS = "pass"
    FAIL = "fail"
    SKIPPED = "skipped"


@dataclass
class CheckResult:
    id: str
    title: str
    status: Status
    evidence: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.status is Status.FAIL


@dataclass
class Report:
    url: str
    workspace_id: str
    region: str
    mode: str  # "offline" (stand-in) or "live"
    checks: list[CheckResult] = field(default_factory=list)
    screenshot: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """Every check that applied passed (skipped ones did not apply)."""
        return not any(check.failed for check in self.checks)

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 1

    def check(self, check_id: str) -> CheckResult:
        return next(check for check in self.checks if check.id == check_id)

    @property
    def failed_checks(self) -> list[str]:
        return [check.id for check in self.checks if check.failed]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["checks"] = [asdict(check) | {"status": check.status.value} for check in self.checks]
        return {"passed": self.passed, **data}

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2)

    def render(self, console: Console) -> None:
        console.print(f"[bold]intercom-wizard verify[/] {escape(self.url)}  workspace {escape(self.workspace_id)} ({self.region}), {self.mode}")
        table = Table(show_lines=True)
        table.add_column("#", no_wrap=True)
        table.add_column("check", ratio=1)
        table.add_column("result", no_wrap=True)
        table.add_column("evidence", ratio=3, overflow="fold")
        styles = {Status.PASS: "[green]pass[/]", Status.FAIL: "[bold red]FAIL[/]", Status.SKIPPED: "[yellow]skipped[/]"}
        for number, check in enumerate(self.checks, start=1):
            table.add_row(str(number), f"{escape(check.title)}\n[dim]{check.id}[/]", styles[check.status], escape("\n".join(check.evidence)))
        console.print(table)
        for note in self.notes:
            console.print(f"note: {escape(note)}")
        if self.screenshot:
            console.print(f"Screenshot: {escape(self.screenshot)}")
        if self.passed:
            console.print("[bold green]Verified:[/] every check that applies passed.")
        else:
            console.print(f"[bold red]Verification failed:[/] {', '.join(self.failed_checks)}")
