"""Plain text for feed fields: no markup, clipped at a sentence or word boundary, never mid-word."""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*(?=\s|$)")
ELLIPSIS = "…"


def plain(text: str) -> str:
    """Markup and entities removed, whitespace collapsed."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", text))).strip()


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters: at the last sentence end that keeps at least
    40% of the limit, else at the last word boundary with an ellipsis."""
    text = plain(text)
    if len(text) <= limit:
        return text
    window = text[: limit + 1]
    ends = [match.end() for match in _SENTENCE_END.finditer(window) if match.end() <= limit]
    if ends and ends[-1] >= limit * 2 // 5:
        return window[: ends[-1]].strip()
    cut = window[: limit - len(ELLIPSIS)]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-–—") + ELLIPSIS


def clip_words(text: str, limit: int) -> str:
    """At most `limit` characters, whole words only, no ellipsis (for tags and names)."""
    text = plain(text)
    if len(text) <= limit:
        return text
    cut = text[: limit + 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > 0 else text[:limit]).strip()


def descriptions(
    summary: str, body: tuple[str, ...], short_limit: int = 200, long_limit: int = 500
) -> tuple[str, str]:
    """(shortDescription, longDescription) per spec §3: <= 200 and <= 500 characters, and never
    equal (the long one is "" when the article has nothing more to say)."""
    paragraphs = [plain(p) for p in body if plain(p)]
    lead = plain(summary) or (paragraphs[0] if paragraphs else "")
    short = clip(lead, short_limit)
    rest = [p for p in paragraphs if p != lead]
    long = clip(" ".join([lead, *rest]), long_limit)
    return short, ("" if long == short else long)
