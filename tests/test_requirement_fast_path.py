"""The requirement-line fast path reads every line as packaging's Requirement does (issue 14).

`versions.python._requirement_floor` parses a plain "name + specifiers" line without
`packaging.requirements`; these tests run it and packaging's own reading (the code before the fast
path) over many lines, valid and invalid, and require the same answer for each.
"""

import itertools

import pytest
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name as packaging_canonicalize_name

from intercom_wizard.versions.common import parse_release
from intercom_wizard.versions.python import _PLAIN_REQUIREMENT, _requirement_floor, canonicalize_name
from intercom_wizard.versions.ranges import npm_range_floor, plain_specifiers, python_specifier_floor, specifier_set_text

NAMES = ["flask", "Flask", "flask-login", "Flask_Login", "flask.login", "flask--login", "f", "flask_", "flask-", ".flask", "fl ask", "pyjwt", "PyJWT"]
SPECIFIERS = [
    "", ">=3.0", ">= 3.0", ">=3.0,<4", ">=3.0 , <4", ">=3.0,", ",>=3.0", "==3.0.*", ">=3.0.*", "~=3.0", "~=3", "===3.0",
    "===foo", "!=3.0", "<4", ">3.0", "==3.0+local", "==3.0+local.*", "==v3.0", "==3.0rc1", "==3.0.post1", ">=3.0;python_version>'3'",
    "[async]>=3.0", "(>=3.0)", " @ https://example.com/flask.tar.gz", ">=3.0 # comment", "==", ">=abc", "=3.0", "<=3.0,>=2.1.1", "\t>=3.0",
]


def reference_floor(line: str, wanted: str) -> tuple[object, str] | None:
    """The reading before the fast path: packaging's Requirement for every line."""
    if not line or line.startswith("-"):
        return None
    try:
        requirement = Requirement(line)
    except InvalidRequirement:
        return None
    if packaging_canonicalize_name(requirement.name) != wanted:
        return None
    spec = str(requirement.specifier)
    floor = python_specifier_floor(spec) if spec else None
    return (floor, spec) if floor is not None else None


@pytest.mark.parametrize("wanted", ["flask", "flask-login", "pyjwt"])
def test_fast_path_reads_every_line_as_packaging_does(wanted: str) -> None:
    lines = [name + spec for name, spec in itertools.product(NAMES, SPECIFIERS)]
    lines += [name + " " + spec for name, spec in itertools.product(NAMES, SPECIFIERS) if spec]
    fast = [line for line in lines if _PLAIN_REQUIREMENT.fullmatch(line)]
    assert len(fast) > 50  # the fast path is taken for the plain lines, not only the fallback
    for line in lines:
        assert _requirement_floor(line, wanted) == reference_floor(line, wanted), line


def test_canonical_names_match_packaging() -> None:
    for name in NAMES + ["A.B_C-D", "a__b..c", "Zope.Interface", "foo---bar"]:
        assert canonicalize_name(name) == packaging_canonicalize_name(name)


# Specifier sets (issue 14, seventh round): versions.ranges reads plain ones without packaging.specifiers.
OPERATORS = ["==", "!=", "<=", ">=", "~=", "<", ">", "===", "=", "~", "^", "", "=>", "<>"]
VERSIONS = [
    "3", "3.0", "3.0.0", "03.0", "3.00", "0", "0.0", "0.0.0", "10.2.1.0", "2.0.1", "1.2.3.4.5", "3.", ".3", "3..0",
    "3.0.*", "3.*", "*", "v3.0", "V3.0", "1!2.0", "3.0rc1", "3.0a1", "3.0.post1", "3.0.dev0", "3.0-1", "3.0+local",
    "3.0+local.*", "abc", "", "٣.٠", "３.0", "3.0 ", " 3.0",
]
SEPARATORS = [" ", "\t", "", "  ", "\n", "\u00a0", "\u2003", "\x0b"]


def packaging_reading(spec: str) -> tuple[str, list[tuple[str, str]]] | None:
    """SpecifierSet's text and (operator, version) pairs, or None when packaging rejects the set."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        specifiers = SpecifierSet(spec)
    except InvalidSpecifier:
        return None
    pairs = [(s.operator, s.version) for s in specifiers]  # as given: str() below sorts and de-duplicates them
    return str(specifiers), pairs


def _specifier_sets() -> list[str]:
    import random

    items = [operator + space + version for operator in OPERATORS for version in VERSIONS for space in ("", " ")]
    sets = [*items, *(space + item + space for item in items[:200] for space in SEPARATORS)]
    plain = [item for item in items if plain_specifiers(item)]
    rng = random.Random(14)
    for _ in range(4000):  # combinations: duplicates, equal releases written differently, empty items
        chosen = rng.choices(plain if rng.random() < 0.8 else items, k=rng.randint(1, 4))
        sets.append(rng.choice([",", ", ", " ,", ",,", ",\t"]).join(chosen) + rng.choice(["", ",", " ", ", "]))
    return sets + ["", ",", " , ", ">=3.0,>=3", ">=3,>=3.0", ">=3.0.0,>=3.0,>=3", "~=3.0,~=3.0.0", "==1.0,==1,==1.0.0", ">=0,>=0.0"]


def test_plain_specifier_sets_read_as_packaging_reads_them() -> None:
    sets = _specifier_sets()
    taken = 0
    for spec in sets:
        pairs = plain_specifiers(spec)
        if pairs is None:
            continue  # packaging reads (or rejects) it
        taken += 1
        expected = packaging_reading(spec)
        assert expected is not None, spec  # everything the fast path takes is valid for packaging
        assert specifier_set_text(pairs) == expected[0], spec
        assert pairs == expected[1], spec
    assert taken > 1000  # the fast path is taken for the plain sets, not only the fallback
    assert plain_specifiers("~=3") is None and packaging_reading("~=3") is None  # invalid: left to packaging


def test_specifier_floor_matches_packagings_reading() -> None:
    """python_specifier_floor on every set, against the reading before the fast path (packaging for all)."""

    def reference(spec: str) -> object:
        reading = packaging_reading(spec)
        if reading is None:
            return npm_range_floor(spec)
        floors = [
            release
            for operator, version in reading[1]
            if operator in (">=", ">", "~=", "==", "===") and (release := parse_release(version.rstrip(".*"))) is not None
        ]
        return max(floors) if floors else None

    for spec in _specifier_sets()[::3]:
        assert python_specifier_floor(spec) == reference(spec), spec
