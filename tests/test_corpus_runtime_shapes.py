"""Shapes that only showed when corpus apps were started and verified in Chromium (docs/corpus.md),
as small projects of our own writing.

django-bakerydemo: `STATICFILES_DIRS = [os.path.join(PROJECT_DIR, "static")]` where the settings
package computes `PROJECT_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))`: the
folder is the package's `static/`, not one at the project root. The script written to the root's
`static/` was never served (404), so no page loaded the Messenger.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_corpus_backend_shapes import LAYOUT, STARTPROJECT_MANAGE, URLS, _dry_run, _project

SETTINGS_WITH_COMPUTED_DIRS = {
    "os.path": """
        import os

        PROJECT_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        BASE_DIR = os.path.dirname(PROJECT_DIR)
        STATICFILES_DIRS = [
            os.path.join(PROJECT_DIR, "static"),
        ]
    """,
    "pathlib": """
        from pathlib import Path

        PROJECT_DIR = Path(__file__).resolve().parent.parent
        BASE_DIR = PROJECT_DIR.parent
        STATICFILES_DIRS = [PROJECT_DIR / "static"]
    """,
}


@pytest.mark.xfail(strict=True, reason="corpus: django-bakerydemo — STATICFILES_DIRS built from a folder computed from __file__ (os.path.join(PROJECT_DIR, 'static'))")
@pytest.mark.parametrize("style", sorted(SETTINGS_WITH_COMPUTED_DIRS))
def test_static_folder_computed_from_the_settings_file_is_the_one_served(tmp_path: Path, cli, style: str) -> None:  # type: ignore[no-untyped-def]
    root = _project(
        tmp_path,
        {
            "manage.py": STARTPROJECT_MANAGE.replace("shelf.settings", "shelf.settings.dev"),
            "requirements.txt": "Django>=4.2\n",
            "shelf/__init__.py": "",
            "shelf/settings/__init__.py": "",
            "shelf/settings/base.py": SETTINGS_WITH_COMPUTED_DIRS[style] + """
        INSTALLED_APPS = [
            "django.contrib.auth",
            "django.contrib.sessions",
            "django.contrib.staticfiles",
            "books",
        ]
        MIDDLEWARE = ["django.contrib.sessions.middleware.SessionMiddleware"]
        ROOT_URLCONF = "shelf.urls"
        STATIC_URL = "/static/"
    """,
            "shelf/settings/dev.py": "from .base import *  # noqa\n",
            "shelf/urls.py": URLS,
            "shelf/templates/base.html": LAYOUT,
            "books/__init__.py": "",
            "books/models.py": "",
        },
    )
    code, plan = _dry_run(cli, root)
    assert code == 0, plan["manual_steps"]
    paths = {change["path"] for change in plan["changes"]}
    # shelf/settings/base.py -> dirname twice -> shelf/; its static/ is what FileSystemFinder serves.
    assert "shelf/static/intercom-messenger.js" in paths, sorted(paths)
    assert "static/intercom-messenger.js" not in paths
