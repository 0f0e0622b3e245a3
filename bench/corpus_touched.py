"""The corpus scorer's "touched files" stage: the app's own formatter/linter over exactly the files
the install writes, before and after (issue 13: "the project's own check over the touched files is
no worse after install").

A run sheet lists its checks as an array of tables, each a shell command with a `{files}`
placeholder and the file suffixes it applies to:

    [[touched]]
    name = "prettier"                                   # the label in the table (default: the command's first word)
    command = "node_modules/.bin/prettier --check {files}"
    suffixes = [".js", ".ts", ".vue"]                   # default: every touched file

The files are the install's own (the dry run's `changes`, created and modified alike). Before the
install the command runs over those of them that exist; after it, over all of them. A file counts
as having problems when the command fails and its output names the file (prettier, ESLint, ruff,
black, RuboCop and Pint all name each file they complain about). The stage passes when no check
names more files after than before; a check that cannot run at all (exit code with no file named,
e.g. a broken config) is reported as such and never counted as clean.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TOUCHED_BEGIN = "<!-- corpus-touched:begin -->"
TOUCHED_END = "<!-- corpus-touched:end -->"
TOUCHED_HEADER = ("app", "check", "touched files checked", "before", "after", "files with problems after")


@dataclass(frozen=True)
class TouchedCheck:
    name: str
    command: str
    suffixes: tuple[str, ...] = ()

    def applies_to(self, path: str) -> bool:
        return not self.suffixes or path.endswith(self.suffixes)

    def command_for(self, files: list[str]) -> str:
        return self.command.replace("{files}", " ".join(shlex.quote(name) for name in files))


@dataclass
class TouchedCount:
    """One check's result over the touched files: files with problems before and after (None: not run)."""

    check: str
    files: list[str]
    before: int | None = None
    after: int | None = None
    named_after: list[str] | None = None
    error: str = ""

    def worse(self) -> bool:
        return self.before is not None and self.after is not None and self.after > self.before

    def to_json(self) -> dict[str, Any]:
        return {"check": self.check, "files": self.files, "before": self.before, "after": self.after,
                "named_after": self.named_after, "error": self.error}


def touched_count_from_json(data: dict[str, Any]) -> TouchedCount:
    return TouchedCount(data["check"], list(data.get("files", [])), data.get("before"), data.get("after"),
                        data.get("named_after"), data.get("error", ""))


class TouchedSheetError(ValueError):
    """A `[[touched]]` entry that cannot be used (the message names the field)."""


def parse_touched(value: object, source: Path) -> tuple[TouchedCheck, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise TouchedSheetError(f"{source}: 'touched' must be an array of tables ([[touched]])")
    checks = []
    for index, entry in enumerate(value):
        where = f"{source}: touched[{index}]"
        if not isinstance(entry, dict):
            raise TouchedSheetError(f"{where} must be a table")
        unknown = sorted(set(entry) - {"name", "command", "suffixes"})
        if unknown:
            raise TouchedSheetError(f"{where}: unknown field(s): {', '.join(unknown)}")
        command = entry.get("command")
        if not isinstance(command, str) or "{files}" not in command:
            raise TouchedSheetError(f"{where}: 'command' must be a shell command containing {{files}}")
        suffixes = entry.get("suffixes", [])
        if not isinstance(suffixes, list) or not all(isinstance(item, str) and item.startswith(".") for item in suffixes):
            raise TouchedSheetError(f"{where}: 'suffixes' must be a list like [\".js\", \".ts\"]")
        name = entry.get("name", shlex.split(command)[0].rsplit("/", 1)[-1])
        if not isinstance(name, str):
            raise TouchedSheetError(f"{where}: 'name' must be a string")
        checks.append(TouchedCheck(name, command, tuple(suffixes)))
    return tuple(checks)


def planned_files(plan: dict[str, Any]) -> list[str]:
    """The files an install writes, from its `--dry-run --json` plan (deleted files are not checked)."""
    return sorted({change["path"] for change in plan.get("changes", []) if change.get("action") != "delete"})


def named_files(output: str, files: list[str], root: Path) -> list[str]:
    """The files among `files` that a check's output names (relative, ./-relative or absolute)."""
    named = []
    for name in files:
        spellings = {name, f"./{name}", str(root / name), str((root / name).resolve())}
        pattern = "|".join(re.escape(spelling) for spelling in sorted(spellings, key=len, reverse=True))
        # A name counts only as a whole path: not as the tail of a longer one (src/a.js in lib/src/a.js).
        if re.search(rf"(?<![\w./-])(?:{pattern})(?![\w-]|\.\w)", output):
            named.append(name)
    return named


def markdown_rows(app_name: str, counts: list[TouchedCount]) -> list[str]:
    rows = []
    for count in counts:
        before = "—" if count.before is None else str(count.before)
        after = count.error if count.error else ("—" if count.after is None else str(count.after))
        problems = ", ".join(count.named_after or []) or "—"
        values = [app_name, count.check, str(len(count.files)), before, after, problems]
        rows.append("| " + " | ".join(value.replace("|", "\\|") for value in values) + " |")
    return rows


def update_touched_markdown(document: str, rows_by_app: dict[str, list[str]]) -> str:
    """Replace these apps' rows in the touched-files table (between its markers); keep other apps' rows."""
    if TOUCHED_BEGIN not in document or TOUCHED_END not in document:
        return document
    head, rest = document.split(TOUCHED_BEGIN, 1)
    body, tail = rest.split(TOUCHED_END, 1)
    kept = [line for line in body.splitlines()
            if line.startswith("| ") and not line.startswith("| app |")
            and line.strip().strip("|").split("|", 1)[0].strip() not in rows_by_app]
    rows = sorted(kept + [row for rows in rows_by_app.values() for row in rows])
    table = ["| " + " | ".join(TOUCHED_HEADER) + " |", "|" + "|".join("---" for _ in TOUCHED_HEADER) + "|", *rows]
    return head + TOUCHED_BEGIN + "\n" + "\n".join(table) + "\n" + TOUCHED_END + tail
