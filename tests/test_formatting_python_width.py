"""Python projects configured below black's 88 columns, with no formatter installed (python_width.py).

Each fixture app is first laid out by the real ruff at 79 columns (so the project is clean under its
own checks before), configured for 79 the way projects do it, and installed with no tool of its own
in reach. Then the real ruff (`check` with E/W/F/I, E501 included, and `format --check`) and the real
black (`--check`) run over exactly the touched files: never worse than before, and the modules we
created are clean. Before python_width.py the created `intercom_jwt.py` failed all three (ruff
format and black re-wrapped the `fastapi` import, `get_route_handler` and the payload comprehension;
E501 found 3-10 long comment, docstring and string lines per module).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import copy_app, git, install_quietly, snapshot

from intercom_wizard.python_width import python_line_length, wrap_long_lines
from intercom_wizard.tree import ProjectTree

BIN = Path(sys.executable).parent
RUFF = BIN / "ruff"
RUFF_79 = '\n[tool.ruff]\nline-length = 79\n\n[tool.ruff.lint]\nselect = ["E", "W", "F", "I"]\n'
BLACK_79 = "\n[tool.black]\nline-length = 79\n"
FLAKE8_79 = "[flake8]\nmax-line-length = 79\n"


def _counts(root: Path, files: list[str]) -> dict[str, int]:
    """Problems per tool over these files: ruff check findings, files ruff format / black would change.

    ruff runs `--isolated` with the options given: a stray ruff.toml in a parent folder (one sits in
    /tmp on this machine) would otherwise become the project's configuration."""
    present = [name for name in files if (root / name).is_file()]
    if not present:
        return {"ruff check": 0, "ruff format": 0, "black": 0}
    check = subprocess.run([str(RUFF), "check", "--isolated", "--no-cache", "--line-length", "79", "--select", "E,W,F,I", "--output-format", "json", *present],
                           cwd=root, capture_output=True, text=True, check=False)
    fmt = subprocess.run([str(RUFF), "format", "--isolated", "--no-cache", "--line-length", "79", "--check", *present], cwd=root, capture_output=True, text=True, check=False)
    black = subprocess.run([sys.executable, "-m", "black", "--line-length", "79", "--check", *present], cwd=root, capture_output=True, text=True, check=False)
    assert black.returncode in (0, 1), black.stderr
    return {
        "ruff check": len(json.loads(check.stdout or "[]")),
        "ruff format": fmt.stdout.count("Would reformat"),
        "black": black.stderr.count("would reformat"),
    }


def _project_at_79(tmp_path: Path, name: str, config: tuple[str, str]) -> Path:
    root = copy_app(name, tmp_path, commit=False)
    config_file, text = config
    target = root / config_file
    target.write_text((target.read_text() if target.exists() else "") + text)
    # The app's own code as a 79-column project keeps it: formatted and import-sorted at 79.
    subprocess.run([str(RUFF), "format", "--isolated", "--no-cache", "--quiet", "--line-length", "79", "."], cwd=root, check=True)
    subprocess.run([str(RUFF), "check", "--isolated", "--no-cache", "--quiet", "--fix", "--select", "I", "--line-length", "79", "."], cwd=root, check=False)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "fixture")
    return root


@pytest.mark.skipif(not RUFF.exists(), reason="ruff is not installed in this virtualenv")
@pytest.mark.parametrize("name", ["flask_login_app", "django_site", "fastapi_session_app", "fastapi_bearer_api", "flask_jwt_api"])
@pytest.mark.parametrize("config", [("pyproject.toml", RUFF_79), ("pyproject.toml", BLACK_79), ("setup.cfg", FLAKE8_79)], ids=["ruff", "black", "flake8"])
def test_python_lines_fit_a_79_column_project(tmp_path: Path, cli, name: str, config: tuple[str, str]) -> None:  # type: ignore[no-untyped-def]
    root = _project_at_79(tmp_path, name, config)
    before = snapshot(root)
    result = install_quietly(cli, root)
    assert result.exit_code == 0, result.output
    receipt = json.loads((root / ".intercom-wizard.json").read_text())
    touched = sorted(path for path in set(receipt["created"]) | set(receipt["inserted"]) if path.endswith(".py"))
    created = [path for path in touched if path in receipt["created"]]
    scratch = tmp_path / "before"
    for path, data in before.items():
        (scratch / path).parent.mkdir(parents=True, exist_ok=True)
        (scratch / path).write_bytes(data)
    was, now = _counts(scratch, touched), _counts(root, touched)
    print(f"{name} {config[0]}: over {touched}: before {was} -> after {now}")
    assert all(now[tool] <= was[tool] for tool in now), (was, now)
    assert _counts(root, created) == {"ruff check": 0, "ruff format": 0, "black": 0}
    assert "Nothing to do" in install_quietly(cli, root).output
    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert snapshot(root) == before


def test_the_configured_line_length_is_found_nearest_first(tmp_path: Path) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / "pyproject.toml").write_text("[tool.black]\nline-length = 79\n")
    (tmp_path / "api" / "ruff.toml").write_text("line-length = 72\n")
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "setup.cfg").write_text("[metadata]\nname = web\n")
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "tox.ini").write_text("[flake8]\nmax-line-length = 99\n")
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "pyproject.toml").write_text("[tool.ruff]\nselect = ['E']\n")
    tree = ProjectTree(tmp_path)
    assert python_line_length(tree, "api/views.py") == 72
    assert python_line_length(tree, "web/app.py") == 79  # setup.cfg without [flake8]: on to the parent
    assert python_line_length(tree, "tools/x.py") == 99
    assert python_line_length(tree, "lib/x.py") == 88  # [tool.ruff] without line-length: ruff's default
    assert python_line_length(ProjectTree(tmp_path / "web"), "app.py") is None


def test_wrapping_changes_only_the_layout() -> None:
    source = (
        "def f():\n"
        '    """A docstring line that is much too long for a project that keeps to seventy-nine columns."""\n'
        "    # A comment line that is much too long for a project that keeps to seventy-nine columns.\n"
        "    raise RuntimeError(\n"
        '        "INTERCOM_IDENTITY_SECRET is not set: cannot sign Intercom identity tokens",\n'
        "    )\n"
        "\n"
        "\n"
        '"A module-level string statement that is much too long for seventy-nine columns, never split."\n'
    )
    wrapped = wrap_long_lines(source, 79)
    assert all(len(line) <= 79 for line in wrapped.splitlines()[:-1])
    assert wrapped.splitlines()[-1] == source.splitlines()[-1]  # a statement: splitting it would add one
    assert '        "INTERCOM_IDENTITY_SECRET is not set: cannot sign Intercom identity "\n        "tokens",\n' in wrapped
    namespace: dict[str, object] = {}
    exec(compile(wrapped, "wrapped", "exec"), namespace)
    with pytest.raises(RuntimeError, match="^INTERCOM_IDENTITY_SECRET is not set: cannot sign Intercom identity tokens$"):
        namespace["f"]()  # type: ignore[operator]
    # An inserted fragment (not a whole module): only its comments are wrapped.
    fragment = "    # " + "word " * 20 + "\n" + '    path("api/intercom-jwt", intercom_jwt, name="intercom-jwt-endpoint-with-a-long-name"),\n'
    assert wrap_long_lines(fragment, 79).endswith(fragment.splitlines(keepends=True)[1])
