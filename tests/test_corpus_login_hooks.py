"""Login hooks in the success path of the app's own sign-in: shapes from the real-app corpus
(docs/corpus.md), as small modules of our own in a minimal single-page app.

After the awaited request inside `try` (never after the catch), inside a promise's success
callback, as `tap(...)` in an Observable's pipe; never before a request that is returned
unfinished, never after branches that all return, never in a 'use server' module; a manual step
always names a file that exists.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import API_ELSEWHERE, WORKSPACE_ID, git, install_quietly, snapshot, write_files

MAIN = """\
import { createRoot } from 'react-dom/client'
import App from './App'

createRoot(document.getElementById('root')!).render(<App />)
"""
LOGOUT = "\nexport function logout(): void {\n  localStorage.removeItem('user')\n}\n"


def _app(root: Path, auth: str, extra: dict[str, str] | None = None) -> Path:
    write_files(root, {
        "package.json": json.dumps({"name": "app", "private": True, "type": "module",
                                    "dependencies": {"react": "^18.3.1", "react-dom": "^18.3.1", "rxjs": "^7.8.0"},
                                    "devDependencies": {"typescript": "~5.4.0", "vite": "^5.2.0"}}, indent=2) + "\n",
        "tsconfig.json": "{}\n",
        "index.html": '<!doctype html>\n<html>\n  <body>\n    <div id="root"></div>\n    <script type="module" src="/src/main.tsx"></script>\n  </body>\n</html>\n',
        "src/main.tsx": MAIN,
        "src/App.tsx": "export default function App() {\n  return <h1>Hello</h1>\n}\n",
        # `credentials: 'include'`: the API calls send the session cookie (the evidence for cookie auth).
        "src/api.ts": "export function postJson(url: string, body?: unknown) {\n  return fetch(url, { method: 'POST', credentials: 'include', body: JSON.stringify(body) })\n}\n",
        "src/auth.ts": auth + LOGOUT,
        **(extra or {}),
    })
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "app")
    return root


def only_the_api_is_left(output: str) -> bool:
    """The hooks were wired; the one part left is the token endpoint, in the API's code (not in these apps)."""
    text = " ".join(output.split())
    return text.count("manual step in ") == 1 and API_ELSEWHERE in text


def _auth_after(cli, root: Path) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    """The install's exit code, src/auth.ts after it (statement ends normalised: the wizard writes in
    the file's own style, with or without semicolons), and its output; then uninstall is checked."""
    before = snapshot(root)
    result = install_quietly(cli, root, "--frontend", "react", "--backend", "none")
    text = re.sub(r";$", "", (root / "src/auth.ts").read_text(), flags=re.M)
    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert snapshot(root) == before
    return result.exit_code, text, result.output


HOOK_IMPORT = "import { intercomLogin, intercomLogout } from './intercom/messenger'\n"

TRY_CATCH = """\
import { postJson } from './api'

export async function login(email: string, password: string): Promise<boolean> {
  try {
    const response = await postJson('/api/login', { email, password })
    localStorage.setItem('user', JSON.stringify(await response.json()))
  } catch (error) {
    console.error(error)
  }
  return false
}
"""

TRY_CATCH_LAST = TRY_CATCH.replace("  }\n  return false\n}", "  }\n}").replace("Promise<boolean>", "Promise<void>")


def test_inside_try_after_the_awaited_request_never_after_catch(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    code, text, output = _auth_after(cli, _app(tmp_path, TRY_CATCH_LAST))
    assert code == 4 and only_the_api_is_left(output), output
    assert text.startswith("import { postJson } from './api'\n" + HOOK_IMPORT)
    assert (
        "    localStorage.setItem('user', JSON.stringify(await response.json()))\n    void intercomLogin()\n"
        "  } catch (error) {\n    console.error(error)\n  }\n}\n"
    ) in text


def test_a_return_after_try_catch_is_not_the_success_path(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    # `return false` after the catch runs on failure too: the hook is not put before it.
    code, text, output = _auth_after(cli, _app(tmp_path, TRY_CATCH))
    assert "void intercomLogin()\n  return false" not in text


THEN_RETURNED = """\
import { postJson } from './api'

export function login(email: string, password: string) {
  return postJson('/api/login', { email, password })
    .then((response) => response.json())
    .then((user) => {
      localStorage.setItem('user', JSON.stringify(user))
      return user
    })
}
"""


def test_inside_the_returned_promise_success_callback(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    code, text, output = _auth_after(cli, _app(tmp_path, THEN_RETURNED))
    assert code == 4 and only_the_api_is_left(output), output
    assert "      localStorage.setItem('user', JSON.stringify(user))\n      void intercomLogin()\n      return user\n    })\n}" in text


THEN_WITH_FAILURE = """\
import { postJson } from './api'

export function signIn(email: string, password: string, onDone: (ok: boolean) => void): void {
  postJson('/api/login', { email, password }).then(
    () => {
      onDone(true)
    },
    () => {
      onDone(false)
    },
  )
}
"""


def test_in_the_first_then_callback_not_after_the_call_or_in_the_failure_one(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    code, text, output = _auth_after(cli, _app(tmp_path, THEN_WITH_FAILURE))
    assert code == 4 and only_the_api_is_left(output), output
    assert "    () => {\n      onDone(true)\n      void intercomLogin()\n    },\n    () => {\n      onDone(false)\n    },\n  )\n}" in text


OBSERVABLE = """\
import { Observable, from } from 'rxjs'
import { map } from 'rxjs/operators'
import { postJson } from './api'

export function login(email: string, password: string): Observable<unknown> {
  return from(postJson('/api/login', { email, password })).pipe(map((response) => {
    localStorage.setItem('user', 'signed-in')
    return response
  }))
}
"""


def test_tap_in_the_observable_pipe_with_rxjs_operators_import(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    code, text, output = _auth_after(cli, _app(tmp_path, OBSERVABLE))
    assert code == 4 and only_the_api_is_left(output), output
    assert "import { map, tap } from 'rxjs/operators'\n" in text
    assert "    return response\n  }), tap(() => void intercomLogin()))\n}" in text
    assert "import { Observable, from } from 'rxjs'\n" in text  # plain 'rxjs' only has tap from 7.2


def test_tap_gets_its_own_import_when_the_file_has_no_operators_import(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    auth = OBSERVABLE.replace("import { map } from 'rxjs/operators'\n", "").replace("pipe(map((response) => {\n    localStorage.setItem('user', 'signed-in')\n    return response\n  }))", "pipe()")
    code, text, output = _auth_after(cli, _app(tmp_path, auth))
    assert code == 4 and only_the_api_is_left(output), output
    assert "import { tap } from 'rxjs/operators'\n" in text
    assert ".pipe(tap(() => void intercomLogin()))" in text


@pytest.mark.parametrize(
    ("auth", "why"),
    [
        ("import { postJson } from './api'\n\nexport async function login(email: string) {\n  const response = await postJson('/api/login', { email })\n"
         "  if (response.ok) {\n    return true\n  } else {\n    return false\n  }\n}\n", "branches that all return"),
        ("import { postJson } from './api'\n\nexport async function login(email: string) {\n  return await postJson('/api/login', { email })\n}\n",
         "returns its request unfinished"),
        ("import { postJson } from './api'\n\nexport function login(email: string) {\n  return postJson('/api/login', { email })\n}\n",
         "returns its request unfinished"),
    ],
)
def test_no_certain_success_point_is_a_manual_step_in_that_file(tmp_path: Path, cli, auth: str, why: str) -> None:  # type: ignore[no-untyped-def]
    code, text, output = _auth_after(cli, _app(tmp_path, auth))
    assert code == 4, output
    assert "intercomLogin" not in text
    assert why in " ".join(output.split()) and "login() in src/auth.ts" in output


def test_use_server_modules_never_get_a_hook(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    action = "'use server'\n\nexport async function signIn(form: FormData) {\n  await fetch('http://127.0.0.1/api/login', { method: 'POST', body: form })\n}\n"
    root = _app(tmp_path, "// no sign-in here\n", {"src/actions.ts": action})
    before = snapshot(root)
    result = install_quietly(cli, root, "--frontend", "react", "--backend", "none")
    assert result.exit_code == 4, result.output
    assert (root / "src/actions.ts").read_text() == action
    assert "no function named like login was found under src" in " ".join(result.output.split())
    assert cli("uninstall", str(root), "--yes").exit_code == 0 and snapshot(root) == before


def test_manual_step_names_an_existing_file_when_the_likely_one_is_missing(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    write_files(tmp_path, {
        "package.json": json.dumps({"name": "site", "private": True, "dependencies": {"next": "14.2.3", "react": "^18.3.1", "react-dom": "^18.3.1"}}, indent=2) + "\n",
        "tsconfig.json": "{}\n",
        "app/layout.tsx": "export default function RootLayout({ children }: { children: React.ReactNode }) {\n  return (\n    <html lang=\"en\">\n      <body>{children}</body>\n    </html>\n  )\n}\n",
        "app/page.tsx": "export default function Page() {\n  return <h1>Hi</h1>\n}\n",
    })
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "app")
    result = cli("install", str(tmp_path), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install", "--backend", "none", "--dry-run", "--json")
    plan = json.loads(result.stdout)
    created = {change["path"] for change in plan["changes"] if change["action"] == "create"}
    for step in plan["manual_steps"]:
        assert (tmp_path / step["file"]).is_file() or step["file"] in created, step
