"""Typer's option coercion for plain values, without pydantic.

Typer 0.29 coerces every option value through a pydantic `TypeAdapter` it builds on first use
(`_TyperParameter.get_runtime_param`), even for an option left at its default: importing pydantic
and building the adapters costs about 0.08 s CPU per run, more than importing Typer itself (issue 14).
The values our commands take are plain: text, a project path, an enum member. `PlainValuesGroup`
gives each parameter a `PlainValues` coercion that returns what the adapter returns for those
values (ASCII text; a path that prints back exactly as typed, then Typer's own path checks; a valid
enum choice, through Typer's own choice matching) and hands every other value to the adapter Typer
builds, so errors and unusual input (non-ASCII text, an invalid choice, a number) behave as before.

This leans on Typer's private coercion hook, so cli.py falls back to the plain `TyperGroup` when a
Typer release lacks it (tests/test_lazy_imports.py says which Typer runs without pydantic).
"""

import os
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from typer._click import Command, Context
from typer._coercion import RuntimeParam, build_runtime_param
from typer._param_types import coerce_cli_choice, coerce_cli_path, lenient_issubclass, routes_to_path
from typer.core import TyperGroup, _TyperParameter
from typer.models import ParameterInfo

# The answer of `plain_value` for a value it leaves to Typer's adapter.
NOT_PLAIN = object()


@dataclass(frozen=True)
class PlainValues(RuntimeParam):
    """Plain values coerced here; anything else through the pydantic adapter Typer would have used."""

    def _coerce_value(self, value: Any, param: _TyperParameter, ctx: Context) -> Any:
        plain = plain_value(self.annotation, self.parameter_info, value, param, ctx)
        if plain is not NOT_PLAIN:
            return plain
        return build_runtime_param(param.type_descriptor)._coerce_value(value, param=param, ctx=ctx)


def plain_value(annotation: Any, info: ParameterInfo, value: Any, param: _TyperParameter, ctx: Context) -> Any:
    """What Typer's adapter returns for `value`, or NOT_PLAIN; checked in the adapter's own order
    (typer._adapters.build_leaf_adapter: a custom parser, an enum, ..., text, a path)."""
    if info.parser is not None:
        return NOT_PLAIN
    if lenient_issubclass(annotation, Enum):
        try:
            return coerce_cli_choice(value, choices=tuple(annotation), case_sensitive=info.case_sensitive, ctx=ctx)
        except ValueError:
            return NOT_PLAIN  # the adapter words the error
    if annotation is str:
        # The adapter turns a str into the same str; non-ASCII text (surrogate escapes) is left to it.
        return value if isinstance(value, str) and value.isascii() else NOT_PLAIN
    if lenient_issubclass(annotation, Path) and routes_to_path(annotation, info):
        path_type: Any = info.path_type or annotation  # a Path class, checked next
        if not lenient_issubclass(path_type, Path):
            return NOT_PLAIN
        if isinstance(value, str):
            # pydantic makes the same `Path(value)`; only a path that prints back as typed, so
            # Typer's messages (which quote the value) read the same.
            if not value.isascii() or os.fspath(path_type(value)) != value:
                return NOT_PLAIN
            value = path_type(value)
        if not isinstance(value, path_type):
            return NOT_PLAIN
        try:
            return coerce_cli_path(value, info, path_type=path_type, param=param, ctx=ctx)
        except ValueError:
            return NOT_PLAIN
    return NOT_PLAIN


def use_plain_values(param: object) -> None:
    """Give one Typer parameter the plain coercion, unless it has its own already."""
    if isinstance(param, _TyperParameter) and param._runtime_param is None:
        descriptor = param.type_descriptor
        param._runtime_param = PlainValues(parameter_info=descriptor.parameter_info, annotation=descriptor.annotation)


def use_plain_help_option(command: Command) -> None:
    """The same for the `--help` option, which click makes when a command parses its arguments."""
    make_help_option = command.get_help_option

    def get_help_option(ctx: Context) -> Any:
        option = make_help_option(ctx)
        use_plain_values(option)
        return option

    setattr(command, "get_help_option", get_help_option)  # noqa: B010 (an instance's method: mypy refuses the assignment)


class PlainValuesGroup(TyperGroup):
    """The command group: its own options and those of every command coerce plain values without pydantic."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        for command in (self, *self.commands.values()):
            for param in command.params:
                use_plain_values(param)
            use_plain_help_option(command)
