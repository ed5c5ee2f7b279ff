"""JSON output with a fixed key order (written with `packager.files.write_atomic`)."""

from __future__ import annotations

import json
from typing import Any

from packager.errors import SourceError
from packager.filekinds import looks_like


def feed_bytes(feed: dict[str, Any]) -> bytes:
    """The feed as compact UTF-8 JSON; keys keep the order the mapping wrote them in.

    Compact because every byte counts against the 500 KB channel-template limit.
    """
    return json.dumps(feed, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def pretty_bytes(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def load_json_document(content: bytes, *, kind: str, origin: str, hint: str) -> Any:
    """`content` parsed as UTF-8 JSON (a byte order mark allowed), or a SourceError
    "cannot read {kind} {origin}: {why}" with `hint`: for the JSON sources (WordPress posts,
    JSON Feed), whose servers may answer a login page, an archive or nothing instead."""
    try:
        return json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise SourceError(
            f"cannot read {kind} {origin}: {why_not_json(content, exc)}",
            location=origin,
            hint=hint,
        ) from exc


def why_not_json(content: bytes, error: Exception) -> str:
    """Why bytes that should be JSON are not, in the words a user can act on: a server that
    answers a login, error or captcha page says "an HTML page", not "Expecting value"."""
    head = content[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not head:
        return "the answer is empty"
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
        return "the answer is an HTML page (a login, error or bot-check page?), not JSON"
    if head.startswith(b"<"):
        return "the answer is XML or HTML, not JSON"
    if isinstance(error, UnicodeDecodeError):
        kind = looks_like(content)
        if kind in ("text", "JSON text", "an unknown binary format"):
            return f"not UTF-8 ({error.reason} at byte {error.start})"
        return f"the answer is {kind}, not UTF-8 JSON"
    return f"not JSON ({error})"
