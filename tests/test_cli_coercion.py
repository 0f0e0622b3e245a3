"""cli_coercion: option values coerced without pydantic give what Typer's own adapter gives (issue 14).

Each case runs the parameter through both: the plain coercion, and the pydantic `TypeAdapter` Typer
builds (`build_runtime_param`). Values the plain path leaves to the adapter (non-ASCII text, an
invalid choice, a path that would print differently) must come out the same, errors included.
"""

from pathlib import Path
from typing import Any

import pytest
import typer
from typer._coercion import build_runtime_param

from intercom_wizard.cli import app
from intercom_wizard.cli_coercion import NOT_PLAIN, PlainValues, plain_value
from intercom_wizard.options import ClientAuth, LoadStrategy, Region


def _install_params() -> tuple[typer.core.TyperGroup, dict[str, Any]]:
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    return group, {param.name: param for param in group.commands["install"].params}


def _both(name: str, value: Any) -> tuple[Any, Any]:
    """(plain result or exception, adapter result or exception) for the install option `name`."""
    group, params = _install_params()
    param = params[name]
    ctx = typer.Context(group.commands["install"])
    results = []
    for runtime in (PlainValues(parameter_info=param.type_descriptor.parameter_info, annotation=param.type_descriptor.annotation),
                    build_runtime_param(param.type_descriptor)):
        try:
            results.append(runtime.coerce(value, param=param, ctx=ctx))
        except Exception as error:  # the same error class and message from both
            results.append((type(error).__name__, str(error)))
    return results[0], results[1]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("workspace_id", "abc12345"),
        ("workspace_id", "ab\u00e9"),
        ("workspace_id", None),
        ("endpoint", "/api/intercom-jwt"),
        ("region", "eu"),
        ("region", "EU"),
        ("region", "mars"),
        ("region", Region.AU),
        ("auth", "bearer"),
        ("auth", "bogus"),
        ("load", LoadStrategy.IMMEDIATE),
        ("load", "idle"),
        ("path", "."),
        ("path", "/nonexistent/app"),
        ("path", "./x//y"),
        ("path", "caf\u00e9"),
        ("path", Path(".")),
        ("dry_run", True),
        ("dry_run", "yes"),
    ],
)
def test_plain_coercion_equals_typers_adapter(name: str, value: Any) -> None:
    plain, adapter = _both(name, value)
    assert plain == adapter
    assert type(plain) is type(adapter)


def test_only_plain_values_skip_the_adapter() -> None:
    _, params = _install_params()
    ctx = typer.Context(typer.main.get_command(app))
    cases = [("region", "eu", Region.EU), ("auth", "cookie", ClientAuth.COOKIE), ("endpoint", "/x", "/x"), ("path", "app", Path("app"))]
    for name, value, expected in cases:
        param = params[name]
        assert plain_value(param.type_descriptor.annotation, param.type_descriptor.parameter_info, value, param, ctx) == expected
    for name, value in (("region", "mars"), ("endpoint", "caf\u00e9"), ("path", "./app")):
        param = params[name]
        assert plain_value(param.type_descriptor.annotation, param.type_descriptor.parameter_info, value, param, ctx) is NOT_PLAIN


def test_every_option_of_every_command_is_coerced_plainly() -> None:
    group, _ = _install_params()
    for command in (group, *group.commands.values()):
        for param in command.params:
            assert isinstance(param._runtime_param, PlainValues), f"{command.name} {param.name}"
