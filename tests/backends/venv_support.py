"""A virtualenv with pinned packages under the test's tmp dir, for running an old version band for real."""

import subprocess
import venv
from pathlib import Path

import pytest


def pip_install(python: Path, *arguments: str) -> None:
    """pip install into `python`'s environment; the test is skipped when the registry cannot serve the pins."""
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *arguments],
        capture_output=True, text=True, check=False, timeout=600,
    )
    if installed.returncode != 0:
        pytest.skip(f"pip could not install {' '.join(arguments)}: {installed.stderr[-400:]}")


def pinned_python(tmp_path_factory: pytest.TempPathFactory, name: str, pins: tuple[str, ...]) -> Path:
    """The interpreter of a fresh virtualenv holding exactly `pins` (and their dependencies)."""
    folder = tmp_path_factory.mktemp(name)
    venv.EnvBuilder(with_pip=True).create(folder)
    python = folder / "bin/python"
    pip_install(python, *pins)
    return python
