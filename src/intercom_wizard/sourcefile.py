"""Reading project files as text while remembering how to write them back byte-for-byte."""

import codecs
from dataclasses import dataclass
from pathlib import Path

from intercom_wizard.errors import BadInput


@dataclass(frozen=True)
class SourceText:
    """A file's text exactly as stored (line endings untouched) plus its encoding details."""

    text: str
    newline: str
    bom: bool

    def encode(self, text: str) -> bytes:
        data = text.encode("utf-8")
        return codecs.BOM_UTF8 + data if self.bom else data

    def native(self, snippet: str) -> str:
        """Convert a snippet written with '\\n' to this file's line endings."""
        return snippet.replace("\n", self.newline) if self.newline != "\n" else snippet


def decode(data: bytes, label: str) -> SourceText:
    bom = data.startswith(codecs.BOM_UTF8)
    try:
        text = data[len(codecs.BOM_UTF8) :].decode("utf-8") if bom else data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(
            f"{label} is not UTF-8 text (byte {exc.start}); the wizard only edits UTF-8 files.",
            hint="Convert the file to UTF-8 or add the snippet by hand.",
        ) from None
    crlf = text.count("\r\n")
    newline = "\r\n" if crlf and crlf >= text.count("\n") - crlf else "\n"
    return SourceText(text, newline, bom)


def read_source(path: Path, label: str) -> SourceText:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadInput(f"Cannot read {label}: {exc.strerror or exc}.") from None
    return decode(data, label)
