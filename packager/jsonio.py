"""JSON output with a fixed key order, and atomic file writes (temp file + os.replace)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def feed_bytes(feed: dict[str, Any]) -> bytes:
    """The feed as compact UTF-8 JSON; keys keep the order the mapping wrote them in.

    Compact because every byte counts against the 500 KB channel-template limit.
    """
    return json.dumps(feed, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def pretty_bytes(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_atomic(path: Path, content: bytes) -> None:
    """Write `content` to `path` so that readers see the old file or the new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as temp:
            temp.write(content)
            temp.flush()
            os.fsync(temp.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
