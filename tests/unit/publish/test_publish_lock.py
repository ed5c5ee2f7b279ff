"""The publish lock on a local folder: exclusive, busy with who and since when, stale takeover,
waiting, and release when the run fails."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from packager.config import ChannelConfig
from packager.errors import ExitCode, LockBusyError
from packager.layout import LOCK_NAME
from packager.publish.base import open_host
from packager.publish.local import LocalHost
from packager.publish.lock import LockInfo, LockLostError, acquire_lock
from packager.publish.target import parse_target
from packager.republish import republish

T0 = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def test_lock_is_exclusive_and_busy_names_the_holder(tmp_path: Path) -> None:
    host = open_host(str(tmp_path))
    held = acquire_lock(host, owner="cron job A", clock=lambda: T0)
    data = json.loads((tmp_path / LOCK_NAME).read_text())
    assert (data["owner"], data["startedAt"]) == ("cron job A", "2026-11-28T12:00:00Z")
    assert data["expiresAt"] == "2026-11-28T13:00:00Z" and data["host"]
    with pytest.raises(LockBusyError) as caught:
        acquire_lock(host, owner="cron job B", clock=lambda: T0 + timedelta(minutes=5))
    error = caught.value
    assert error.exit_code == ExitCode.BUSY
    assert "cron job A" in error.message and "since 2026-11-28T12:00:00Z" in error.message
    assert "--wait" in error.hint
    assert held.release() is True
    assert not (tmp_path / LOCK_NAME).exists()
    acquire_lock(host, owner="cron job B", clock=lambda: T0).release()


def test_a_stale_lock_is_taken_over(tmp_path: Path) -> None:
    host = open_host(str(tmp_path))
    stale = acquire_lock(host, owner="crashed run", ttl=timedelta(minutes=10), clock=lambda: T0)
    later = T0 + timedelta(minutes=11)
    fresh = acquire_lock(host, owner="next run", clock=lambda: later)
    assert fresh.took_over is not None and fresh.took_over.owner == "crashed run"
    current = LockInfo.from_bytes((tmp_path / LOCK_NAME).read_bytes())
    assert current.owner == "next run" and current.token == fresh.info.token
    assert stale.release() is False  # not ours any more: left alone
    assert (tmp_path / LOCK_NAME).exists()
    assert fresh.release() is True


def test_waiting_gets_the_lock_once_it_is_released(tmp_path: Path) -> None:
    host = open_host(str(tmp_path))
    held = acquire_lock(host, owner="first", clock=lambda: T0)
    naps: list[float] = []

    def sleep(seconds: float) -> None:
        naps.append(seconds)
        if len(naps) == 2:
            held.release()  # the other run finishes while we wait

    waited = acquire_lock(host, owner="second", wait_seconds=30, sleep=sleep, clock=lambda: T0)
    assert len(naps) == 2 and waited.info.owner == "second"
    waited.release()


def test_the_lock_is_released_when_the_run_fails(tmp_path: Path) -> None:
    served = tmp_path / "served"
    # No base URL: the build fails inside the locked section.
    result = republish(
        ChannelConfig(sources=(str(tmp_path),)), str(served), out_dir=tmp_path / "out"
    )
    assert result.status == "bad-input" and "no base URL" in result.message
    assert not (served / LOCK_NAME).exists()


class ExplodingHost(LocalHost):
    """A local host whose feed read hits a bug (not a host failure)."""

    def read(self, name: str) -> tuple[bytes, str] | None:
        if name == "feed.json":
            raise RuntimeError("bug while reading the feed")
        return super().read(name)


def test_the_lock_is_released_when_the_run_crashes(tmp_path: Path) -> None:
    served = tmp_path / "served"
    host = ExplodingHost(parse_target(str(served)))
    with pytest.raises(RuntimeError, match="bug while reading"):
        republish(
            ChannelConfig(base_url="https://cdn.example.com/", sources=(str(tmp_path),)),
            str(served),
            out_dir=tmp_path / "out",
            host=host,
        )
    assert served.is_dir() and not (served / LOCK_NAME).exists()


def test_a_busy_target_is_a_result_not_an_error(tmp_path: Path) -> None:
    served = tmp_path / "served"
    host = open_host(str(served))
    held = acquire_lock(host, owner="the other job")
    result = republish(
        ChannelConfig(base_url="https://cdn.example.com/", sources=(str(tmp_path),)),
        str(served),
        out_dir=tmp_path / "out",
    )
    assert result.status == "busy" and result.exit_code() == ExitCode.BUSY
    assert "the other job" in result.message
    assert not (tmp_path / "out").exists()  # nothing was built
    assert held.release() is True


def test_renew_extends_a_lock_that_is_still_ours(tmp_path: Path) -> None:
    host = open_host(str(tmp_path))
    held = acquire_lock(host, owner="job", ttl=timedelta(minutes=10), clock=lambda: T0)
    later = T0 + timedelta(minutes=8)
    held.renew(ttl=timedelta(minutes=10), clock=lambda: later)
    on_host = LockInfo.from_bytes((tmp_path / LOCK_NAME).read_bytes())
    assert on_host.expires == later + timedelta(minutes=10) and on_host.token == held.info.token
    assert held.release() is True


def test_renew_refuses_a_lock_taken_over_or_run_out(tmp_path: Path) -> None:
    host = open_host(str(tmp_path))
    held = acquire_lock(host, owner="slow job", ttl=timedelta(minutes=10), clock=lambda: T0)
    with pytest.raises(LockLostError, match="expired"):
        held.renew(clock=lambda: T0 + timedelta(minutes=11))
    other = acquire_lock(host, owner="next job", clock=lambda: T0 + timedelta(minutes=11))
    with pytest.raises(LockLostError) as caught:
        held.renew(clock=lambda: T0 + timedelta(minutes=11))
    assert "next job" in caught.value.message and caught.value.exit_code == ExitCode.BUSY
    assert LockInfo.from_bytes((tmp_path / LOCK_NAME).read_bytes()).owner == "next job"
    assert other.release() is True
