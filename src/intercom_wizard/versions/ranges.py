"""The lowest version a range allows, read with each ecosystem's own grammar (see the package docstring)."""

import re

from intercom_wizard.versions.common import Release, padded, parse_release

# A PEP 440 specifier that is an operator and a dotted number (">=3.0", "== 2.0.1", "~=3.9") is read without
# `packaging.specifiers`, whose import (with packaging.version) costs about 0.008 s, a third of what a dry run
# spends on one requirement line (issue 14); anything else (wildcards, "===", "v", epochs, pre/post/dev and
# local parts, other whitespace) is packaging's. tests/test_requirement_fast_path.py compares both readings.
_PLAIN_SPECIFIER = re.compile(r"[ \t]*(==|!=|<=|>=|~=|<|>)[ \t]*([0-9]+(?:\.[0-9]+)*)[ \t]*")


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


def plain_specifiers(spec: str) -> list[tuple[str, str]] | None:
    """The (operator, version) pairs of a specifier set made only of plain specifiers, as packaging's
    `SpecifierSet(spec)` holds them (empty items skipped); None when packaging must read it (or reject it)."""
    pairs: list[tuple[str, str]] = []
    for item in spec.split(","):
        if not item.strip():
            continue  # SpecifierSet skips empty items (">=3.0,")
        plain = _PLAIN_SPECIFIER.fullmatch(item)
        if plain is None or (plain[1] == "~=" and "." not in plain[2]):
            return None  # "~=3" is invalid: packaging raises InvalidSpecifier for it
        pairs.append((plain[1], plain[2]))
    return pairs


def specifier_set_text(pairs: list[tuple[str, str]]) -> str:
    """`str(SpecifierSet(...))` of plain pairs: sorted by text, and specifiers packaging counts as equal (the
    same operator and release, trailing zeros aside except for `~=`: ">=3" and ">=3.0") once, the first of them."""
    seen: set[tuple[str, tuple[int, ...]]] = set()
    kept: list[str] = []
    for operator, version in sorted(pairs, key=lambda pair: pair[0] + pair[1]):
        release = [int(part) for part in version.split(".")]
        while operator != "~=" and len(release) > 1 and release[-1] == 0:
            release.pop()
        if (key := (operator, tuple(release))) not in seen:
            seen.add(key)
            kept.append(operator + version)
    return ",".join(kept)


def python_specifier_floor(spec: str) -> Release | None:
    """The lowest release a PEP 440 specifier allows (`>=3.8,<4`, `~=3.9`, `==3.9.*`); None when unbounded."""
    pairs = plain_specifiers(spec)
    if pairs is None:
        from packaging.specifiers import InvalidSpecifier, SpecifierSet  # only for specifiers that are not plain

        try:
            pairs = [(s.operator, s.version) for s in SpecifierSet(spec)]
        except InvalidSpecifier:
            return npm_range_floor(spec)  # Poetry's caret/tilde ranges ("^3.9") are npm-like
    floors = [
        release
        for operator, version in pairs
        if operator in (">=", ">", "~=", "==", "===") and (release := parse_release(version.rstrip(".*"))) is not None
    ]
    return max(floors) if floors else None
