"""Python projects whose lint/format config names ruff, black or isort, but with no tool installed.

Measured on the corpus (docs/corpus.md, "Lint and format over the touched files"): with nothing to
run, the wizard writes its modules as generated, and three public apps' own checks got worse:
a Django view whose imports mixed the project's classes into the third-party group (ruff `I001`),
a FastAPI package whose `from app import intercom_jwt` landed after `from app.core...` (`I001`),
and lines past 88 columns that `ruff format --check` / `black --check` rewrap. Each shape is
rebuilt here from scratch; the real tools count problems over the touched files before and after.
ruff comes from our own virtualenv; black and isort are installed once per session (PyPI).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import venv
from pathlib import Path

import pytest
from conftest import git, install_quietly, snapshot, write_files

RUFF = Path(sys.executable).parent / "ruff"
BLACK_ISORT = ["black==25.11.0", "isort==7.0.0"]

SETTINGS = """
    INSTALLED_APPS = [
        'django.contrib.auth',
        'django.contrib.contenttypes',
        'django.contrib.sessions',
        'rest_framework',
        'accounts',
    ]
    ROOT_URLCONF = 'site_config.urls'
    AUTH_USER_MODEL = 'accounts.Member'
    REST_FRAMEWORK = {'DEFAULT_AUTHENTICATION_CLASSES': []}
"""

DJANGO_FILES = {
    "manage.py": """
        import os
        import sys

        if __name__ == "__main__":
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings")
            from django.core.management import execute_from_command_line

            execute_from_command_line(sys.argv)
    """,
    "requirements.txt": "Django>=4.2\ndjangorestframework>=3.14\n",
    "site_config/__init__.py": "",
    "site_config/settings.py": SETTINGS,
    "site_config/urls.py": """
        from django.contrib import admin
        from django.urls import path

        urlpatterns = [
            path("admin/", admin.site.urls),
        ]
    """,
    "accounts/__init__.py": "",
    "accounts/models.py": """
        from django.contrib.auth.models import AbstractUser


        class Member(AbstractUser):
            pass
    """,
    "accounts/api/__init__.py": "",
    "accounts/api/mixins.py": """
        from rest_framework.authentication import SessionAuthentication
        from rest_framework_simplejwt.authentication import JWTAuthentication


        class QuietSessionAuthentication(SessionAuthentication):
            def enforce_csrf(self, request):
                return


        class HeaderSessionAuthentication(SessionAuthentication):
            pass


        class ApiMixin:
            authentication_classes = [
                QuietSessionAuthentication,
                HeaderSessionAuthentication,
                JWTAuthentication,
            ]
    """,
}

FASTAPI_FILES = {
    "requirements.txt": "fastapi>=0.110\npyjwt>=2.8\n",
    "app/__init__.py": "",
    "app/main.py": """
        from fastapi import FastAPI

        from app.api.main import api_router
        from app.core.config import settings

        app = FastAPI(title=settings.PROJECT_NAME)
        app.include_router(api_router)
    """,
    "app/core/__init__.py": "",
    "app/core/config.py": """
        class Settings:
            PROJECT_NAME = "shelf"


        settings = Settings()
    """,
    "app/api/__init__.py": "",
    "app/api/main.py": """
        from fastapi import APIRouter

        from app.api.deps import CurrentUser

        api_router = APIRouter()


        @api_router.get("/users/me")
        def read_user_me(current_user: CurrentUser) -> dict[str, str]:
            return {"email": current_user.email}
    """,
    "app/api/deps.py": """
        from dataclasses import dataclass
        from typing import Annotated

        from fastapi import Depends, HTTPException
        from fastapi.security import OAuth2PasswordBearer

        reusable_oauth2 = OAuth2PasswordBearer(tokenUrl="/login/access-token")


        @dataclass
        class User:
            id: int
            email: str
            full_name: str


        def get_current_user(token: Annotated[str, Depends(reusable_oauth2)]) -> User:
            if token != "demo":
                raise HTTPException(status_code=403, detail="Could not validate credentials")
            return User(id=1, email="ada@example.com", full_name="Ada")


        CurrentUser = Annotated[User, Depends(get_current_user)]
    """,
}


def _project(root: Path, files: dict[str, str], pyproject: str) -> Path:
    write_files(root, {**files, "pyproject.toml": pyproject})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "shape")
    return root


def _touched_python(root: Path) -> list[str]:
    receipt = json.loads((root / ".intercom-wizard.json").read_text())
    return sorted(path for path in set(receipt["created"]) | set(receipt["inserted"]) if path.endswith(".py"))


def _ruff_counts(root: Path, files: list[str]) -> tuple[int, int]:
    """(ruff check problems, files `ruff format --check` would change), the project's config applying."""
    present = [path for path in files if (root / path).is_file()]
    if not present:
        return 0, 0
    run = lambda *argv: subprocess.run([str(RUFF), *argv, *present], cwd=root, capture_output=True, text=True, check=False)  # noqa: E731
    problems = json.loads(run("check", "--no-cache", "--output-format", "json").stdout or "[]")
    reformat = [line for line in run("format", "--no-cache", "--check").stdout.splitlines() if line.startswith("Would reformat")]
    return len(problems), len(reformat)


def _before_copy(root: Path, before: dict[str, bytes], into: Path) -> Path:
    for name, data in before.items():
        (into / name).parent.mkdir(parents=True, exist_ok=True)
        (into / name).write_bytes(data)
    return into


def _install_and_measure(cli, root: Path, tmp_path: Path) -> tuple[Path, list[str]]:  # type: ignore[no-untyped-def]
    before = snapshot(root)
    result = install_quietly(cli, root)
    assert result.exit_code == 0, result.output  # every shape here has its sign-in recognised: complete
    return _before_copy(root, before, tmp_path / "before"), _touched_python(root)


RUFF_CONFIGS = {
    "ruff-default-88": '[tool.ruff.lint]\nselect = ["E", "F", "I"]\n',
    "ruff-100": '[tool.ruff]\nline-length = 100\n\n[tool.ruff.lint]\nselect = ["E4", "E7", "E9", "F", "I"]\n',
}


@pytest.mark.skipif(not RUFF.exists(), reason="ruff is not installed in this virtualenv")
@pytest.mark.parametrize("config", sorted(RUFF_CONFIGS))
@pytest.mark.parametrize("shape", ["django-drf-classes", "fastapi-package"])
def test_ruff_never_worse_when_the_project_has_no_ruff_installed(tmp_path, cli, shape, config):
    files = {"django-drf-classes": DJANGO_FILES, "fastapi-package": FASTAPI_FILES}[shape]
    root = _project(tmp_path / "app", {k: textwrap.dedent(v).lstrip("\n") for k, v in files.items()}, RUFF_CONFIGS[config])
    scratch, touched = _install_and_measure(cli, root, tmp_path)
    was, now = _ruff_counts(scratch, touched), _ruff_counts(root, touched)
    print(f"{shape} {config}: ruff (check, format) over {touched}: before {was} -> after {now}")
    assert was == (0, 0) and now == (0, 0), (was, now)
    created = [path for path in touched if not (scratch / path).exists()]
    assert created  # the token view module is ours, and it passed too


def test_django_view_imports_are_grouped_and_sorted(tmp_path, cli):
    """The project's own classes in a first-party group of their own, one line per module."""
    root = _project(tmp_path / "app", {k: textwrap.dedent(v).lstrip("\n") for k, v in DJANGO_FILES.items()}, RUFF_CONFIGS["ruff-default-88"])
    _install_and_measure(cli, root, tmp_path)
    view = (root / "site_config/intercom_jwt.py").read_text()
    header = view.split("TOKEN_LIFETIME_SECONDS")[0]
    first_party = "from accounts.api.mixins import HeaderSessionAuthentication, QuietSessionAuthentication\n"
    assert f"from rest_framework_simplejwt.authentication import JWTAuthentication\n\n{first_party}" in header
    assert header.count("from accounts.api.mixins import") == 1
    assert "\n\n\ndef user_attribute(" in view and "\n\n\n\n" not in view  # two blank lines, never three


def test_fastapi_router_import_is_sorted_into_the_apps_group(tmp_path, cli):
    root = _project(tmp_path / "app", {k: textwrap.dedent(v).lstrip("\n") for k, v in FASTAPI_FILES.items()}, RUFF_CONFIGS["ruff-default-88"])
    _install_and_measure(cli, root, tmp_path)
    main = (root / "app/main.py").read_text()
    assert "from fastapi import FastAPI\n\nfrom app import intercom_jwt\nfrom app.api.main import api_router\n" in main


@pytest.fixture(scope="session")
def black_and_isort(tmp_path_factory) -> Path:
    """black and isort from PyPI, pinned, in a virtualenv of their own (never the project's)."""
    folder = tmp_path_factory.mktemp("python-tools")
    venv.create(folder, with_pip=True)
    done = subprocess.run([str(folder / "bin/python"), "-m", "pip", "install", "-q", *BLACK_ISORT], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"pip could not install {BLACK_ISORT}: {done.stderr.strip().splitlines()[-1:]}")
    return folder / "bin"


@pytest.mark.parametrize("shape", ["django-drf-classes", "fastapi-package", "flask-notes"])
def test_black_and_isort_checks_never_get_worse(tmp_path, cli, shape, black_and_isort):
    """A project that checks with `black --check` and `isort --check --profile black` (no tool installed)."""
    pyproject = '[tool.black]\nline-length = 88\n\n[tool.isort]\nprofile = "black"\n'
    if shape == "flask-notes":
        from conftest import copy_app

        root = copy_app("flask_notes", tmp_path, commit=False)
        (root / "pyproject.toml").write_text(pyproject)
        git(root, "init", "-q")
        git(root, "add", "-A")
        git(root, "commit", "-qm", "fixture")
    else:
        files = {"django-drf-classes": DJANGO_FILES, "fastapi-package": FASTAPI_FILES}[shape]
        root = _project(tmp_path / "app", {k: textwrap.dedent(v).lstrip("\n") for k, v in files.items()}, pyproject)
    scratch, touched = _install_and_measure(cli, root, tmp_path)

    def failures(folder: Path) -> tuple[int, int]:
        present = [path for path in touched if (folder / path).is_file()]
        if not present:
            return 0, 0
        black = subprocess.run([str(black_and_isort / "black"), "--check", *present], cwd=folder, capture_output=True, text=True, check=False)
        isort = subprocess.run([str(black_and_isort / "isort"), "--check-only", *present], cwd=folder, capture_output=True, text=True, check=False)
        return black.stderr.count("would reformat"), isort.stderr.count("ERROR:")

    was, now = failures(scratch), failures(root)
    print(f"{shape}: (black, isort) over {touched}: before {was} -> after {now}")
    assert now[0] <= was[0] and now[1] <= was[1], (was, now)
