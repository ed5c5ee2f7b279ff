"""JSON output with a fixed key order (written with `packager.files.write_atomic`)."""

from __future__ import annotations

import json
from typing import Any


def feed_bytes(feed: dict[str, Any]) -> bytes:
    """The feed as compact UTF-8 JSON; keys keep the order the mapping wrote them in.

    Compact because every byte counts against the 500 KB channel-template limit.
    """
    return json.dumps(feed, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def pretty_bytes(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
