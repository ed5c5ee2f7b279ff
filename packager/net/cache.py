"""The conditional-GET cache: bodies with their ETag / Last-Modified, so a rebuild asks the
server "changed since?" instead of downloading unchanged documents again."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from packager.files import mark_used, remove_unused, write_atomic


class ResponseCache:
    """Cached responses in `folder`: `<sha256(url)>.json` (validators) and `.body`."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)

    def _paths(self, url: str) -> tuple[Path, Path] | None:
        if self.folder is None:
            return None
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()
        return self.folder / f"{key}.json", self.folder / f"{key}.body"

    def load(self, url: str) -> dict[str, str] | None:
        """The validators (etag, last_modified) and metadata of `url`'s cached copy, if any."""
        paths = self._paths(url)
        if paths is None or not paths[0].is_file() or not paths[1].is_file():
            return None
        try:
            data = json.loads(paths[0].read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def body(self, url: str) -> bytes | None:
        """The cached body of `url` (marked as used, so pruning keeps it)."""
        paths = self._paths(url)
        try:
            body = paths[1].read_bytes() if paths is not None else None
        except OSError:
            return None
        if paths is not None:
            mark_used(paths[0])
            mark_used(paths[1])
        return body

    def store(
        self, url: str, *, final_url: str, content_type: str, headers: dict[str, str], body: bytes
    ) -> None:
        """Keep a response that has validators; one without cannot be revalidated."""
        paths = self._paths(url)
        etag = headers.get("ETag", "")
        last_modified = headers.get("Last-Modified", "")
        if paths is None or not (etag or last_modified):
            return
        meta = {
            "url": final_url,
            "content_type": content_type,
            "etag": etag,
            "last_modified": last_modified,
        }
        # Body first, then the metadata that makes the entry valid; both atomically.
        write_atomic(paths[1], body, durable=False)
        write_atomic(paths[0], json.dumps(meta, sort_keys=True).encode("utf-8"), durable=False)

    def prune(self, older_than_seconds: float) -> int:
        """Drop cached documents not downloaded or revalidated for `older_than_seconds`."""
        if self.folder is None:
            return 0
        return remove_unused(self.folder, older_than_seconds, suffixes=(".json", ".body"))
