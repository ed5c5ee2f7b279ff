"""A NaN, Infinity or overflowing number is reported once, at its place, as what it is: not
also as a missing required field, a null, or a number too large."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from packager.validate import validate_feed
from tests.builders import BASE_FEED


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400", "9" * 5000])
def test_a_non_finite_duration_is_one_error_at_its_place(tmp_path: Path, literal: str) -> None:
    text = BASE_FEED.read_text(encoding="utf-8")
    broken, count = re.subn(r'"duration":\s*[0-9]+', f'"duration": {literal}', text, count=1)
    assert count == 1
    feed = tmp_path / "feed.json"
    feed.write_text(broken, encoding="utf-8")
    result = validate_feed(feed)
    located = [(p.pointer, p.rule) for p in result.errors]
    assert located == [("/movies/0/content/duration", "number-not-finite")], located


def test_a_document_that_is_one_huge_number_is_one_error(tmp_path: Path) -> None:
    feed = tmp_path / "feed.json"
    feed.write_text("1e400", encoding="utf-8")
    assert [(p.pointer, p.rule) for p in validate_feed(feed).errors] == [("", "number-not-finite")]


@pytest.mark.parametrize(
    ("written", "code"),
    [("\\u0000", "U+0000"), ("\\u001b[31m", "U+001B"), ("\u202e", "U+202E"), ("\ufeff", "U+FEFF")],
)
def test_invisible_characters_in_text_are_located_warnings(
    tmp_path: Path, written: str, code: str
) -> None:
    text = BASE_FEED.read_text(encoding="utf-8").replace('"title": "', f'"title": "{written}', 1)
    feed = tmp_path / "feed.json"
    feed.write_text(text, encoding="utf-8")
    result = validate_feed(feed)
    (problem,) = [p for p in result.warnings if p.rule == "invisible-character"]
    assert problem.pointer == "/movies/0/title" and code in problem.message


def test_line_breaks_and_tabs_in_descriptions_are_fine(tmp_path: Path) -> None:
    text = BASE_FEED.read_text(encoding="utf-8")
    text = text.replace('"longDescription": "', '"longDescription": "One.\\n\\tTwo. ', 1)
    feed = tmp_path / "feed.json"
    feed.write_text(text, encoding="utf-8")
    assert not [p for p in validate_feed(feed).problems if p.rule == "invisible-character"]
