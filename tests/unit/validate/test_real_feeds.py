"""The real public Direct Publisher feeds in real/ (see real/SOURCES.md) are judged exactly as
their verdict files say: each problem (rule, pointer, severity), or a count per rule for large
feeds. Adding a feed and its verdict file adds a test."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from packager.validate import validate_feed

REAL = Path(__file__).parent / "real"
FEEDS = sorted(p for p in REAL.glob("*.json") if not p.name.endswith(".verdict.json"))
# Copies of Roku's own "Roku Developers" sample feed (image.roku.com, Roku Tips & Tricks series).
ROKU_OWN = {"fitorays-roku-developers-feed.json"}


def _verdict(feed: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((REAL / f"{feed.stem}.verdict.json").read_text(encoding="utf-8"))


def test_corpus_size_and_sources() -> None:
    assert len(FEEDS) >= 15
    sources = (REAL / "SOURCES.md").read_text(encoding="utf-8")
    for feed in FEEDS:
        assert f"`{feed.name}`" in sources, f"{feed.name} has no row in SOURCES.md"
        assert (REAL / f"{feed.stem}.verdict.json").is_file()


@pytest.mark.parametrize("feed", FEEDS, ids=[feed.stem for feed in FEEDS])
def test_real_feed_verdict(feed: Path) -> None:
    verdict = _verdict(feed)
    result = validate_feed(feed)
    assert (len(result.errors), len(result.warnings)) == (verdict["errors"], verdict["warnings"])
    if "problems" in verdict:
        found = [(p.rule, p.pointer, str(p.severity)) for p in result.problems]
        expected = [(e["rule"], e["pointer"], e["severity"]) for e in verdict["problems"]]
        assert sorted(found) == sorted(expected)
    else:
        counts = Counter(f"{p.rule} ({p.severity})" for p in result.problems)
        assert dict(counts) == verdict["counts"]
    # Every expected error is justified against the spec in the verdict file.
    assert {p.rule for p in result.errors} == set(verdict["why"])
    for problem in result.problems:
        assert problem.message and problem.hint


@pytest.mark.parametrize("name", sorted(ROKU_OWN))
def test_roku_own_feed_has_no_errors(name: str) -> None:
    assert validate_feed(REAL / name).errors == ()
