"""`--verify` asks the host about content, not only names: a file truncated or edited on the
host (same name, other bytes) is not reused, and publish does not trust it either."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from packager.errors import FeedInvalidError
from packager.feed.items import PlayableVideo
from packager.layout import BUILD_CACHE_NAME, MANIFEST_NAME
from packager.outputs import BuildCache, CachedArticle
from packager.publish.base import open_host
from packager.publish.channel import LocalChannel
from packager.publish.hostcache import check_held
from packager.publish.manifest import FileEntry, Manifest
from packager.publish.plan import HostState, Probes
from packager.republish import read_host_reuse

VIDEO = "videos/abc.mp4"
THUMB = "images/abc.jpg"
CONTENT = b"\x00video" * 500
T = TypeVar("T")


def _entry() -> CachedArticle:
    return CachedArticle(
        thumbnail=THUMB,
        video=PlayableVideo(VIDEO, "MP4", "HD", 30, 900),
        captions=(),
        notes=(),
        files=(THUMB, VIDEO),
    )


def _host(root: Path, video: bytes) -> Path:
    (root / "videos").mkdir(parents=True)
    (root / "images").mkdir()
    (root / VIDEO).write_bytes(video)
    (root / THUMB).write_bytes(b"jpeg")
    listed = {
        name: FileEntry(hashlib.sha256(data).hexdigest(), len(data))
        for name, data in ((VIDEO, CONTENT), (THUMB, b"jpeg"))
    }
    (root / MANIFEST_NAME).write_bytes(Manifest(files=listed).to_bytes())
    (root / BUILD_CACHE_NAME).write_bytes(BuildCache({"k1": _entry()}).to_bytes())
    return root


@pytest.mark.parametrize(
    "on_host",
    [CONTENT[:1000], b"XXXXXXXX" + CONTENT[8:]],
    ids=["truncated", "edited-same-size"],
)
def test_verify_does_not_reuse_a_file_that_differs_on_the_host(
    tmp_path: Path, on_host: bytes
) -> None:
    root = _host(tmp_path / "host", on_host)

    trusting = read_host_reuse(str(root))
    assert trusting.reuse.entry("k1") is not None

    found = read_host_reuse(str(root), verify=True)
    assert found.reuse.entry("k1") is None
    assert VIDEO not in found.reuse.on_host and THUMB in found.reuse.on_host
    assert any("differ" in w and VIDEO in w for w in found.warnings), found.warnings


def test_verify_reuses_a_file_that_matches(tmp_path: Path) -> None:
    root = _host(tmp_path / "host", CONTENT)
    found = read_host_reuse(str(root), verify=True)
    assert found.reuse.entry("k1") is not None and not found.warnings


def test_publish_verify_refuses_a_held_file_that_differs_on_the_host(tmp_path: Path) -> None:
    root = _host(tmp_path / "host", CONTENT[:1000])
    listed = Manifest.from_bytes((root / MANIFEST_NAME).read_bytes())
    channel = LocalChannel(
        feed=None,  # type: ignore[arg-type]
        files={},
        public_url="https://cdn.example/",
        held=frozenset({VIDEO}),
    )
    state = HostState(manifest=listed)
    host = open_host(str(root))

    def call(_what: str, operation: Callable[[], T]) -> T:
        return operation()

    check_held(host, call, channel, (state, Probes()), verify=False)
    with pytest.raises(FeedInvalidError, match=VIDEO):
        check_held(host, call, channel, (state, Probes()), verify=True)


def test_a_held_file_deleted_on_the_host_is_refused_without_verify(tmp_path: Path) -> None:
    """Without --verify too: one stat of just the held files before the feed swap."""
    root = _host(tmp_path / "host", CONTENT)
    state = HostState(manifest=Manifest.from_bytes((root / MANIFEST_NAME).read_bytes()))
    channel = LocalChannel(
        feed=None,  # type: ignore[arg-type]
        files={},
        public_url="https://cdn.example/",
        held=frozenset({VIDEO}),
    )
    host = open_host(str(root))

    def call(_what: str, operation: Callable[[], T]) -> T:
        return operation()

    check_held(host, call, channel, (state, Probes()), verify=False)
    (root / VIDEO).unlink()
    with pytest.raises(FeedInvalidError, match=VIDEO) as caught:
        check_held(host, call, channel, (state, Probes()), verify=False)
    assert "--verify" in caught.value.hint
