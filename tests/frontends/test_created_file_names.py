"""The modules an install creates follow the project's file-name convention, not only its components.

bulletproof-react's check-file rule (issue 13) renamed the React component; the Next.js core
(`lib/intercom-messenger.ts`), the Pages Router hook (`lib/use-intercom-messenger.ts`) and the
React core (`src/intercom/messenger.ts`) kept their names, so a project that lints names failed on
them. They follow the same rule now (`file_names.conventional_path`): the ESLint rule where one
matches, else the folder's names by majority, except PascalCase there (those are components'
names, `App.tsx`, not a module's). Every import of them, the sign-in wiring and the receipt follow;
a second install is empty and uninstall restores every byte.
"""

from pathlib import Path

import pytest
from conftest import install_and_check_uninstall, write_files
from nextjs_support import registered
from test_nextjs import app_router_ts, pages_router_js
from test_react import _ts_app

from intercom_wizard.file_names import conventional_path, named_as
from intercom_wizard.tree import ProjectTree

CHECK_FILE_RULE = """module.exports = {{
  plugins: ['check-file'],
  rules: {{ 'check-file/filename-naming-convention': ['error', {{ '{glob}': '{case}' }}] }},
}};
"""


@pytest.fixture(autouse=True)
def _nextjs_registered():
    with registered():
        yield


def test_next_pages_router_core_and_hook_follow_the_lint_rule(tmp_path, cli):
    root = pages_router_js(tmp_path)
    write_files(root, {".eslintrc.cjs": CHECK_FILE_RULE.format(glob="lib/**/*.js", case="CAMEL_CASE")})
    result, files = install_and_check_uninstall(cli, root, "--auth", "cookie", exit_code=4)
    created = {path for path in files if path.startswith("lib/")}
    assert created == {"lib/intercomMessenger.js", "lib/useIntercomMessenger.js"}, result.output
    assert files["pages/_app.js"].startswith("import { useIntercomMessenger } from '../lib/useIntercomMessenger';\n")
    assert "from './intercomMessenger';" in files["lib/useIntercomMessenger.js"]


def test_next_app_router_core_follows_the_folders_snake_case(tmp_path, cli):
    root = app_router_ts(tmp_path)
    write_files(root, {"src/lib/db_client.ts": "export const db = {};\n", "src/lib/rate_limit.ts": "export const limit = 10;\n"})
    result, files = install_and_check_uninstall(cli, root, exit_code=0)
    assert "src/lib/intercom_messenger.ts" in files and "src/lib/intercom-messenger.ts" not in files, sorted(files)
    # The component's folder does not exist and src/ has no evidence (page.tsx, layout.tsx): the default name.
    assert "import { intercomPageChanged, startIntercomMessenger } from '@/lib/intercom_messenger';" in files["src/components/intercom-messenger.tsx"]
    assert "import { intercomLogin, intercomLogout } from './intercom_messenger';" in files["src/lib/auth.ts"]  # the sign-in hooks too


def test_react_core_follows_a_pascal_case_rule(tmp_path, cli):
    root = _ts_app(tmp_path, router=False)
    write_files(root, {".eslintrc.cjs": CHECK_FILE_RULE.format(glob="src/**/*.{ts,tsx}", case="PASCAL_CASE")})
    result, files = install_and_check_uninstall(cli, root, "--auth", "cookie", exit_code=4)  # the API is elsewhere: its endpoint is left
    assert "src/intercom/Messenger.ts" in files and "src/intercom/messenger.ts" not in files, sorted(files)
    assert "import { startIntercomMessenger } from './Messenger'" in files["src/intercom/IntercomMessenger.tsx"]
    assert "import { intercomLogin, intercomLogout } from './intercom/Messenger'" in files["src/auth.ts"]


def test_a_module_is_not_named_after_the_components_beside_it(tmp_path):
    """The control of the PascalCase exception: src/ holds App.tsx, Home.tsx; the component follows them,
    the core (no lint rule) keeps its name."""
    write_files(tmp_path, {"src/App.tsx": "", "src/Home.tsx": "", "src/App.ts": "", "src/Home.ts": ""})
    tree = ProjectTree(tmp_path)
    assert conventional_path(tree, "src/intercom/intercom-messenger.tsx") == "src/intercom/IntercomMessenger.tsx"
    assert conventional_path(tree, "src/intercom/messenger.ts") == "src/intercom/Messenger.ts"
    assert conventional_path(tree, "src/intercom/messenger.ts", component=False) == "src/intercom/messenger.ts"


def test_the_scans_pass_over_a_renamed_core():
    for path in ("lib/intercom-messenger.ts", "lib/intercomMessenger.ts", "src/lib/intercom_messenger.js", "public/intercom-messenger.js"):
        assert named_as(path, "intercom-messenger", (".js", ".ts")), path
    for path in ("lib/intercom-messenger.tsx", "lib/messenger.ts", "lib/intercom.ts"):
        assert not named_as(path, "intercom-messenger", (".js", ".ts")), path


def test_nothing_to_rename_without_a_convention(tmp_path: Path):
    write_files(tmp_path, {"lib/db.ts": "", "pages/index.tsx": ""})
    tree = ProjectTree(tmp_path)
    assert conventional_path(tree, "lib/intercom-messenger.ts", component=False) == "lib/intercom-messenger.ts"
    assert conventional_path(tree, "lib/use-intercom-messenger.ts", component=False) == "lib/use-intercom-messenger.ts"
