"""The content key of an article (what its thumbnail, video and captions are made from) and
the build cache document that keeps what preparing it made."""

from __future__ import annotations

import io
import json
import shutil
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

from packager.build.reuse import HostReuse, article_key, settings_key
from packager.config import ChannelConfig, RowRule
from packager.feed.items import CaptionTrack, PlayableVideo
from packager.model import Article
from packager.outputs import BuildCache, CachedArticle
from packager.sources import ReadOptions
from packager.sources.bundle import read_bundle
from packager.video.render import RenderOptions

CONFIG = ChannelConfig(base_url="https://cdn.example.com/roku/", provider_name="Harbor News")
NOW_FOR_NOTES = datetime(2026, 12, 1, tzinfo=UTC)


def _photo(shade: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (160, 90), (shade, 80, 120)).save(buffer, "JPEG")
    return buffer.getvalue()


def _bundle(folder: Path, *, shade: int = 40, title: str = "Bridge closes for repairs") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "article.txt").write_text(
        f"---\ndate: 2026-11-23T07:05:00Z\n---\nNews / Local\n\n{title}\n\n"
        "The old swing bridge closes in January. Detours are signposted.\n",
        encoding="utf-8",
    )
    (folder / "bridge.jpg").write_bytes(_photo(shade))
    return folder


def _key(folder: Path, config: ChannelConfig = CONFIG) -> str:
    article = read_bundle(folder, ReadOptions())
    assert isinstance(article, Article)
    options = RenderOptions(
        size=(config.video_width, config.video_height), language=config.language
    )

    def no_fetch(url: str) -> bytes:
        raise AssertionError(f"a local bundle fetched {url}")

    return article_key(article, settings_key(config, options), config, no_fetch)


@pytest.mark.parametrize(
    "unrelated",
    [
        {"max_items": 3},
        {"max_age_days": 30},
        {"rows": (RowRule(name="Latest", latest=True),)},
        {"genres": {"Local": "news"}},
        {"formats": ("roku", "mrss")},
        {"base_url": "https://other.example.net/channel/"},
        {"rating": "TVPG"},
        {"item_type": "movies"},
    ],
)
def test_settings_that_do_not_change_the_files_keep_the_key(
    tmp_path: Path, unrelated: dict[str, object]
) -> None:
    folder = _bundle(tmp_path / "bridge")
    assert _key(folder, replace(CONFIG, **unrelated)) == _key(folder)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "changed",
    [
        {"video_width": 1920, "video_height": 1080},
        {"thumbnail_width": 1920, "thumbnail_height": 1080},
        {"provider_name": "Other News"},  # drawn on the title card
        {"language": "de"},  # narration voice and caption language
        {"render_video": "forced"},
        {"video_hls": True},
        {"default_video_quality": "SD"},
    ],
)
def test_settings_that_change_pixels_or_sound_change_the_key(
    tmp_path: Path, changed: dict[str, object]
) -> None:
    folder = _bundle(tmp_path / "bridge")
    assert _key(folder, replace(CONFIG, **changed)) != _key(folder)  # type: ignore[arg-type]


def test_the_key_does_not_depend_on_where_the_checkout_is(tmp_path: Path) -> None:
    first = _bundle(tmp_path / "runner-a" / "articles" / "bridge")
    second = tmp_path / "runner-b" / "checkout" / "articles" / "bridge"
    shutil.copytree(first, second)  # a fresh checkout: other path, other modification times
    assert _key(second) == _key(first)


def test_the_key_follows_the_bytes_of_the_photo_and_the_text(tmp_path: Path) -> None:
    folder = _bundle(tmp_path / "bridge")
    before = _key(folder)
    (folder / "bridge.jpg").write_bytes(_photo(200))
    after_photo = _key(folder)
    _bundle(folder, shade=200, title="Bridge reopens early")
    assert len({before, after_photo, _key(folder)}) == 3


def _entry(*files: str) -> CachedArticle:
    return CachedArticle(
        thumbnail=files[0],
        video=PlayableVideo(files[1], "MP4", "HD", 18, 290),
        captions=(CaptionTrack(files[2], "en"),),
        notes=("a note",),
        files=files,
        meta={files[1]: {"duration": 17.6, "width": 1280, "height": 720, "bitrate": 290}},
    )


NAMES = ("images/a.jpg", "videos/b.mp4", "captions/b.vtt")


def test_build_cache_round_trips_and_names_each_files_key() -> None:
    cache = BuildCache({"k1": _entry(*NAMES)}, frozenset({"videos/b.mp4"}))
    again = BuildCache.from_bytes(cache.to_bytes())
    assert again == cache
    assert again.file_keys()["videos/b.mp4"] == ("k1", {**_entry(*NAMES).meta["videos/b.mp4"]})


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (b"\xff\xfe", "not JSON"),
        (b"[]", "format None"),
        (json.dumps({"format": "packager-build-cache/0", "articles": {}}).encode(), "format"),
        (json.dumps({"format": "packager-build-cache/9"}).encode(), "packager-build-cache/9"),
        (
            json.dumps(
                {"format": "packager-build-cache/1", "articles": {"k": {"thumbnail": 3}}}
            ).encode(),
            "malformed",
        ),
        (
            json.dumps(
                {
                    "format": "packager-build-cache/1",
                    "articles": {"k": {**_entry(*NAMES).as_dict(), "files": ["../feed.json"]}},
                }
            ).encode(),
            "not a relative file name",
        ),
        (
            json.dumps(
                {
                    "format": "packager-build-cache/1",
                    "articles": {"k": {**_entry(*NAMES).as_dict(), "thumbnail": "../x.jpg"}},
                }
            ).encode(),
            "neither a URL nor one of the entry's files",
        ),
    ],
)
def test_a_cache_of_another_version_or_a_broken_one_is_refused_with_the_reason(
    raw: bytes, why: str
) -> None:
    with pytest.raises(ValueError, match=why):
        BuildCache.from_bytes(raw)


def test_an_entry_is_reused_only_when_the_host_holds_every_file() -> None:
    cache = BuildCache({"k1": _entry(*NAMES)})
    assert HostReuse(cache, frozenset(NAMES)).entry("k1") == _entry(*NAMES)
    assert HostReuse(cache, frozenset(NAMES[:2])).entry("k1") is None
    assert HostReuse(cache, frozenset(NAMES)).entry("other") is None


def test_only_entries_whose_files_were_published_go_to_the_host() -> None:
    cache = BuildCache({"k1": _entry(*NAMES), "k2": _entry("images/c.jpg", "videos/d.mp4", "x")})
    assert set(cache.held_by(set(NAMES)).articles) == {"k1"}


def test_notes_name_the_files_where_this_build_reads_the_article(tmp_path: Path) -> None:
    from packager.build.reuse import entry_of, notes_of
    from packager.feed.items import PreparedArticle

    first = read_bundle(_bundle(tmp_path / "runner-a" / "bridge"), ReadOptions())
    second = read_bundle(_bundle(tmp_path / "runner-b" / "bridge"), ReadOptions())
    assert isinstance(first, Article) and isinstance(second, Article)
    made = PreparedArticle(
        first,
        NOW_FOR_NOTES,
        CONFIG.asset_url("images/a.jpg"),
        PlayableVideo(CONFIG.asset_url("videos/b.mp4"), "MP4", "HD", 18),
    )
    note = f"{tmp_path / 'runner-a' / 'bridge' / 'bridge.jpg'}: smaller than 800x450"

    entry = entry_of(made, [note], ["images/a.jpg", "videos/b.mp4"], {}, CONFIG)

    assert str(tmp_path) not in entry.notes[0]  # the cache does not depend on the checkout
    assert notes_of(entry, second) == [
        f"{tmp_path / 'runner-b' / 'bridge' / 'bridge.jpg'}: smaller than 800x450"
    ]
