"""Small builders shared by the hostile build tests."""

from __future__ import annotations

from datetime import UTC, datetime

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def article(title: str, day: int, section: str = "News / Local", extra: str = "") -> str:
    """A text bundle's article.txt dated 2026-11-<day>."""
    return (
        f"---\ndate: 2026-11-{day:02d}T08:00:00Z\n{extra}---\n{section}\n\n{title}\n\n"
        f"First paragraph about {title.lower()}, with enough words to be a summary.\n\n"
        "A second paragraph gives more detail for the long description.\n"
    )


def hls_article(title: str, day: int, extra: str = "") -> str:
    """An article whose video is a remote HLS stream (no rendering, no ffmpeg)."""
    return article(
        title, day, extra=f"video: https://cdn.example.com/{day}.m3u8\nduration: 90\n{extra}"
    )
