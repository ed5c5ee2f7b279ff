"""The seed article must build: headline, breadcrumb, both credited captions, media, no footer."""

from __future__ import annotations

import json
from pathlib import Path

from packager.model import Article
from packager.sources import ReadOptions, read_articles, read_bundle

FOOTER_TEXT = ("can also be accessed", "alternate addresses", "Press TV News Roku")


def test_seed_bundle_reads_into_a_complete_article(seed_bundle: Path) -> None:
    article = read_bundle(seed_bundle, ReadOptions())

    assert article.title == "US backs down, responds to Russia's demands, seeks dialogue"
    assert article.section_path == ("News", "Foreign Policy", "Russia", "Editor's Choice")
    assert article.origin == str(seed_bundle / "article.txt")
    assert article.language == "en"
    assert [image.location for image in article.images] == [
        str(seed_bundle / "photo1.jpg"),
        str(seed_bundle / "photo2.png"),
    ]
    first, second = article.images
    assert first.caption.startswith("US Rep. Ilhan Omar (D-MN) (L) talks with Speaker")
    assert first.caption.endswith("in Washington, DC.")
    assert first.credit == "AFP"
    assert second.caption.startswith("US Secretary of State Antony Blinken speaks")
    assert second.caption.endswith("January 26, 2022.")
    assert second.credit == "Reuters"
    assert [(video.location, video.video_type) for video in article.videos] == [
        (str(seed_bundle / "clip.mp4"), "MP4")
    ]
    assert article.body[0].startswith("After ratcheting up tensions with Russia")
    assert article.body[-1].startswith("Western governments accuse Russia")
    assert len(article.body) == 28
    assert article.summary == article.body[0]
    # No date in plain text: left to the feed mapping, with a warning.
    assert article.published is None
    assert any("no date" in warning for warning in article.warnings)


def test_seed_footer_reaches_nothing(seed_bundle: Path) -> None:
    article = read_bundle(seed_bundle, ReadOptions())
    everything = json.dumps(article.as_dict(), ensure_ascii=False)
    for footer in FOOTER_TEXT:
        assert footer not in everything
    # Captions are not body text either.
    assert not any("(AFP photo)" in paragraph for paragraph in article.body)
    assert "(AFP photo)" not in everything


def test_seed_id_is_stable_and_from_the_folder_name(seed_bundle: Path, tmp_path: Path) -> None:
    first = read_bundle(seed_bundle, ReadOptions())
    again = read_bundle(seed_bundle, ReadOptions())
    assert first.id == again.id
    assert len(first.id) <= 50
    moved = seed_bundle.rename(tmp_path / "another-name")
    assert read_bundle(moved, ReadOptions()).id != first.id


def test_seed_through_read_articles_from_a_folder_of_bundles(seed_bundle: Path) -> None:
    results = list(read_articles([seed_bundle.parent]))
    assert len(results) == 1
    assert isinstance(results[0], Article)
    assert results[0].title.startswith("US backs down")


def test_footer_patterns_are_configurable(seed_bundle: Path) -> None:
    # With no footer patterns the site boilerplate stays: proves the patterns do the cutting.
    kept = read_bundle(seed_bundle, ReadOptions(boilerplate_patterns=()))
    assert kept.body[-1] == "Press TV News Roku"
    # A channel's own pattern can cut earlier.
    cut = read_bundle(seed_bundle, ReadOptions(boilerplate_patterns=(r"^Several NATO members",)))
    assert cut.body[-1].startswith("The second batch of US military equipment")
