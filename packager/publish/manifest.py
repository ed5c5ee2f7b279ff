"""The manifest kept on the host next to the feed: which files are there, which are unused.

Format 2 lets each file carry the content key of the inputs it was made from and the
metadata the feed needs (duration, size, bitrate, width, height), so a later build on an
empty machine can reuse what the host holds. Format 1 manifests are still read.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

MANIFEST_FORMAT = "packager-publish-manifest/2"
# Formats this version reads; anything else (an older unknown one, or a newer packager's)
# is ignored as a whole: the run then sends every file again and deletes nothing.
READABLE_MANIFEST_FORMATS = frozenset({"packager-publish-manifest/1", MANIFEST_FORMAT})
JOURNAL_FORMAT = "packager-publish-journal/1"
# The metadata a file may carry, by name; other names in a manifest are dropped on reading.
META_FIELDS = ("duration", "size", "bitrate", "width", "height")


@dataclass(frozen=True)
class FileEntry:
    """A file known to be on the host, whole, with this content.

    `key` is the content key of the inputs it was made from ("" when unknown), `meta` what
    the feed says about it (`META_FIELDS`); neither takes part in deciding what to send.
    """

    sha256: str
    size: int
    key: str = ""
    meta: Mapping[str, float] = field(default_factory=dict)

    def same_content(self, other: FileEntry | None) -> bool:
        """Whether `other` is this file's content (hash and size; key and meta aside)."""
        return other is not None and (other.sha256, other.size) == (self.sha256, self.size)

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"sha256": self.sha256, "size": self.size}
        if self.key:
            data["key"] = self.key
        if self.meta:
            data["meta"] = {name: self.meta[name] for name in META_FIELDS if name in self.meta}
        return data

    @classmethod
    def from_dict(cls, data: Any) -> FileEntry:
        """Read one entry; raises KeyError/TypeError/ValueError when hash or size is unusable.
        A key that is not a string or a meta value that is not a finite number is dropped."""
        key = data.get("key", "")
        return cls(
            sha256=str(data["sha256"]),
            size=int(data["size"]),
            key=key if isinstance(key, str) else "",
            meta=_read_meta(data.get("meta")),
        )


def _read_meta(raw: object) -> dict[str, float]:
    if not isinstance(raw, dict):
        return {}
    meta: dict[str, float] = {}
    for name in META_FIELDS:
        value = raw.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            meta[name] = value
    return meta


@dataclass
class Manifest:
    """The host's state as the last successful publish left it.

    `files` are the assets on the host (not the feed); `unreferenced` maps the ones the live
    feed no longer uses to when that was first seen (UTC ISO 8601), so deletion waits out the
    grace period; `deleting` are names a run started deleting (retried by the next run).
    """

    feed_sha256: str = ""
    feed_version: str = ""
    files: dict[str, FileEntry] = field(default_factory=dict)
    unreferenced: dict[str, str] = field(default_factory=dict)
    deleting: list[str] = field(default_factory=list)
    updated: str = ""

    def to_bytes(self) -> bytes:
        data = {
            "format": MANIFEST_FORMAT,
            "updated": self.updated,
            "feed": {"sha256": self.feed_sha256, "version": self.feed_version},
            "files": {name: self.files[name].as_dict() for name in sorted(self.files)},
            "unreferenced": {name: self.unreferenced[name] for name in sorted(self.unreferenced)},
            "deleting": sorted(self.deleting),
        }
        return (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8")

    @classmethod
    def from_bytes(cls, raw: bytes) -> Manifest:
        """Parse a manifest; raises ValueError when it is not one (the caller starts afresh)."""
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("format"), str):
            raise ValueError("not a packager publish manifest")
        if data["format"] not in READABLE_MANIFEST_FORMATS:
            raise ValueError(
                f"written in format {data['format']!r}, which this version cannot read"
            )
        feed = data.get("feed") or {}
        files = {
            str(name): FileEntry.from_dict(entry)
            for name, entry in dict(data.get("files") or {}).items()
        }
        unreferenced = {str(k): str(v) for k, v in dict(data.get("unreferenced") or {}).items()}
        for when in unreferenced.values():
            datetime.fromisoformat(when)  # refuse a manifest whose dates we cannot read
        return cls(
            feed_sha256=str(feed.get("sha256", "")),
            feed_version=str(feed.get("version", "")),
            files=files,
            unreferenced=unreferenced,
            deleting=[str(name) for name in data.get("deleting") or []],
            updated=str(data.get("updated", "")),
        )


@dataclass
class Journal:
    """Written before a run changes anything: what it is about to send, so a re-run can check
    what arrived instead of sending it again."""

    feed_sha256: str = ""
    pending: dict[str, FileEntry] = field(default_factory=dict)

    def to_bytes(self) -> bytes:
        data = {
            "format": JOURNAL_FORMAT,
            "feed": {"sha256": self.feed_sha256},
            "pending": {name: self.pending[name].as_dict() for name in sorted(self.pending)},
        }
        return (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8")

    @classmethod
    def from_bytes(cls, raw: bytes) -> Journal:
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict) or data.get("format") != JOURNAL_FORMAT:
            raise ValueError(f"not a {JOURNAL_FORMAT} document")
        pending = {
            str(name): FileEntry.from_dict(entry)
            for name, entry in dict(data.get("pending") or {}).items()
        }
        return cls(feed_sha256=str((data.get("feed") or {}).get("sha256", "")), pending=pending)
