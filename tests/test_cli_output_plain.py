"""cli_output writes plain lines to a pipe without Rich (issue 14): byte for byte what Rich writes there."""

import io

import pytest
from rich.console import Console
from rich.markup import escape as rich_escape

from intercom_wizard.cli_output import _plain_text, escape

# The shapes of cli_output's and cli's own lines, and text with what Rich would change.
LINES = [
    "[bold]Front end:[/] html   [bold]Back end:[/] flask",
    "  create  app/intercom_jwt.py  [dim]token endpoint (GET /api/intercom-jwt)[/]",
    "note: The app loads no env file, so the secret was not written anywhere.",
    "[yellow]warning:[/] The identity secret is shorter than 32 bytes.",
    "[bold yellow]manual step[/] in app.py: fill in the adapter\n    def current_user_id():",
    "[bold red]error:[/] /tmp/x does not exist.",
    "[bold green]result: would be complete[/]",
    "trailing spaces   ",
    "   \n  indented\n",
    "x" * 300,
    "",
    "[bold]unclosed",
    "see http://127.0.0.1:8000/login",
    "an emoji code :smile: in a path",
    "a tab\there",
    "a carriage return\rhere",
    "a form feed\x0chere",
    "an escaped \\[bold] tag",
    "a [link=x]tag[/link] of Rich's",
    "a bracket ] alone",
    "a backslash at the end \\",
    "non-ASCII: caf\u00e9 \u2192 \u4e2d",
]


def _rich_writes(markup: str) -> str:
    stream = io.StringIO()  # not a terminal: Rich writes no colour
    Console(file=stream, highlight=False, soft_wrap=True).print(markup)
    return stream.getvalue()


@pytest.mark.parametrize("markup", LINES)
def test_a_plain_line_is_what_rich_writes_to_a_pipe(markup: str) -> None:
    plain = _plain_text(markup)
    if plain is not None:
        assert plain + "\n" == _rich_writes(markup)


def test_what_rich_would_change_goes_through_rich() -> None:
    left_to_rich = [line for line in LINES if _plain_text(line) is None]
    assert left_to_rich == LINES[12:]


def test_a_close_with_nothing_open_is_left_to_rich_which_refuses_it() -> None:
    assert _plain_text("[/] stray") is None


@pytest.mark.parametrize("text", ["plain", "a [b] c", "[/]", "end \\", "end \\\\", "\\[x]", "[", "a]b", ""])
def test_escape_matches_rich(text: str) -> None:
    assert escape(text) == rich_escape(text)
