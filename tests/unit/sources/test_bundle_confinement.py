"""Bundles never read files from outside themselves: symbolic links out are refused, and caption
files must really be WebVTT or SRT text."""

from __future__ import annotations

from pathlib import Path

import pytest

from packager.errors import SourceError
from packager.sources import ReadOptions, read_articles, read_bundle
from tests.builders import solid_photo as make_photo

VTT = "WEBVTT\n\n00:00.000 --> 00:02.000\nHello\n"


def _bundle(tmp_path: Path, article: str = "# Story\n\nBody text.\n") -> Path:
    bundle = tmp_path / "story"
    bundle.mkdir()
    (bundle / "article.md").write_text(article, encoding="utf-8")
    make_photo(bundle / "photo.jpg", (10, 120, 200))
    return bundle


def _secret(tmp_path: Path) -> Path:
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("PUBLISH_PASSWORD=hunter2\n", encoding="utf-8")
    return secret


def test_caption_symlinked_out_of_the_bundle_is_refused(tmp_path: Path) -> None:
    bundle = _bundle(tmp_path)
    (bundle / "leak.en.vtt").symlink_to("/proc/self/environ")
    secret = tmp_path / "outside.vtt"
    secret.write_text(VTT, encoding="utf-8")  # even real WebVTT, if outside
    (bundle / "other.fr.vtt").symlink_to(secret)
    article = read_bundle(bundle, ReadOptions())
    assert article.captions == ()
    refused = [w for w in article.warnings if "outside the bundle" in w]
    assert len(refused) == 2 and any("leak.en.vtt" in w for w in refused)


def test_photo_symlinked_out_of_the_bundle_is_no_thumbnail(tmp_path: Path) -> None:
    bundle = _bundle(tmp_path)
    outside = make_photo(tmp_path / "elsewhere.jpg", (200, 10, 10))
    (bundle / "zz.jpg").symlink_to(outside)
    article = read_bundle(bundle, ReadOptions())
    assert [Path(i.location).name for i in article.images] == ["photo.jpg"]
    assert any("zz.jpg" in w and "outside the bundle" in w for w in article.warnings)


def test_named_file_through_a_symlinked_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    make_photo(outside / "x.jpg", (0, 0, 0))
    bundle = _bundle(tmp_path, "---\ntitle: Story\nimages: sub/x.jpg\n---\nBody text.\n")
    (bundle / "sub").symlink_to(outside, target_is_directory=True)
    with pytest.raises(SourceError, match="outside the bundle") as caught:
        read_bundle(bundle, ReadOptions())
    assert "sub/x.jpg" in caught.value.message and "copy the file" in caught.value.hint


def test_symlink_within_the_bundle_is_fine(tmp_path: Path) -> None:
    bundle = _bundle(tmp_path)
    (bundle / "captions.vtt").write_text(VTT, encoding="utf-8")
    (bundle / "same.en.vtt").symlink_to(bundle / "captions.vtt")
    article = read_bundle(bundle, ReadOptions())
    assert len(article.captions) == 2


@pytest.mark.parametrize(
    ("name", "content", "why"),
    [
        ("a.vtt", b"KEY=secret\x00PATH=/bin\x00", "binary data"),
        ("b.vtt", b"<html><body>not captions</body></html>", "not WebVTT"),
        ("c.srt", b"hello world\n", "not SRT"),
    ],
)
def test_caption_files_must_be_webvtt_or_srt(
    tmp_path: Path, name: str, content: bytes, why: str
) -> None:
    bundle = _bundle(tmp_path)
    (bundle / name).write_bytes(content)
    (bundle / "good.vtt").write_text("\ufeff" + VTT, encoding="utf-8")
    (bundle / "good.srt").write_text("1\n00:00:00,000 --> 00:00:02,000\nHi\n", encoding="utf-8")
    article = read_bundle(bundle, ReadOptions())
    assert sorted(Path(c.location).name for c in article.captions) == ["good.srt", "good.vtt"]
    assert any(name in w and why in w for w in article.warnings)


def test_bundle_folder_linked_out_of_the_source_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "channel"
    source.mkdir()
    inside = _bundle(source)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    outside = _bundle(elsewhere)
    (source / "zz-link").symlink_to(outside, target_is_directory=True)
    (source / "aa-inner-link").symlink_to(inside, target_is_directory=True)  # inside: read
    found = list(read_articles([source], ReadOptions()))
    [refused] = [item for item in found if isinstance(item, SourceError)]
    assert "zz-link" in refused.message and "outside" in refused.message and refused.hint
    assert len(found) == 3  # the inner link and the bundle itself are read
