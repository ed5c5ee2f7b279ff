"""Finding an installed font that covers the characters of a text (any script, RTL included)."""

from __future__ import annotations

import functools
import hashlib
import os
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont, TTLibError

FONT_SUFFIXES = (".ttf", ".otf", ".ttc")

# Preferred families first (sans, readable on a TV); any other installed font is a fallback.
PREFERRED_REGULAR = (
    "NotoSans-Regular",
    "NotoSansArabic-Regular",
    "NotoNaskhArabic-Regular",
    "NotoSansHebrew-Regular",
    "NotoSansDevanagari-Regular",
    "NotoSansCJK-Regular",
    "NotoSansCJKsc-Regular",
    "DejaVuSans",
    "FreeSans",
    "LiberationSans-Regular",
    "Arial",
    "arial",
)
PREFERRED_BOLD = (
    "NotoSans-Bold",
    "NotoSansArabic-Bold",
    "NotoNaskhArabic-Bold",
    "NotoSansHebrew-Bold",
    "NotoSansDevanagari-Bold",
    "NotoSansCJK-Bold",
    "NotoSansCJKsc-Bold",
    "DejaVuSans-Bold",
    "FreeSansBold",
    "LiberationSans-Bold",
    "Arial Bold",
    "arialbd",
)


@dataclass(frozen=True)
class FontChoice:
    """A font file for some text, and the characters of that text it has no glyph for."""

    path: Path
    missing: str = ""


def font_dirs() -> list[Path]:
    """Where fonts are installed on this system (Linux, macOS, Windows), plus $PACKAGER_FONT_DIR."""
    dirs = []
    extra = os.environ.get("PACKAGER_FONT_DIR", "")
    dirs += [Path(part) for part in extra.split(os.pathsep) if part]
    home = Path.home()
    dirs += [
        home / ".local/share/fonts",
        home / ".fonts",
        Path("/usr/local/share/fonts"),
        Path("/usr/share/fonts"),
    ]
    if sys.platform == "darwin":
        dirs += [home / "Library/Fonts", Path("/Library/Fonts"), Path("/System/Library/Fonts")]
    if sys.platform == "win32":
        dirs.append(Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts")
    return [d for d in dirs if d.is_dir()]


@functools.cache
def installed_fonts(bold: bool) -> tuple[Path, ...]:
    """Every installed font file, preferred families (regular or bold) first, then by path."""
    found: list[Path] = []
    for directory in font_dirs():
        for root, _dirs, files in os.walk(directory):
            found += [Path(root) / f for f in files if f.lower().endswith(FONT_SUFFIXES)]
    preferred = PREFERRED_BOLD if bold else PREFERRED_REGULAR
    rank = {name: i for i, name in enumerate(preferred)}

    def key(path: Path) -> tuple[int, int, str]:
        style_ok = ("bold" in path.stem.lower()) == bold
        return (rank.get(path.stem, len(rank)), 0 if style_ok else 1, str(path))

    return tuple(sorted(set(found), key=key))


@functools.cache
def font_codepoints(path: Path) -> frozenset[int]:
    """Characters a font file has glyphs for (first face of a collection); empty if unreadable."""
    try:
        if path.suffix.lower() == ".ttc":
            with TTCollection(str(path), lazy=True) as collection:
                return frozenset(collection.fonts[0].getBestCmap() or {})
        with TTFont(str(path), lazy=True, fontNumber=0) as font:
            return frozenset(font.getBestCmap() or {})
    except (TTLibError, OSError, KeyError, AssertionError, IndexError, ValueError):
        return frozenset()


def needed_codepoints(text: str) -> frozenset[int]:
    """Characters that need a glyph: not spaces, controls or formatting marks."""
    return frozenset(
        ord(ch) for ch in text if not ch.isspace() and unicodedata.category(ch)[0] not in "CZ"
    )


@functools.cache
def _pick(needed: frozenset[int], bold: bool) -> FontChoice | None:
    best: tuple[int, Path] | None = None
    for path in installed_fonts(bold):
        covered = font_codepoints(path)
        if not covered:
            continue
        missing = len(needed - covered)
        if missing == 0:
            return FontChoice(path)
        if best is None or missing < best[0]:
            best = (missing, path)
    if best is None:
        return None
    missing_chars = "".join(sorted(chr(cp) for cp in needed - font_codepoints(best[1])))
    return FontChoice(best[1], missing=missing_chars)


def pick_font(text: str, *, bold: bool = False) -> FontChoice | None:
    """The first installed font covering every character of `text` (or the one missing fewest).

    None when no font is installed at all.
    """
    return _pick(needed_codepoints(text), bold)


@functools.cache
def font_digest(path: Path) -> str:
    """A digest of a font file's bytes ("" if unreadable)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def fonts_for(texts: Iterable[str]) -> list[str]:
    """Digests of every font `pick_font` chooses for any of `texts`, bold or regular: what a
    render drawn from these texts looks like depends on exactly these files."""
    chosen = {pick_font(text, bold=bold) for text in texts if text for bold in (False, True)}
    return sorted({font_digest(choice.path) for choice in chosen if choice is not None})


def is_rtl(text: str) -> bool:
    """Whether the first strong-direction character of `text` is right-to-left."""
    for ch in text:
        direction = unicodedata.bidirectional(ch)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False
