"""Validation of the other formats: Media RSS and Roku Search Feed 2.0, told apart by content.

Data-driven like cases/: each file in formats/mrss-cases/ is a whole MRSS document whose
leading comment names the exact problems (`expect: LOCATION RULE SEVERITY`); each file in
formats/search-cases/ patches the valid base Search Feed and names its problems.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

from packager.errors import InputError
from packager.schemas import SEARCH_FEED_SCHEMA, load_schema
from packager.validate import KIND_MRSS, KIND_ROKU, KIND_SEARCH, validate_feed
from tests.unit.validate.test_cases import apply_patch

HERE = Path(__file__).parent / "formats"
BASE_MRSS = HERE / "base-mrss.xml"
BASE_SEARCH = HERE / "base-search.json"
MRSS_CASES = sorted((HERE / "mrss-cases").glob("*.xml"))
SEARCH_CASES = sorted((HERE / "search-cases").glob("*.json"))
_EXPECT = re.compile(r"^expect: (\S+) (\S+) (error|warning)$", re.MULTILINE)


def test_kind_is_told_from_content(shared_dir: Path) -> None:
    assert validate_feed(BASE_MRSS).kind == KIND_MRSS
    assert validate_feed(BASE_SEARCH).kind == KIND_SEARCH
    assert validate_feed(Path(__file__).parent / "base-feed.json").kind == KIND_ROKU
    # The file name does not matter: a Search Feed named .xml is still JSON.
    assert validate_feed(BASE_SEARCH.read_bytes()).kind == KIND_SEARCH


def test_base_documents_have_no_problems() -> None:
    assert validate_feed(BASE_MRSS).problems == ()
    assert validate_feed(BASE_SEARCH).problems == ()


@pytest.mark.parametrize("name", ["simple", "advanced"])
def test_official_search_feed_examples_pass(shared_dir: Path, name: str) -> None:
    example = (
        shared_dir / "roku-feed-samples" / "search-feed-2.0" / f"rokudev-{name}-feed-example.json"
    )
    result = validate_feed(example)
    assert result.kind == KIND_SEARCH
    assert result.problems == ()
    assert sum(result.item_counts.values()) == len(json.loads(example.read_text())["assets"])


def test_there_are_cases_for_every_rule() -> None:
    mrss_rules = {m.group(2) for case in MRSS_CASES for m in _EXPECT.finditer(case.read_text())}
    assert {
        "mrss-guid",
        "mrss-duplicate-guid",
        "mrss-pub-date",
        "mrss-title",
        "mrss-description",
        "mrss-description-length",
        "mrss-category",
        "mrss-thumbnail",
        "mrss-thumbnail-size",
        "mrss-content",
        "mrss-content-url",
        "mrss-content-duration",
        "mrss-content-bitrate",
        "mrss-subtitle",
        "mrss-valid-period",
        "mrss-last-build-date",
        "mrss-no-items",
    } <= mrss_rules
    search_rules = {e["rule"] for c in SEARCH_CASES for e in json.loads(c.read_text())["expect"]}
    assert {
        "search-duplicate-id",
        "search-id-length",
        "search-series-link",
        "search-free-with-price",
        "search-content-form",
    } <= search_rules


@pytest.mark.parametrize("case_file", MRSS_CASES, ids=[case.stem for case in MRSS_CASES])
def test_mrss_case(case_file: Path) -> None:
    text = case_file.read_text()
    expected = {m.groups() for m in _EXPECT.finditer(text)}
    assert expected, f"{case_file.name} names no expected problem"
    result = validate_feed(case_file)
    assert result.kind == KIND_MRSS
    found = {(p.pointer, p.rule, str(p.severity)) for p in result.problems}
    assert found == expected
    for problem in result.problems:
        assert problem.message and problem.hint, problem


@pytest.mark.parametrize("case_file", SEARCH_CASES, ids=[case.stem for case in SEARCH_CASES])
def test_search_case(case_file: Path) -> None:
    case = json.loads(case_file.read_text())
    document = apply_patch(json.loads(BASE_SEARCH.read_text()), case["patch"])
    result = validate_feed(json.dumps(document, indent=1).encode())
    assert result.kind == KIND_SEARCH
    found = {(p.pointer, p.rule, str(p.severity)) for p in result.problems}
    expected = {(e["pointer"], e["rule"], e["severity"]) for e in case["expect"]}
    assert found == expected, case["description"]
    for problem in result.problems:
        assert problem.message and problem.hint, problem
        assert "{" not in problem.message, problem  # no schema dumps


def test_plain_rss_title_and_description_are_accepted() -> None:
    """Roku's MRSS spec: <title> and <description> may stand in for the media: ones."""
    text = BASE_MRSS.read_text()
    text = re.sub(r"\s*<media:(title|description) type=\"plain\">[^<]*</media:\1>", "", text)
    assert "<media:title" not in text
    assert validate_feed(text.encode()).problems == ()


def test_iso_8601_pub_date_is_accepted() -> None:
    """Roku's MRSS spec writes pubDate in ISO 8601; RSS 2.0 in RFC 822. Both are read."""
    text = re.sub(
        r"<pubDate>[^<]*</pubDate>",
        "<pubDate>2026-11-19T07:15:00+00:00</pubDate>",
        BASE_MRSS.read_text(),
    )
    assert validate_feed(text.encode()).problems == ()


def test_mrss_with_entities_is_refused_not_expanded(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        "<rss><channel><title>&x;</title></channel></rss>"
    )
    with pytest.raises(InputError, match="entities"):
        validate_feed(feed)


def test_broken_xml_is_a_clear_error(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text("<rss><channel><item></channel></rss>")
    with pytest.raises(InputError, match="not well-formed XML") as caught:
        validate_feed(feed)
    assert str(feed) in caught.value.message


def test_shipped_search_schema_is_roku_s_with_the_video_refs_fixed() -> None:
    schema = load_schema(SEARCH_FEED_SCHEMA)
    Draft7Validator.check_schema(schema)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert "65cfdef3c7f06b5575e3b822b077f0d268bd5c2d" in schema["description"]
    video = schema["definitions"]["media"]["properties"]["videos"]["items"]["properties"]
    assert video["quality"] == {"$ref": "#/definitions/video_quality_type"}
    assert video["videoType"] == {"$ref": "#/definitions/video_type"}
    assert len(schema["definitions"]["genre_type"]["enum"]) == 227
    # Why the fix: with Roku's references a correct video is refused and a swapped one passes.
    upstream = json.loads(json.dumps(schema))
    refs = upstream["definitions"]["media"]["properties"]["videos"]["items"]["properties"]
    refs["quality"], refs["videoType"] = refs["videoType"], refs["quality"]
    media = {
        "videos": [{"url": "https://cdn.example.com/v.mp4", "quality": "hd", "videoType": "mp4"}]
    }
    media_ref = {"$ref": "#/definitions/media", "definitions": upstream["definitions"]}
    assert not Draft7Validator(media_ref).is_valid(media)
    fixed_ref = {"$ref": "#/definitions/media", "definitions": schema["definitions"]}
    assert Draft7Validator(fixed_ref).is_valid(media)


def test_every_dp_genre_is_a_search_feed_genre() -> None:
    from packager.config import DP_GENRES

    search_genres = set(load_schema(SEARCH_FEED_SCHEMA)["definitions"]["genre_type"]["enum"])
    assert len(DP_GENRES) == 32
    assert set(DP_GENRES) <= search_genres


def test_cli_validates_mrss_and_search_feed_together() -> None:
    from click.testing import CliRunner

    from packager.cli import main

    runner = CliRunner()
    result = runner.invoke(
        main, ["validate", str(BASE_MRSS), str(BASE_SEARCH)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert f"{BASE_MRSS}: valid Media RSS — 0 errors, 0 warnings; 5 items" in result.stdout
    assert f"{BASE_SEARCH}: valid Roku Search Feed — 0 errors" in result.stdout


def test_cli_reports_mrss_problem_locations_and_exits_3() -> None:
    from click.testing import CliRunner

    from packager.cli import main

    case = HERE / "mrss-cases" / "content-without-url.xml"
    runner = CliRunner()
    result = runner.invoke(main, ["validate", str(case), "-o", "json"], catch_exceptions=False)
    assert result.exit_code == 3
    report = json.loads(result.stdout)
    (feed,) = report["feeds"]
    assert feed["kind"] == "mrss"
    assert [(p["pointer"], p["rule"]) for p in feed["problems"]] == [
        ("/rss/channel/item[1]/media:content/@url", "mrss-content-url")
    ]
    text = runner.invoke(main, ["validate", str(case)], catch_exceptions=False)
    assert "/rss/channel/item[1]/media:content/@url" in text.stdout
    assert "invalid Media RSS" in text.stdout
