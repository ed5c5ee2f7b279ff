"""What a build remembers between runs, under OUT/.packager/ (never published): first-seen
dates, and each bundle's prepared article keyed by its files and the settings that shape it."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from packager import __version__
from packager.config import ChannelConfig
from packager.feed.items import CaptionTrack, PlayableVideo, PreparedArticle, date_time_text, utc
from packager.files import mark_used, remove_unused, write_atomic
from packager.jsonio import pretty_bytes
from packager.model import article_from_dict
from packager.outputs import PRUNE_AFTER_SECONDS

# A bundle folder is an article's few files; one holding more than this many entries (a
# symbolic link to /usr, a mistaken SOURCE) is not fingerprinted further: it is not a bundle.
MAX_SIGNATURE_ENTRIES = 2000


class BuildState:
    """What a build remembers between runs, under OUT/.packager/ (never published)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.items_dir = folder / "articles"
        self.items_dir.mkdir(parents=True, exist_ok=True)
        self._state_path = folder / "state.json"
        try:
            self._state: dict[str, Any] = json.loads(self._state_path.read_text("utf-8"))
        except (OSError, ValueError):
            self._state = {}
        self.first_seen: dict[str, str] = dict(self._state.get("firstSeen", {}))

    def remember(self, known_dates: Mapping[str, datetime]) -> None:
        """Take first-seen dates from elsewhere (the live feed): they win over local ones."""
        for item_id, date in known_dates.items():
            self.first_seen[item_id] = date_time_text(utc(date))

    def seen(self, item_id: str, now: datetime) -> datetime:
        """When an item without a date was first built: a stable date across rebuilds."""
        if item_id not in self.first_seen:
            self.first_seen[item_id] = date_time_text(now)
        return datetime.fromisoformat(self.first_seen[item_id])

    def cached(self, key: str) -> dict[str, Any] | None:
        path = self.items_dir / f"{key}.json"
        try:
            data: dict[str, Any] = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return None
        mark_used(path)
        return data

    def store(self, key: str, data: dict[str, Any]) -> None:
        write_atomic(self.items_dir / f"{key}.json", pretty_bytes(data))

    def save(self) -> None:
        self._state["firstSeen"] = self.first_seen
        write_atomic(self._state_path, pretty_bytes(self._state))
        # Cached articles no build has used for a while (bundles removed or changed).
        remove_unused(self.items_dir, PRUNE_AFTER_SECONDS, suffixes=(".json",))


def folder_signature(folder: Path) -> list[tuple[str, int, int]] | None:
    """(relative name, size, mtime) of every file under `folder`, or None when the folder is
    not bundle-sized (over MAX_SIGNATURE_ENTRIES entries). Symbolic links are listed with
    their own facts and never followed, so a link to a huge tree costs one entry."""
    found: list[tuple[str, int, int]] = []
    seen = 0
    for root, dirs, files in os.walk(folder):  # os.walk does not follow links to folders
        here = Path(root)
        linked = [d for d in dirs if (here / d).is_symlink()]
        for name in files + linked:
            seen += 1
            if seen > MAX_SIGNATURE_ENTRIES:
                return None
            try:  # a linked file counts with its target's facts; a linked folder with its own
                stat = (here / name).lstat() if name in linked else (here / name).stat()
            except OSError:
                continue
            found.append((str((here / name).relative_to(folder)), stat.st_size, stat.st_mtime_ns))
        dirs[:] = [d for d in dirs if d not in linked]
    return sorted(found)


def cache_key(*parts: Any) -> str:
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


# Settings that only shape the feed around the items (limits, rows, genres, ratings, other
# formats): changing them keeps every prepared article (and so every render) valid.
FEED_ONLY_SETTINGS = (
    "path",
    "overridden",
    "formats",
    "availability_countries",
    "max_items",
    "max_age_days",
    "size_budget",
    "rows",
    "shows",
    "live",
    "sources",
    "genres",
    "default_genre",
    "rating",
    "rating_source",
    "byline_role",
    "item_type",
    "long_form_type",
    "short_form_max_seconds",
)


def config_fingerprint(config: ChannelConfig) -> str:
    data = asdict(config)
    for key in FEED_ONLY_SETTINGS:
        data.pop(key, None)
    return cache_key(__version__, data)


def prepared_to_dict(prepared: PreparedArticle, notes: list[str]) -> dict[str, Any]:
    return {
        "article": prepared.article.as_dict(),
        "date": date_time_text(prepared.date),
        "thumbnail": prepared.thumbnail_url,
        "video": asdict(prepared.video),
        "captions": [asdict(caption) for caption in prepared.captions],
        "notes": notes,
    }


def prepared_from_dict(data: dict[str, Any]) -> tuple[PreparedArticle, list[str]]:
    prepared = PreparedArticle(
        article=article_from_dict(data["article"]),
        date=datetime.fromisoformat(data["date"]),
        thumbnail_url=data["thumbnail"],
        video=PlayableVideo(**data["video"]),
        captions=tuple(CaptionTrack(**caption) for caption in data["captions"]),
    )
    return prepared, list(data["notes"])
