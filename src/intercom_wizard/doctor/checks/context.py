"""What every static check reads: the parsed project and what the user told us about the workspace."""

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from intercom_wizard.doctor.findings import Finding
from intercom_wizard.doctor.sources import Sources
from intercom_wizard.options import Region
from intercom_wizard.receipt import Receipt


@dataclass(frozen=True)
class StaticContext:
    sources: Sources
    region: Region | None = None  # only when the user said where the workspace is hosted
    workspace_id: str | None = None
    known_secrets: tuple[str, ...] = ()  # secret values to look for in files; never printed
    ours: frozenset[str] = frozenset()  # files the wizard created (from its receipt)
    now: float = field(default_factory=time.time)
    receipt: Receipt | None = None  # what the wizard inserted is not the user's installation


StaticCheck = Callable[[StaticContext], Iterable[Finding]]
