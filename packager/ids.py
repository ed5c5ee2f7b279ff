"""Stable feed item ids: the same article always gets the same id (Roku: "THIS CANNOT CHANGE")."""

from __future__ import annotations

import hashlib
import re

from packager.spec import MAX_ID_LENGTH

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def stable_id(*, explicit: str = "", url: str = "", fallback: str = "") -> str:
    """An id of at most 50 characters from [A-Za-z0-9_-].

    Preference: an id the publisher gave (cleaned, kept readable), else a hash of the
    canonical URL, else a hash of `fallback` (e.g. the bundle folder name). A cleaned
    explicit id that is too long keeps its start and gains a short hash so it stays unique.
    """
    if explicit.strip():
        cleaned = _UNSAFE.sub("-", explicit.strip()).strip("-")
        if cleaned and len(cleaned) <= MAX_ID_LENGTH and cleaned == explicit.strip():
            return cleaned
        digest = _digest(explicit.strip(), 10)
        return f"{cleaned[: MAX_ID_LENGTH - 11]}-{digest}".lstrip("-")
    if url.strip():
        return "a" + _digest(_normalise_url(url), 24)
    if fallback.strip():
        return "a" + _digest(fallback.strip(), 24)
    raise ValueError("stable_id needs an explicit id, a URL or a fallback")


def _normalise_url(url: str) -> str:
    # http/https and a trailing slash do not make a different article.
    url = url.strip()
    url = re.sub(r"^https?://", "", url, flags=re.IGNORECASE)
    return url.rstrip("/")


def _digest(text: str, length: int) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]
