"""Locks that would never expire: an unreadable publish lock, one dated 9999, an unreadable
or very old build lock (another host name: a cached CI output folder) are taken over."""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from packager.build.lock import BUILD_LOCK_NAME, output_lock
from packager.errors import LockBusyError
from packager.layout import LOCK_NAME
from packager.publish.base import open_host
from packager.publish.lock import LockInfo, acquire_lock

NOW = datetime.now(UTC).replace(microsecond=0)


def _lock(path: Path, *, started: datetime, expires: datetime) -> None:
    info = LockInfo("t0k", "rogue run", "elsewhere", started, expires)
    path.write_bytes(info.to_bytes())


def test_a_publish_lock_dated_9999_is_taken_over(tmp_path: Path) -> None:
    _lock(tmp_path / LOCK_NAME, started=NOW, expires=datetime(9999, 1, 1, tzinfo=UTC))
    host = open_host(str(tmp_path))
    with pytest.raises(LockBusyError):  # within its TTL it still holds
        acquire_lock(host, clock=lambda: NOW + timedelta(minutes=30))
    taken = acquire_lock(host, clock=lambda: NOW + timedelta(hours=2))
    assert taken.took_over is not None and taken.took_over.owner == "rogue run"
    taken.release()


def test_a_publish_lock_started_in_the_far_future_is_taken_over(tmp_path: Path) -> None:
    far = datetime(9999, 1, 1, tzinfo=UTC)
    _lock(tmp_path / LOCK_NAME, started=far, expires=far)
    taken = acquire_lock(open_host(str(tmp_path)), clock=lambda: NOW)
    assert taken.took_over is not None
    taken.release()


def test_a_renewed_lock_is_not_taken_over_within_its_ttl(tmp_path: Path) -> None:
    host = open_host(str(tmp_path))
    held = acquire_lock(host, ttl=timedelta(minutes=10), clock=lambda: NOW)
    held.renew(ttl=timedelta(minutes=10), clock=lambda: NOW + timedelta(minutes=9))
    with pytest.raises(LockBusyError):
        acquire_lock(host, clock=lambda: NOW + timedelta(minutes=17))
    assert held.release()


@pytest.mark.parametrize("garbage", [b"", b"\xff{garbage"])
def test_an_old_unreadable_publish_lock_is_taken_over(tmp_path: Path, garbage: bytes) -> None:
    path = tmp_path / LOCK_NAME
    path.write_bytes(garbage)
    host = open_host(str(tmp_path))
    with pytest.raises(LockBusyError, match="unreadable"):  # may be a run writing it
        acquire_lock(host, clock=lambda: NOW)
    old = time.time() - 2 * 3600
    os.utime(path, (old, old))
    taken = acquire_lock(host, clock=lambda: NOW)
    assert taken.took_over is not None and "unreadable" in taken.took_over.describe()
    taken.release()


@pytest.mark.parametrize("garbage", [b"", b"not json"])
def test_an_unreadable_build_lock_is_taken_over_with_a_note(tmp_path: Path, garbage: bytes) -> None:
    path = tmp_path / BUILD_LOCK_NAME
    path.write_bytes(garbage)
    old = time.time() - 60
    os.utime(path, (old, old))
    with output_lock(tmp_path) as notes:
        assert len(notes) == 1 and str(path) in notes[0] and "unreadable" in notes[0]
    assert not path.exists()


def test_an_old_build_lock_of_another_host_is_taken_over(tmp_path: Path) -> None:
    path = tmp_path / BUILD_LOCK_NAME
    started = (datetime.now(UTC) - timedelta(hours=7)).isoformat()
    path.write_text(json.dumps({"pid": 1, "host": "ci-runner-old", "started": started}))
    with output_lock(tmp_path) as notes:
        assert notes and "longer ago" in notes[0]


def test_a_recent_build_lock_of_another_host_still_holds(tmp_path: Path) -> None:
    path = tmp_path / BUILD_LOCK_NAME
    started = datetime.now(UTC).isoformat()
    path.write_text(json.dumps({"pid": 1, "host": "ci-runner-now", "started": started}))
    with pytest.raises(LockBusyError), output_lock(tmp_path):
        pass
