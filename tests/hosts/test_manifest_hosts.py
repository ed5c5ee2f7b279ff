"""Each real host kind keeps the manifest's content keys and metadata, for a later build on an
empty machine to read back (`read_live_manifest`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from publish_support import HostUnderTest

from packager.publish import RetryPolicy, publish, read_live_manifest
from packager.publish.plan import ContentKey
from tests.publish_channel import write_channel

NOW = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
FAST = RetryPolicy(attempts=3, sleep=lambda _: None)

pytestmark = pytest.mark.servers


def test_keys_and_meta_round_trip_on_every_host(any_host: HostUnderTest, tmp_path: Path) -> None:
    out = write_channel(tmp_path / "out", {"a1": "Council approves budget"})
    video = next(p.relative_to(out).as_posix() for p in (out / "videos").iterdir())
    meta = {"duration": 12.5, "size": (out / video).stat().st_size, "width": 64, "height": 36}
    keys = {video: ContentKey("render:0123abcd", meta)}
    publish(out, any_host.target, now=NOW, retry=FAST, keys=keys)

    live = read_live_manifest(any_host.target, retry=FAST)
    assert live[video].key == "render:0123abcd" and dict(live[video].meta) == meta
    assert all(entry.sha256 and entry.size for entry in live.values())

    # A fresh runner publishing the same content without knowing the keys keeps them.
    again = publish(
        write_channel(tmp_path / "again", {"a1": "Council approves budget"}),
        any_host.target,
        now=NOW + timedelta(hours=1),
        retry=FAST,
    )
    assert again.uploaded == () and not again.feed_replaced
    assert read_live_manifest(any_host.target, retry=FAST)[video].key == "render:0123abcd"
