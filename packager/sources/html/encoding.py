"""Page bytes to text: the encoding decided as robust crawlers do."""

from __future__ import annotations

import re

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def decode_html(content: bytes, charset: str = "") -> str:
    """The page as text, choosing the encoding as browsers do (WHATWG "HTML" §13.2.3.2).

    BOM, then the charset the server declared, then the page's own `<meta charset>`, then
    UTF-8 if the bytes decode cleanly, else Windows-1252.
    """
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            return content[len(bom) :].decode(encoding, errors="replace")
    declared = _META_CHARSET.search(content[:16384])
    candidates = [charset, declared.group(1).decode("ascii").lower() if declared else ""]
    for encoding in candidates:
        if not encoding:
            continue
        # Browsers read ISO-8859-1 and ASCII labels as Windows-1252 (WHATWG Encoding).
        if encoding in ("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"):
            encoding = "cp1252"
        try:
            return content.decode(encoding, errors="replace")
        except LookupError:
            continue
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")
