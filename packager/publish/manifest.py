"""The manifest kept on the host next to the feed: which files are there, which are unused."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

MANIFEST_FORMAT = "packager-publish-manifest/1"
JOURNAL_FORMAT = "packager-publish-journal/1"


@dataclass(frozen=True)
class FileEntry:
    """A file known to be on the host, whole, with this content."""

    sha256: str
    size: int

    def as_dict(self) -> dict[str, object]:
        return {"sha256": self.sha256, "size": self.size}


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
        if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
            raise ValueError(f"not a {MANIFEST_FORMAT} document")
        feed = data.get("feed") or {}
        files = {
            str(name): FileEntry(sha256=str(entry["sha256"]), size=int(entry["size"]))
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
            str(name): FileEntry(sha256=str(entry["sha256"]), size=int(entry["size"]))
            for name, entry in dict(data.get("pending") or {}).items()
        }
        return cls(feed_sha256=str((data.get("feed") or {}).get("sha256", "")), pending=pending)
