"""Text fit for a TV screen and a terminal: no control characters, bidi overrides or escapes.

Readers pass every text they produce (titles, summaries, body paragraphs, captions, credits,
names) through `clean_text`; text that holds only invisible characters counts as empty, so a
title of U+200B alone is "no title", not a blank tile. `terminal_safe` is the one escaper for
printing to a terminal: article fields, and text that did not come through a reader (an
origin, a URL, a message quoting a page); the text reporter and the CLI use it for all output.
A leaf module: it imports nothing from the project.
"""

from __future__ import annotations

import re
import unicodedata

# Terminal escape sequences, removed whole (not just their ESC): CSI (`ESC [ 31 m`), OSC
# (`ESC ] 0;title BEL` / `ESC ] ... ESC \`), DCS/SOS/PM/APC strings and two-byte escapes.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # strings
    r"|\x1b[ -/]*[0-~]?"  # two-byte escapes (and a lone ESC)
)
# C0 and C1 controls except tab and newline, DEL, bidi embeddings/overrides/isolates
# (U+202A-U+202E, U+2066-U+2069: they reorder the text around them), lone surrogates
# (not characters at all), U+FFF9-U+FFFB (interlinear annotations), noncharacters, and
# U+FFFD: bytes no charset could read, shown as a "?" box on screen instead of a letter.
_UNWANTED = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufff9-\ufffd"
    "\ufdd0-\ufdef\ufffe\uffff]"
)
# Characters that take no space on screen: format characters (Cf: zero-width space and
# joiners, word joiner, BOM, bidi marks), Hangul fillers, braille blank, combining grapheme
# joiner, Mongolian vowel separator, and whitespace.
_INVISIBLE_EXTRA = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f\u180e")
_SPACE = re.compile(r"\s+")


def strip_controls(text: str) -> str:
    """`text` without escape sequences, control characters (tab and newline kept), bidi
    overrides, lone surrogates and noncharacters."""
    if not text:
        return text
    if "\x1b" in text or any("\x80" <= c <= "\x9f" for c in text):
        text = _ESCAPE_SEQUENCE.sub("", text)
    return _UNWANTED.sub("", text)


def is_invisible(text: str) -> bool:
    """True when nothing in `text` would show on screen (empty, spaces, zero-width marks)."""
    return all(
        char.isspace() or char in _INVISIBLE_EXTRA or unicodedata.category(char) in ("Cf", "Cc")
        for char in text
    )


def clean_text(text: str) -> str:
    """One line of text for display: controls stripped, whitespace runs made one space,
    trimmed; "" when what is left shows nothing."""
    cleaned = _SPACE.sub(" ", strip_controls(text)).strip()
    return "" if is_invisible(cleaned) else cleaned


def clean_paragraphs(paragraphs: tuple[str, ...]) -> tuple[str, ...]:
    """Each paragraph cleaned as `clean_text`; paragraphs left empty are dropped."""
    return tuple(p for p in (clean_text(paragraph) for paragraph in paragraphs) if p)


def terminal_safe(text: str) -> str:
    """`text` for printing to a terminal, the one escaper every printed string goes through:
    control characters (C0 with tab and newline, DEL, C1: escape sequences, NUL), lone
    surrogates (which cannot be printed at all), bidi overrides and isolates, interlinear
    annotations and noncharacters shown as visible escapes (`\\x1b`, `\\u202e`) instead of
    acting on the terminal; every other character, accents and scripts included, as it is."""
    if text.isprintable():  # the common case; every escaped character is non-printable
        return text
    return _TERMINAL_UNSAFE.sub(_visible_escape, text)


# What `terminal_safe` escapes: `_UNWANTED` with tab and newline (a value must not break the
# line it is printed on) and without U+FFFC/U+FFFD, which show as a visible box.
_TERMINAL_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufff9-\ufffb"
    "\ufdd0-\ufdef\ufffe\uffff]"
)


def _visible_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
