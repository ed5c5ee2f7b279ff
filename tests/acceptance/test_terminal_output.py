"""Text the commands print from feeds and hosts (titles, targets, warnings) reaches the terminal
escaped: an escape sequence in a live feed's title is shown, never obeyed."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from packager.cli import main

ESCAPE = "\x1b]0;pwned\x07"


def feed_with_title(title: str) -> dict[str, object]:
    return {
        "providerName": "Harbor",
        "lastUpdated": "2026-12-01T00:00:00Z",
        "language": "en",
        "shortFormVideos": [
            {
                "id": "a1",
                "title": title,
                "shortDescription": "A story.",
                "thumbnail": "https://cdn.example.com/a.jpg",
                "releaseDate": "2026-12-01",
                "content": {
                    "dateAdded": "2026-12-01T00:00:00Z",
                    "videos": [
                        {
                            "url": "https://cdn.example.com/a.m3u8",
                            "quality": "HD",
                            "videoType": "HLS",
                        }
                    ],
                    "duration": 60,
                },
            }
        ],
    }


def test_diff_text_escapes_titles_from_the_feeds(tmp_path: Path) -> None:
    old = tmp_path / "old.json"
    new = tmp_path / "new.json"
    old.write_text(json.dumps({**feed_with_title("Quiet"), "shortFormVideos": []}))
    new.write_text(json.dumps(feed_with_title(f"Loud{ESCAPE}\u202etitle")))
    result = CliRunner().invoke(main, ["diff", str(old), str(new)], catch_exceptions=False)
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    assert "Loud\\x1b]0;pwned\\x07" in result.stdout


def test_error_lines_keep_their_lines_and_escape_each(tmp_path: Path) -> None:
    bad = tmp_path / f"feed{ESCAPE}.json"
    bad.write_text("{", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(bad)], catch_exceptions=False)
    assert result.exit_code != 0
    assert "\x1b" not in result.stderr and "\x1b" not in result.stdout
