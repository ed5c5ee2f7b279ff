"""article.md: front matter, `# Title`, plain-text paragraphs, named images with credits."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from packager.errors import SourceError
from packager.sources import ReadOptions, read_bundle
from tests.builders import solid_photo as make_photo
from tests.unit.sources.paths import FIXTURE_BUNDLES


@pytest.fixture
def markdown_bundle(tmp_path: Path) -> Path:
    bundle = tmp_path / "markdown-story"
    shutil.copytree(FIXTURE_BUNDLES / "markdown-story", bundle)
    make_photo(bundle / "blinken.jpg", (90, 90, 90))
    make_photo(bundle / "crowd.png", (30, 90, 30))
    return bundle


def test_markdown_bundle(markdown_bundle: Path) -> None:
    article = read_bundle(markdown_bundle, ReadOptions())

    assert article.id == "md-story-7"
    assert article.origin == str(markdown_bundle / "article.md")
    assert article.title == "Blinken says the ball is in Moscow's court"
    assert article.section_path == ("News", "World", "Europe")
    assert article.published == datetime(2022, 1, 27, tzinfo=UTC)
    assert article.url == "https://news.example.org/world/blinken-letter"
    assert article.tags == ("russia", "ukraine", "diplomacy")
    assert article.authors == ("Jane Reporter", "Sam Editor")
    assert article.language == "en-GB"
    assert article.body == (
        "Washington delivered its written reply on Wednesday, officials said. "
        "The document was handed over in person.",
        "What the letter says",
        "It addresses Russia's concerns.",
        "It raises those of the United States.",
        '"All told it sets out a serious diplomatic path forward," he said.',
    )
    assert article.summary == article.body[0]
    assert [(Path(i.location).name, i.caption, i.credit, i.alt) for i in article.images] == [
        (
            "blinken.jpg",
            "Blinken at the State Department",
            "Reuters",
            "Blinken at the State Department",
        ),
        (
            "crowd.png",
            "Protesters outside the embassy in Kyiv",
            "Ann Lee",
            "Protesters outside the embassy",
        ),
    ]
    assert article.warnings == ()


def test_markdown_footer_and_everything_after_it_is_dropped(markdown_bundle: Path) -> None:
    article = read_bundle(markdown_bundle, ReadOptions())
    text = " ".join(article.body)
    assert "Follow us" not in text and "Copyright" not in text


def test_markdown_image_named_but_missing(markdown_bundle: Path) -> None:
    (markdown_bundle / "crowd.png").unlink()
    with pytest.raises(SourceError) as caught:
        read_bundle(markdown_bundle, ReadOptions())
    message = str(caught.value)
    assert f"missing image: {markdown_bundle / 'article.md'} names 'crowd.png'" in message
    assert "the bundle holds: blinken.jpg" in message


def test_markdown_without_title_is_an_error(tmp_path: Path) -> None:
    bundle = tmp_path / "untitled"
    bundle.mkdir()
    (bundle / "article.md").write_text("Just a paragraph.\n\nAnother.\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"no headline: .*untitled.*article\.md"):
        read_bundle(bundle, ReadOptions())


def test_markdown_setext_title_remote_image_and_inline_syntax(tmp_path: Path) -> None:
    bundle = tmp_path / "setext"
    bundle.mkdir()
    (bundle / "article.md").write_text(
        "Sport » Football\n\n"
        "A late goal\n===========\n\n"
        "![The winning goal © Ann Lee](https://cdn.example.org/goal.jpg)\n\n"
        "It was `2-1` after _ninety_ minutes, see <https://example.org/report>.\n"
        "<!-- an editor's note -->\n\n"
        "```\nkept as text\n```\n\n"
        "***\n\n"
        "1. first\n2) second\n",
        encoding="utf-8",
    )
    article = read_bundle(bundle, ReadOptions())
    assert article.title == "A late goal"
    assert article.section_path == ("Sport", "Football")
    assert [(i.location, i.caption, i.credit) for i in article.images] == [
        ("https://cdn.example.org/goal.jpg", "The winning goal", "Ann Lee")
    ]
    assert article.body == (
        "It was 2-1 after ninety minutes, see https://example.org/report.",
        "kept as text",
        "first",
        "second",
    )
    assert "no date" in article.warnings[0]


def test_markdown_path_outside_the_bundle_is_refused(tmp_path: Path) -> None:
    bundle = tmp_path / "escape"
    bundle.mkdir()
    make_photo(tmp_path / "secret.jpg", (0, 0, 0))
    (bundle / "article.md").write_text("# T\n\n![x](../secret.jpg)\n\nBody.\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"bad image reference: .* names '\.\./secret\.jpg'"):
        read_bundle(bundle, ReadOptions())
