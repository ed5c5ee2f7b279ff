"""One bad value skips its article with the reason, never crashes the whole read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from packager.errors import SourceError
from packager.model import Article
from packager.sources import ReadOptions, read_articles
from packager.sources.html import extract_html_article
from packager.sources.media import parse_duration, parse_loose_date

HUGE = "9" * 400
OUT_OF_RANGE_DATES = ("9999-12-31T23:59:59-05:00", "0001-01-01T00:30:00+05:00")


def _read_one(tmp_path: Path, name: str, text: str) -> Article | SourceError:
    bundle = tmp_path / "story"
    bundle.mkdir()
    (bundle / name).write_text(text, encoding="utf-8")
    good = tmp_path / "good"
    good.mkdir()
    (good / "article.md").write_text("# Good story\n\nIt reads fine.\n", encoding="utf-8")
    results = list(read_articles([tmp_path], ReadOptions()))
    assert isinstance(results[0], Article) and results[0].title == "Good story"
    return results[1]


def test_front_matter_duration_of_400_digits(tmp_path: Path) -> None:
    text = f"---\ntitle: Clip\nvideo: https://v.example/a.mp4\nduration: {HUGE}\n---\nBody.\n"
    result = _read_one(tmp_path, "article.md", text)
    assert isinstance(result, SourceError)
    assert "`duration`" in result.message and "at most 2147483647 seconds" in result.message
    assert len(result.message) < 300 and result.hint


@pytest.mark.parametrize("value", OUT_OF_RANGE_DATES)
def test_front_matter_date_beyond_utc_range(tmp_path: Path, value: str) -> None:
    result = _read_one(tmp_path, "article.md", f"---\ntitle: T\ndate: {value}\n---\nBody.\n")
    assert isinstance(result, SourceError)
    assert "`date`" in result.message and "outside the years 1 to 9999" in result.message


@pytest.mark.parametrize("value", OUT_OF_RANGE_DATES)
def test_json_date_beyond_utc_range(tmp_path: Path, value: str) -> None:
    document = {"title": "T", "body": "Body.", "published": value}
    result = _read_one(tmp_path, "article.json", json.dumps(document))
    assert isinstance(result, SourceError)
    assert "/published" in result.message and "outside the years 1 to 9999" in result.message


def test_json_duration_beyond_any_float(tmp_path: Path) -> None:
    text = '{"title": "T", "body": "B", "videos": [{"url": "https://v.example/a.mp4", '
    text += f'"duration": {HUGE}}}]}}'
    result = _read_one(tmp_path, "article.json", text)
    assert isinstance(result, SourceError)
    assert "/videos/0/duration" in result.message


def test_json_lone_surrogate(tmp_path: Path) -> None:
    result = _read_one(tmp_path, "article.json", '{"title": "Hi \\ud800", "body": "B"}')
    assert isinstance(result, SourceError)
    assert "/title" in result.message and "lone surrogate" in result.message
    result.message.encode("utf-8")  # the message itself can be printed


@pytest.mark.parametrize("value", OUT_OF_RANGE_DATES)
def test_page_and_feed_dates_beyond_utc_range_count_as_no_date(value: str) -> None:
    assert parse_loose_date(value) is None
    page = (
        '<html><head><meta property="article:published_time" content="' + value + '">'
        "<title>Story</title></head><body><article><p>"
        + "Text of the story. " * 20
        + "</p></article></body></html>"
    )
    article = extract_html_article(page.encode(), origin="p.html")
    assert article.published is None or article.published.year < 9999


@pytest.mark.parametrize("value", [HUGE, int(HUGE), float("inf"), "PT99999999999H", "nan"])
def test_durations_beyond_range_are_no_duration(value: object) -> None:
    assert parse_duration(value) is None
