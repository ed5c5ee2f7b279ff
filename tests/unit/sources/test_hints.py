"""Every hint names the real fix (#18): DTD refusal, legacy-encoded text, a folder that is no
bundle, and renders that fail for no reason in the article."""

from __future__ import annotations

from pathlib import Path

import pytest

from packager.errors import InputError, RenderError, SourceError
from packager.model import Article, Image
from packager.sources.bundle import bundle_folders
from packager.sources.text import decode_text
from packager.sources.xmlparse import parse_xml
from packager.video import RenderOptions, render_article_video

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>
<rss version="2.0"><channel><title>&lol2;</title></channel></rss>"""


def test_a_refused_dtd_says_to_remove_the_doctype_and_entity_declarations() -> None:
    with pytest.raises(SourceError) as caught:
        parse_xml(BILLION_LAUGHS, origin="feed.xml")
    assert "remove the <!DOCTYPE" in caught.value.hint
    assert "<!ENTITY" in caught.value.hint


def test_text_in_no_known_encoding_says_how_to_resave_it_as_utf8() -> None:
    # 0x81 is undefined in cp1252 too: neither reading works.
    with pytest.raises(SourceError) as caught:
        decode_text(b"Headline\n\nCaf\xe9 \x81 text", "articles/x/article.md")
    assert "iconv -f windows-1252 -t utf-8 article.md > utf8.tmp && mv utf8.tmp article.md" in (
        caught.value.hint
    )


def test_cp1252_text_is_read_with_a_warning_that_gives_the_command() -> None:
    text, warnings = decode_text(b"Headline\n\nCaf\xe9", "articles/my x/article.txt")
    assert text == "Headline\n\nCafé"
    assert "iconv -f windows-1252 -t utf-8 article.txt" in warnings[0]


def test_binary_data_is_not_told_to_be_resaved() -> None:
    with pytest.raises(SourceError) as caught:
        decode_text(b"\x89PNG\r\n\x1a\n\x00\x00", "articles/x/article.txt")
    assert "right file" in caught.value.hint and "iconv" not in caught.value.hint


def test_a_folder_that_is_no_bundle_is_told_which_file_to_add(tmp_path: Path) -> None:
    folder = tmp_path / "my-story"
    folder.mkdir()
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff\xd9")
    with pytest.raises(InputError) as caught:
        bundle_folders(folder)
    hint = caught.value.hint
    assert "add an article.txt to it" in hint and str(folder) in hint
    assert "headline on its first line" in hint


def test_an_unreadable_image_in_a_render_names_the_fix_not_the_article_text(
    tmp_path: Path,
) -> None:
    article = Article(
        id="a", title="Headline", origin="a.txt", summary="Text.", images=(Image("p.jpg"),)
    )
    options = RenderOptions(tts_path="/nonexistent/espeak-ng")
    with pytest.raises(RenderError) as caught:
        render_article_video(article, [tmp_path / "p.jpg"], tmp_path, options, channel_name="C")
    assert "readable" in caught.value.hint and "remove it from the article" in caught.value.hint
