"""A Pages Router app with no custom App (`pages/_app`): Next.js renders its pages with its built-in
App, so there is no file to call the Messenger hook from. The wizard writes the standard minimal App
(`<Component {...pageProps} />`) that calls the hook first, in the pages' language (.tsx, .jsx or .js),
records it in the receipt as a file it created, and `uninstall` deletes it.

Fixture of our own: `tests/fixtures/next_pages_no_app` (Next 16, NextAuth v4 credentials with two
in-memory users, `@/*` mapped to the root, no pages/_app). The build test installs its packages from
npm and runs `next build` with the created App.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import copy_app, install_and_check_uninstall, install_quietly, snapshot, write_files
from nextjs_support import registered

APP_TSX = """/*
 * The custom App, added by intercom-wizard because the app had none: it renders each page as Next.js's
 * built-in App does, and starts the Intercom Messenger first. `intercom-wizard uninstall` deletes it.
 */
import type { AppProps } from 'next/app';

import { useIntercomMessenger } from '@/lib/use-intercom-messenger';

export default function App({ Component, pageProps }: AppProps) {
  useIntercomMessenger();
  return <Component {...pageProps} />;
}
"""


@pytest.fixture(autouse=True)
def _nextjs_registered():  # type: ignore[no-untyped-def]
    with registered():
        yield


def _receipt(root: Path) -> dict[str, dict[str, object]]:
    receipt: dict[str, dict[str, object]] = json.loads((root / ".intercom-wizard.json").read_text())
    return receipt


def test_typescript_app_gets_the_standard_app_calling_the_hook(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = copy_app("next_pages_no_app", tmp_path)
    before = snapshot(root)
    installed = install_quietly(cli, root)
    assert installed.exit_code == 0, installed.output  # complete: nothing is left to the user
    assert "manual step" not in installed.output
    assert (root / "pages/_app.tsx").read_text() == APP_TSX
    assert "pages/_app.tsx" in _receipt(root)["created"]  # created, so uninstall deletes it
    assert "void intercomLogin();" in (root / "lib/auth.ts").read_text()
    assert (root / "pages/api/intercom-jwt.ts").is_file()
    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert not (root / "pages/_app.tsx").exists() and snapshot(root) == before


def test_second_install_is_empty_and_uninstall_is_byte_exact(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = copy_app("next_pages_no_app", tmp_path)
    _, files = install_and_check_uninstall(cli, root, exit_code=0)
    assert files["pages/_app.tsx"] == APP_TSX


JS_PACKAGE = '{\n  "name": "pages-js",\n  "private": true,\n  "dependencies": {\n    "next": "16.4.3",\n    "react": "19.2.0",\n    "react-dom": "19.2.0"\n  }\n}\n'


@pytest.mark.parametrize(
    ("pages", "created"),
    [
        ({"pages/index.js": "export default function Home() {\n  return <h1>Notes</h1>;\n}\n"}, "pages/_app.js"),
        ({"src/pages/index.jsx": "export default function Home() {\n  return <h1>Notes</h1>;\n}\n"}, "src/pages/_app.jsx"),
    ],
)
def test_javascript_app_gets_it_in_the_pages_extension_without_types(tmp_path: Path, cli, pages: dict[str, str], created: str) -> None:  # type: ignore[no-untyped-def]
    """No sign-in of its own: anonymous-only, and the App is still what starts the Messenger."""
    write_files(tmp_path, {"package.json": JS_PACKAGE, ".gitignore": ".env*\n", **pages})
    result, files = install_and_check_uninstall(cli, tmp_path, exit_code=0)
    assert "anonymous-only" in result.output, result.output
    app = files[created]
    assert "import { useIntercomMessenger } from '../lib/use-intercom-messenger';" in app  # beside pages/ (or src/pages/)
    assert "export default function App({ Component, pageProps }) {\n  useIntercomMessenger();\n  return <Component {...pageProps} />;\n}\n" in app
    assert "AppProps" not in app and "import type" not in app
    assert not any(name.endswith(("_app.tsx", "_app.ts")) for name in files)


def test_an_existing_app_is_edited_not_replaced(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = copy_app("next_pages_no_app", tmp_path, commit=False)
    write_files(root, {"pages/_app.tsx": "import type { AppProps } from 'next/app';\n\nexport default function App({ Component, pageProps }: AppProps) {\n  return <main><Component {...pageProps} /></main>;\n}\n"})
    _, files = install_and_check_uninstall(cli, root, exit_code=0)
    assert files["pages/_app.tsx"].endswith("export default function App({ Component, pageProps }: AppProps) {\n  useIntercomMessenger();\n  return <main><Component {...pageProps} /></main>;\n}\n")
    assert "added by intercom-wizard" not in files["pages/_app.tsx"]


def _run(command: list[str], cwd: Path, timeout: int = 900) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEXT_TELEMETRY_DISABLED": "1"}
    env.pop("INTERCOM_IDENTITY_SECRET", None)
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False, timeout=timeout, env=env)


def test_created_app_passes_next_build(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """The real `next build` (type check included) of the fixture with the created App, the SDK and jose."""
    if shutil.which("npm") is None:
        pytest.skip("needs npm")
    root = copy_app("next_pages_no_app", tmp_path)
    installed = install_quietly(cli, root)
    assert installed.exit_code == 0, installed.output
    npm = _run(["npm", "install", "--no-audit", "--no-fund", "--prefer-offline"], root)
    assert npm.returncode == 0, npm.stdout[-2000:] + npm.stderr[-2000:]
    build = _run(["npm", "run", "build"], root)
    assert build.returncode == 0, build.stdout[-4000:] + build.stderr[-4000:]
    assert "/api/intercom-jwt" in build.stdout  # the token endpoint is a route of the built app
    # The browser's App chunk is ours: it carries the Messenger core (its token URL), which the built-in App does not.
    chunks = [path.read_text() for path in (root / ".next/static").rglob("*.js")]
    assert any("/api/intercom-jwt" in chunk and "intercom-messenger:user-id" in chunk for chunk in chunks)
