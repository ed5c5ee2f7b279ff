"""The home screen's rows, built from a feed's categories as Roku's Direct Publisher channel does
(spec §3.16 Category, §3.17 Playlist).

Pure functions over the parsed feed: the preview computes the rows here, in Python, and embeds
them in the page, so the browser only draws what this module decided.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from packager.report import plural
from packager.spec import CONTENT_ARRAYS, to_pointer

# Spec §3.16: a query is tags joined by AND or by OR (not both in one query).
_QUERY_SPLIT = re.compile(r"\s+(AND|OR)\s+")
# The rows Roku's SDK channel template shows when a feed has no categories: one per content
# array (spec, "Verified against Roku's own channel template").
CONTENT_ROW_NAMES = {
    "movies": "Movies",
    "series": "Series",
    "shortFormVideos": "Short-form videos",
    "tvSpecials": "TV specials",
    "liveFeeds": "Live",
}
ORDERS = ("manual", "most_recent", "chronological", "most_popular")


@dataclass(frozen=True)
class Row:
    """One row of the home screen: its name, where its items come from, and their ids in order.

    `source` is "playlist", "query" or "content" (a content array, for feeds without
    categories); `missing_ids` are ids a playlist names that no item of the feed carries;
    `note` says what the preview could not do as Roku does, or why the row is empty.
    """

    name: str
    source: str
    detail: str
    order: str
    item_ids: tuple[str, ...]
    pointer: str
    missing_ids: tuple[str, ...] = ()
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "source": self.source,
            "detail": self.detail,
            "order": self.order,
            "items": list(self.item_ids),
            "pointer": self.pointer,
            "missing": list(self.missing_ids),
            "note": self.note,
        }


def top_level_items(feed: Any) -> dict[str, tuple[str, dict[str, Any]]]:
    """Every movie, series, short-form video, TV special and live feed by id, in feed order
    (the first of two items with one id wins, as Roku keeps one). An item without an id is
    kept under "(no id) <its JSON Pointer>", so the page shows it with its errors."""
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    if not isinstance(feed, dict):
        return found
    for kind in CONTENT_ARRAYS:
        entries = feed.get(kind)
        for index, item in enumerate(entries if isinstance(entries, list) else ()):
            if not isinstance(item, dict):
                continue
            item_id = item.get("id")
            key = item_id if isinstance(item_id, str) else f"(no id) {to_pointer((kind, index))}"
            found.setdefault(key, (kind, item))
    return found


def build_rows(feed: Any) -> list[Row]:
    """The rows in screen order: one per category in feed order, or, for a feed without
    categories, one per content array that has items."""
    items = top_level_items(feed)
    categories = feed.get("categories") if isinstance(feed, dict) else None
    if not isinstance(categories, list) or not categories:
        return list(_content_rows(items))
    playlists = _playlists_by_name(feed)
    return [
        _category_row(index, category, items, playlists)
        for index, category in enumerate(categories)
        if isinstance(category, dict)
    ]


def _content_rows(items: dict[str, tuple[str, dict[str, Any]]]) -> Iterator[Row]:
    for kind, name in CONTENT_ROW_NAMES.items():
        ids = tuple(item_id for item_id, (item_kind, _) in items.items() if item_kind == kind)
        if ids:
            yield Row(
                name=name,
                source="content",
                detail=f"all {kind}",
                order="manual",
                item_ids=ids,
                pointer=to_pointer((kind,)),
                note="the feed has no categories: one row per content type, "
                "as Roku's channel template shows them",
            )


def _playlists_by_name(feed: dict[str, Any]) -> dict[str, list[Any]]:
    playlists: dict[str, list[Any]] = {}
    entries = feed.get("playlists")
    for playlist in entries if isinstance(entries, list) else ():
        if isinstance(playlist, dict) and isinstance(playlist.get("name"), str):
            ids = playlist.get("itemIds")
            playlists.setdefault(playlist["name"], ids if isinstance(ids, list) else [])
    return playlists


def _category_row(
    index: int,
    category: dict[str, Any],
    items: dict[str, tuple[str, dict[str, Any]]],
    playlists: dict[str, list[Any]],
) -> Row:
    name = category.get("name")
    name = name if isinstance(name, str) and name else f"Category {index + 1} (no name)"
    order = category.get("order")
    order = order if isinstance(order, str) else ""
    pointer = to_pointer(("categories", index))
    playlist_name = category.get("playlistName")
    query = category.get("query")
    if isinstance(playlist_name, str):
        if playlist_name not in playlists:
            return Row(
                name,
                "playlist",
                f"playlist {playlist_name}",
                order,
                (),
                pointer,
                note=f"no playlist named {playlist_name!r}: the row stays empty",
            )
        wanted = [i for i in playlists[playlist_name] if isinstance(i, str)]
        ids = [item_id for item_id in dict.fromkeys(wanted) if item_id in items]
        missing = tuple(item_id for item_id in dict.fromkeys(wanted) if item_id not in items)
        ordered, note = order_items(ids, order, items, manual_ok=True)
        return Row(
            name, "playlist", f"playlist {playlist_name}", order, ordered, pointer, missing, note
        )
    if isinstance(query, str):
        matched, note = query_items(query, items)
        ordered, order_note = order_items(matched, order, items, manual_ok=False)
        return Row(
            name, "query", f"query {query}", order, ordered, pointer, note=note or order_note
        )
    return Row(
        name,
        "none",
        "no playlistName or query",
        order,
        (),
        pointer,
        note="the category has neither playlistName nor query: the row stays empty",
    )


def query_items(query: str, items: dict[str, tuple[str, dict[str, Any]]]) -> tuple[list[str], str]:
    """The ids of the items whose tags match `query` (spec §3.16: tags joined by only AND or
    only OR; tags are matched exactly), in feed order, and a note when the query is unusable."""
    parts = _QUERY_SPLIT.split(query.strip())
    tags = [token.strip() for token in parts[0::2]]
    operators = set(parts[1::2])
    if len(operators) > 1:
        return [], "the query mixes AND and OR, which Roku does not support: the row stays empty"
    if not any(tags):
        return [], "the query is empty: the row stays empty"
    match_all = operators == {"AND"}
    matched = []
    for item_id, (_, item) in items.items():
        item_tags = item.get("tags")
        have = (
            {t for t in item_tags if isinstance(t, str)} if isinstance(item_tags, list) else set()
        )
        hits = [tag in have for tag in tags]
        if all(hits) if match_all else any(hits):
            matched.append(item_id)
    return matched, "" if matched else "no item's tags match the query: Roku hides an empty row"


def release_key(item: dict[str, Any]) -> str:
    """The date an item was published, for ordering: its releaseDate (spec §3: "used to sort
    programs chronologically"), else the date its content was added, else "" (unknown)."""
    date = item.get("releaseDate")
    if isinstance(date, str) and date:
        return date[:10]
    content = item.get("content")
    added = content.get("dateAdded") if isinstance(content, dict) else None
    return added[:10] if isinstance(added, str) else ""


def order_items(
    ids: list[str],
    order: str,
    items: dict[str, tuple[str, dict[str, Any]]],
    *,
    manual_ok: bool,
) -> tuple[tuple[str, ...], str]:
    """`ids` in the category's `order` (spec §3.16), with a note where the preview cannot
    order as Roku does. Items without a date keep their place after the dated ones."""
    if order in ("most_recent", "chronological"):
        dated = [i for i in ids if release_key(items[i][1])]
        undated = [i for i in ids if not release_key(items[i][1])]
        dated.sort(key=lambda i: release_key(items[i][1]), reverse=order == "most_recent")
        has, come = ("has", "comes") if len(undated) == 1 else ("have", "come")
        count = plural(len(undated), "item")
        note = f"{count} {has} no release date and {come} last" if undated else ""
        return tuple(dated + undated), note
    if order == "most_popular":
        return tuple(ids), "Roku orders this row by its viewing data; the preview keeps feed order"
    if order == "manual" and manual_ok:
        return tuple(ids), ""
    if order == "manual":
        return tuple(ids), "order 'manual' is for playlists only; the preview keeps feed order"
    shown = repr(order) if order else "no order"
    return tuple(ids), f"{shown} is not one of {', '.join(ORDERS)}; the preview keeps feed order"
