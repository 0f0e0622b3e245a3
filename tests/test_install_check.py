"""The `check_install` helper itself: an exact tree, an exact exit code, or the test fails."""

import textwrap

import pytest
from conftest import WORKSPACE_ID
from install_check import check_install

from intercom_wizard.errors import ExitCode
from intercom_wizard.integrations.frontends.html import script_source
from intercom_wizard.options import InstallOptions, parse_workspace_id

PAGE = textwrap.dedent(
    """\
    <!doctype html>
    <html>
    <body>
      <h1>Hello</h1>
    </body>
    </html>
    """
)
PAGE_WITH_SCRIPT = textwrap.dedent(
    """\
    <!doctype html>
    <html>
    <body>
      <h1>Hello</h1>
      <script src="intercom-messenger.js" defer></script>
    </body>
    </html>
    """
)


def test_a_static_page_without_sign_in_gets_the_anonymous_script() -> None:
    script = script_source(InstallOptions(workspace=parse_workspace_id(WORKSPACE_ID)), token_url=None)
    result = check_install({"index.html": PAGE}, {"index.html": PAGE_WITH_SCRIPT, "intercom-messenger.js": script})
    assert "result: anonymous-only" in result.stderr


def test_a_file_the_install_wrote_but_the_case_does_not_list_fails() -> None:
    with pytest.raises(AssertionError):
        check_install({"index.html": PAGE}, {"index.html": PAGE_WITH_SCRIPT})


def test_another_exit_code_fails() -> None:
    with pytest.raises(AssertionError):
        check_install({"notes.txt": "notes\n"}, {"notes.txt": "notes\n"}, exit_code=ExitCode.BAD_INPUT)
