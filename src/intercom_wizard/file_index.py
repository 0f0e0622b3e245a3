"""The listing's extension index: `ProjectTree.glob` looks only at the files of the suffixes' extensions
(issue 14: detectors ask a dozen globs of every listed file; on a 3,000-file tree each full pass cost ~0.3 ms)."""

from collections.abc import Iterable, Sequence
from itertools import chain


def by_extension(files: Iterable[str]) -> dict[str, list[str]]:
    """Extension (".py") -> the files whose name ends with it, in the listing's order (names without one are left out)."""
    index: dict[str, list[str]] = {}
    for path in files:
        name = path.rpartition("/")[2]
        if "." in name:
            index.setdefault(name[name.rfind(".") :], []).append(path)
    return index


def glob_candidates(files: Sequence[str], index: dict[str, list[str]], suffixes: tuple[str, ...]) -> Sequence[str]:
    """The files (of the sorted listing `files`, indexed by `by_extension`) that may end with one of
    `suffixes`, in the listing's order: a name ending with ".py" or "requirements.txt" has that suffix's
    extension, so only those extensions' files are candidates."""
    extensions = set()
    for suffix in suffixes:
        extension = suffix[suffix.rfind(".") :]
        if "." not in suffix or "/" in extension:
            return files  # a suffix without an extension ("Dockerfile"): any file may end with it
        extensions.add(extension)
    groups = [index.get(extension, []) for extension in extensions]
    # The listing is sorted, so sorting the groups' files together gives them in its order.
    return groups[0] if len(groups) == 1 else sorted(chain.from_iterable(groups))
