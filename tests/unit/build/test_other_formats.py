"""The example channel built in all three formats: feed.json, feed.xml (Media RSS) and
search.json (Roku Search Feed 2.0) carry the same items, and each validates."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from packager.build import BuildResult, build_feed
from packager.config import ChannelConfig, load_config
from packager.errors import ConfigError
from packager.feed.derived import feed_entries
from packager.sources.xmlparse import parse_xml
from packager.validate import KIND_MRSS, KIND_SEARCH, validate_feed
from tests.builders import REPO, make_bundle

EXAMPLE = REPO / "examples" / "channel"
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
MEDIA = "{http://search.yahoo.com/mrss/}"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[BuildResult, Path]:
    out = tmp_path_factory.mktemp("formats") / "output"
    config = load_config(EXAMPLE / "channel.toml")
    assert config.formats == ("roku", "mrss", "roku-search")
    return build_feed([], out, config, now=NOW), out


def mrss_items(xml: bytes) -> list[dict[str, Any]]:
    """feed.xml read back with the safe parser: what a Media RSS reader sees of each item."""
    root = parse_xml(xml, origin="feed.xml")
    items = []
    for item in root.findall("channel/item"):
        content = item.find(f"{MEDIA}content")
        assert content is not None
        items.append(
            {
                "id": item.findtext("guid"),
                "title": item.findtext(f"{MEDIA}title"),
                "shortDescription": item.findtext(f"{MEDIA}description"),
                "thumbnail": item.find(f"{MEDIA}thumbnail").get("url"),  # type: ignore[union-attr]
                "video": content.get("url"),
                "duration": int(content.get("duration", "0")),
                "bitrate": int(content.get("bitrate")) if content.get("bitrate") else None,
                "language": content.get("lang"),
                "captions": [
                    (s.get("href"), s.get("lang")) for s in item.findall(f"{MEDIA}subTitle")
                ],
                "genres": [c.text for c in item.findall(f"{MEDIA}category")],
                "pubDate": item.findtext("pubDate"),
                "plainTitle": item.findtext("title"),
            }
        )
    return items


def feed_json_items(feed: dict[str, Any]) -> list[dict[str, Any]]:
    """The same view, taken from feed.json."""
    from packager.feed.mrss import rfc822

    items = []
    for entry in feed_entries(feed):
        item, content = entry.item, entry.item["content"]
        video = content["videos"][0]
        items.append(
            {
                "id": item["id"],
                "title": item["title"],
                "shortDescription": item["shortDescription"],
                "thumbnail": item["thumbnail"],
                "video": video["url"],
                "duration": content["duration"],
                "bitrate": video.get("bitrate"),
                "language": content.get("language", feed["language"]),
                "captions": [(c["url"], c["language"]) for c in content.get("captions", ())],
                "genres": list(entry.genres),
                "pubDate": rfc822(content["dateAdded"]),
                "plainTitle": item["title"],
            }
        )
    return items


@pytest.mark.slow  # the example channel, videos rendered
def test_all_three_formats_are_written_and_valid(built: tuple[BuildResult, Path]) -> None:
    result, out = built
    assert result.exit_code == 0, result.as_dict()
    assert set(result.extra_files) == {"feed.xml", "search.json"}
    mrss = validate_feed(out / "feed.xml")
    search = validate_feed(out / "search.json")
    assert (mrss.kind, mrss.problems) == (KIND_MRSS, ())
    assert (search.kind, search.problems) == (KIND_SEARCH, ())
    report = json.loads((out / "build-report.json").read_text())
    assert report["otherFormats"]["feed.xml"]["written"] is True
    assert report["otherFormats"]["search.json"]["validation"]["kind"] == "roku-search"


@pytest.mark.slow  # the example channel, videos rendered
def test_mrss_round_trip_gives_the_items_of_feed_json(built: tuple[BuildResult, Path]) -> None:
    _, out = built
    feed = json.loads((out / "feed.json").read_text())
    from_xml = mrss_items((out / "feed.xml").read_bytes())
    from_json = feed_json_items(feed)
    episodes = sum(len(s["episodes"]) for s in feed["series"][0]["seasons"])
    # 6 short-form videos, 1 TV special and the episodes; not the live stream.
    assert len(from_json) == 6 + 1 + episodes == 9
    assert sorted(from_xml, key=lambda i: i["id"]) == sorted(from_json, key=lambda i: i["id"])
    # Newest first, like a feed reader expects.
    dates = [datetime.strptime(i["pubDate"], "%a, %d %b %Y %H:%M:%S GMT") for i in from_xml]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.slow  # the example channel, videos rendered
def test_search_feed_has_every_item_with_the_same_id_title_image_and_video(
    built: tuple[BuildResult, Path],
) -> None:
    _, out = built
    feed = json.loads((out / "feed.json").read_text())
    search = json.loads((out / "search.json").read_text())
    assert (search["version"], search["defaultLanguage"]) == ("1", "en")
    assert search["defaultAvailabilityCountries"] == ["us", "ca"]
    by_id = {asset["id"]: asset for asset in search["assets"] if "id" in asset}
    for entry in feed_entries(feed):
        item = entry.item
        asset = by_id[item["id"]]
        assert asset["type"] == entry.kind
        assert asset["titles"] == [{"value": item["title"], "languages": ["en"]}]
        assert asset["images"] == [{"type": "main", "url": item["thumbnail"], "languages": ["en"]}]
        assert asset["durationInSeconds"] == item["content"]["duration"]
        (play,) = asset["content"]["playOptions"]
        assert play["playId"] == item["id"]
        assert play["license"] == "free"
        assert play["quality"] == item["content"]["videos"][0]["quality"].lower()
        assert asset["advisoryRatings"] == [{"source": "USA_PR", "value": "TVPG"}]
        assert asset["genres"] == list(entry.genres)
    assert "harbor-live" not in by_id


@pytest.mark.slow  # the example channel, videos rendered
def test_series_season_and_episode_are_linked_by_id(built: tuple[BuildResult, Path]) -> None:
    _, out = built
    feed = json.loads((out / "feed.json").read_text())
    assets = json.loads((out / "search.json").read_text())["assets"]
    (series,) = feed["series"]
    (head,) = [a for a in assets if a["type"] == "series"]
    assert head["id"] == series["id"]
    seasons = [a for a in assets if a["type"] == "season"]
    assert [s["seasonInfo"] for s in seasons] == [
        {"seriesId": series["id"], "seasonNumber": season["seasonNumber"]}
        for season in series["seasons"]
    ]
    episodes = [a for a in assets if a["type"] == "episode"]
    expected = [
        {
            "seriesId": series["id"],
            "seasonNumber": season["seasonNumber"],
            "episodeNumber": episode["episodeNumber"],
        }
        for season in series["seasons"]
        for episode in season["episodes"]
    ]
    assert [e["episodeInfo"] for e in episodes] == expected


@pytest.mark.slow  # the example channel, videos rendered
def test_live_stream_left_out_is_reported(built: tuple[BuildResult, Path]) -> None:
    result, out = built
    assert any(note.startswith("live stream harbor-live: not in feed.xml") for note in result.notes)
    assert b"harbor-live" not in (out / "feed.xml").read_bytes()


@pytest.mark.slow  # the example channel, videos rendered
def test_unchanged_rebuild_gives_identical_files(built: tuple[BuildResult, Path]) -> None:
    _, out = built
    before = {name: (out / name).read_bytes() for name in ("feed.xml", "search.json")}
    again = build_feed([], out, load_config(EXAMPLE / "channel.toml"), now=NOW)
    assert (again.prepared, again.reused) == (0, 9)
    assert {name: (out / name).read_bytes() for name in before} == before


@pytest.mark.slow  # the example channel, videos rendered
def test_turning_formats_on_keeps_the_article_cache(built: tuple[BuildResult, Path]) -> None:
    """Formats do not change how an article is prepared, so no video is rendered again."""
    _, out = built
    config = replace(load_config(EXAMPLE / "channel.toml"), formats=("roku",))
    again = build_feed([], out, config, now=NOW)
    assert (again.prepared, again.reused) == (0, 9)
    assert again.extra_files == {}


def test_default_config_writes_only_feed_json(tmp_path: Path, config: ChannelConfig) -> None:
    make_bundle(tmp_path / "in", "one", "Title: Pier opens\n\nThe pier opened today.", video=True)
    result = build_feed([tmp_path / "in"], tmp_path / "out", config, now=NOW)
    assert result.exit_code == 0, result.as_dict()
    assert (tmp_path / "out" / "feed.json").is_file()
    assert not (tmp_path / "out" / "feed.xml").exists()
    assert not (tmp_path / "out" / "search.json").exists()
    assert "otherFormats" not in result.as_dict()


def write_config(tmp_path: Path, channel_lines: str) -> Path:
    path = tmp_path / "channel.toml"
    path.write_text(f'[channel]\nbase_url = "https://cdn.example.com/"\n{channel_lines}\n')
    return path


@pytest.mark.parametrize(
    ("line", "message", "hint"),
    [
        (
            'formats = ["roku", "mrs"]',
            "channel.formats = 'mrs' is not allowed",
            "did you mean 'mrss'?",
        ),
        ('formats = ["roku", "json"]', "'json' is not allowed", "roku, mrss, roku-search"),
        ('formats = ["roku", "mrss", "mrss"]', "lists a format twice", "name each format once"),
        ('formats = ["mrss"]', 'leaves out "roku"', "made from feed.json"),
        ('formats = "mrss"', "should be a list of strings", "channel.formats"),
        ('availability_countries = ["USA"]', "'USA' is not allowed", ""),
        ("availability_countries = []", "is empty", 'e.g. ["us"]'),
    ],
)
def test_bad_formats_config_names_the_value(
    tmp_path: Path, line: str, message: str, hint: str
) -> None:
    path = write_config(tmp_path, line)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert message in caught.value.message
    assert str(path) in caught.value.message
    assert hint in caught.value.hint
