"""Back ends per version band: the code written fits the versions the app runs (golden diff per band)."""

import ast
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from bands import band_diff
from conftest import install_quietly, write_files

from intercom_wizard.outputcheck import runtime_annotation_problems


def added_file(diff: str, path: str) -> str:
    """The text of a file the diff creates."""
    lines = diff.split(f"+++ b/{path}\n", 1)[1].split("\n--- ", 1)[0].splitlines()
    return "\n".join(line[1:] for line in lines if line.startswith("+"))


def test_flask_1_routes_with_methods_not_bp_get(app_copy: Callable[..., Path], cli) -> None:  # type: ignore[no-untyped-def]
    root = app_copy("flask_login_app")
    write_files(root, {"requirements.txt": "Flask==1.1.4\nFlask-Login==0.5.0\n"})
    diff = band_diff(cli, root, "flask-1.1")
    assert '+@bp.route("/api/intercom-jwt", methods=["GET"])' in diff and "@bp.get(" not in diff


def test_flask_2_uses_bp_get(app_copy: Callable[..., Path], cli) -> None:  # type: ignore[no-untyped-def]
    root = app_copy("flask_login_app")
    write_files(root, {"requirements.txt": "Flask>=2.0\nFlask-Login>=0.6\n"})
    result = cli("install", str(root), "--workspace-id", "abc12345", "--dry-run")
    assert '+@bp.get("/api/intercom-jwt")' in result.stdout


def test_flask_jwt_extended_3_uses_jwt_optional(app_copy: Callable[..., Path], cli) -> None:  # type: ignore[no-untyped-def]
    root = app_copy("flask_jwt_api")
    write_files(root, {"requirements.txt": "flask==1.1.4\nflask-jwt-extended==3.25.1\n"})
    diff = band_diff(cli, root, "flask-1.1-jwt-extended-3", "--token-storage-key", "access_token")
    module = added_file(diff, "intercom_jwt.py")
    assert "\n@jwt_optional\n" in module and "jwt_required" not in module
    assert "jwt_optional" in module.split("from flask_jwt_extended import ", 1)[1].splitlines()[0]


def _fastapi_module(app_copy: Callable[..., Path], cli, python: str) -> tuple[Path, str]:  # type: ignore[no-untyped-def]
    root = app_copy("fastapi_session_app")
    write_files(root, {".python-version": f"{python}\n"})
    diff = band_diff(cli, root, f"fastapi-python-{python}")
    return root, added_file(diff, "intercom_jwt.py")


def test_fastapi_on_python_3_9_has_no_runtime_unions(app_copy: Callable[..., Path], cli) -> None:  # type: ignore[no-untyped-def]
    _, module = _fastapi_module(app_copy, cli, "3.9")
    assert "Optional[dict[str, Any]]" in module and "| None" not in module
    assert runtime_annotation_problems(ast.parse(module, feature_version=(3, 9)), (3, 9)) == []


def test_fastapi_on_python_3_8_has_typing_generics(app_copy: Callable[..., Path], cli) -> None:  # type: ignore[no-untyped-def]
    root, module = _fastapi_module(app_copy, cli, "3.8")
    assert "Optional[Dict[str, Any]]" in module and "from typing_extensions import Annotated" in module
    assert "collections.abc" not in module
    assert runtime_annotation_problems(ast.parse(module, feature_version=(3, 8)), (3, 8)) == []
    # Still a working FastAPI module on this Python: install it and import it.
    assert install_quietly(cli, root).exit_code == 0
    imported = subprocess.run(
        [sys.executable, "-c", "import intercom_jwt; print([r.path for r in intercom_jwt.router.routes])"],
        cwd=root, capture_output=True, text=True, check=False,
    )
    assert imported.returncode == 0 and "/api/intercom-jwt" in imported.stdout, imported.stderr


def _laravel_55(root: Path) -> None:
    manifest = json.loads((root / "composer.json").read_text())
    manifest["require"] = {"php": "^7.1.3", "laravel/framework": "5.5.*", "laravel/tinker": "~1.0"}
    (root / "composer.json").write_text(json.dumps(manifest, indent=4) + "\n")
    (root / "composer.lock").unlink(missing_ok=True)


def test_laravel_5_5_on_php_7_1(app_copy: Callable[..., Path], cli) -> None:  # type: ignore[no-untyped-def]
    root = app_copy("laravel_app", commit=False)
    _laravel_55(root)
    diff = band_diff(cli, root, "laravel-5.5-php-7.1")
    assert "Route::get('/api/intercom-jwt', 'IntercomJwtController')" in diff
    assert "+use App\\Http\\Controllers\\IntercomJwtController;" not in diff  # the group's namespace resolves it
    controller = added_file(diff, "app/Http/Controllers/IntercomJwtController.php")
    assert "fn (" not in controller and "function ($value) { return $value !== null; }" in controller
    assert '"firebase/php-jwt": "^5.5 || ^6.0"' in diff


def test_laravel_11_keeps_class_routes_and_php_8_idioms(app_copy: Callable[..., Path], cli) -> None:  # type: ignore[no-untyped-def]
    root = app_copy("laravel_app")
    result = cli("install", str(root), "--workspace-id", "abc12345", "--dry-run")
    assert "IntercomJwtController::class" in result.stdout and '"firebase/php-jwt": "^6.10"' in result.stdout
    assert "fn ($value) => $value !== null" in result.stdout
