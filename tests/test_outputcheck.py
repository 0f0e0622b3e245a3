"""Our own output is parsed at the project's language level before anything is written."""

import ast
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import install_quietly, snapshot, write_files

from intercom_wizard.outputcheck import check_changes, runtime_annotation_problems
from intercom_wizard.plan import FileChange
from intercom_wizard.tree import ProjectTree


def create(path: str, text: str) -> FileChange:
    return FileChange(path, "create", "test", after=text)


def modify(path: str, before: str, after: str) -> FileChange:
    return FileChange(path, "modify", "test", after=after, before=before)


def problems(root: Path, *changes: FileChange) -> list[tuple[str, str]]:
    return [(p.path, p.error) for p in check_changes(ProjectTree(root), list(changes)).problems]


def test_python_runtime_annotations_at_3_9(tmp_path: Path) -> None:
    write_files(tmp_path, {"pyproject.toml": '[project]\nname = "x"\nrequires-python = ">=3.9"\n'})
    union = "from typing import Any\n\ndef f() -> dict[str, Any] | None:\n    return None\n"
    assert problems(tmp_path, create("app/jwt.py", union)) == [
        ("app/jwt.py", "line 3: `dict[str, Any] | None` in an annotation needs Python 3.10 (found 3.9)")
    ]
    assert problems(tmp_path, create("app/jwt.py", "from __future__ import annotations\n" + union)) == []
    inside = "def f():\n    x: int | None = None\n    return x\n"  # local annotations are never evaluated
    assert problems(tmp_path, create("app/jwt.py", inside)) == []
    match = "def f(x):\n    match x:\n        case 1:\n            return 1\n"
    assert "Pattern matching is only supported in Python 3.10" in problems(tmp_path, create("app/jwt.py", match))[0][1]


def test_python_builtin_generics_at_3_8() -> None:
    module = ast.parse("def f(a: list[int]) -> None: ...\n")
    assert runtime_annotation_problems(module, (3, 8)) == ["line 1: `list[int]` in an annotation needs Python 3.9 (found 3.8)"]
    assert runtime_annotation_problems(module, (3, 9)) == []


def test_python_newest_syntax_when_no_level_is_declared(tmp_path: Path) -> None:
    assert problems(tmp_path, create("jwt.py", "def f() -> int | None:\n    return None\n")) == []
    broken = problems(tmp_path, create("jwt.py", "def f(:\n"))
    assert broken and broken[0][0] == "jwt.py"


def test_a_file_broken_before_the_plan_is_not_held_against_it(tmp_path: Path) -> None:
    before = "def f(:\n    pass\n"
    assert problems(tmp_path, modify("app.py", before, "import intercom_jwt\n" + before)) == []
    assert problems(tmp_path, modify("app.py", "x = 1\n", "x = (1\n")) != []
    jsonc = '{\n  // comments: tsconfig.json allows them\n  "compilerOptions": {}\n}\n'
    assert problems(tmp_path, modify("tsconfig.json", jsonc, jsonc.replace("{}", '{"strict": true}'))) == []


def test_javascript_and_typescript_by_grammar_without_a_project_typescript(tmp_path: Path) -> None:
    assert problems(tmp_path, create("src/a.ts", "export const a: number = 1;\n")) == []
    found = problems(tmp_path, create("src/a.jsx", "export function A() { return <div>; }\n"))
    assert found and found[0][0] == "src/a.jsx"
    vue = '<template><p /></template>\n<script setup lang="ts">\nconst a = (;\n</script>\n'
    found = problems(tmp_path, create("src/A.vue", vue))
    assert found and found[0][1].startswith("line 3:")
    assert problems(tmp_path, create("package.json", '{"a": 1,}')) != []


@pytest.mark.skipif(shutil.which("php") is None, reason="Debian's php is not installed")
def test_php_lint_and_features_above_the_declared_level(tmp_path: Path) -> None:
    write_files(tmp_path, {"composer.json": json.dumps({"require": {"php": "^7.1.3"}})})
    arrow = "<?php\n$f = array_filter([1], fn ($v) => $v !== null);\nclass A { private string $b = ''; }\n"
    assert problems(tmp_path, create("src/a.php", arrow)) == [
        ("src/a.php", "line 2: an arrow function (fn) needs PHP 7.4 (the project declares 7.1.3)"),
        ("src/a.php", "line 3: a typed property needs PHP 7.4 (the project declares 7.1.3)"),
    ]
    found = problems(tmp_path, create("src/b.php", "<?php\nfunction ( {\n"))
    assert found and "syntax error" in found[0][1] and "candidate" not in found[0][1]


@pytest.mark.skipif(shutil.which("ruby") is None, reason="Debian's ruby is not installed")
def test_ruby_syntax(tmp_path: Path) -> None:
    assert problems(tmp_path, create("app/controllers/a.rb", "class A\n  def b; end\nend\n")) == []
    found = problems(tmp_path, create("app/controllers/a.rb", "class A\n  def b\nend\n"))
    assert found and found[0][0] == "app/controllers/a.rb"


def test_a_missing_checker_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    result = check_changes(ProjectTree(tmp_path), [create("a.rb", "class A\nend\n")])
    assert result.problems == [] and result.not_checked == ["Ruby files were not syntax-checked: `ruby` is not on this machine."]


def test_install_refuses_output_that_does_not_parse(app_copy: Callable[..., Path], cli: Callable[..., object], monkeypatch: pytest.MonkeyPatch) -> None:
    """A planned file that would not parse stops the install: exit 6, the file and error named, nothing written."""
    import importlib

    # The module, not the package's `plan` function of the same name.
    flask_plan = importlib.import_module("intercom_wizard.integrations.backends.flask.plan")

    root = app_copy("flask_login_app")
    real_render = flask_plan.render
    monkeypatch.setattr(flask_plan, "render", lambda name, *choices, **values: real_render(name, *choices, **values).replace("def intercom_jwt():", "def intercom_jwt(:"))
    before = snapshot(root)
    result = install_quietly(cli, root)
    assert result.exit_code == 6  # type: ignore[attr-defined]
    message = " ".join(result.stderr.split())  # type: ignore[attr-defined]
    assert "intercom_jwt.py: line" in message and "Nothing was written." in message
    assert snapshot(root) == before


@pytest.mark.skipif(shutil.which("npm") is None or shutil.which("node") is None, reason="npm and node are needed")
def test_the_projects_own_typescript_decides(tmp_path: Path) -> None:
    """TypeScript 4.4 cannot parse `satisfies` (4.9+): the project's compiler, not ours, is asked."""
    write_files(tmp_path, {"package.json": json.dumps({"devDependencies": {"typescript": "4.4.4"}})})
    installed = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefer-offline"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    if installed.returncode != 0:
        pytest.skip(f"npm could not install typescript 4.4.4: {installed.stderr[-300:]}")
    code = "const a = { b: 1 } satisfies object;\nexport default a;\n"
    found = problems(tmp_path, create("src/a.ts", code))
    assert found and found[0][0] == "src/a.ts" and found[0][1].startswith("1:")
    assert problems(tmp_path, create("src/b.ts", "export const b: number = 1;\n")) == []


@pytest.mark.skipif(shutil.which("ruby") is None, reason="Debian's ruby is not installed")
def test_ruby_newer_than_the_project_declares(tmp_path: Path) -> None:
    # ruby -c on this machine's Ruby 3 accepts all of it; the project's Ruby 2.2 would not run it.
    write_files(tmp_path, {".ruby-version": "2.2.10\n", "Gemfile": "source 'https://rubygems.org'\ngem 'sinatra', '~> 2.0'\n"})
    route = "claims = { a: user&.email }.compact\nnames = users.filter_map { |u| u.name }\n"
    assert problems(tmp_path, create("app.rb", route)) == [
        ("app.rb", "line 1: Hash#compact needs Ruby 2.4 (the project declares 2.2.10)"),
        ("app.rb", "line 1: safe navigation (&.) needs Ruby 2.3 (the project declares 2.2.10)"),
        ("app.rb", "line 2: Enumerable#filter_map needs Ruby 2.7 (the project declares 2.2.10)"),
    ]
    # A Rails app has ActiveSupport's Hash#compact; an unchanged old use is not held against us.
    write_files(tmp_path, {"Gemfile.lock": "GEM\n  specs:\n    activesupport (5.0.7.2)\n"})
    assert problems(tmp_path, modify("app.rb", "x = y.then { 1 }\n", "x = y.then { 1 }\nz = { a: 1 }.compact\n")) == []
    # An app in a subfolder: its lockfile is found from the controller's folder, two levels down.
    (tmp_path / "Gemfile.lock").unlink()
    write_files(tmp_path, {"api/Gemfile.lock": "GEM\n  specs:\n    activesupport (5.0.7.2)\n"})
    nested = "api/app/controllers/intercom_jwts_controller.rb"
    assert problems(tmp_path, create(nested, "class A\n  def b\n    { a: 1 }.compact\n  end\nend\n")) == []
    assert "Hash#compact needs Ruby 2.4" in problems(tmp_path, create("other/x.rb", "{ a: 1 }.compact\n"))[0][1]
    # No lockfile yet: a Gemfile that names rails brings ActiveSupport too.
    write_files(tmp_path, {"web/Gemfile": "source 'https://rubygems.org'\ngem 'rails', '~> 5.0.0'\n"})
    assert problems(tmp_path, create("web/app/models/x.rb", "{ a: 1 }.compact\n")) == []


def test_python_3_6_project(tmp_path: Path) -> None:
    write_files(tmp_path, {"Dockerfile": "FROM python:3.6-alpine\n"})
    assert problems(tmp_path, create("app/jwt.py", 'x = f"{1}"\n')) == []  # f-strings are 3.6
    assert problems(tmp_path, create("app/jwt.py", "from __future__ import annotations\nx = 1\n")) == [
        ("app/jwt.py", "line 1: `from __future__ import annotations` needs Python 3.7 (found 3.6)")
    ]
    assert "only supported in Python 3.8" in problems(tmp_path, create("app/jwt.py", "if (y := 1):\n    pass\n"))[0][1]
