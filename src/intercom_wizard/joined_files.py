"""The byte test of `ProjectTree.mentions` asked of many files in one search (issue 14).

Detectors ask "which of these files may contain one of these needles?" of every file a glob lists
(~14,000 calls on a 3,000-file project, most of them on small files that hold no needle). Asked file
by file, the Python call costs more than the search itself; here the files' bytes are joined once,
with a separator byte no needle contains, and each needle set is one search over the whole, whose
hits are mapped back to the files that hold them.
"""

import functools
import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from functools import cached_property

# Between two files in the joined bytes: a needle without this byte cannot match across two files.
SEPARATOR = b"\0"


class JoinedFiles:
    """The bytes of a list of files joined by `SEPARATOR`, and where each file starts in them."""

    def __init__(self, contents: Sequence[bytes | None]) -> None:
        """`contents`: each file's bytes, or None for a file that could not be read."""
        self.count = len(contents)
        self.data = SEPARATOR.join(b"" if content is None else content for content in contents)
        starts = []
        offset = 0
        for content in contents:
            starts.append(offset)
            offset += (0 if content is None else len(content)) + 1
        self.starts = starts
        # Files `mentions` answers True for whatever the needles: unreadable ones (their read reports
        # the error to the caller) and non-ASCII ones (their decoding and case folding are the caller's).
        always = {index for index, content in enumerate(contents) if content is None}
        if not self.data.isascii():  # one test for the whole, usually enough
            always.update(index for index, content in enumerate(contents) if content is not None and not content.isascii())
        self.always = frozenset(always)

    @cached_property
    def lowered(self) -> bytes:
        """The joined bytes in ASCII lower case (what `mentions(..., ignore_case=True)` searches), made once."""
        return self.data.lower()

    def holding(self, needles: tuple[bytes, ...], *, ignore_case: bool = False) -> list[int]:
        """The indexes (ascending) of the files that hold one of `needles` or that `always` answers for.

        `needles` are non-empty and without `SEPARATOR` (the caller checks: `searchable`); with
        `ignore_case` they are lower-case ASCII, as for `mentions`.
        """
        data = self.lowered if ignore_case else self.data
        find = _finder(needles)
        found = set(self.always)
        starts = self.starts
        at = find(data, 0)
        while at >= 0:
            index = bisect_right(starts, at) - 1
            found.add(index)
            if index + 1 == self.count:
                break
            at = find(data, starts[index + 1])  # one hit per file is enough: go on from the next file
        return sorted(found)


def searchable(needles: tuple[bytes, ...]) -> bool:
    """Needles the joined search answers exactly as `mentions` does: at least one, none empty (which
    every file holds) and none holding the separator (which could match across two files)."""
    return bool(needles) and all(needle and SEPARATOR not in needle for needle in needles)


def _finder(needles: tuple[bytes, ...]) -> Callable[[bytes, int], int]:
    """Where the first of `needles` occurs in the bytes from a position on, or -1."""
    if len(needles) == 1:
        needle = needles[0]
        return lambda data, start: data.find(needle, start)
    search = any_of(needles).search

    def first(data: bytes, start: int) -> int:
        match = search(data, start)
        return -1 if match is None else match.start()

    return first


@functools.cache
def any_of(needles: tuple[bytes, ...]) -> re.Pattern[bytes]:
    """One regex search for several literals: scanners ask the same few tuples of every file, and one
    pass over the bytes costs less than a Python loop of `in` tests (about 3x on the bench tree)."""
    return re.compile(b"|".join(re.escape(needle) for needle in needles))
