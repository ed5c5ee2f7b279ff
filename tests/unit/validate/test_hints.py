"""Hints name the real fix: a key in the wrong place says where it belongs."""

from __future__ import annotations

import json
from pathlib import Path

from packager.validate import validate_feed

BASE = Path(__file__).parent / "base-feed.json"


def _problem(feed: dict, pointer: str):  # type: ignore[no-untyped-def]
    result = validate_feed(json.dumps(feed).encode())
    return next(p for p in result.problems if p.pointer == pointer)


def test_genres_inside_content_say_they_belong_on_the_item() -> None:
    feed = json.loads(BASE.read_text())
    feed["movies"][0]["content"]["genres"] = ["news"]
    problem = _problem(feed, "/movies/0/content/genres")
    assert problem.rule == "unknown-key"
    assert "on the item itself" in problem.hint and "not inside content" in problem.hint


def test_item_level_rating_source_says_it_belongs_in_rating() -> None:
    feed = json.loads(BASE.read_text())
    feed["shortFormVideos"][0]["ratingSource"] = "USA_PR"
    problem = _problem(feed, "/shortFormVideos/0/ratingSource")
    assert "inside the item's rating object" in problem.hint
    assert "did you mean" not in problem.hint


def test_misspelt_key_still_gets_a_spelling_hint() -> None:
    feed = json.loads(BASE.read_text())
    feed["movies"][0]["Title"] = "x"
    assert "did you mean 'title'" in _problem(feed, "/movies/0/Title").hint


def test_genres_on_an_episode_are_not_sent_inside_content() -> None:
    feed = json.loads(BASE.read_text())
    feed["series"][0]["seasons"][0]["episodes"][0]["genres"] = ["news"]
    problem = _problem(feed, "/series/0/seasons/0/episodes/0/genres")
    assert "episodes have no genres" in problem.hint and "content" not in problem.hint


def test_duration_on_the_item_says_it_belongs_in_content() -> None:
    feed = json.loads(BASE.read_text())
    feed["movies"][0]["duration"] = 5
    assert "inside the item's content object" in _problem(feed, "/movies/0/duration").hint
