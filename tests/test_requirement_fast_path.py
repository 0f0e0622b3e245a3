"""The requirement-line fast path reads every line as packaging's Requirement does (issue 14).

`versions.python._requirement_floor` parses a plain "name + specifiers" line without
`packaging.requirements`; these tests run it and packaging's own reading (the code before the fast
path) over many lines, valid and invalid, and require the same answer for each.
"""

import itertools

import pytest
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name as packaging_canonicalize_name

from intercom_wizard.versions.python import _PLAIN_REQUIREMENT, _requirement_floor, canonicalize_name
from intercom_wizard.versions.ranges import python_specifier_floor

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
