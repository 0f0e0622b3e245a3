"""Support tables: the framework and language versions each integration generates code for.

Every integration declares `SUPPORTED`, a tuple of `Supported` rows. Before anything is planned the
project's versions (read by `versions.py`) are checked against its rows: a version outside a range is
refused with exit 2 naming the version found, where it was found, and the range, because code
written for another version would break the app's build. A version that cannot be read is no reason
to refuse (the integration then writes the newest idiom and `detect` says the version is unknown).
"""

from dataclasses import dataclass
from typing import Literal

from intercom_wizard.errors import BadInput
from intercom_wizard.tree import ProjectTree
from intercom_wizard.versions import Found, is_language, language_level, package_version

Kind = Literal["npm", "python", "php", "ruby", "language"]


@dataclass(frozen=True)
class Supported:
    """One row: `package` (or a language, for kind "language") from `minimum` up to, not including, `below`."""

    label: str  # how users call it: "Flask", "react-router-dom", "PHP"
    kind: Kind
    package: str  # the registry name, or "python" / "php" / "ruby" for kind "language"
    minimum: tuple[int, ...]
    below: tuple[int, ...] | None = None  # first version not known to work; None = no upper bound
    optional: bool = False  # a library only some apps use: `detect` lists it only when found

    @property
    def range_text(self) -> str:
        low = ".".join(str(part) for part in self.minimum)
        return f">= {low}" + (f", < {'.'.join(str(part) for part in self.below)}" if self.below else "")

    def read(self, tree: ProjectTree, root: str) -> Found | None:
        if self.kind == "language":
            if not is_language(self.package):
                raise ValueError(f"support row {self.label}: no language level is read for {self.package!r}")
            return language_level(tree, root, self.package)
        return package_version(tree, root, self.kind, self.package)

    def allows(self, found: Found) -> bool:
        return found.at_least(*self.minimum) and (self.below is None or found.below(*self.below))


SupportTable = tuple[Supported, ...]


def check_supported(tree: ProjectTree, root: str, integration: str, table: SupportTable) -> None:
    """Refuse (exit 2) when a version the project runs is outside what the integration generates for."""
    outside = [(row, found) for row in table if (found := row.read(tree, root)) is not None and not row.allows(found)]
    if not outside:
        return
    listed = "; ".join(f"{row.label} {found.text} ({found.how}: {found.source}) is outside the supported range {row.range_text}" for row, found in outside)
    raise BadInput(
        f"The {integration} integration does not generate code for this project's versions: {listed}. Nothing was changed.",
        hint="Upgrade to a supported version, or add the Messenger by hand (docs/ list each integration's supported versions).",
    )


def versions_json(tree: ProjectTree, root: str, table: SupportTable) -> dict[str, object]:
    """What `detect --json` shows for one app: each row's version, evidence and supported range."""
    report: dict[str, object] = {}
    for row in table:
        found = row.read(tree, root)
        entry: dict[str, object] = {"supported_range": row.range_text, "kind": row.kind}
        if found is None and row.optional:
            continue
        if found is None:
            entry |= {"version": None, "how": "unknown"}
        else:
            entry |= found.to_json() | {"supported": row.allows(found)}
        report[row.label] = entry
    return report
