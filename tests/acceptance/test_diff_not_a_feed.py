"""`packager diff` compares feeds: a document that is not one (a JSON array, an object without
a feed's root keys) is bad input naming which side, not "3 removed", exit 0."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from packager.cli import main
from packager.errors import ExitCode

FEED = {
    "providerName": "Harbor",
    "lastUpdated": "2026-01-01T00:00:00+00:00",
    "language": "en",
    "shortFormVideos": [{"id": f"a{i}", "title": f"A{i}"} for i in range(3)],
}
NOT_FEEDS = {
    "array": ([1, 2, 3], "is a list, not an object"),
    "number": (7, "is a number, not an object"),
    "config": ({"channel": {"base_url": "x"}}, "no providerName, lastUpdated, language"),
    "partial": ({"providerName": "P", "movies": []}, "no lastUpdated, language"),
}


def write(tmp_path: Path, name: str, data: object) -> str:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("kind", sorted(NOT_FEEDS))
@pytest.mark.parametrize("side", ["OLD", "NEW"])
def test_a_document_that_is_not_a_feed_is_bad_input(tmp_path: Path, kind: str, side: str) -> None:
    data, why = NOT_FEEDS[kind]
    feed, other = write(tmp_path, "feed", FEED), write(tmp_path, kind, data)
    args = [feed, other] if side == "NEW" else [other, feed]
    for output in ("text", "json"):
        result = CliRunner().invoke(main, ["diff", *args, "-o", output], catch_exceptions=False)
        assert result.exit_code == ExitCode.BAD_INPUT, result.output
        message = json.loads(result.stdout)["error"] if output == "json" else result.stderr
        assert f"{side} {other} is not a feed" in message and why in message
        assert "removed" not in result.stdout


def test_two_feeds_still_diff(tmp_path: Path) -> None:
    smaller = {**FEED, "shortFormVideos": FEED["shortFormVideos"][:1]}
    result = CliRunner().invoke(
        main, ["diff", write(tmp_path, "a", FEED), write(tmp_path, "b", smaller)]
    )
    assert result.exit_code == ExitCode.OK, result.output
    assert result.stdout.startswith("0 added, 2 removed")
