"""`packager diff`: items added, removed and changed, with the changed fields named."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from click.testing import CliRunner

from packager.cli import main
from packager.diff import diff_feeds
from tests.builders import BASE_FEED

BASE = BASE_FEED


def test_diff_names_added_removed_and_changed_items() -> None:
    old = json.loads(BASE.read_text())
    new = copy.deepcopy(old)
    new["lastUpdated"] = "2026-12-01T00:00:00Z"  # alone, not a change
    assert not diff_feeds(old, new).has_changes

    new["shortFormVideos"][0]["title"] = "Storm closes the coast road again"
    new["shortFormVideos"][0]["content"]["duration"] = 70
    del new["tvSpecials"]
    new["series"][0]["seasons"][0]["episodes"][1]["shortDescription"] = "Buses, bridges, ferries."
    new["movies"].append({**copy.deepcopy(old["movies"][0]), "id": "movie-2", "title": "Second"})
    new["playlists"][0]["itemIds"] = ["a1b2c3"]
    result = diff_feeds(old, new)
    assert [i.item_id for i in result.added] == ["movie-2"]
    assert [(i.item_id, i.kind) for i in result.removed] == [("special-1", "tvSpecials")]
    changes = {c.item.item_id: c.fields for c in result.changed}
    assert changes == {"a1b2c3": ("content.duration", "title"), "ep-1-2": ("shortDescription",)}
    assert result.channel_changes == ("playlists",)
    assert result.summary() == "1 added, 1 removed, 2 changed; channel: playlists"
    assert "| added | movies | `movie-2` | Second | |" in result.markdown()


def test_cli_diff_json_and_text(tmp_path: Path) -> None:
    old = json.loads(BASE.read_text())
    new = copy.deepcopy(old)
    new["liveFeeds"] = []
    (tmp_path / "new.json").write_text(json.dumps(new))
    runner = CliRunner()
    result = runner.invoke(
        main, ["diff", str(BASE), str(tmp_path / "new.json"), "-o", "json"], catch_exceptions=False
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout)["removed"] == [
        {"id": "live-1", "type": "liveFeeds", "title": "Harbor City News Live"}
    ]
    text = runner.invoke(main, ["diff", str(BASE), str(tmp_path / "new.json")]).stdout
    assert "  - liveFeeds live-1: Harbor City News Live" in text
    missing = runner.invoke(main, ["diff", str(BASE), str(tmp_path / "nope.json")])
    assert missing.exit_code == 4 and "no such file" in missing.stderr


def test_episodes_in_seasons_and_directly_are_compared_as_items() -> None:
    old = {
        "series": [
            {
                "id": "s1",
                "title": "Show",
                "seasons": [{"seasonNumber": 1, "episodes": [{"id": "e1", "title": "One"}]}],
                "episodes": [{"id": "e2", "title": "Two"}],
            }
        ]
    }
    new = json.loads(json.dumps(old))
    new["series"][0]["seasons"][0]["episodes"][0]["title"] = "One, again"
    new["series"][0]["seasons"].append("not a season")  # a broken entry is passed over
    result = diff_feeds(old, new)
    assert [(c.item.item_id, c.item.kind, c.fields) for c in result.changed] == [
        ("e1", "episode", ("title",))
    ]
    assert result.old_count == result.new_count == 3


def test_derived_entries_of_roku_own_feed_without_season_numbers() -> None:
    # Roku's own sample feed gives seasons no seasonNumber; the derived formats must not crash.
    from packager.feed.derived import feed_entries

    feed = json.loads(
        (Path(__file__).parent / "validate/real/fitorays-roku-developers-feed.json").read_text()
    )
    episodes = [entry for entry in feed_entries(feed) if entry.kind == "episode"]
    assert episodes and all(entry.season_number is None for entry in episodes)
    assert {entry.series_id for entry in episodes} == {s["id"] for s in feed["series"]}
