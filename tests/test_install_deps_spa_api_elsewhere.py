"""A single-page app whose users sign in, with no back end in the project: `incomplete`, never `complete`.

Fixture of our own: `vite_react_login_no_backend` (create-vite's React + TypeScript shape, a login form
posting to /api/login and a sign-out button; the API is another project). Without its sign-in code the
same app is a fresh scaffold: `anonymous-only`, exit 0.
"""

import json

from conftest import WORKSPACE_ID, copy_app, install_and_check_uninstall, install_quietly, line_of
from test_result import every_step_names_an_existing_file, last_line

API_STEP = "Run the wizard on the API's code"


def test_sign_in_without_a_back_end_is_incomplete_with_the_command_for_the_api(tmp_path, cli):
    root = copy_app("vite_react_login_no_backend", tmp_path)
    result, after = install_and_check_uninstall(cli, root, exit_code=4)
    assert result.exit_code == 4, result.stderr
    assert last_line(result) == "result: incomplete - 1 part left to do by hand (listed above); identity is not working until done."
    text = " ".join(result.stderr.split())
    # the line of App.tsx as the install wrote it: the hook's import is added above it
    logout = line_of(after["src/App.tsx"], "logout(")
    assert f"manual step in src/App.tsx: This react app signs users in (src/App.tsx:{logout}: `logout(`)." in text
    assert "No back end is in this project, so nothing signs its Intercom tokens: /api/intercom-jwt does not exist yet" in text
    assert f"intercom-wizard install <the folder with the API's code> --workspace-id {WORKSPACE_ID}" in text
    # Everything else is done: the client asks the endpoint, and the app's own login/logout call the hooks.
    assert "const TOKEN_URL: string | null = '/api/intercom-jwt'" in after["src/intercom/messenger.ts"]
    assert "intercomLogin" in after["src/Login.tsx"] and "intercomLogout" in after["src/App.tsx"]


def test_an_api_on_another_origin_is_still_incomplete_and_the_step_carries_the_origin(tmp_path, cli):
    root = copy_app("vite_react_login_no_backend", tmp_path, commit=False)
    origin = "https://shop.example.com"
    result = install_quietly(cli, root, "--json", "--frontend-origin", origin, "--region", "eu", "--endpoint", "/auth/intercom-token")
    assert result.exit_code == 4, result.stderr
    report = json.loads(result.stdout)
    assert report["result"] == "incomplete"
    every_step_names_an_existing_file(root, report["manual_steps"])
    [step] = report["manual_steps"]
    assert step["file"] == "src/App.tsx" and API_STEP in step["instruction"]
    assert f"Its API is on another origin than its pages ({origin})" in step["instruction"]
    assert step["snippet"] == (
        f"intercom-wizard install <the folder with the API's code> --workspace-id {WORKSPACE_ID} --region eu "
        f"--endpoint /auth/intercom-token --frontend-origin {origin}"
    )


def test_the_same_app_without_sign_in_is_anonymous_only(tmp_path, cli):
    root = copy_app("vite_react_login_no_backend", tmp_path, commit=False)
    (root / "src/Login.tsx").unlink()
    (root / "src/App.tsx").write_text("function App() {\n  return <h1>Reading list</h1>\n}\n\nexport default App\n")
    result = install_quietly(cli, root)
    assert result.exit_code == 0, result.stderr
    assert last_line(result) == "result: anonymous-only - the app has no sign-in, so every visitor is a lead."
    assert API_STEP not in result.stderr
    assert "const TOKEN_URL: string | null = null" in (root / "src/intercom/messenger.ts").read_text()
