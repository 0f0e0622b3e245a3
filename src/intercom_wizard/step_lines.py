"""Line numbers in the plan's text, as the files read after the install.

Integrations find the user's code in the files as they are before the install and name it as
`file:line` (a manual step's instruction, its snippet's comment, a refused candidate, a note). When the
same plan edits that file (an import or a blueprint registration inserted above the named line), the
user who opens the file after the install would find another line there. `relocate_lines` is run once,
where the plan is finished, and moves every `file:line` that names a file the plan modifies to the line
where the named code is after the install (for a dry run: would be). A line the edits do not move, and
any line of a file the plan does not modify, stays as it is.

Only the `file:line` form is moved; a bare "line N" names a line of code the wizard writes itself
(`identity.adapter_step`), counted in that code as written.
"""

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from intercom_wizard.plan import FileChange, ManualStep, Note


class LineMap:
    """Where each line of a file's text before the edits is in its text after them."""

    def __init__(self, before: str, after: str, edits: Sequence[tuple[int, int, int]]) -> None:
        # edits: (offset in `before`, characters removed there, characters inserted there), in offset order
        self._before = before
        self._after = after
        self._edits = edits
        self._starts = [0] + [match.end() for match in re.finditer("\n", before)]

    @classmethod
    def of(cls, change: FileChange) -> "LineMap":
        before = change.before or ""
        if change.insertions:
            edits = [(i.offset, len(i.replaced), len(i.text)) for i in change.insertions]
        else:  # a modification described only by its two texts
            matcher = difflib.SequenceMatcher(None, before, change.after, autojunk=False)
            edits = [(i1, i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]
        return cls(before, change.after, sorted(edits, key=lambda edit: edit[0]))

    def line_after(self, line: int) -> int:
        """The 1-based line after the edits that holds the code of 1-based `line` before them: the line of
        its first character that is not indentation (text inserted at that character comes before it)."""
        if not 1 <= line <= len(self._starts):
            return line  # not a line of this file: nothing to move
        start = self._starts[line - 1]
        end = self._before.find("\n", start)
        content = self._before[start : len(self._before) if end == -1 else end]
        position = start + len(content) - len(content.lstrip(" \t"))
        moved = position
        for offset, removed, inserted in self._edits:
            if offset > position:
                break
            if offset + removed > position:  # the named code itself was replaced: where its replacement starts
                moved += offset - position
                break
            moved += inserted - removed
        return self._after.count("\n", 0, moved) + 1


def relocate_lines(changes: Iterable[FileChange], steps: list[ManualStep], notes: list[Note]) -> tuple[list[ManualStep], list[Note]]:
    """The steps and notes with every `file:line` of a modified file moved to the line as the install writes it."""
    modified = {change.path: change for change in changes if change.action == "modify" and change.before is not None and change.before != change.after}
    if not modified:
        return steps, notes
    # A path is matched whole: not the tail of a longer path (`src/app.py` is not `app.py`), not followed by more digits.
    pattern = re.compile(r"(?<![\w./-])(" + "|".join(re.escape(p) for p in sorted(modified, key=len, reverse=True)) + r"):(\d+)(?!\d)")
    maps: dict[str, LineMap] = {}

    def moved(match: re.Match[str]) -> str:
        path, line = match.group(1), int(match.group(2))
        if path not in maps:
            maps[path] = LineMap.of(modified[path])
        return f"{path}:{maps[path].line_after(line)}"

    def rewrite(text: str) -> str:
        return pattern.sub(moved, text) if ":" in text else text

    relocated_steps = [replace(step, instruction=rewrite(step.instruction), snippet=rewrite(step.snippet)) for step in steps]
    return relocated_steps, [replace(note, text=rewrite(note.text)) for note in notes]
