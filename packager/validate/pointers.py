"""JSON Pointers (RFC 6901) for problem locations."""

from __future__ import annotations

from collections.abc import Iterable


def to_pointer(path: Iterable[str | int]) -> str:
    """`["movies", 0, "a/b"]` → `/movies/0/a~1b`; the empty path is the whole document, ``""``."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def join(pointer: str, *parts: str | int) -> str:
    return pointer + to_pointer(parts)


def field_name(path: tuple[str | int, ...]) -> str:
    """A readable name for the field at `path`: `shortDescription`, `videos[0]`, `the feed`."""
    if not path:
        return "the feed"
    last = path[-1]
    if isinstance(last, int):
        parent = path[-2] if len(path) > 1 else "item"
        return f"{parent}[{last}]"
    return str(last)
