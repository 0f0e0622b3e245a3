"""Next.js 13 with TypeScript 5.0, type-checked for real: the band's `NextResponse.json` passes, and the
newest idiom (`Response.json`, typed from TypeScript 5.2) fails that check and is undone by --check-build.

Pins (installed once into the test's tmp dir, written down in docs/frontends-nextjs.md):
next 13.5.6, react/react-dom 18.2.0, typescript 5.0.4, @types/react 18.2.79, @types/node 20.14.10,
and what the wizard adds: jose and @intercom/messenger-js-sdk at the versions it declares.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import git, install_quietly, snapshot
from nextjs_support import registered
from test_nextjs import app_router_ts

from intercom_wizard.integrations.frontends.nextjs import app_router
from intercom_wizard.integrations.frontends.spa_common import SDK_PACKAGE, SDK_SPEC

PINS = {
    "next": "13.5.6", "react": "18.2.0", "react-dom": "18.2.0", "typescript": "5.0.4",
    "@types/react": "18.2.79", "@types/node": "20.14.10", "jose": "6.1.0", SDK_PACKAGE: SDK_SPEC.lstrip("^"),
}
# The files the install writes or edits (the scaffold's layout uses Next 15's LayoutProps type).
TSCONFIG = {
    "compilerOptions": {
        "strict": True, "noEmit": True, "skipLibCheck": True, "jsx": "preserve", "target": "es2020",
        "lib": ["dom", "dom.iterable", "esnext"], "module": "esnext", "moduleResolution": "bundler",
        "esModuleInterop": True, "isolatedModules": True, "paths": {"@/*": ["./src/*"]},
    },
    "include": ["src/lib/**/*.ts", "src/app/api/**/*.ts", "src/components/**/*.tsx"],
}


@pytest.fixture(autouse=True)
def _nextjs_registered():  # type: ignore[no-untyped-def]
    with registered():
        yield


@pytest.fixture(scope="module")
def node_modules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("npm") is None:
        pytest.skip("needs npm")
    folder = tmp_path_factory.mktemp("next13-typescript-5.0")
    (folder / "package.json").write_text(json.dumps({"name": "pins", "private": True, "dependencies": PINS}))
    installed = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefer-offline"], cwd=folder, capture_output=True, text=True, timeout=900)
    if installed.returncode != 0:
        pytest.skip(f"npm could not install the Next 13 pins: {installed.stderr[-400:]}")
    return folder / "node_modules"


def _app(root: Path, node_modules: Path) -> Path:
    app_router_ts(root)
    manifest = json.loads((root / "package.json").read_text())
    manifest["dependencies"]["next"] = PINS["next"]
    manifest["devDependencies"] = {"typescript": PINS["typescript"]}
    manifest["scripts"] = {"build": "next build", "typecheck": "tsc -p tsconfig.check.json"}
    (root / "package.json").write_text(json.dumps(manifest, indent=2) + "\n")
    (root / "tsconfig.check.json").write_text(json.dumps(TSCONFIG, indent=2) + "\n")
    (root / "node_modules").symlink_to(node_modules)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "next 13 app")
    return root


def test_next_13_typescript_5_0_type_checks_after_install(tmp_path: Path, node_modules: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _app(tmp_path / "app", node_modules)
    result = install_quietly(cli, root, "--backend", "none", "--check-build")
    assert result.exit_code == 0, result.output
    output = " ".join(result.stderr.split())
    assert "--check-build: `npm run typecheck` in .: before the install passes, after it passes." in output
    assert "NextResponse.json({ token }" in (root / "src/app/api/intercom-jwt/route.ts").read_text()


def test_the_newest_idiom_fails_typescript_5_0_and_is_undone(tmp_path: Path, node_modules: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """The control: without the band the route's `Response.json` breaks the type check; --check-build undoes it."""
    root = _app(tmp_path / "app", node_modules)
    monkeypatch.setattr(app_router, "_response_class", lambda tree, app: "Response")
    before = snapshot(root)
    result = install_quietly(cli, root, "--backend", "none", "--check-build")
    assert result.exit_code == 1, result.output
    output = " ".join(result.stderr.split())
    assert "before the install passes, after it FAILS." in output
    assert "error TS2339: Property 'json' does not exist on type" in output
    assert snapshot(root) == before
