"""`install --upgrade` of the SDK shuts the Messenger down before next-auth's signOut() leaves the page
(upgrade_sign_out.py), on tests/fixtures/next_sdk_intercom_app: a statement gets `shutdown();` above it, a
signOut that already follows the SDK's shutdown is left alone, and a name the module already uses is avoided."""

from conftest import install_quietly, snapshot

FIXTURE = "next_sdk_intercom_app"
MENU = """'use client';

import { signOut } from 'next-auth/react';

export function AccountMenu() {
  async function leave() {
    await signOut({ callbackUrl: '/' });
  }
  return <button type="button" onClick={() => void leave()}>Leave</button>;
}
"""


def _with_menu(app_copy, menu: str):  # type: ignore[no-untyped-def]
    import subprocess

    root = app_copy(FIXTURE, commit=False)
    (root / "app/account-menu.tsx").write_text(menu)
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "app"]):
        subprocess.run(["git", *command], cwd=root, check=True)
    return root


def test_a_sign_out_statement_gets_the_shutdown_above_it_and_uninstall_restores_it(app_copy, cli):
    root = _with_menu(app_copy, MENU)
    before = snapshot(root)
    result = install_quietly(cli, root, "--upgrade")
    assert result.exit_code == 0, result.stderr
    menu = (root / "app/account-menu.tsx").read_text()
    assert "    shutdown();\n    await signOut({ callbackUrl: '/' });\n" in menu
    assert "import { signOut } from 'next-auth/react';\nimport { shutdown } from '@intercom/messenger-js-sdk';\n" in menu
    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert snapshot(root) == before


def test_a_sign_out_after_the_sdks_shutdown_is_left_alone(app_copy, cli):
    menu = MENU.replace("import { signOut } from 'next-auth/react';\n", "import { signOut } from 'next-auth/react';\nimport { shutdown as endChat } from '@intercom/messenger-js-sdk';\n")
    root = _with_menu(app_copy, menu.replace("    await signOut(", "    endChat();\n    await signOut("))
    result = install_quietly(cli, root, "--upgrade", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "a/app/account-menu.tsx" not in result.stdout


def test_a_module_with_its_own_shutdown_gets_the_sdks_under_another_name(app_copy, cli):
    root = _with_menu(app_copy, MENU.replace("  async function leave() {", "  function shutdown() {}\n\n  async function leave() {"))
    result = install_quietly(cli, root, "--upgrade")
    assert result.exit_code == 0, result.stderr
    menu = (root / "app/account-menu.tsx").read_text()
    assert "import { shutdown as intercomShutdown } from '@intercom/messenger-js-sdk';\n" in menu
    assert "    intercomShutdown();\n    await signOut(" in menu
