"""Bundle discovery, media matching, hostile inputs: each broken bundle is a clear SourceError."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from packager.errors import InputError, SourceError
from packager.model import Article, Image
from packager.sources import ReadOptions, read_articles, read_bundle
from packager.sources.bundle import attach_media
from tests.builders import solid_photo as make_photo

SIMPLE = "News / World\n\nA headline\n\nA paragraph of body text.\n"


def bundle_with(root: Path, name: str, files: dict[str, str | bytes]) -> Path:
    bundle = root / name
    bundle.mkdir(parents=True)
    for file_name, content in files.items():
        target = bundle / file_name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return bundle


def read_error(bundle: Path, options: ReadOptions | None = None) -> str:
    with pytest.raises(SourceError) as caught:
        read_bundle(bundle, options or ReadOptions())
    assert "hint:" in str(caught.value)
    return str(caught.value)


def test_folder_of_bundles_is_read_in_name_order_and_errors_are_values(tmp_path: Path) -> None:
    source = tmp_path / "source"
    bundle_with(source, "c-good", {"article.txt": "Third\n\nBody.\n"})
    bundle_with(source, "a-good", {"article.txt": SIMPLE})
    bundle_with(source, "b-broken", {"article.txt": ""})
    bundle_with(source, ".hidden", {"article.txt": SIMPLE})
    (source / "notes.txt").write_text("loose files in SOURCE are not bundles", encoding="utf-8")

    results = list(read_articles([source]))

    assert [type(result).__name__ for result in results] == ["Article", "SourceError", "Article"]
    first, broken, third = results
    assert isinstance(first, Article) and first.title == "A headline"
    assert isinstance(broken, SourceError)
    assert broken.location == str(source / "b-broken" / "article.txt")
    assert isinstance(third, Article) and third.title == "Third"


def test_several_sources_single_bundles_and_article_files(tmp_path: Path) -> None:
    one = bundle_with(tmp_path, "one", {"article.txt": "One\n\nBody.\n"})
    two = bundle_with(tmp_path, "two", {"article.md": "# Two\n\nBody.\n"})
    titles = [
        result.title
        for result in read_articles([one, two / "article.md"])
        if isinstance(result, Article)
    ]
    assert titles == ["One", "Two"]


def test_missing_source_raises_before_anything_is_read(tmp_path: Path) -> None:
    good = bundle_with(tmp_path, "good", {"article.txt": SIMPLE})
    with pytest.raises(InputError, match=r"source not found: .*nowhere") as caught:
        read_articles([good, tmp_path / "nowhere"])
    assert not isinstance(caught.value, SourceError)
    assert caught.value.location == str(tmp_path / "nowhere")


def test_source_without_bundles_and_a_non_article_file(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"no article bundles in .*empty"):
        read_articles([tmp_path / "empty"])
    (tmp_path / "photo.jpg").write_bytes(b"x")
    with pytest.raises(InputError, match=r"not an article bundle: .*photo\.jpg"):
        read_articles([tmp_path / "photo.jpg"])


def test_sub_folder_without_article_file(tmp_path: Path) -> None:
    bundle_with(tmp_path / "src", "assets", {"logo.png": b"x"})
    (result,) = read_articles([tmp_path / "src"])
    assert isinstance(result, SourceError)
    assert f"no article file in bundle: {tmp_path / 'src' / 'assets'}" in str(result)


def test_two_article_files_are_named(tmp_path: Path) -> None:
    bundle = bundle_with(tmp_path, "two", {"article.txt": SIMPLE, "article.json": '{"title": "T"}'})
    message = read_error(bundle)
    assert f"several article files in bundle: {bundle} — article.json and article.txt" in message


def test_empty_and_whitespace_article_files(tmp_path: Path) -> None:
    for name, content in (("empty", b""), ("blank", b" \n\n\t\n")):
        bundle = bundle_with(tmp_path, name, {"article.txt": content})
        assert f"empty article file: {bundle / 'article.txt'}" in read_error(bundle)


def test_binary_garbage_is_not_text(tmp_path: Path) -> None:
    noise = random.Random(7).randbytes(4096)
    bundle = bundle_with(tmp_path, "noise", {"article.txt": noise})
    assert f"article file is not text: {bundle / 'article.txt'}" in read_error(bundle)
    # Garbage without NUL bytes is caught too (undecodable or full of control characters).
    noise = bytes(byte for byte in random.Random(8).randbytes(8192) if byte)
    bundle = bundle_with(tmp_path, "noise2", {"article.md": noise})
    assert f"article file is not text: {bundle / 'article.md'}" in read_error(bundle)


def test_huge_article_file_is_refused_with_its_size(tmp_path: Path) -> None:
    bundle = tmp_path / "huge"
    bundle.mkdir()
    with (bundle / "article.txt").open("w", encoding="utf-8") as stream:
        stream.write("Headline\n\n")
        line = "A sentence of a very long body that never ends. " * 20 + "\n\n"
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            stream.write(line)
    message = read_error(bundle)
    assert f"article file too large: {bundle / 'article.txt'} — 52.4 MB" in message
    assert "the limit is 10.5 MB" in message


def test_non_utf8_text_is_read_as_cp1252_with_a_warning(tmp_path: Path) -> None:
    text = "Caf\u00e9 owners \u201cprotest\u201d\n\nThe caf\u00e9 closed.\n"
    bundle = bundle_with(tmp_path, "cp1252", {"article.txt": text.encode("cp1252")})
    article = read_bundle(bundle, ReadOptions())
    assert article.title == "Caf\u00e9 owners \u201cprotest\u201d"
    assert article.body == ("The caf\u00e9 closed.",)
    assert any("read as cp1252" in warning for warning in article.warnings)


def test_missing_headline(tmp_path: Path) -> None:
    bundle = bundle_with(tmp_path, "headless", {"article.txt": "---\nid: x\n---\n\n\n"})
    assert f"no headline: {bundle / 'article.txt'}" in read_error(bundle)


def test_image_named_but_missing(tmp_path: Path) -> None:
    bundle = bundle_with(
        tmp_path,
        "gone",
        {"article.txt": "---\nimages: lead.jpg\n---\nH\n\nCap. (AFP photo)\n\nB.\n"},
    )
    make_photo(bundle / "other.jpg", (0, 0, 0))
    message = read_error(bundle)
    assert f"missing image: {bundle / 'article.txt'} names 'lead.jpg' — no such file" in message
    assert "the bundle holds: other.jpg" in message


def test_duplicate_ids_across_bundles(tmp_path: Path) -> None:
    for name in ("a", "b"):
        bundle_with(tmp_path / "src", name, {"article.txt": f"---\nid: same\n---\nTitle {name}\n"})
    first, second = read_articles([tmp_path / "src"])
    assert isinstance(first, Article) and first.id == "same"
    assert isinstance(second, SourceError)
    assert "duplicate article id 'same'" in str(second)
    assert str(tmp_path / "src" / "a" / "article.txt") in str(second)


def test_media_files_captions_languages_and_ignored_files(tmp_path: Path) -> None:
    bundle = bundle_with(
        tmp_path,
        "media",
        {
            "Article.TXT": "---\nlanguage: de\n---\nH\n\nBody.\n",
            "captions.vtt": "WEBVTT\n",
            "captions.fr.vtt": "WEBVTT\n",
            "talk.en.cc.srt": "1\n00:00:00,000 --> 00:00:01,500\nHello\n",
            "b.m3u8": "#EXTM3U\n",
            "a.mov": b"\x00",
            "raw.webm": b"\x00",
            ".DS_Store": b"\x00",
            "._photo.jpg": b"\x00",
            "readme.pdf": b"%PDF",
        },
    )
    make_photo(bundle / "PHOTO.JPG", (1, 1, 1))
    make_photo(bundle / "z.webp", (2, 2, 2))
    make_photo(bundle / "g.gif", (3, 3, 3))
    article = read_bundle(bundle, ReadOptions())
    assert [Path(image.location).name for image in article.images] == [
        "PHOTO.JPG",
        "g.gif",
        "z.webp",
    ]
    assert [(Path(v.location).name, v.video_type) for v in article.videos] == [
        ("a.mov", "MOV"),
        ("b.m3u8", "HLS"),
    ]
    assert [(Path(c.location).name, c.language, c.caption_type) for c in article.captions] == [
        ("captions.fr.vtt", "fr", "SUBTITLE"),
        ("captions.vtt", "de", "SUBTITLE"),
        ("talk.en.cc.srt", "en", "CLOSED_CAPTION"),
    ]
    assert any("raw.webm: .webm files cannot go into a Roku feed" in w for w in article.warnings)


def test_names_match_case_insensitively_when_unambiguous(tmp_path: Path) -> None:
    bundle = bundle_with(tmp_path, "case", {"article.md": "# T\n\n![c](Lead.JPG)\n\nB.\n"})
    make_photo(bundle / "lead.jpg", (0, 0, 0))
    (image,) = read_bundle(bundle, ReadOptions()).images
    assert image.location == str(bundle / "lead.jpg")


def test_lenient_matching_for_saved_pages(tmp_path: Path) -> None:
    # A saved HTML page names images the bundle may not hold: they take the bundle's files in order.
    bundle = tmp_path / "page"
    bundle.mkdir()
    make_photo(bundle / "1.jpg", (0, 0, 0))
    page_files = bundle / "page_files"
    page_files.mkdir()
    make_photo(page_files / "hero.jpg", (0, 0, 0))
    article = Article(
        id="x",
        title="T",
        origin=str(bundle / "article.html"),
        images=(
            Image("page_files/hero.jpg", "Hero", "AFP"),
            Image("https://cdn.example.org/remote.jpg", "Remote"),
            Image("lost/elsewhere.jpg", "Lost", "Reuters"),
            Image("gone/too.jpg", "No file left"),
            Image("/static/logo.jpg", "Site-absolute path"),
            Image("../outside.jpg", "Parent path"),
        ),
    )
    matched = attach_media(article, bundle, strict=False)
    assert [(i.location, i.caption) for i in matched.images] == [
        (str(page_files / "hero.jpg"), "Hero"),
        ("https://cdn.example.org/remote.jpg", "Remote"),
        (str(bundle / "1.jpg"), "Lost"),
    ]
    assert sum("not in the bundle" in w for w in matched.warnings) == 4
    dropped = [w for w in matched.warnings if "no image file left" in w]
    assert len(dropped) == 3
    assert "captioned 'No file left'" in dropped[0]
    with pytest.raises(SourceError, match=r"missing image: .* names 'lost/elsewhere\.jpg'"):
        attach_media(article, bundle, strict=True)


def test_reading_twice_gives_equal_articles(tmp_path: Path) -> None:
    bundle = bundle_with(tmp_path, "same", {"article.txt": SIMPLE})
    make_photo(bundle / "a.jpg", (0, 0, 0))
    assert read_bundle(bundle, ReadOptions()) == read_bundle(bundle, ReadOptions())
