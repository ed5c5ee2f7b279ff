"""Fault injection: whichever request of a publish fails, the live feed is whole and resolves."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from publish_support import HostUnderTest, WebDavServer

from packager.errors import PublishError
from packager.layout import FEED_NAME
from packager.publish import Host, HostError, RetryPolicy, open_host, publish
from packager.publish.base import RemoteFile, Upload
from tests.publish_channel import BASE_URL, write_channel

NOW = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
FAST = RetryPolicy(attempts=3, sleep=lambda _: None)
OLD = {"a1": "Council approves budget", "a2": "Storm closes schools", "a3": "Team wins"}
# One article changed, one dropped, one added: uploads, a feed swap and (grace 0) deletions.
NEW = {"a1": "Council approves budget", "a2": "Storm closes schools all week", "a4": "New park"}

pytestmark = pytest.mark.servers


class FaultyHost:
    """Wraps a host; counts operations. From operation `fail_from` on (or only at it, with
    `once`), either fails before the host sees it ("fail") or lets it happen and then loses
    the answer ("drop", like a connection reset after the server did the work)."""

    def __init__(self, inner: Host, fail_from: int | None, mode: str, once: bool = False) -> None:
        self.inner = inner
        self.target = inner.target
        self.counters = inner.counters
        self.fail_from = fail_from
        self.mode = mode
        self.once = once
        self.count = 0
        self.injected = 0

    def _call(self, operation: str, run: Any) -> Any:
        index = self.count
        self.count += 1
        faulty = self.fail_from is not None and (
            index == self.fail_from if self.once else index >= self.fail_from
        )
        if not faulty:
            return run()
        self.injected += 1
        if self.mode == "drop":
            run()
        raise HostError(f"fault injected into {operation} #{index}", transient=True)

    def read(self, name: str) -> tuple[bytes, str] | None:
        return self._call("read", lambda: self.inner.read(name))  # type: ignore[no-any-return]

    def stat(self, names: Sequence[str]) -> dict[str, RemoteFile]:
        return self._call("stat", lambda: self.inner.stat(names))  # type: ignore[no-any-return]

    def upload(self, item: Upload) -> None:
        self._call("upload", lambda: self.inner.upload(item))

    def replace(self, item: Upload, *, if_match: str | None = None, if_absent: bool = False) -> str:
        return self._call(  # type: ignore[no-any-return]
            "replace", lambda: self.inner.replace(item, if_match=if_match, if_absent=if_absent)
        )

    def delete(self, name: str) -> None:
        self._call("delete", lambda: self.inner.delete(name))

    def close(self) -> None:
        self.inner.close()


def check_live_state(host: HostUnderTest, versions: dict[str, Path]) -> str:
    """The feed on the host is exactly one of the versions, and every URL in it resolves to a
    file holding that version's bytes. Returns the version's name."""
    files = host.files()
    feed_bytes = files.get(FEED_NAME)
    matches = [
        label
        for label, out in versions.items()
        if feed_bytes is not None and feed_bytes == (out / FEED_NAME).read_bytes()
    ]
    assert matches, "the feed on the host is neither the old nor the new one"
    label = matches[0]
    out = versions[label]
    feed = json.loads(feed_bytes or b"")
    for item in feed["shortFormVideos"]:
        urls = [item["thumbnail"]] + [v["url"] for v in item["content"]["videos"]]
        urls += [c["url"] for c in item["content"].get("captions", [])]
        for url in urls:
            name = url.removeprefix(BASE_URL)
            assert files.get(name) == (out / name).read_bytes(), f"{label} feed: {url} broken"
    return label


def count_operations(host: HostUnderTest, old: Path, new: Path) -> int:
    probe = open_host(host.target)
    counter = FaultyHost(probe, None, "fail")
    try:
        publish(old, host.target, now=NOW, retry=FAST)
        publish(new, host.target, now=NOW, retry=FAST, grace_period=timedelta(0), host=counter)
    finally:
        probe.close()
    return counter.count


def run_fault_matrix(tmp_path: Path, fresh_target: Any) -> dict[str, int]:
    """For every operation index k and both fault kinds: a failing run (outage from k on), then
    a clean re-run; plus a run with a single fault that retries absorb. Checks after each."""
    old = write_channel(tmp_path / "old", OLD)
    new = write_channel(tmp_path / "new", NEW)
    versions = {"old": old, "new": new}
    total_ops = count_operations(fresh_target(), old, new)
    states = {"checked": 0, "old-after-failure": 0, "new-after-failure": 0, "operations": total_ops}
    for k in range(total_ops):
        for mode in ("fail", "drop"):
            target = fresh_target()
            publish(old, target.target, now=NOW, retry=FAST)
            inner = open_host(target.target)
            faulty = FaultyHost(inner, k, mode)
            try:
                with pytest.raises(PublishError) as caught:
                    publish(
                        new,
                        target.target,
                        now=NOW,
                        retry=FAST,
                        grace_period=timedelta(0),
                        host=faulty,
                    )
            finally:
                inner.close()
            label = check_live_state(target, versions)
            states["checked"] += 1
            states[f"{label}-after-failure"] += 1
            # The error says truthfully which feed devices see.
            said = caught.value.feed_live  # type: ignore[attr-defined]
            assert said in (label, "unknown"), (k, mode, str(caught.value))
            wording = {
                "old": "live feed is untouched",
                "new": "new feed is already live",
                "unknown": "the previous one, or the new one",
            }
            assert wording[said] in str(caught.value)
            arrived = {
                name
                for name, data in target.files().items()
                if (new / name).is_file() and (new / name).read_bytes() == data
            }
            rerun = publish(new, target.target, now=NOW, retry=FAST, grace_period=timedelta(0))
            assert check_live_state(target, versions) == "new"
            states["checked"] += 1
            resent = set(rerun.uploaded) & arrived
            assert not resent, f"k={k} {mode}: re-run sent again what had arrived: {resent}"
            gone = set(old_only(old, new)) & set(target.files())
            assert not gone, f"k={k} {mode}: unreferenced files left after the re-run: {gone}"

            # A single fault: the retry absorbs it and the run succeeds.
            target = fresh_target()
            publish(old, target.target, now=NOW, retry=FAST)
            inner = open_host(target.target)
            try:
                publish(
                    new,
                    target.target,
                    now=NOW,
                    retry=FAST,
                    grace_period=timedelta(0),
                    host=FaultyHost(inner, k, mode, once=True),
                )
            finally:
                inner.close()
            assert check_live_state(target, versions) == "new"
            states["checked"] += 1
    return states


def old_only(old: Path, new: Path) -> set[str]:
    def names(out: Path) -> set[str]:
        return {
            p.relative_to(out).as_posix()
            for d in ("images", "videos", "captions")
            for p in (out / d).iterdir()
        }

    return names(old) - names(new)


@pytest.fixture(params=["local", "webdav", "s3", "sftp"])
def fresh_targets(request: pytest.FixtureRequest) -> Any:
    """A factory of fresh, empty targets of one host kind."""

    def make() -> HostUnderTest:
        # Each call gives a new folder/prefix on the same server.
        host: HostUnderTest = request.getfixturevalue(f"{request.param}_host")
        return _renamed(host, request.param)

    return make


_COUNTER = {"n": 0}


def _renamed(host: HostUnderTest, kind: str) -> HostUnderTest:
    """The same server and base location, with a fresh sub-folder / sub-prefix."""
    _COUNTER["n"] += 1
    assert host.sub is not None
    return host.sub(f"run{_COUNTER['n']}")


def test_every_failing_request_leaves_a_whole_live_feed(
    fresh_targets: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    states = run_fault_matrix(tmp_path, fresh_targets)
    kind = fresh_targets().kind
    with capsys.disabled():
        print(
            f"\n[{kind}] {states['operations']} operations per publish; {states['checked']} host "
            f"states checked (failed runs left the old feed {states['old-after-failure']}x, "
            f"the new one {states['new-after-failure']}x); no broken state"
        )
    assert states["checked"] == states["operations"] * 2 * 3


def test_webdav_http_level_faults(
    webdav_server: WebDavServer,
    webdav_host: HostUnderTest,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The same at the HTTP level: the k-th request answers 503 or its answer is dropped."""
    old = write_channel(tmp_path / "old", OLD)
    new = write_channel(tmp_path / "new", NEW)
    versions = {"old": old, "new": new}
    faults = webdav_server.faults
    probe = _renamed(webdav_host, "webdav")
    publish(old, probe.target, now=NOW, retry=FAST)
    start = faults.count
    publish(new, probe.target, now=NOW, retry=FAST, grace_period=timedelta(0))
    total = faults.count - start
    checked = 0
    try:
        for k in range(total):
            for mode in ("fail", "drop"):
                target = _renamed(webdav_host, "webdav")
                publish(old, target.target, now=NOW, retry=FAST)
                faults.mode, faults.once, faults.fail_from = mode, False, faults.count + k
                with pytest.raises(PublishError):
                    publish(new, target.target, now=NOW, retry=FAST, grace_period=timedelta(0))
                faults.fail_from = None
                check_live_state(target, versions)
                checked += 1
                publish(new, target.target, now=NOW, retry=FAST, grace_period=timedelta(0))
                assert check_live_state(target, versions) == "new"
                checked += 1
    finally:
        faults.fail_from = None
    with capsys.disabled():
        print(
            f"\n[webdav/http] {total} HTTP requests per publish; {checked} host states "
            "checked; no broken state"
        )
    assert checked == total * 4
