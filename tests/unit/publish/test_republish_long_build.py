"""A build longer than the lock's TTL keeps the lock: republish renews it while the build
reports progress, so the run publishes instead of ending "busy"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from packager.build import Progress
from packager.config import ChannelConfig
from packager.republish import republish
from tests.publish_channel import write_bundle

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
TTL = timedelta(minutes=4)


def test_a_build_longer_than_the_lock_ttl_still_publishes(tmp_path: Path) -> None:
    write_bundle(tmp_path / "articles", "ferry", "Ferry runs again")
    write_bundle(tmp_path / "articles", "market", "Market reopens")
    config = ChannelConfig(
        base_url="https://cdn.example.com/ch/",
        render_video="off",
        sources=(str(tmp_path / "articles"),),
    )
    clock = [NOW]
    events: list[Progress] = []

    def slow(event: Progress) -> None:  # each step of the build takes half the lock's TTL
        events.append(event)
        clock[0] += TTL / 2

    result = republish(
        config,
        str(tmp_path / "served"),
        out_dir=tmp_path / "out",
        now=NOW,
        lock_ttl=TTL,
        clock=lambda: clock[0],
        progress=slow,
    )

    assert clock[0] - NOW > 2 * TTL  # the build outlived the lock's first TTL twice over
    assert events  # the caller's callback still sees every event
    assert result.status == "published", result.message
