"""Collects what integrations want to change and turns it into the plan's file changes.

Every integration goes through here, so the rules live in one place: insertions into one file are
merged; a snippet already present is not inserted again (idempotency); a whole-file rewrite is
accepted only when it amounts to insertions (so uninstall can take them out again).
"""

from dataclasses import dataclass, field

from intercom_wizard.edits import apply_insertions
from intercom_wizard.errors import AlreadyInstalled, BadInput
from intercom_wizard.formatting import ProjectFormatter
from intercom_wizard.plan import DependencyChange, FileChange, Insertion, ManualStep, Note, pure_insertions
from intercom_wizard.python_style import first_party_modules, sort_python_imports
from intercom_wizard.python_width import BLACK_DEFAULT, fit_module, python_line_length, wrap_long_lines
from intercom_wizard.receipt import Receipt
from intercom_wizard.style import JsStyle, infer_js_style, js_language, signature
from intercom_wizard.tree import ProjectTree


@dataclass
class _PendingEdit:
    """The insertions planned for one existing file, and why, until the builder fits them."""

    insertions: list[Insertion] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


def _present(snippet: str, text: str) -> bool:
    """The snippet is in the file, as written or as the project's formatter rewrote it."""
    stripped = snippet.strip()
    if stripped in text or signature(stripped) in signature(text):
        return True
    # A comment of ours wrapped to the project's line length (python_width) has a `#` per line.
    return "#" in stripped and signature(stripped).replace("#", "") in signature(text).replace("#", "")


class PlanBuilder:
    def __init__(self, tree: ProjectTree, receipt: Receipt | None) -> None:
        self.tree = tree
        self.receipt = receipt
        self._created: dict[str, tuple[str, str, bool]] = {}
        self._edits: dict[str, _PendingEdit] = {}
        self.dependencies: list[DependencyChange] = []
        self.manual_steps: list[ManualStep] = []
        self.notes: list[Note] = []
        self.formatter = ProjectFormatter(tree)

    def fit(self, path: str, content: str) -> str:
        """A new file as the project would write it: through its own formatter, or in its inferred style."""
        language = js_language(path)
        if language:
            content = self.style_of(path, new=True).restyle(content, language)
        if self.formatter.tools_for(path):
            return self.formatter.format_created(path, content)
        if path.endswith(".py"):  # no ruff/isort installed: our import block sorted as they would sort it
            length = python_line_length(self.tree, path)
            content = sort_python_imports(content, first_party_modules(self.tree) | self.formatter.new_modules, length or BLACK_DEFAULT)
            if length is not None and length < BLACK_DEFAULT:
                content = fit_module(content, length)
        return content

    def style_of(self, path: str, *, new: bool = False) -> JsStyle:
        ours = frozenset(self.receipt.created) if self.receipt else frozenset()
        return infer_js_style(self.tree, path, ours=ours | {path} if new else ours)

    def create(self, path: str, content: str, reason: str, *, holds_secret: bool = False) -> None:
        target = self.tree.resolve(path)
        self.formatter.created(path)
        content = self.fit(path, content)
        if target.exists():
            if self.tree.read(path).text == content:
                return
            if self.receipt and path in self.receipt.created:
                raise AlreadyInstalled(
                    f"{path} was written by an earlier install with other options or edited since.",
                    hint="Run `intercom-wizard uninstall` first, then install again.",
                )
            raise BadInput(
                f"{path} already exists and is not the wizard's; refusing to overwrite it.",
                hint="Rename or move that file, or add the Intercom code by hand.",
            )
        self._created[path] = (content, reason, holds_secret)

    def created_text(self, path: str) -> str | None:
        """The content queued for a new file, so a second package can be added to a requirements.txt we create."""
        return self._created[path][0] if path in self._created else None

    def insert(self, path: str, insertions: list[Insertion], reason: str, *, skip_present: bool = True) -> None:
        """Queue one logical edit. Its first insertion names it: when that text is already in the file,
        the edit was made before and is skipped whole (the others are glue, such as a comma)."""
        text = self.tree.text(path)
        primary = insertions[0]
        if skip_present and not primary.secret_env and _present(primary.text, text):
            return
        fresh = insertions
        pending = self._edits.setdefault(path, _PendingEdit())
        pending.insertions.extend(fresh)
        if reason not in pending.reasons:
            pending.reasons.append(reason)

    def replace(self, path: str, offset: int, replaced: str, text: str, reason: str) -> None:
        """Queue a replacement of the user's own text (`install --upgrade` only): the receipt records the
        original, so uninstall restores it exactly."""
        if self.tree.text(path)[offset : offset + len(replaced)] != replaced:
            raise ValueError(f"{path}: the text to replace is not at offset {offset}")
        pending = self._edits.setdefault(path, _PendingEdit())
        pending.insertions.append(Insertion(offset, text, replaced=replaced))
        if reason not in pending.reasons:
            pending.reasons.append(reason)

    def rewrite(self, path: str, after: str, reason: str) -> None:
        """Accept a rewritten file (from a format library such as tomlkit) if it only adds text."""
        before = self.tree.text(path)
        if after == before:
            return
        insertions = pure_insertions(before, after)
        if insertions is None:
            raise BadInput(
                f"Updating {path} would change existing text, not only add to it; refusing.",
                hint="Add the dependency by hand.",
            )
        self.insert(path, insertions, reason, skip_present=False)

    def manual(self, file: str, instruction: str, snippet: str) -> None:
        self.manual_steps.append(ManualStep(file, instruction, snippet))

    def note(self, text: str, level: str = "info") -> None:
        self.notes.append(Note(text, level))  # type: ignore[arg-type]

    def changes(self) -> list[FileChange]:
        result = [
            FileChange(path, "create", reason, after=content, holds_secret=secret)
            for path, (content, reason, secret) in self._created.items()
        ]
        for path, pending in self._edits.items():
            source = self.tree.read(path)
            pending.insertions = self._fit_insertions(path, source.text, pending.insertions)
            result.append(
                FileChange(
                    path,
                    "modify",
                    "; ".join(pending.reasons),
                    after=apply_insertions(source.text, pending.insertions),
                    before=source.text,
                    source=source,
                    insertions=tuple(pending.insertions),
                    holds_secret=any(i.secret_env for i in pending.insertions),
                )
            )
        self._report_formatting()
        return sorted(result, key=lambda change: change.path)

    def _fit_insertions(self, path: str, before: str, insertions: list[Insertion]) -> list[Insertion]:
        """Our lines in the file's style, then through the project's tools where the file was clean under them."""
        if any(i.secret_env or i.replaced for i in insertions):
            return insertions  # secret lines stay as written; replacements are the user's own lines, kept in their style
        language = js_language(path)
        if language:
            style = self.style_of(path)
            insertions = [Insertion(i.offset, style.restyle(i.text, language, reindent=False)) for i in insertions]
        if not self.formatter.tools_for(path):
            length = python_line_length(self.tree, path) if path.endswith(".py") else None
            if length is not None and length < BLACK_DEFAULT:
                insertions = [Insertion(i.offset, wrap_long_lines(i.text, length)) for i in insertions]
            return insertions
        formatted = self.formatter.format_modified(path, before, apply_insertions(before, insertions))
        return formatted if formatted is not None else insertions

    def _report_formatting(self) -> None:
        report = self.formatter.report
        for tool, paths in report.by_tool.items():
            self.note(f"Formatted with the project's own {tool}: {', '.join(sorted(set(paths)))}.")
        for failure in report.failures:
            self.note(failure, "warning")

