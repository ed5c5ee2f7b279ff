"""Unit tests of the publish helpers: base URL derivation, headers, manifest, redaction."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from packager.errors import FeedInvalidError
from packager.outputs import derive_public_url
from packager.publish import publish
from packager.publish.base import (
    FEED_CACHE_CONTROL,
    IMMUTABLE_CACHE_CONTROL,
    MUTABLE_CACHE_CONTROL,
    cache_control_for,
    content_type_for,
)
from packager.publish.manifest import FileEntry, Manifest
from packager.publish.retry import RetryPolicy
from packager.publish.target import parse_target
from packager.secrets import redact
from tests.publish_channel import write_channel

NAMES = {"images/ab12cd34ef56ab78cd90.jpg", "captions/x.vtt"}


def test_public_url_is_the_prefix_before_the_local_file() -> None:
    urls = [
        ("/a/0/thumbnail", "https://cdn.example.com/ch/images/ab12cd34ef56ab78cd90.jpg"),
        ("/a/0/content/captions/0/url", "https://cdn.example.com/ch/captions/x.vtt"),
        ("/a/0/content/videos/0/url", "https://video.example.org/stream.m3u8"),
    ]
    assert derive_public_url(urls, NAMES) == "https://cdn.example.com/ch/"


def test_public_url_handles_percent_escapes() -> None:
    urls = [("/t", "https://cdn.example.com/my%20channel/captions/x.vtt")]
    assert derive_public_url(urls, NAMES) == "https://cdn.example.com/my channel/"


def test_two_different_bases_are_refused_with_a_hint() -> None:
    urls = [
        ("/a", "https://one.example.com/images/ab12cd34ef56ab78cd90.jpg"),
        ("/b", "https://two.example.com/captions/x.vtt"),
    ]
    with pytest.raises(FeedInvalidError) as caught:
        derive_public_url(urls, NAMES)
    assert "one.example.com" in str(caught.value) and "two.example.com" in str(caught.value)
    assert "--public-url" in str(caught.value)


def test_no_local_file_named_gives_no_base() -> None:
    assert derive_public_url([("/t", "https://elsewhere.example/a.jpg")], NAMES) == ""


@pytest.mark.parametrize(
    ("name", "content_type", "cache"),
    [
        ("feed.json", "application/json", FEED_CACHE_CONTROL),
        ("images/ab12cd34ef56ab78cd90.jpg", "image/jpeg", IMMUTABLE_CACHE_CONTROL),
        ("videos/ab12cd34ef56ab78cd90.mp4", "video/mp4", IMMUTABLE_CACHE_CONTROL),
        ("captions/ab12cd34ef56ab78cd90.vtt", "text/vtt; charset=utf-8", IMMUTABLE_CACHE_CONTROL),
        ("videos/story/index.m3u8", "application/vnd.apple.mpegurl", MUTABLE_CACHE_CONTROL),
        ("misc/readme.bin", "application/octet-stream", MUTABLE_CACHE_CONTROL),
    ],
)
def test_headers_by_name(name: str, content_type: str, cache: str) -> None:
    assert content_type_for(name) == content_type
    assert cache_control_for(name) == cache


def test_manifest_round_trip() -> None:
    manifest = Manifest(
        feed_sha256="f" * 64,
        feed_version='"etag"',
        files={"images/a.jpg": FileEntry(sha256="a" * 64, size=10)},
        unreferenced={"images/a.jpg": "2026-11-02T12:00:00Z"},
        deleting=["images/old.jpg"],
        updated="2026-11-02T12:00:00Z",
    )
    assert Manifest.from_bytes(manifest.to_bytes()) == manifest
    with pytest.raises(ValueError, match="cannot read"):
        Manifest.from_bytes(b'{"format": "something else"}')


def test_target_display_hides_the_password() -> None:
    target = parse_target("sftp://deploy:hunter2-pw@example.org:2222/srv/feed")
    assert "hunter2-pw" not in target.display
    assert target.display == "sftp://deploy@example.org:2222/srv/feed"
    assert redact("failed for hunter2-pw and hunter2%2Dpw", target.secrets).count("***") >= 1
    assert "hunter2-pw" not in redact("x hunter2-pw y", target.secrets)


def test_backoff_grows_exponentially_with_jitter_and_a_ceiling() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=8.0, jitter=lambda: 1.0)
    assert [policy.delay(n) for n in (1, 2, 3, 4, 5)] == [1.0, 2.0, 4.0, 8.0, 8.0]
    low = RetryPolicy(base_delay=1.0, max_delay=8.0, jitter=lambda: 0.0)
    assert [low.delay(n) for n in (1, 2, 3)] == [0.5, 1.0, 2.0]


def test_files_the_feed_does_not_name_are_not_published(tmp_path: Path) -> None:
    """A build output keeps older files; only what the feed refers to goes to the host."""
    out = write_channel(tmp_path / "out", {"a1": "first text"}, with_video=False)
    stale = out / "images" / "0123456789abcdef0123456789abcdef.jpg"
    stale.write_bytes(b"an image of an article that left the feed")
    target = tmp_path / "host"
    result = publish(out, str(target), now=datetime(2026, 11, 28, tzinfo=UTC))
    assert "images/0123456789abcdef0123456789abcdef.jpg" not in result.uploaded
    assert not (target / "images" / stale.name).exists()
    assert (target / "feed.json").is_file()


def test_other_formats_go_only_if_this_build_wrote_them_and_they_validate(tmp_path: Path) -> None:
    out = write_channel(tmp_path / "out", {"a1": "first text"}, with_video=False)
    (out / "feed.xml").write_text("<rss version='2.0'><channel/></rss>")
    (out / "build-report.json").write_text('{"otherFormats": {}}')
    result = publish(out, str(tmp_path / "host"), now=datetime(2026, 11, 28, tzinfo=UTC))
    assert "feed.xml" not in result.uploaded  # left over from an earlier build

    (out / "build-report.json").write_text('{"otherFormats": {"feed.xml": {"written": true}}}')
    with pytest.raises(FeedInvalidError, match="does not validate"):
        publish(out, str(tmp_path / "host"), now=datetime(2026, 11, 28, tzinfo=UTC))


def test_a_public_url_that_matches_nothing_is_refused(tmp_path: Path) -> None:
    out = write_channel(tmp_path / "out", {"a1": "first text"}, with_video=False)
    with pytest.raises(FeedInvalidError, match="no URL in the feed starts with"):
        publish(out, str(tmp_path / "host"), public_url="https://cdn.example.com/Channel/")


@pytest.mark.parametrize(
    "target",
    [
        "https://u:Sup3rS3cret@host:99999/dav/",
        "http://u:Sup3rS3cret@[::1/dav/",
        "s3://bob:Sup3rS3cret@bucket/x",
    ],
)
def test_malformed_targets_are_clear_errors_without_the_password(
    tmp_path: Path, target: str
) -> None:
    from packager.errors import PackagerError

    out = write_channel(tmp_path / "out", {"a1": "first text"}, with_video=False)
    with pytest.raises(PackagerError) as caught:
        publish(out, target, dry_run=True)
    assert "Sup3rS3cret" not in str(caught.value)
    assert caught.value.hint


def test_webdav_uses_the_one_http_client(monkeypatch: pytest.MonkeyPatch) -> None:
    """The session comes from packager.net.session.make_session (User-Agent, pool), with retries left
    to publish's own policy and no proxy or .netrc from the environment."""
    import packager.publish.webdav as webdav
    from packager.net.session import USER_AGENT, make_session

    calls: list[dict[str, object]] = []

    def spy(**kwargs: object) -> object:
        calls.append(kwargs)
        return make_session(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(webdav, "make_session", spy)
    host = webdav.WebDavHost(parse_target("http://127.0.0.1:9/dav/"))
    try:
        assert calls == [{"retries": 0, "pool_size": 4}]
        assert host.session.headers["User-Agent"] == USER_AGENT
        assert host.session.trust_env is False
    finally:
        host.close()
