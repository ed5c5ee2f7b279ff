"""What a file's first bytes say it is, in words, for errors about files of the wrong kind.

Used wherever packager expected one kind of file and got another: an image that is not a
picture, a feed or an API answer that is not UTF-8 JSON. The words never include any of the
file's bytes: a path in a config or an article could name a file of secrets
(/proc/self/environ), and messages end up in CI logs.
"""

from __future__ import annotations

import codecs

# Leading bytes of kinds of files, and what to call them. The UTF-32 marks come before the
# UTF-16 ones they start with.
_KINDS_BY_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"BM", "a BMP image"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x00\x00\x01\x00", "an icon (ICO)"),
    (b"\xff\xfe\x00\x00", "UTF-32 text"),
    (b"\x00\x00\xfe\xff", "UTF-32 text"),
    (b"\xff\xfe", "UTF-16 text"),
    (b"\xfe\xff", "UTF-16 text"),
)
SAMPLE = 4096  # bytes looked at to tell text from binary


def looks_like(data: bytes) -> str:
    """What kind of file `data` seems to be, in words ("a gzip archive", "an HTML page",
    "UTF-16 text", "text in an 8-bit encoding such as Windows-1252", ...)."""
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head or b"<head" in head:
        return "an HTML page"
    if b"<svg" in head:
        return "an SVG drawing"
    if head.startswith(b"<?xml"):
        return "an XML document"
    if data[4:8] == b"ftyp":
        brand = data[8:12]
        if brand in (b"heic", b"heix", b"mif1", b"msf1"):
            return "a HEIC photo"
        if brand in (b"avif", b"avis"):
            return "an AVIF image"
        return "an MP4 or QuickTime video"
    for magic, kind in _KINDS_BY_MAGIC:
        if data.startswith(magic):
            return kind
    sample = data[:SAMPLE]
    if _is_utf16_without_mark(sample):
        return "UTF-16 text"
    try:  # incremental: a character cut at the sample's last byte is not an error
        text = codecs.getincrementaldecoder("utf-8")().decode(sample)
    except UnicodeDecodeError:
        # Every byte is a character in Windows-1252 but five; text it is when they all print.
        legacy = sample.decode("cp1252", errors="replace")
        if "\ufffd" not in legacy and _reads_as_text(legacy):
            return "text in an 8-bit encoding such as Windows-1252 or Latin-1"
        return "an unknown binary format"
    if text.lstrip().startswith(("{", "[")):
        return "JSON text"
    if _reads_as_text(text, nul_allowed=True):
        return "text"
    return "an unknown binary format"


def kind_note(kind: str) -> str:
    """ " (it looks like <kind>)" for a message that already says the bytes are not what was
    expected, or "" when `kind` is plain text (UTF-8 with a broken byte: nothing to add)."""
    return "" if kind in ("text", "JSON text") else f" (it looks like {kind})"


def _reads_as_text(text: str, *, nul_allowed: bool = False) -> bool:
    allowed = "\t\r\n\x00" if nul_allowed else "\t\r\n"
    return all(c.isprintable() or c in allowed for c in text)


def _is_utf16_without_mark(sample: bytes) -> bool:
    """ASCII written as UTF-16 without a byte order mark: every other byte is NUL."""
    pairs = sample[: len(sample) // 2 * 2]
    if len(pairs) < 4:
        return False
    even, odd = pairs[0::2], pairs[1::2]
    if even.count(0) == len(even):
        characters = odd
    elif odd.count(0) == len(odd):
        characters = even
    else:
        return False
    return all(32 <= byte < 127 or byte in b"\t\r\n" for byte in characters)
