"""The project's own formatter and linter, run on what the wizard writes - at plan time, never in place.

A pull request that turns the project's CI red is not mergeable, so what we write must pass the
project's own checks. For every file we create or modify this finds the tools the project uses for
that language (prettier, ESLint, Biome, standard; ruff, black, isort; Pint, PHP-CS-Fixer; RuboCop,
standardrb) and runs only the binary the project has installed (`node_modules/.bin`, its virtualenv,
`vendor/bin`, `bin/`); nothing is ever installed. Tools read the text on stdin with the file's real
path (so they find the project's configuration) or, when they cannot, a copy in a temporary folder
that mirrors the configuration. The project is never written to: the formatted text becomes the
plan, so the diff, the applied bytes and the receipt all hold what is really written.

Created files are formatted fully. A modified file is formatted only by a tool under which it was
clean before (so only our lines change), and only when the result still amounts to insertions into
the original text (so `uninstall` can take them out byte-exactly); otherwise the insertion stays as
the style inference (`style.py`) wrote it.

Which tools apply: formatting_tools.py; running one: formatting_runs.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from intercom_wizard.formatting_runs import Tool, ToolFailed
from intercom_wizard.formatting_tools import JS_SUFFIXES, find_tools
from intercom_wizard.plan import Insertion, pure_insertions
from intercom_wizard.tree import ProjectTree

__all__ = ["Formatted", "ProjectFormatter", "Tool", "ToolFailed", "pure_insertions"]

@dataclass
class Formatted:
    """What the formatting pass did, for the plan's notes."""

    by_tool: dict[str, list[str]] = field(default_factory=dict)  # tool -> paths it formatted
    failures: list[str] = field(default_factory=list)


class ProjectFormatter:
    """Finds and runs the project's tools for each path, caching per folder and per original text."""

    def __init__(self, tree: ProjectTree) -> None:
        self.tree = tree
        self.report = Formatted()
        self._tools: dict[tuple[str, str], list[Tool]] = {}
        self._clean: dict[tuple[str, str], bool] = {}
        # Top-level Python modules the plan creates: not on disk yet, but first-party for import sorting.
        self.new_modules: set[str] = set()
        self.new_scripts: set[str] = set()  # JS/TS files the plan creates: ESLint cannot resolve them yet

    def created(self, path: str) -> None:
        parts = PurePosixPath(path)
        if parts.suffix == ".py":
            self.new_modules.add(parts.stem)
        elif parts.suffix in JS_SUFFIXES:
            self.new_scripts.add(path)

    def tools_for(self, path: str) -> list[Tool]:
        suffix = PurePosixPath(path).suffix
        folder = PurePosixPath(path).parent.as_posix()
        key = (folder, suffix)
        if key not in self._tools:
            self._tools[key] = find_tools(self.tree, folder, suffix)
        return self._tools[key]

    def format_created(self, path: str, text: str) -> str:
        """The whole new file through each of the project's tools, in order."""
        result = text
        for tool in self.tools_for(path):
            fixed = self._run(tool, path, result)
            if fixed is not None and fixed != result:
                self.report.by_tool.setdefault(tool.name, []).append(path)
                result = fixed
        return result

    def format_modified(self, path: str, before: str, after: str) -> list[Insertion] | None:
        """Insertions that turn `before` into the tool-formatted `after`, or None to keep ours as they are.

        Only tools under which `before` was already clean run, so they change only our lines; a
        result that would also touch the project's own text (a comma added to the line above) is
        rejected, because uninstall could not take it back out.
        """
        result = after
        used: list[str] = []
        for tool in self.tools_for(path):
            if not self._was_clean(tool, path, before):
                continue
            fixed = self._run(tool, path, result)
            if fixed is not None and fixed != result:
                result, used = fixed, used + [tool.name]
        if result == after:
            return None
        insertions = pure_insertions(before, result)
        if insertions is None:
            self.report.failures.append(
                f"{path}: {', '.join(used)} would also change the file's own lines around ours, so our lines were "
                "written in the file's style instead"
            )
            return None
        for name in used:
            self.report.by_tool.setdefault(name, []).append(path)
        return insertions

    def _was_clean(self, tool: Tool, path: str, before: str) -> bool:
        key = (tool.name, path)
        if key not in self._clean:
            self._clean[key] = self._run(tool, path, before) == before
        return self._clean[key]

    def _run(self, tool: Tool, path: str, text: str) -> str | None:
        try:
            created = self.new_scripts if tool.name == "eslint" else self.new_modules  # each tool's own notion of new modules
            return tool.fix(self._named_path(path), text, tuple(sorted(created)))
        except ToolFailed as error:
            self.report.failures.append(f"{path}: {tool.name} failed ({error}); left as generated")
            return None

    def _named_path(self, path: str) -> Path:
        """The file, or for one created in a folder not there yet, its name in the nearest existing folder (the same
        configuration): prettier 1 and ESLint 5 list the file's folder for it and fail on a missing one (react-boilerplate)."""
        absolute = self.tree.root / path
        return next(folder for folder in absolute.parents if folder.is_dir() or folder == self.tree.root) / absolute.name
