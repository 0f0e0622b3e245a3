"""The lowest version a range allows, read with each ecosystem's own grammar (see the package docstring)."""

import re

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from intercom_wizard.versions.common import Release, padded, parse_release


def npm_range_floor(spec: str) -> Release | None:
    """The lowest version an npm range allows: `^4.3.0` -> 4.3.0, `~1.2 || >=2` -> 1.2.0; None when unbounded or not a range."""
    spec = spec.strip()
    if spec.startswith("npm:"):  # an alias: "npm:react-router-dom@^5"
        spec = spec.rpartition("@")[2]
    if not spec or spec in ("*", "latest", "x") or ":" in spec or "/" in spec:
        return None  # a dist-tag, git URL, file:, link: or workspace: reference
    import nodesemver  # only npm ranges need it: a Python or Ruby project never pays for the import

    try:
        parsed = nodesemver.make_range(spec, loose=True)
    except (ValueError, TypeError):
        return None
    if parsed is None:
        return None
    floors: list[Release] = []
    for comparators in parsed.set:
        lower = [
            padded((c.semver.major, c.semver.minor, c.semver.patch))
            for c in comparators
            if c.operator in ("", ">=", ">") and isinstance(c.semver, nodesemver.SemVer)
        ]
        if not lower:
            return None  # one alternative is unbounded below, so the range has no floor
        floors.append(max(lower))
    return min(floors) if floors else None


def composer_range_floor(spec: str) -> Release | None:
    """Composer constraints (`^7.1.3`, `>=7.1,<8`, `7.1.*`, `^5.5|^6.0`) as the lowest version they allow."""
    cleaned = re.sub(r"@\w+", "", spec).replace("||", "|").replace("|", " || ").replace(",", " ")
    return npm_range_floor(re.sub(r"(?<![\d.])v(?=\d)", "", cleaned))


def gem_range_floor(requirements: list[str]) -> Release | None:
    """RubyGems requirements (`~> 5.2`, `>= 4.2, < 6`): `~>` has the same floor as `>=`."""
    return npm_range_floor(" ".join(r.replace("~>", ">=").replace("!=", "") for r in requirements))


def python_specifier_floor(spec: str) -> Release | None:
    """The lowest release a PEP 440 specifier allows (`>=3.8,<4`, `~=3.9`, `==3.9.*`); None when unbounded."""
    try:
        specifiers = SpecifierSet(spec)
    except InvalidSpecifier:
        return npm_range_floor(spec)  # Poetry's caret/tilde ranges ("^3.9") are npm-like
    floors = [
        release
        for s in specifiers
        if s.operator in (">=", ">", "~=", "==", "===") and (release := parse_release(s.version.rstrip(".*"))) is not None
    ]
    return max(floors) if floors else None
