"""Control characters, escape sequences, bidi overrides and invisible-only text never reach
titles, descriptions or the terminal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from packager.cleantext import clean_text, is_invisible, strip_controls, terminal_safe
from packager.cli import main
from packager.errors import SourceError
from packager.sources import ReadOptions, read_bundle
from packager.sources.feeds import parse_feed
from packager.sources.html import extract_html_article

HOSTILE = "\x1b]0;pwned\x07\x1b[2J\x1b[31mRed\x1b[0m \u202eevil\u202c \x00nul\x9b1m done"
PAGE_HOSTILE = HOSTILE.replace("\x00", "\x08")  # a NUL makes a page binary data
BODY = "A paragraph of article text long enough to be kept as the body of the page. " * 6


def test_strip_controls_removes_whole_escape_sequences() -> None:
    assert strip_controls(HOSTILE) == "Red evil nul done"
    assert strip_controls("tab\tand\nnewline") == "tab\tand\nnewline"
    assert strip_controls("lone \ud800 surrogate") == "lone  surrogate"


@pytest.mark.parametrize("text", ["", " ", "\u200b", "\u200b\u200c\u200d\u2060\ufeff", "\u3164"])
def test_invisible_only_text_is_empty(text: str) -> None:
    assert is_invisible(text)
    assert clean_text(text) == ""


def test_visible_text_is_kept_with_single_spaces() -> None:
    assert not is_invisible("\u200bA")
    assert clean_text("  Bürger\u00a0 und\n Stadt ") == "Bürger und Stadt"
    assert clean_text("مرحبا بالعالم") == "مرحبا بالعالم"


def test_terminal_safe_shows_controls_instead_of_obeying_them() -> None:
    shown = terminal_safe("a\x1b]0;x\x07b\u202ec")
    assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
    assert shown == "a\\x1b]0;x\\x07b\\u202ec"


def _page(title: str) -> bytes:
    return (
        f"<html><head><title>{title}</title><meta property='og:title' content='{title}'>"
        f"<meta name='description' content='Sum\x1b[31mmary'></head>"
        f"<body><article><p>{BODY}\u202e</p></article></body></html>"
    ).encode()


def test_page_text_is_cleaned() -> None:
    article = extract_html_article(_page(PAGE_HOSTILE), origin="hostile.html")
    assert article.title == "Red evil nul done"
    assert article.summary == "Summary"
    for text in (article.title, article.summary, *article.body):
        assert strip_controls(text) == text


def test_page_with_an_invisible_title_has_no_title() -> None:
    with pytest.raises(SourceError, match="no title"):
        extract_html_article(_page("\u200b\u200b"), origin="blank.html")


def test_extract_prints_no_escape_sequence(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(_page(PAGE_HOSTILE))
    result = CliRunner().invoke(main, ["extract", str(page)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    assert "Red evil nul done" in result.stdout


def test_bundle_text_is_cleaned(tmp_path: Path) -> None:
    bundle = tmp_path / "story"
    bundle.mkdir()
    (bundle / "article.json").write_text(
        json.dumps(
            {
                "title": "Council \u202evote\x1b[0m",
                "summary": "\x00Budget",
                "body": "First paragraph \x07here.",
                "tags": ["\u200b", "city"],
            }
        ),
        encoding="utf-8",
    )
    article = read_bundle(bundle, ReadOptions())
    assert (article.title, article.summary) == ("Council vote", "Budget")
    assert article.body == ("First paragraph here.",)
    assert article.tags == ("city",)


def test_bundle_with_an_invisible_title_is_skipped(tmp_path: Path) -> None:
    bundle = tmp_path / "blank"
    bundle.mkdir()
    (bundle / "article.md").write_text("# \u200b\u200b\n\nSome body text.\n", encoding="utf-8")
    with pytest.raises(SourceError, match="shows nothing") as caught:
        read_bundle(bundle, ReadOptions())
    assert caught.value.hint


def test_feed_item_titles_are_cleaned() -> None:
    feed = parse_feed(
        b"<rss version='2.0'><channel><title>T</title><item><title>A&#8238;B\xc2\x9b31mC"
        b"</title><link>https://news.example/a</link></item></channel></rss>",
        origin="feed.xml",
    )
    assert feed.entries[0].title == "ABC"


@pytest.mark.parametrize(
    "written",
    ["(Town Crier photo)", "Photo: Town Crier", "© Town Crier", "(Town Crier)", "Town Crier"],
)
def test_one_credit_form_from_pages_and_bundles(tmp_path: Path, written: str) -> None:
    page = (
        "<html><head><title>Fair opens</title></head><body><article>"
        f"<p>{BODY}</p><figure><img src='https://news.example/fair.jpg' width='800'>"
        f"<figcaption>The fair opens. <span class='credit'>{written}</span></figcaption>"
        "</figure></article></body></html>"
    )
    image = extract_html_article(page.encode(), origin="p.html").images[0]
    assert image.credit == "Town Crier"
    bundle = tmp_path / "fair"
    bundle.mkdir()
    (bundle / "article.json").write_text(
        json.dumps(
            {
                "title": "Fair opens",
                "body": "Text.",
                "images": [{"url": "https://news.example/f.jpg", "caption": f"Fair. {written}"}],
            }
        ),
        encoding="utf-8",
    )
    bundle_image = read_bundle(bundle, ReadOptions()).images[0]
    if written.strip("()") != "Town Crier":  # a bare name may be caption text
        assert (bundle_image.caption, bundle_image.credit) == ("Fair.", "Town Crier")


def test_replacement_characters_do_not_reach_the_screen() -> None:
    assert clean_text("胡\ufffd础 done") == "胡础 done"
    assert clean_text("\ufffd\ufffd") == ""
