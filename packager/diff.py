"""What changed between two feeds: items added, removed and changed (which fields)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from packager.errors import InputError
from packager.spec import CONTENT_ARRAYS, walk_feed

IGNORED_ROOT_KEYS = frozenset({"lastUpdated"})  # changes on every build; says nothing by itself
# Spec §2 (root): what every Direct Publisher feed has. A document without them is something
# else (a JSON array, a Search Feed, a config), and a diff against it would be noise.
FEED_ROOT_KEYS = ("providerName", "lastUpdated", "language")


@dataclass(frozen=True)
class ItemRef:
    item_id: str
    kind: str
    title: str


@dataclass(frozen=True)
class ItemChange:
    item: ItemRef
    fields: tuple[str, ...]


@dataclass(frozen=True)
class FeedDiff:
    """The difference between an old and a new feed."""

    added: tuple[ItemRef, ...]
    removed: tuple[ItemRef, ...]
    changed: tuple[ItemChange, ...]
    channel_changes: tuple[str, ...]  # root keys other than items: categories, playlists, ...
    old_count: int
    new_count: int

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.channel_changes)

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.removed)} removed, {len(self.changed)} changed"
            + (f"; channel: {', '.join(self.channel_changes)}" if self.channel_changes else "")
        )

    def as_dict(self) -> dict[str, Any]:
        def ref(item: ItemRef) -> dict[str, str]:
            return {"id": item.item_id, "type": item.kind, "title": item.title}

        return {
            "changed": self.has_changes,
            "summary": self.summary(),
            "items": {"old": self.old_count, "new": self.new_count},
            "added": [ref(item) for item in self.added],
            "removed": [ref(item) for item in self.removed],
            "modified": [{**ref(c.item), "fields": list(c.fields)} for c in self.changed],
            "channel": list(self.channel_changes),
        }

    def text(self) -> str:
        lines = [f"{self.summary()} ({self.old_count} → {self.new_count} items)"]
        lines += [f"  + {i.kind} {i.item_id}: {i.title}" for i in self.added]
        lines += [f"  - {i.kind} {i.item_id}: {i.title}" for i in self.removed]
        lines += [
            f"  ~ {c.item.kind} {c.item.item_id}: {c.item.title} ({', '.join(c.fields)})"
            for c in self.changed
        ]
        return "\n".join(lines)

    def markdown(self) -> str:
        lines = [f"**Feed changes:** {self.summary()} ({self.old_count} → {self.new_count} items)"]
        if self.has_changes:
            lines += ["", "| change | type | id | title | fields |", "|---|---|---|---|---|"]
            lines += [
                f"| added | {i.kind} | `{i.item_id}` | {_cell(i.title)} | |" for i in self.added
            ]
            lines += [
                f"| removed | {i.kind} | `{i.item_id}` | {_cell(i.title)} | |" for i in self.removed
            ]
            lines += [
                f"| changed | {c.item.kind} | `{c.item.item_id}` | {_cell(c.item.title)} | "
                f"{', '.join(c.fields)} |"
                for c in self.changed
            ]
        return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def feed_items(feed: Any) -> dict[str, tuple[ItemRef, dict[str, Any]]]:
    """Every item with an id, episodes included, by id (the first one wins on duplicates)."""
    found: dict[str, tuple[ItemRef, dict[str, Any]]] = {}
    for node in walk_feed(feed):
        item_id = node.item.get("id")
        if isinstance(item_id, str) and item_id not in found:
            ref = ItemRef(item_id, node.kind, str(node.item.get("title", "")))
            found[item_id] = (ref, node.item)
    return found


def _changed_fields(old: dict[str, Any], new: dict[str, Any]) -> tuple[str, ...]:
    fields = []
    for key in sorted(set(old) | set(new)):
        if key in ("seasons", "episodes"):  # episodes are compared as items of their own
            continue
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if key == "content" and isinstance(before, dict) and isinstance(after, dict):
            fields += [
                f"content.{sub}"
                for sub in sorted(set(before) | set(after))
                if before.get(sub) != after.get(sub)
            ]
        else:
            fields.append(key)
    return tuple(fields)


def require_feed(data: Any, origin: str, side: str) -> None:
    """Raise InputError (exit 4) unless `data` is an object with a feed's root keys; `side`
    ("OLD" or "NEW") says which argument it was."""
    if not isinstance(data, dict):
        why = f"the document is {_json_kind(data)}, not an object"
    else:
        missing = [key for key in FEED_ROOT_KEYS if key not in data]
        if not missing:
            return
        why = f"it has no {', '.join(missing)}"
    raise InputError(
        f"{side} {origin} is not a feed: {why}",
        location=origin,
        hint=f"give the channel's feed.json as {side}; 'packager validate {origin}' shows what "
        f"is wrong with it (a feed is an object with {', '.join(FEED_ROOT_KEYS)})",
    )


def _json_kind(data: Any) -> str:
    if data is None:
        return "null"
    if isinstance(data, bool):
        return "true or false"
    if isinstance(data, (int, float)):
        return "a number"
    return "a list" if isinstance(data, list) else "a string"


def diff_feeds(old: Any, new: Any) -> FeedDiff:
    """Compare two parsed feeds."""
    old_items, new_items = feed_items(old), feed_items(new)
    added = tuple(new_items[i][0] for i in new_items if i not in old_items)
    removed = tuple(old_items[i][0] for i in old_items if i not in new_items)
    changed = tuple(
        ItemChange(new_items[i][0], fields)
        for i in new_items
        if i in old_items and (fields := _changed_fields(old_items[i][1], new_items[i][1]))
    )
    old_root = old if isinstance(old, dict) else {}
    new_root = new if isinstance(new, dict) else {}
    channel = tuple(
        key
        for key in sorted(set(old_root) | set(new_root))
        if key not in CONTENT_ARRAYS
        and key not in IGNORED_ROOT_KEYS
        and old_root.get(key) != new_root.get(key)
    )
    return FeedDiff(added, removed, changed, channel, len(old_items), len(new_items))
