"""article.json (CMS export): the schema-valid shape read fully, every bad field reported."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from packager.errors import SourceError
from packager.schemas import ARTICLE_SCHEMA, load_schema
from packager.sources import ReadOptions, read_bundle
from packager.sources.cms_json import schema_problems
from tests.builders import solid_photo as make_photo
from tests.unit.sources.paths import FIXTURE_BUNDLES

INVALID_CASES = Path(__file__).parent / "cases" / "json-invalid"


def test_article_schema_is_a_valid_2020_12_schema_with_its_id() -> None:
    schema = load_schema(ARTICLE_SCHEMA)
    Draft202012Validator.check_schema(schema)
    assert schema["$id"] == "https://packager.dev/schemas/article.schema.json"
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_cms_bundle_reads_every_field(tmp_path: Path) -> None:
    bundle = tmp_path / "cms-story"
    shutil.copytree(FIXTURE_BUNDLES / "cms-story", bundle)
    make_photo(bundle / "troops.jpg", (10, 120, 10))

    article = read_bundle(bundle, ReadOptions())

    assert article.id == "cms-2022-0126-001"
    assert article.origin == str(bundle / "article.json")
    assert article.url == "https://news.example.org/2022/01/26/pentagon-readies-troops"
    assert article.title == "Pentagon readies 8,500 troops for possible deployment"
    assert article.section_path == ("News", "Defense")
    # The footer paragraph ("All rights reserved") is dropped like in text articles.
    assert article.body == (
        "US officials said Monday the Pentagon was preparing up to 8,500 US troops.",
        "The troops are part of a NATO operation, the president said.",
    )
    assert article.summary == article.body[0]
    assert article.published == datetime(2022, 1, 26, 18, 30, tzinfo=timezone(timedelta(hours=3.5)))
    assert article.modified == datetime(2022, 1, 27, 8, 0, tzinfo=UTC)
    assert article.authors == ("Sam Editor",)
    assert article.tags == ("nato", "pentagon")
    troops, kirby = article.images
    assert (troops.location, troops.caption, troops.credit) == (
        str(bundle / "troops.jpg"),
        "Troops at a base in Poland.",
        "AFP",
    )
    assert (kirby.location, kirby.caption, kirby.credit, kirby.alt) == (
        "https://cdn.example.org/kirby.jpg",
        "John Kirby",
        "DoD",
        "Kirby at a podium",
    )
    (video,) = article.videos
    assert (video.location, video.video_type, video.duration_seconds) == (
        "https://cdn.example.org/briefing/master.m3u8",
        "HLS",
        95.5,
    )
    (caption,) = article.captions
    assert (caption.location, caption.language, caption.caption_type) == (
        str(bundle / "briefing.srt"),
        "en",
        "CLOSED_CAPTION",
    )
    assert article.warnings == ()


def test_body_as_one_string_is_split_on_blank_lines(tmp_path: Path) -> None:
    bundle = tmp_path / "b"
    bundle.mkdir()
    (bundle / "article.json").write_text(
        '{"title": "T", "body": "First  paragraph\\nwraps.\\n\\n Second. \\n\\n\\n"}',
        encoding="utf-8",
    )
    article = read_bundle(bundle, ReadOptions(default_language="fr"))
    assert article.body == ("First paragraph wraps.", "Second.")
    assert article.language == "fr"
    assert article.id.startswith("a")  # no id, no url: derived from the folder name
    assert any("no date" in warning for warning in article.warnings)


@pytest.mark.parametrize("case", sorted(INVALID_CASES.glob("*.json")), ids=lambda path: path.stem)
def test_invalid_exports_name_each_bad_field(case: Path, tmp_path: Path) -> None:
    bundle = tmp_path / case.stem
    bundle.mkdir()
    shutil.copyfile(case, bundle / "article.json")
    expected = case.with_suffix(".expected").read_text(encoding="utf-8").splitlines()

    with pytest.raises(SourceError) as caught:
        read_bundle(bundle, ReadOptions())

    message = str(caught.value)
    for line in expected:
        assert line in message
    assert caught.value.location.startswith(str(bundle / "article.json"))
    assert "hint:" in message
    if "bad JSON" not in message:
        # One line per bad field, no more: the listing lines are the expected ones.
        listed = [line for line in message.splitlines() if line.startswith("  ")]
        assert len(listed) == len(expected)


def test_every_invalid_case_has_its_expectation() -> None:
    cases = sorted(INVALID_CASES.glob("*.json"))
    assert len(cases) >= 8
    for case in cases:
        assert case.with_suffix(".expected").is_file(), case.name


def test_problems_are_sorted_by_pointer_and_quote_long_values_briefly() -> None:
    problems = schema_problems({"title": 7, "body": {"x": "y" * 5000}, "authors": [1]})
    assert problems == sorted(problems)
    assert [problem.split(":")[0] for problem in problems] == ["/authors/0", "/body", "/title"]
    assert all(len(problem) < 300 for problem in problems)


def test_json_that_is_not_utf8_is_a_clear_error(tmp_path: Path) -> None:
    bundle = tmp_path / "latin1"
    bundle.mkdir()
    (bundle / "article.json").write_bytes('{"title": "Café"}'.encode("latin-1"))
    with pytest.raises(SourceError, match=r"article.json is not UTF-8: .*latin1.*article\.json"):
        read_bundle(bundle, ReadOptions())
    with pytest.raises(SourceError, match="it looks like text in an 8-bit encoding"):
        read_bundle(bundle, ReadOptions())


def test_missing_referenced_file_in_json_names_it(tmp_path: Path) -> None:
    bundle = tmp_path / "b"
    bundle.mkdir()
    (bundle / "article.json").write_text(
        '{"title": "T", "videos": [{"file": "talk.mp4"}]}', encoding="utf-8"
    )
    with pytest.raises(SourceError, match=r"missing video: .*article\.json names 'talk\.mp4'"):
        read_bundle(bundle, ReadOptions())
