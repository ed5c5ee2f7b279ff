"""The real public feeds in ../shared/roku-feed-samples are judged as the spec's §4 describes them."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from packager.validate import validate_feed

# §4 of the spec lists each good sample's known deviations; exactly those are reported, as warnings.
GOOD_SAMPLES = {
    "rokudev-sgdex-3_Grid-feed.json": {
        "short-description-length": 8,  # 8 episode shortDescriptions > 200 chars
        "video-bitrate-missing": 13,  # 13 MP4 videos without bitrate
        "empty-list": 13,  # captions: []
    },
    "truicmedia-syndication-roku.json": {
        "release-date-has-time": 2,  # releaseDate as date-time
        "null-value": 8,  # bitrate, credits, rating, externalIds: null
        "empty-list": 4,  # movies, series, tvSpecials, categories: []
        "long-equals-short": 1,  # the second item repeats its short description
    },
    "sakcho-beltv-haiti-roku-feed.json": {
        "long-equals-short": 1,
        "empty-list": 2,  # captions: [], trickPlayFiles: []
        "template-genres-missing": 1,  # a live feed without genres blanks the template
        "thumbnail-url-size": 2,  # thumbnail and brandedThumbnail ...-270x270.png (not 16:9)
    },
    "doubleacs-roku.json": {
        "rating-not-object": 326,  # rating as a bare string ...
        "unknown-key": 326,  # ... with ratingSource at item level
    },
}

# Known defects of the negative fixtures, by pointer and rule (each must be found as an error).
INVALID_SAMPLES = {
    "vumc-live-player-roku.json": {
        ("/liveFeeds/0/content/videos/0/videoType", "video-type"),
        ("/liveFeeds/0/content/videos/0", "required-field"),  # no quality
        ("/liveFeeds/0", "required-field"),  # no thumbnail, no shortDescription
        ("/shortFormVideos/0", "required-field"),  # no content, no description
        ("/shortFormVideos/1", "required-field"),
        ("/playlists/0/itemIds/1", "playlist-item-unknown"),  # t2
        ("/playlists/1/itemIds/1", "playlist-item-unknown"),
        ("/liveFeeds/0/content/videos/0/url", "video-web-page"),  # a YouTube channel page  # s2
    },
    "applerulesall2023-roku.json": {
        *((f"/movies/{i}", "required-field") for i in range(5)),  # no id, genres, thumbnail
        *((f"/movies/{i}/content/duration", "duration") for i in range(5)),  # duration "58"
        *((f"/movies/{i}/content/videos/0/url", "video-web-page") for i in range(5)),  # watch?v=
    },
}


@pytest.mark.parametrize("name", sorted(GOOD_SAMPLES))
def test_good_sample_reports_exactly_its_known_deviations(shared_dir: Path, name: str) -> None:
    result = validate_feed(shared_dir / "roku-feed-samples" / "dp-json" / name)
    assert result.ok
    assert result.errors == ()
    assert Counter(p.rule for p in result.warnings) == Counter(GOOD_SAMPLES[name])


def test_every_good_sample_is_covered(shared_dir: Path) -> None:
    names = {p.name for p in (shared_dir / "roku-feed-samples" / "dp-json").glob("*.json")}
    assert names == set(GOOD_SAMPLES)


@pytest.mark.parametrize("name", sorted(INVALID_SAMPLES))
def test_invalid_sample_fails_at_its_known_defects(shared_dir: Path, name: str) -> None:
    result = validate_feed(shared_dir / "roku-feed-samples" / "dp-json-invalid" / name)
    assert not result.ok
    errors = {(p.pointer, p.rule) for p in result.errors}
    assert errors == INVALID_SAMPLES[name]


def test_applerules_missing_fields_are_named_together(shared_dir: Path) -> None:
    result = validate_feed(
        shared_dir / "roku-feed-samples" / "dp-json-invalid" / "applerulesall2023-roku.json"
    )
    first = next(p for p in result.errors if p.pointer == "/movies/0")
    assert (
        "'id'" in first.message and "'genres'" in first.message and "'thumbnail'" in first.message
    )
    moved = {p.pointer for p in result.warnings if p.rule == "unknown-key"}
    assert "/movies/0/content/genres" in moved
