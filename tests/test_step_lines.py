"""Manual steps name the user's code as `file:line` in the file as the install writes it (issue 10's leftover).

Integrations find the code in the files before the install; `step_lines.relocate_lines` moves each
`file:line` of a file the plan modifies to where that code is after the install, once, where the plan
is finished. Fixture `flask_step_lines_app` (ours): a Flask package whose sign-in keeps only a flag
(`session["logged_in"]`, above the app factory) and whose rename view keeps a name (`session["name"]`,
below it). The install registers its blueprint inside the factory, between the two, so the step's
refused keys name one line that stays and one that moves by the three inserted lines.
"""

import json
import re
from pathlib import Path

from conftest import copy_app, install_quietly

from intercom_wizard.plan import FileChange, Insertion, ManualStep, Note
from intercom_wizard.step_lines import LineMap, relocate_lines

APP = "flask_step_lines_app"
PACKAGE = "notes/__init__.py"
REFUSED = re.compile(r"not used: (\S+):(\d+): session key '(\w+)'")


def _modified(path: str, before: str, *insertions: Insertion) -> FileChange:
    after = before
    for insertion in sorted(insertions, key=lambda i: i.offset, reverse=True):
        after = after[: insertion.offset] + insertion.text + after[insertion.offset + len(insertion.replaced) :]
    return FileChange(path, "modify", "test", after=after, before=before, insertions=insertions)


BEFORE = "import os\n\napp = make()\n\n    hook_here()\nlast = 1\n"


def test_a_line_above_the_insertion_stays_and_a_line_below_moves_by_the_inserted_lines():
    change = _modified("app.py", BEFORE, Insertion(BEFORE.index("app = "), "import ours\nours.mount()\n"))
    lines = LineMap.of(change)
    assert lines.line_after(1) == 1
    assert lines.line_after(3) == 5 and change.after.splitlines()[4] == "app = make()"
    assert lines.line_after(6) == 8 and change.after.splitlines()[7] == "last = 1"


def test_text_inserted_at_the_lines_indentation_comes_before_its_code_and_text_after_it_does_not_move_it():
    at_code = BEFORE.index("hook_here")
    before_code = _modified("app.py", BEFORE, Insertion(at_code, "ours()\n    "))
    assert LineMap.of(before_code).line_after(5) == 6 and before_code.after.splitlines()[5] == "    hook_here()"
    after_code = _modified("app.py", BEFORE, Insertion(at_code + len("hook_here()"), "\n    ours()"))
    assert LineMap.of(after_code).line_after(5) == 5 and LineMap.of(after_code).line_after(6) == 7


def test_a_replaced_line_maps_to_its_replacement_and_the_lines_below_follow():
    start = BEFORE.index("app = make()")
    change = _modified("app.py", BEFORE, Insertion(start, "app = make(\n    ours=True,\n)", replaced="app = make()"))
    lines = LineMap.of(change)
    assert lines.line_after(3) == 3 and lines.line_after(6) == 8
    assert change.after.splitlines()[7] == "last = 1"


def test_crlf_files_and_lines_outside_the_file():
    before = BEFORE.replace("\n", "\r\n")
    change = _modified("app.py", before, Insertion(0, "# ours\r\n"))
    assert LineMap.of(change).line_after(6) == 7
    assert LineMap.of(change).line_after(99) == 99  # not a line of the file: left as named


def test_without_insertions_the_two_texts_decide():
    change = FileChange("app.py", "modify", "test", after="a\nnew\nb\nc\n", before="a\nb\nc\n")
    assert LineMap.of(change).line_after(3) == 4


def test_only_whole_paths_of_modified_files_move():
    modified = _modified("app.py", BEFORE, Insertion(0, "import ours\n"))
    created = FileChange("intercom_jwt.py", "create", "test", after="x\n")
    unchanged_step = "src/app.py:3 and intercom_jwt.py:1 and views.py:3 and app.py:36 and app.py:3"
    [step], [note] = relocate_lines(
        [modified, created], [ManualStep("app.py", unchanged_step, "# see app.py:6")], [Note("app.py:1, (app.py:3)", "warning")]
    )
    # another file's path that ends like it, a created file, a file the plan leaves alone, a line beyond the file: as named
    assert step.instruction == "src/app.py:3 and intercom_jwt.py:1 and views.py:3 and app.py:36 and app.py:4"
    assert step.snippet == "# see app.py:7" and step.file == "app.py"
    assert note == Note("app.py:2, (app.py:4)", "warning")


def _refused(step: dict[str, str]) -> list[tuple[str, int, str]]:
    return [(path, int(line), key) for path, line, key in REFUSED.findall(step["instruction"])]


def _the_step(result) -> dict[str, str]:  # type: ignore[no-untyped-def]
    [step] = [s for s in json.loads(result.stdout)["manual_steps"] if s["file"] == "notes/intercom_jwt.py"]
    return step


def test_the_steps_lines_hold_the_named_code_after_a_real_install(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = copy_app(APP, tmp_path)
    original = (root / PACKAGE).read_text().splitlines()
    dry = install_quietly(cli, root, "--dry-run", "--json")
    assert dry.exit_code == 4, dry.stderr
    result = install_quietly(cli, root, "--json")
    assert result.exit_code == 4, result.stderr
    step = _the_step(result)
    assert _the_step(dry) == step  # the dry run names the lines as the install writes them
    installed = (root / PACKAGE).read_text().splitlines()
    assert "    app.register_blueprint(intercom_jwt.bp)" in installed  # the file the step names was edited
    refused = _refused(step)
    assert [(path, key) for path, _, key in refused] == [(PACKAGE, "logged_in"), (PACKAGE, "name")]
    for _path, line, key in refused:
        assert f'session["{key}"] = ' in installed[line - 1], (line, installed[line - 1])
    [(_, flag_line, _), (_, name_line, _)] = refused
    # above the inserted registration: the same line as before the install; below it: three lines further down
    assert original[flag_line - 1] == installed[flag_line - 1]
    assert original.index('    session["name"] = request.form["name"]') + 1 == name_line - 3


def test_the_printed_plan_names_the_same_lines(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = copy_app(APP, tmp_path)
    as_json = _the_step(install_quietly(cli, root, "--dry-run", "--json"))
    printed = install_quietly(cli, root, "--dry-run")
    assert printed.exit_code == 4, printed.stderr
    text = " ".join(printed.stderr.split())
    for path, line, key in _refused(as_json):
        assert f"not used: {path}:{line}: session key '{key}'" in text
