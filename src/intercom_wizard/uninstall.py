"""The inverse plan: take out exactly what the receipt says the wizard added."""

from intercom_wizard.errors import NothingDetected
from intercom_wizard.plan import FileChange, Note, Plan
from intercom_wizard.receipt import RECEIPT_PATH, InsertedSnippet, load_receipt, sha256
from intercom_wizard.tree import ProjectTree


def make_uninstall_plan(tree: ProjectTree) -> Plan:
    receipt = load_receipt(tree)
    if receipt is None:
        raise NothingDetected(
            f"No {RECEIPT_PATH} in {tree.root}: the wizard has not installed anything here.",
            hint="Hand-written Intercom code is not removed automatically.",
        )
    plan = Plan(str(tree.root), None, None)
    for path, digest in receipt.created.items():
        _remove_created(tree, plan, path, digest, receipt.env_lines.get(path, []))
    for path in sorted(set(receipt.inserted) | set(receipt.env_lines)):
        if path in receipt.created:
            continue
        _remove_insertions(tree, plan, path, receipt.inserted.get(path, []), receipt.env_lines.get(path, []), path in receipt.env_newline)
    receipt_source = tree.read(RECEIPT_PATH)
    plan.changes.append(FileChange(RECEIPT_PATH, "delete", "the install receipt", after="", before=receipt_source.text, source=receipt_source))
    plan.changes.sort(key=lambda change: change.path)
    return plan


def _remove_created(tree: ProjectTree, plan: Plan, path: str, digest: str | None, env_names: list[str]) -> None:
    if not tree.exists(path):
        plan.notes.append(Note(f"{path} is already gone."))
        return
    source = tree.read(path)
    edited = sha256(source.encode(source.text)) != digest if digest else not _only_env_lines(source.text, env_names)
    if edited:
        plan.notes.append(Note(f"{path} was edited after install; it was left in place. Delete it by hand if you no longer need it.", "warning"))
        return
    plan.changes.append(FileChange(path, "delete", "added by install", after="", before=source.text, source=source, holds_secret=digest is None))


def _only_env_lines(text: str, names: list[str]) -> bool:
    return all(line.split("=", 1)[0] in names for line in text.splitlines() if line.strip())


def _remove_insertions(tree: ProjectTree, plan: Plan, path: str, snippets: list[InsertedSnippet], env_names: list[str], newline_added: bool) -> None:
    if not tree.exists(path):
        plan.notes.append(Note(f"{path} no longer exists; nothing to take out of it.", "warning"))
        return
    source = tree.read(path)
    text = source.text
    missing = []
    # Text install took out and replaced with nothing has no snippet to find again: it goes back only while
    # every inserted snippet of the file is exactly where it was written (nothing before it moved).
    unmoved = all(text[s["offset"] : s["offset"] + len(s["text"])] == s["text"] for s in snippets if s["text"])
    # Last first; at one offset (text taken out, nothing inserted) the later record first, so the originals come back in order.
    for _, snippet in sorted(enumerate(snippets), key=lambda pair: (pair[1]["offset"], pair[0]), reverse=True):
        offset, inserted, original = snippet["offset"], snippet["text"], snippet.get("replaced", "")
        if not inserted and not unmoved:
            plan.notes.append(Note(f"{path} changed since install, so this text it took out was not put back (add it by hand where it was): {original!r}", "warning"))
            continue
        if text[offset : offset + len(inserted)] == inserted and (original or inserted):
            text = text[:offset] + original + text[offset + len(inserted) :]
        elif text.count(inserted) == 1 and len(inserted.strip()) > 3:
            # The file changed elsewhere since install; the snippet itself is intact and unambiguous.
            position = text.index(inserted)
            text = text[:position] + original + text[position + len(inserted) :]
        else:
            missing.append(inserted.strip())
    text = _remove_env_lines(text, env_names, newline_added)
    for fragment in missing:
        plan.notes.append(Note(f"{path}: this inserted text was edited or moved since install and was left alone: {fragment!r}", "warning"))
    if text != source.text:
        plan.changes.append(
            FileChange(path, "modify", "takes out what install inserted", after=text, before=source.text, source=source, holds_secret=bool(env_names))
        )


def _remove_env_lines(text: str, names: list[str], newline_added: bool) -> str:
    """Take out exactly what install appended: `LINE` and its newline, or (when the file had no final
    newline) the newline install put before `LINE`, and `LINE`. Blank lines and newlines of the user's
    own, before or after, stay, including after the user edits the file's end."""
    if not names:
        return text
    lines = text.splitlines(keepends=True)
    kept: list[str] = []
    for line in lines:
        if line.split("=", 1)[0].strip() not in names:
            kept.append(line)
            continue
        ending = line[len(line.rstrip("\r\n")) :]
        if newline_added and kept:
            previous = kept[-1]
            kept[-1] = previous[: len(previous.rstrip("\r\n"))] if previous.endswith("\r\n") or previous.endswith("\n") else previous
            if ending:  # a newline the user added after our line is theirs
                kept.append(ending)
    return "".join(kept)
