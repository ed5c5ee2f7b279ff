"""JSON Pointers (RFC 6901) for problem locations."""

from __future__ import annotations

from packager.spec import to_pointer


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
