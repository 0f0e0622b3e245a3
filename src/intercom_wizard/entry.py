"""The `intercom-wizard` console script.

`intercom-wizard --version` is answered here, before Typer, Rich and the CLI are imported (about
50 ms even when nothing else is); everything else goes to the Typer app in cli.py.
"""

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from intercom_wizard import __version__

        print(f"intercom-wizard {__version__}")
        return
    from intercom_wizard.cli import main as run_cli

    run_cli()
