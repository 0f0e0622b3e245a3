"""Finding Intercom code the wizard did not write, so it never installs a second Messenger."""

import re
from dataclasses import dataclass

from intercom_wizard.integrations import component_suffixes
from intercom_wizard.receipt import InsertedSnippet, Receipt
from intercom_wizard.tree import ProjectTree

SCANNED_SUFFIXES = (
    ".html", ".htm", ".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs", ".svelte", ".hbs", ".ejs", ".pug",
    ".erb", ".php", ".py", ".rb", ".jinja", ".j2", ".njk", "package.json", "Gemfile",
)
# Each sign of a hand-written install, with what it means.
SIGNS = (
    ("widget.intercom.io", "the Intercom loader script"),
    ("@intercom/messenger-js-sdk", "the official Messenger SDK"),
    ("react-use-intercom", "the react-use-intercom package"),
    ("intercomSettings", "window.intercomSettings (insecure attributes, or the classic snippet)"),
    ("user_hash", "user_hash: the deprecated HMAC identity verification"),
    ("intercom-rails", "the intercom-rails gem"),
)
# user_hash under the names code gives it in a file about Intercom (intercomUserHash, $userHash, intercom_user_hash): the same sign.
USER_HASH_NAME = r"(?i)user_?hash"  # compiled on first use (re's own cache), not at import: most runs never need it (start-up time, issue 14)
MAX_SCANNED_BYTES = 1_000_000


@dataclass(frozen=True)
class Finding:
    """Intercom code already in the project: where, the sign found, and what it means."""

    path: str
    line: int
    sign: str
    meaning: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.meaning} ({self.sign})"


def find_existing_intercom(tree: ProjectTree, receipt: Receipt | None) -> list[Finding]:
    ours = set(receipt.created) if receipt else set()
    findings = []
    # The byte test (one search over all the files) skips decoding the files that cannot hold a sign (nearly all of them).
    for path in tree.mentioning(tree.glob(*SCANNED_SUFFIXES, *component_suffixes()), (b"ntercom", b"user_hash")):
        if path in ours or tree.size(path) > MAX_SCANNED_BYTES:
            continue
        text = without_our_snippets(tree.text(path), receipt.inserted.get(path, []) if receipt else [])
        if "ntercom" not in text and "user_hash" not in text:
            continue
        # A camelCase name counts only in a file that names Intercom (a password hash is no user_hash).
        hash_names = "ntercom" in text
        for number, line in enumerate(text.splitlines(), start=1):
            for sign, meaning in SIGNS:
                if sign in line or (sign == "user_hash" and hash_names and re.search(USER_HASH_NAME, line)):
                    findings.append(Finding(path, number, sign, meaning))
    return findings


def without_our_snippets(text: str, snippets: list[InsertedSnippet]) -> str:
    """The file with what the wizard inserted blanked out (newlines kept, so line numbers stay right).

    Each snippet where the receipt says it is, else its one occurrence: replacing every occurrence of a
    short snippet (a ",") would also blank the user's text and break the longer snippets' matches.
    """
    for snippet in sorted(snippets, key=lambda s: s["offset"], reverse=True):
        inserted, offset = snippet["text"], snippet["offset"]
        if text[offset : offset + len(inserted)] != inserted:
            if text.count(inserted) != 1:
                continue
            offset = text.index(inserted)
        text = text[:offset] + "\n" * inserted.count("\n") + text[offset + len(inserted) :]
    return text
