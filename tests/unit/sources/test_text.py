"""article.txt: front matter, captions and credits, breadcrumbs, footers, decoding."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from packager.errors import ConfigError, SourceError
from packager.sources import DEFAULT_BOILERPLATE_PATTERNS, ReadOptions, read_articles, read_bundle
from packager.sources.text import (
    compile_boilerplate,
    decode_text,
    is_boilerplate,
    looks_like_breadcrumb,
    parse_iso_date,
    split_breadcrumb,
    split_credit,
)
from tests.builders import solid_photo as make_photo


def write_bundle(root: Path, name: str, text: str) -> Path:
    bundle = root / name
    bundle.mkdir()
    (bundle / "article.txt").write_text(text, encoding="utf-8")
    return bundle


@pytest.mark.parametrize(
    ("line", "caption", "credit"),
    [
        (
            "Omar at a rally in Washington, DC. (AFP photo)",
            "Omar at a rally in Washington, DC.",
            "AFP",
        ),
        ("Blinken speaks. (Reuters photo)", "Blinken speaks.", "Reuters"),
        ("Troops at a base (AFP file photo)", "Troops at a base", "AFP"),
        ("A market in Kyiv (Photo by Jane Doe)", "A market in Kyiv", "Jane Doe"),
        ("A market in Kyiv (Photo: Jane Doe/AP)", "A market in Kyiv", "Jane Doe/AP"),
        ("A market in Kyiv (Photo/AFP)", "A market in Kyiv", "AFP"),
        ("A market in Kyiv (Credit: Getty Images)", "A market in Kyiv", "Getty Images"),
        ("A market in Kyiv. Photo: Jane Doe", "A market in Kyiv.", "Jane Doe"),
        ("A market in Kyiv — Photo by Jane Doe", "A market in Kyiv", "Jane Doe"),
        ("A market in Kyiv (File photo)", "A market in Kyiv", ""),
        ("A market in Kyiv (Getty Images)", "A market in Kyiv", "Getty Images"),
        ("A market in Kyiv © Ann Lee", "A market in Kyiv", "Ann Lee"),
    ],
)
def test_photo_credits_are_split_from_captions(line: str, caption: str, credit: str) -> None:
    assert split_credit(line) == (caption, credit)


@pytest.mark.parametrize(
    "line",
    [
        "Speaker Nancy Pelosi (D-CA) said on Tuesday.",
        "He showed reporters a photo of the site (and a map).",
        "The photographer left early.",
    ],
)
def test_ordinary_sentences_are_not_captions(line: str) -> None:
    assert split_credit(line) is None


def test_breadcrumbs() -> None:
    assert split_breadcrumb("News\u00a0 / \u00a0Foreign Policy /  Russia") == (
        "News",
        "Foreign Policy",
        "Russia",
    )
    assert split_breadcrumb("Home » Sport › Football") == ("Home", "Sport", "Football")
    assert looks_like_breadcrumb("News / Foreign Policy / Russia / Editor's Choice")
    assert not looks_like_breadcrumb("US backs down, responds to Russia's demands")
    assert not looks_like_breadcrumb("The ratio rose to 3/4 of all voters in the poll this week.")
    assert not looks_like_breadcrumb("News")


def test_default_footer_patterns_are_generic() -> None:
    patterns = compile_boilerplate(DEFAULT_BOILERPLATE_PATTERNS)
    for footer in (
        "Example News can also be accessed at the following addresses:",
        "Follow us on Twitter and Telegram",
        "© 2024 Example Media. All rights reserved.",
        "Copyright 2022 Example News",
        "Subscribe to our newsletter for daily updates",
        "Share this article:",
    ):
        assert is_boilerplate(footer, patterns), footer
    for body in (
        "Copyright reform passed the European Parliament on Tuesday.",
        "Officials said they would follow the talks closely.",
        "He said all rights should be respected.",
        # Long paragraphs are body text even if they mention a footer phrase.
        "Officials urged residents to follow the guidance. " * 6 + "All rights reserved, he said.",
    ):
        assert not is_boilerplate(body, patterns), body


def test_a_bad_footer_pattern_is_a_config_error(tmp_path: Path) -> None:
    write_bundle(tmp_path, "a", "Headline\n\nBody.\n")
    with pytest.raises(ConfigError, match=r"bad boilerplate pattern '\(unclosed'"):
        read_articles([tmp_path], ReadOptions(boilerplate_patterns=("(unclosed",)))


def test_front_matter_says_what_plain_text_cannot(tmp_path: Path) -> None:
    bundle = write_bundle(
        tmp_path,
        "fm",
        "---\n"
        "id: story-2022-001\n"
        "date: 2022-01-26T18:30:00+03:30\n"
        "modified: 2022-01-27\n"
        "url: https://news.example.org/us-backs-down\n"
        "video: https://cdn.example.org/a/master.m3u8, https://cdn.example.org/a/manifest.mpd\n"
        "tags: russia, ukraine, 'nato'\n"
        "language: fr\n"
        "author: Jane Reporter\n"
        "summary: A short summary.\n"
        "# a comment line\n"
        "\n"
        "---\n"
        "News / World\n"
        "\n"
        "Headline here\n"
        "\n"
        "First paragraph.\n",
    )
    article = read_bundle(bundle, ReadOptions())
    assert article.id == "story-2022-001"
    assert article.published == datetime(2022, 1, 26, 18, 30, tzinfo=timezone(timedelta(hours=3.5)))
    assert article.modified == datetime(2022, 1, 27, tzinfo=UTC)
    assert article.url == "https://news.example.org/us-backs-down"
    assert [(v.location, v.video_type) for v in article.videos] == [
        ("https://cdn.example.org/a/master.m3u8", "HLS"),
        ("https://cdn.example.org/a/manifest.mpd", "DASH"),
    ]
    assert article.tags == ("russia", "ukraine", "nato")
    assert article.language == "fr"
    assert article.authors == ("Jane Reporter",)
    assert article.summary == "A short summary."
    assert article.section_path == ("News", "World")
    assert article.title == "Headline here"
    assert article.body == ("First paragraph.",)
    assert article.warnings == ()


def test_front_matter_title_section_and_image_order(tmp_path: Path) -> None:
    bundle = write_bundle(
        tmp_path,
        "named",
        "---\n"
        "title: The real headline\n"
        "section: Sport / Football\n"
        "images: second.jpg, first.jpg\n"
        "---\n"
        "A goal in the last minute. (AFP photo)\n"
        "The coach celebrates. (Reuters photo)\n"
        "\n"
        "The match ended 2-1.\n",
    )
    make_photo(bundle / "first.jpg", (1, 2, 3))
    make_photo(bundle / "second.jpg", (4, 5, 6))
    make_photo(bundle / "third.jpg", (7, 8, 9))
    article = read_bundle(bundle, ReadOptions())
    assert article.title == "The real headline"
    assert article.section_path == ("Sport", "Football")
    assert [(Path(i.location).name, i.caption, i.credit) for i in article.images] == [
        ("second.jpg", "A goal in the last minute.", "AFP"),
        ("first.jpg", "The coach celebrates.", "Reuters"),
        ("third.jpg", "", ""),  # in the bundle but not named: added after, no caption
    ]
    assert article.body == ("The match ended 2-1.",)


@pytest.mark.parametrize(
    ("front", "where", "why"),
    [
        ("id: x\nthis line has no colon\n", ":3 ", "is not a `key: value` line"),
        ("date: 26/01/2022\n", ":2 `date`", "is not an ISO 8601 date"),
        ("url: news.example.org/x\n", ":2 `url`", "is not an http(s) URL"),
        ("language: English\n", ":2 `language`", "is not a language code"),
        ("tags: a\ntags: b\n", ":3 ", "`tags` given twice (first on line 2)"),
    ],
)
def test_malformed_front_matter_names_file_and_line(
    tmp_path: Path, front: str, where: str, why: str
) -> None:
    bundle = write_bundle(tmp_path, "bad", f"---\n{front}---\nHeadline\n\nBody.\n")
    with pytest.raises(SourceError) as caught:
        read_bundle(bundle, ReadOptions())
    message = str(caught.value)
    assert f"{bundle / 'article.txt'}{where}" in message
    assert why in message
    assert "hint:" in message


def test_unclosed_front_matter(tmp_path: Path) -> None:
    bundle = write_bundle(tmp_path, "open", "---\nid: x\nHeadline\n")
    with pytest.raises(SourceError, match=r"article\.txt:3 — 'Headline' is not a `key: value`"):
        read_bundle(bundle, ReadOptions())
    bundle = write_bundle(tmp_path, "open2", "---\nid: x\n")
    with pytest.raises(SourceError, match=r"the `---` block is never closed"):
        read_bundle(bundle, ReadOptions())


def test_unknown_front_matter_key_is_a_warning(tmp_path: Path) -> None:
    bundle = write_bundle(tmp_path, "k", "---\nlayout: post\ndate: 2022-01-01\n---\nH\n\nB.\n")
    article = read_bundle(bundle, ReadOptions())
    assert article.warnings == (
        f"{bundle / 'article.txt'}:2: front matter key `layout` is not used"
        " (known: id, title, date, modified, url, video, tags, language, "
        "section, summary, author, images, duration)",
    )


def test_dates_without_zone_are_utc() -> None:
    assert parse_iso_date("2022-01-26") == datetime(2022, 1, 26, tzinfo=UTC)
    assert parse_iso_date("2022-01-26T18:30") == datetime(2022, 1, 26, 18, 30, tzinfo=UTC)
    assert parse_iso_date("2022-01-26 18:30:05Z") == datetime(2022, 1, 26, 18, 30, 5, tzinfo=UTC)
    with pytest.raises(ValueError):
        parse_iso_date("January 26, 2022")


def test_headline_lines_and_caption_blocks_without_blank_lines(tmp_path: Path) -> None:
    bundle = write_bundle(
        tmp_path,
        "tight",
        "Headline on its own\nA photo caption. (Photo by Ann Lee)\n\nBody one\ncontinues.\n\n"
        "A caption later in the text. (AFP photo)\n\nBody two.\n",
    )
    make_photo(bundle / "a.jpg", (0, 0, 0))
    article = read_bundle(bundle, ReadOptions())
    assert article.section_path == ()
    assert article.title == "Headline on its own"
    assert [(i.caption, i.credit) for i in article.images] == [
        ("A photo caption.", "Ann Lee"),
        # No second image file: the caption is dropped with a warning, not left dangling.
    ]
    assert any("no image file left" in warning for warning in article.warnings)
    assert article.body == ("Body one continues.", "Body two.")


def test_decoding() -> None:
    assert decode_text("Caf\u00e9\r\n".encode("utf-8-sig"), "x") == ("Caf\u00e9\n", ())
    assert decode_text("Caf\u00e9".encode("utf-16"), "x") == ("Caf\u00e9", ())
    text, warnings = decode_text("Caf\u00e9 \u201cquoted\u201d".encode("cp1252"), "x.txt")
    assert text == "Caf\u00e9 \u201cquoted\u201d"
    assert warnings and "not UTF-8" in warnings[0] and "read as cp1252" in warnings[0]


def test_slashed_headline_above_a_paragraph_is_a_headline_not_a_breadcrumb(tmp_path: Path) -> None:
    bundle = write_bundle(
        tmp_path,
        "slash",
        "Iran / US talks resume\n\nThe talks resumed in Vienna, officials said.\n",
    )
    article = read_bundle(bundle, ReadOptions())
    assert article.title == "Iran / US talks resume"
    assert article.section_path == ()
    assert article.body == ("The talks resumed in Vienna, officials said.",)


@pytest.mark.parametrize(
    "text",
    [
        "News / World\nThe real headline here\n\nBody paragraph one.\n",
        "---\ndate: 2024-01-02T10:00:00Z\n---\nNews / World\nThe real headline here\n\n"
        "Body paragraph one.\n",
    ],
    ids=["plain", "after-front-matter"],
)
def test_breadcrumb_typed_straight_above_the_headline(tmp_path: Path, text: str) -> None:
    article = read_bundle(write_bundle(tmp_path, "tight-crumb", text), ReadOptions())
    assert article.title == "The real headline here"
    assert article.section_path == ("News", "World")
    assert article.body == ("Body paragraph one.",)


def test_slashed_headline_typed_straight_above_a_paragraph(tmp_path: Path) -> None:
    bundle = write_bundle(
        tmp_path,
        "slash-tight",
        "Iran / US talks resume\nThe talks resumed in Vienna, officials said.\n",
    )
    article = read_bundle(bundle, ReadOptions())
    assert article.title == "Iran / US talks resume"
    assert article.section_path == ()
    assert article.body == ("The talks resumed in Vienna, officials said.",)


def test_bad_read_options_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="bad default language 'English'"):
        ReadOptions(default_language="English")
    with pytest.raises(ConfigError, match="bad article size limit 0"):
        ReadOptions(max_article_bytes=0)


def test_front_matter_duration_applies_to_the_video(tmp_path: Path) -> None:
    text = "---\nvideo: https://cdn.example.com/a/master.m3u8\nduration: 1:35\n---\nH\n\nB.\n"
    article = read_bundle(write_bundle(tmp_path, "d", text), ReadOptions())
    assert [(v.video_type, v.duration_seconds) for v in article.videos] == [("HLS", 95.0)]


def test_front_matter_bad_duration_is_an_error(tmp_path: Path) -> None:
    text = "---\nvideo: https://cdn.example.com/a.mp4\nduration: soon\n---\nH\n\nB.\n"
    with pytest.raises(SourceError, match="duration"):
        read_bundle(write_bundle(tmp_path, "d", text), ReadOptions())
