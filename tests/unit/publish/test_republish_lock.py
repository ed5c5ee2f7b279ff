"""republish holds the target's lock for its whole run: renewed before the first write and
right before the feed swap, so a run whose lock was taken over never swaps the feed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import packager.republish as republish_module
from packager.config import ChannelConfig
from packager.errors import ExitCode
from packager.layout import FEED_NAME, LOCK_NAME
from packager.publish.base import Upload, open_host
from packager.publish.local import LocalHost
from packager.publish.lock import LockInfo, acquire_lock
from packager.publish.target import parse_target
from packager.republish import republish
from tests.publish_channel import write_bundle

T0 = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
TTL = timedelta(minutes=10)


class Clock:
    """A clock the test moves forward (the build "takes" as long as the test says)."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def config_for(tmp_path: Path, titles: dict[str, str]) -> ChannelConfig:
    for slug, title in titles.items():
        write_bundle(tmp_path / "articles", slug, title)
    return ChannelConfig(
        base_url="https://cdn.example.com/ch/",
        render_video="off",
        sources=(str(tmp_path / "articles"),),
    )


def slow_build(monkeypatch: pytest.MonkeyPatch, after_build: Callable[[], None]) -> None:
    """The build runs for real, then `after_build` plays what happened meanwhile."""
    real = republish_module.build_feed

    def build(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        after_build()
        return result

    monkeypatch.setattr(republish_module, "build_feed", build)


def test_the_lock_is_renewed_while_the_run_works(tmp_path: Path) -> None:
    served = tmp_path / "served"
    clock = Clock()
    seen: list[LockInfo] = []

    class Watching(LocalHost):
        def replace(self, item: Upload, **kwargs: Any) -> str:
            if item.name == LOCK_NAME:
                seen.append(LockInfo.from_bytes(item.read()))
                clock.now += timedelta(minutes=4)  # each step of the run takes a while
            return super().replace(item, **kwargs)

    host = Watching(parse_target(str(served)))
    config = config_for(tmp_path, {"ferry": "Ferry runs again"})
    result = republish(
        config, str(served), out_dir=tmp_path / "out", host=host, lock_ttl=TTL, clock=clock
    )
    assert result.status == "published", result.message
    # Renewed twice (before the first write, before the swap), each time TTL from "now".
    assert [info.expires for info in seen] == [T0 + TTL, T0 + timedelta(minutes=4) + TTL]
    assert not (served / LOCK_NAME).exists()


def test_a_run_whose_lock_was_taken_over_does_not_swap_the_feed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    served = tmp_path / "served"
    clock = Clock()
    config = config_for(tmp_path, {"ferry": "Ferry runs again"})
    first = republish(config, str(served), out_dir=tmp_path / "out", clock=clock, lock_ttl=TTL)
    assert first.status == "published"
    live_before = (served / FEED_NAME).read_bytes()

    def another_run_takes_over() -> None:
        # This run's build outlived its lock; the next scheduled run found it stale.
        clock.now = T0 + TTL + timedelta(minutes=1)
        taken = acquire_lock(open_host(str(served)), owner="the next run", clock=clock)
        assert taken.took_over is not None

    write_bundle(tmp_path / "articles", "bridge", "Bridge closes for repairs")
    slow_build(monkeypatch, another_run_takes_over)
    late = republish(config, str(served), out_dir=tmp_path / "out", clock=clock, lock_ttl=TTL)
    assert late.status == "busy" and late.exit_code() == ExitCode.BUSY
    assert "lost the publish lock" in late.message and "the next run" in late.message
    assert (served / FEED_NAME).read_bytes() == live_before  # never swapped
    holder = LockInfo.from_bytes((served / LOCK_NAME).read_bytes())
    assert holder.owner == "the next run"  # the other run's lock is left alone


def test_a_run_whose_lock_ran_out_stops_even_before_a_takeover(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    served = tmp_path / "served"
    clock = Clock()
    config = config_for(tmp_path, {"ferry": "Ferry runs again"})

    def build_outlives_the_lock() -> None:
        clock.now = T0 + TTL + timedelta(seconds=1)

    slow_build(monkeypatch, build_outlives_the_lock)
    result = republish(config, str(served), out_dir=tmp_path / "out", clock=clock, lock_ttl=TTL)
    assert result.status == "busy", result.message
    assert "expired" in result.message and result.hint
    assert not (served / FEED_NAME).exists()
