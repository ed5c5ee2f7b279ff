"""A host build cache entry naming another host's URL is not reused for an article."""

from __future__ import annotations

from dataclasses import replace

from packager.build.reuse import foreign_urls
from packager.feed.items import PlayableVideo
from packager.model import Article, Video
from packager.outputs import CachedArticle

ENTRY = CachedArticle(
    thumbnail="images/abc.jpg",
    video=PlayableVideo("videos/abc.mp4", "MP4", "HD", 30, 900),
    captions=(),
    notes=(),
    files=("images/abc.jpg", "videos/abc.mp4"),
)


def test_an_entry_naming_its_own_files_is_fine() -> None:
    assert foreign_urls(ENTRY, Article(id="a", title="A", origin="a/article.md")) == []


def test_an_entry_naming_another_host_is_refused() -> None:
    evil = replace(ENTRY, video=replace(ENTRY.video, url="https://evil.example/pwn.mp4"))
    assert foreign_urls(evil, Article(id="a", title="A", origin="a/article.md")) == [
        "https://evil.example/pwn.mp4"
    ]


def test_the_articles_own_remote_video_is_fine() -> None:
    url = "https://video.example/x.m3u8"
    remote = replace(ENTRY, video=replace(ENTRY.video, url=url))
    article = Article(id="a", title="A", origin="a/article.md", videos=(Video(location=url),))
    assert foreign_urls(remote, article) == []
