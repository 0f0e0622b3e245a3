"""Django's old band for real: Django 3.2 LTS in its own virtualenv (the current band, Django 5.x, runs
in tests/test_runtime.py on the dev extra). Pins: docs/versions.md."""

import json
import subprocess
from pathlib import Path

import jwt
import pytest
from conftest import SECRET, git, install_quietly, write_files
from venv_support import pinned_python

from intercom_wizard.localserver import BrowserlessClient, free_port, running_server

DJANGO_3_PINS = ("django==3.2.25", "PyJWT==2.8.0", "python-dotenv==1.0.1")


@pytest.fixture(scope="module")
def django_3_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pinned_python(tmp_path_factory, "django-3.2-venv", DJANGO_3_PINS)


def test_django_3_2_site_signs_the_signed_in_user(django_3_python: Path, app_copy, cli) -> None:  # type: ignore[no-untyped-def]
    root = app_copy("django_site")
    write_files(root, {"requirements.txt": "Django==3.2.25\n"})
    git(root, "commit", "-qam", "Django 3.2")
    detected = json.loads(cli("detect", str(root), "--json").stdout)["backends"][0]["versions"]["Django"]
    assert (detected["version"], detected["how"], detected["supported"]) == ("3.2.25", "locked", True)
    assert install_quietly(cli, root).exit_code == 0
    subprocess.run([str(django_3_python), "manage.py", "migrate", "-v", "0"], cwd=root, check=True)
    port = free_port()
    command = [str(django_3_python), "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    with running_server(command, root, port, {"INTERCOM_IDENTITY_SECRET": SECRET}):
        client = BrowserlessClient(f"http://127.0.0.1:{port}")
        signed_out = client.get("/api/intercom-jwt", follow=False)
        assert signed_out.status == 401 and "no-store" in signed_out.headers.get("Cache-Control", "")
        client.post_form("/accounts/login/", {"username": "carol", "password": "pass-carol-123"}, csrf_from="/accounts/login/")
        signed_in = client.get("/api/intercom-jwt")
        assert signed_in.status == 200, signed_in.body
        claims = jwt.decode(json.loads(signed_in.body)["token"], SECRET, algorithms=["HS256"])
        assert (claims["user_id"], claims["email"]) == ("1", "carol@example.com")
        client.post_form("/accounts/logout/", {}, csrf_from="/")
        assert client.get("/api/intercom-jwt", follow=False).status == 401


def test_django_pins_are_written_down() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs/versions.md").read_text()
    assert all(pin in doc for pin in DJANGO_3_PINS)
