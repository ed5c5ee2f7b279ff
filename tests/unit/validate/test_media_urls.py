"""Silences on broken feeds: what a media URL says about whether Roku can use it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from packager.validate import validate_feed
from packager.validate.media_urls import extension, stated_size, web_page

BASE = Path(__file__).parent / "base-feed.json"


def _found(mutate: Any) -> set[tuple[str, str, str]]:
    feed = json.loads(BASE.read_text())
    mutate(feed)
    result = validate_feed(json.dumps(feed).encode())
    for problem in result.problems:
        assert problem.message and problem.hint
    return {(p.pointer, p.rule, str(p.severity)) for p in result.problems}


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/peaktv/roku/blob/main/Elite%20teasser.mp4",
        "https://www.youtube.com/watch?v=6FdmakmymIs",
        "https://youtu.be/6FdmakmymIs",
        "https://vimeo.com/1111799558",
        "https://player.vimeo.com/video/1111799558",
        "https://players.example.com/embed/abc123",
        "https://www.dropbox.com/s/n74s03rw5lrfnhk/clip.mp4?dl=0",
    ],
)
def test_web_pages_given_as_video_are_errors(url: str) -> None:
    def mutate(feed: dict[str, Any]) -> None:
        feed["movies"][0]["content"]["videos"][1]["url"] = url

    assert ("/movies/0/content/videos/1/url", "video-web-page", "error") in _found(mutate)


@pytest.mark.parametrize(
    "url",
    [
        "https://player.vimeo.com/external/123.hd.mp4?s=abc",
        "https://player.vimeo.com/play/123/hls.m3u8?s=abc",
        "https://github.com/torrancew/roku-baby-cam/raw/develop/clip.mp4",
        "https://raw.githubusercontent.com/o/r/main/clip.mp4",
        "https://www.dropbox.com/s/abc/clip.mp4?raw=1",
    ],
)
def test_direct_files_on_the_same_hosts_pass(url: str) -> None:
    assert web_page(url) is None


def test_github_blob_hint_names_the_raw_url() -> None:
    page = web_page("https://github.com/peaktv/roku/blob/main/eba%20thumbnail.jpg")
    assert page is not None
    assert "https://raw.githubusercontent.com/peaktv/roku/main/eba%20thumbnail.jpg" in page.fix


def test_a_github_page_as_thumbnail_is_a_warning() -> None:
    def mutate(feed: dict[str, Any]) -> None:
        feed["movies"][0]["thumbnail"] = "https://github.com/o/r/blob/main/t.jpg"

    assert _found(mutate) == {("/movies/0/thumbnail", "thumbnail-web-page", "warning")}


def test_embed_page_declared_hls_is_a_web_page_not_a_type_mismatch() -> None:
    def mutate(feed: dict[str, Any]) -> None:
        feed["movies"][0]["content"]["videos"][0]["url"] = "https://tv.example.com/embed/live"

    assert _found(mutate) == {("/movies/0/content/videos/0/url", "video-web-page", "error")}


@pytest.mark.parametrize(
    ("url", "declared"),
    [
        ("https://cdn.example.com/a/master.m3u8", "MP4"),
        ("https://cdn.example.com/a/clip.mp4", "HLS"),
        ("https://cdn.example.com/a/manifest.mpd", "HLS"),
        ("https://cdn.example.com/a/index.M3U8?token=1", "DASH"),
    ],
)
def test_video_type_contradicting_the_extension_is_an_error(url: str, declared: str) -> None:
    def mutate(feed: dict[str, Any]) -> None:
        video = feed["movies"][0]["content"]["videos"][1]
        video.update(url=url, videoType=declared)

    found = _found(mutate)
    assert ("/movies/0/content/videos/1/videoType", "video-type-mismatch", "error") in found


def test_video_type_matching_or_unknown_extension_passes() -> None:
    def mutate(feed: dict[str, Any]) -> None:
        videos = feed["movies"][0]["content"]["videos"]
        videos[0]["url"] = "https://ovp.example.com/v1/abc?format=hls"  # no extension
        videos[1]["url"] = "https://cdn.example.com/a/clip.m4v"
        videos[1]["videoType"] = "M4V"

    assert _found(mutate) == set()


@pytest.mark.parametrize(
    ("url", "size"),
    [
        ("https://img.example.com/160x90/a.jpg", (160, 90)),
        ("https://static-cdn.jtvnw.net/ttv-static/404_preview-320x180.jpg", (320, 180)),
        ("https://img.example.com/a.jpg?w=200", (200, None)),
        ("https://img.example.com/a.jpg?width=1280&height=720", (1280, 720)),
        ("https://img.example.com/2026/a.jpg", (None, None)),
    ],
)
def test_stated_size(url: str, size: tuple[int | None, int | None]) -> None:
    assert stated_size(url) == size


@pytest.mark.parametrize(
    "url",
    [
        "https://img.example.com/160x90/a.jpg",
        "https://img.example.com/a-320x180.jpg",
        "https://img.example.com/a.jpg?w=200",
        "https://img.example.com/logo-1024x1024.png",
    ],
)
def test_thumbnails_stating_a_bad_size_are_warnings(url: str) -> None:
    def mutate(feed: dict[str, Any]) -> None:
        feed["movies"][0]["thumbnail"] = url

    assert _found(mutate) == {("/movies/0/thumbnail", "thumbnail-url-size", "warning")}


def test_thumbnail_stating_a_good_size_passes() -> None:
    def mutate(feed: dict[str, Any]) -> None:
        feed["movies"][0]["thumbnail"] = "https://img.example.com/a-1920x1080.jpg"

    assert _found(mutate) == set()


def test_lowercase_query_operators_say_they_must_be_uppercase() -> None:
    def mutate(feed: dict[str, Any]) -> None:
        feed["categories"] = [
            {"name": "Both", "query": "harbor and politics", "order": "most_recent"}
        ]

    found = _found(mutate)
    assert found == {("/categories/0/query", "query-operator-case", "warning")}
    feed = json.loads(BASE.read_text())
    mutate(feed)
    problem = validate_feed(json.dumps(feed).encode()).problems[0]
    assert "'harbor AND politics'" in problem.hint


def test_extension() -> None:
    assert extension("https://a.example/x/Index.M3U8?x=1") == ".m3u8"
    assert extension("https://a.example/x/") == ""
    assert extension("https://a.example") == ""
    assert extension("https://a.example/x/clip.mp4#t=10?x") == ".mp4"
    assert extension("https://a.example/x.y/clip") == ""


def test_a_relative_url_with_a_url_in_its_query_is_judged_not_a_crash() -> None:
    # Only the query holds "//": there is no host, so no extension (this used to raise).
    assert extension("videos/a.mp4?next=https://x.example/b") == ""

    def mutate(feed: dict[str, Any]) -> None:
        feed["movies"][0]["content"]["videos"][0]["url"] = "videos/a.mp4?next=https://x.org/b"

    assert all(rule != "video-type-mismatch" for _, rule, _ in _found(mutate))


def test_size_stated_in_a_query_with_other_parameters_is_found() -> None:
    assert stated_size("https://img.example.com/a.jpg?fit=crop&h=90") == (None, 90)
    assert stated_size("https://img.example.com/a.jpg?fit=crop") == (None, None)
