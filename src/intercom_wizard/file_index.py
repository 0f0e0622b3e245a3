"""The listing's indexes, built in one pass: files by name (`named`), by folder (`in_folder`) and by
extension (`glob` looks only at the files of its suffixes' extensions). Issue 14: detectors ask a
dozen globs and a few dozen names of every listed file; on a 3,000-file tree each full pass cost ~0.3 ms."""

from collections.abc import Sequence
from itertools import chain


class FileIndex:
    def __init__(self, files: Sequence[str]) -> None:
        """`files`: the sorted listing; every index keeps its order."""
        self.files = files
        self.by_name: dict[str, list[str]] = {}
        self.by_folder: dict[str, list[str]] = {}
        self.by_extension: dict[str, list[str]] = {}  # ".py" -> files whose name ends with it (names without one: none)
        for path in files:
            folder, _, name = path.rpartition("/")
            self.by_name.setdefault(name, []).append(path)
            self.by_folder.setdefault(folder, []).append(path)
            dot = name.rfind(".")
            if dot >= 0:
                self.by_extension.setdefault(name[dot:], []).append(path)

    def glob(self, suffixes: tuple[str, ...], under: str) -> list[str]:
        """The files under `under` ('' for all) whose path ends with one of `suffixes`, in the listing's order.

        A name ending with ".py" or "requirements.txt" has that suffix's extension, so only those
        extensions' files are candidates; when every suffix is an extension itself (".py"), and
        nothing limits the folder, every candidate is an answer.
        """
        prefix = f"{under.rstrip('/')}/" if under else ""
        extensions = set()
        exact = not prefix
        for suffix in suffixes:
            extension = suffix[suffix.rfind(".") :]
            if "." not in suffix or "/" in extension:  # a suffix without an extension ("Gemfile"): any file may end with it
                return [path for path in self.files if path.startswith(prefix) and path.endswith(suffixes)]
            extensions.add(extension)
            exact = exact and extension == suffix
        groups = [self.by_extension.get(extension, []) for extension in extensions]
        # The listing is sorted, so sorting the groups' files together gives them in its order.
        candidates = groups[0] if len(groups) == 1 else sorted(chain.from_iterable(groups))
        if exact:
            return list(candidates)
        return [path for path in candidates if path.startswith(prefix) and path.endswith(suffixes)]
