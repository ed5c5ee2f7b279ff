"""Page bytes to text: the encoding decided as robust crawlers do.

Order of evidence: a byte order mark, the server's `Content-Type` charset, the bytes
themselves when they are valid UTF-8, the page's own declaration (`<meta charset>`,
`<meta http-equiv>`, `<?xml encoding?>`), then statistical detection (charset_normalizer).

Strict UTF-8 comes before the page's declaration on purpose: text in a legacy 8-bit or CJK
encoding almost never decodes as UTF-8 by chance, while pages saved or re-encoded by a tool
often keep a stale `<meta charset="iso-8859-1">` above UTF-8 bytes, and trusting that
declaration turns "für" into "fÃ¼r" on the TV screen.
"""

from __future__ import annotations

import codecs
import re
from typing import NamedTuple

import charset_normalizer

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE, whose BOM is its prefix
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Labels browsers read as a wider encoding (WHATWG Encoding Standard, "Encodings" table):
# bytes 0x80-0x9F in a page labelled ISO-8859-1 are Windows-1252 punctuation in practice.
_SUPERSETS = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin-1": "cp1252",
    "latin1": "cp1252",
    "l1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "euc-cn": "gb18030",
    "iso-8859-9": "cp1254",
    "tis-620": "cp874",
    "iso-8859-11": "cp874",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "shift_jis": "cp932",
    "x-sjis": "cp932",
    "big5": "big5hkscs",
}
_HEAD_BYTES = 16384  # declarations sit at the top of a page
_DETECT_BYTES = 65536  # enough text for detection, bounded so huge pages stay fast


class Decision(NamedTuple):
    """The encoding chosen for a page and the evidence that decided it."""

    encoding: str
    evidence: str  # "bom", "http", "utf-8", "declared", "detected" or "fallback"


def decide_encoding(content: bytes, http_charset: str = "") -> Decision:
    """The encoding of a page's bytes and why (see the module docstring for the order)."""
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            return Decision(encoding, "bom")
    http = _codec(http_charset)
    if http and _decodes(content, http):
        return Decision(http, "http")
    if _decodes(content, "utf-8"):
        return Decision("utf-8", "utf-8")
    declared = _declared_charset(content[:_HEAD_BYTES])
    if declared and declared != "utf-8" and _decodes(content, declared):
        return Decision(declared, "declared")
    best = charset_normalizer.from_bytes(content[:_DETECT_BYTES]).best()
    detected = _codec(best.encoding) if best is not None else ""
    if detected and detected != "utf-8":
        return Decision(detected, "detected")
    return Decision(http or declared or "cp1252", "fallback")


def decode_html(content: bytes, charset: str = "") -> str:
    """The page as text: `charset` is the one the server declared in `Content-Type`, if any.

    Bytes the chosen encoding cannot read become U+FFFD rather than failing the page.
    """
    encoding, evidence = decide_encoding(content, charset)
    if evidence == "bom":
        content = content[_bom_length(content) :]
    return content.decode(encoding, errors="replace")


def _declared_charset(head: bytes) -> str:
    for pattern in (_XML_ENCODING, _META_CHARSET):
        found = pattern.search(head)
        if found:
            codec = _codec(found.group(1).decode("ascii"))
            if codec:
                return codec
    return ""


def _codec(label: str) -> str:
    """The Python codec for a charset label, widened as browsers do; "" when unknown."""
    label = label.strip().strip("\"'").lower()
    if not label:
        return ""
    label = _SUPERSETS.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return ""
    # UTF-16/32 without a BOM cannot be told from its label alone; the page would not parse.
    return "" if name.startswith(("utf-16", "utf-32")) else name.replace("utf_8", "utf-8")


def _decodes(content: bytes, encoding: str) -> bool:
    try:
        content.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _bom_length(content: bytes) -> int:
    return next(len(bom) for bom, _ in _BOMS if content.startswith(bom))
