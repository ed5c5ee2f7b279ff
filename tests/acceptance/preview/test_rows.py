"""The home screen's rows as Roku's Direct Publisher channel builds them (spec §3.16, §3.17)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from packager.preview.rows import build_rows, order_items, top_level_items
from tests.acceptance.preview.channel import EXPECTED_ROWS, channel_feed

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "example-channel-feed.json"


def _sfv(item_id: str, tags: list[str], date: str = "") -> dict[str, Any]:
    item: dict[str, Any] = {"id": item_id, "title": item_id, "tags": tags}
    if date:
        item["releaseDate"] = date
    return item


def _rows(feed: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    return {row.name: row.item_ids for row in build_rows(feed)}


def test_fixture_channel_rows_match_the_spec_worked_by_hand() -> None:
    assert {name: list(ids) for name, ids in _rows(channel_feed()).items()} == EXPECTED_ROWS
    assert [row.name for row in build_rows(channel_feed())] == list(EXPECTED_ROWS)


def test_example_channel_rows_are_its_playlists_in_category_order() -> None:
    feed = json.loads(GOLDEN.read_text(encoding="utf-8"))
    playlists = {p["name"]: p["itemIds"] for p in feed["playlists"]}
    rows = build_rows(feed)
    assert [row.name for row in rows] == [c["name"] for c in feed["categories"]]
    for row, category in zip(rows, feed["categories"], strict=True):
        assert list(row.item_ids) == playlists[category["playlistName"]]
        assert row.source == "playlist"
        assert row.missing_ids == ()


def test_and_query_needs_every_tag_or_query_any() -> None:
    feed = {
        "shortFormVideos": [
            _sfv("a", ["movie", "korean", "dramas"]),
            _sfv("b", ["movie", "korean"]),
            _sfv("c", ["romance"]),
        ],
        "categories": [
            {"name": "K", "query": "movie AND korean AND dramas", "order": "most_popular"},
            {"name": "R", "query": "romance OR dramas", "order": "most_popular"},
        ],
    }
    assert _rows(feed) == {"K": ("a",), "R": ("a", "c")}


def test_query_tags_may_hold_spaces_and_match_exactly() -> None:
    feed = {
        "movies": [
            _sfv("a", ["reality shows", "cooking"]),
            _sfv("b", ["Cooking", "reality shows"]),
        ],
        "categories": [
            {"name": "C", "query": "cooking AND reality shows", "order": "most_popular"}
        ],
    }
    assert _rows(feed) == {"C": ("a",)}


def test_mixed_operators_give_an_empty_row_with_the_reason() -> None:
    feed = {
        "movies": [_sfv("a", ["movie", "romance"])],
        "categories": [
            {"name": "M", "query": "movie AND romance OR dramas", "order": "most_recent"}
        ],
    }
    (row,) = build_rows(feed)
    assert row.item_ids == ()
    assert "mixes AND and OR" in row.note


def test_most_recent_is_newest_first_and_chronological_oldest_first() -> None:
    items = top_level_items(
        {
            "movies": [_sfv("mid", [], "2024-05-01"), _sfv("old", [], "2020-01-01")],
            "tvSpecials": [_sfv("new", [], "2025-12-31"), _sfv("undated", [])],
        }
    )
    ids = list(items)
    assert order_items(ids, "most_recent", items, manual_ok=False)[0] == (
        "new",
        "mid",
        "old",
        "undated",
    )
    ordered, note = order_items(ids, "chronological", items, manual_ok=False)
    assert ordered == ("old", "mid", "new", "undated")
    assert "1 item has no release date and comes last" in note  # not "1 items have"


def test_date_falls_back_to_the_content_date_added() -> None:
    early = _sfv("early", []) | {"content": {"dateAdded": "2021-03-04T05:06:07Z"}}
    late = _sfv("late", []) | {"content": {"dateAdded": "2023-03-04T05:06:07Z"}}
    items = top_level_items({"movies": [early, late]})
    assert order_items(["early", "late"], "most_recent", items, manual_ok=False)[0] == (
        "late",
        "early",
    )


def test_most_popular_keeps_feed_order_and_says_why() -> None:
    items = top_level_items({"movies": [_sfv("b", ["x"]), _sfv("a", ["x"])]})
    ordered, note = order_items(["b", "a"], "most_popular", items, manual_ok=False)
    assert ordered == ("b", "a")
    assert "viewing data" in note


def test_playlist_row_keeps_playlist_order_and_names_missing_ids() -> None:
    feed = {
        "movies": [_sfv("m1", [], "2020-01-01"), _sfv("m2", [], "2022-01-01")],
        "series": [_sfv("s1", [], "2021-01-01")],
        "playlists": [{"name": "P", "itemIds": ["s1", "gone", "m2", "m1", "m2"]}],
        "categories": [
            {"name": "Manual", "playlistName": "P", "order": "manual"},
            {"name": "Recent", "playlistName": "P", "order": "most_recent"},
        ],
    }
    manual, recent = build_rows(feed)
    assert manual.item_ids == ("s1", "m2", "m1")  # a repeated id shows once
    assert manual.missing_ids == ("gone",)
    assert recent.item_ids == ("m2", "s1", "m1")


def test_category_naming_an_unknown_playlist_is_an_empty_row() -> None:
    feed = {
        "movies": [_sfv("m1", [])],
        "categories": [{"name": "X", "playlistName": "nope", "order": "manual"}],
    }
    (row,) = build_rows(feed)
    assert row.item_ids == ()
    assert "no playlist named 'nope'" in row.note


def test_without_categories_one_row_per_content_array() -> None:
    feed = {
        "liveFeeds": [_sfv("l", [])],
        "movies": [_sfv("m1", []), _sfv("m2", [])],
        "shortFormVideos": [],
    }
    rows = build_rows(feed)
    assert [(row.name, row.item_ids) for row in rows] == [
        ("Movies", ("m1", "m2")),
        ("Live", ("l",)),
    ]
    assert all(row.source == "content" for row in rows)


def test_duplicate_ids_keep_the_first_item() -> None:
    items = top_level_items(
        {"movies": [_sfv("a", ["first"])], "tvSpecials": [_sfv("a", ["second"])]}
    )
    assert items["a"][0] == "movies"


@pytest.mark.parametrize(
    "feed",
    [
        {"categories": "not a list", "movies": [_sfv("m", [])]},
        {"categories": [None, 3, {"query": 5}], "movies": [{"id": 7}, "x", _sfv("m", [])]},
        {"categories": [{"name": "Q", "query": "  ", "order": "chronological"}]},
    ],
)
def test_broken_categories_never_raise(feed: dict[str, Any]) -> None:
    for row in build_rows(feed):
        assert isinstance(row.name, str) and row.name


def test_items_without_an_id_are_kept_under_their_pointer() -> None:
    feed = {"movies": [{"title": "no id"}, _sfv("m", ["x"])], "categories": []}
    assert _rows(feed) == {"Movies": ("(no id) /movies/0", "m")}
