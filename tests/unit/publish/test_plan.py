"""The publish plan as a pure function: host state + local files + options → operations.

No host, no files on disk: every case is a table row of facts and the plan they must give.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from packager.publish.base import RemoteFile
from packager.publish.channel import LocalFile
from packager.publish.manifest import FileEntry, Journal, Manifest
from packager.publish.plan import (
    ContentKey,
    DeleteFile,
    DeleteJournal,
    HostState,
    PlanOptions,
    Probes,
    PublishPlan,
    SendFile,
    SwapFeed,
    WriteJournal,
    WriteManifest,
    make_plan,
    needs_live_feed_hash,
    unchanged,
)

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
WEEK = timedelta(days=7)
OPTIONS = PlanOptions(now=NOW, grace_period=WEEK, public_url="https://cdn.example/ch/")


def local_file(name: str, content: str) -> LocalFile:
    data = content.encode()
    return LocalFile(
        name=name,
        path=Path("/nowhere") / name,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        md5=hashlib.md5(data, usedforsecurity=False).hexdigest(),
    )


FEED = local_file("feed.json", '{"new": 1}')
IMG_A = local_file("images/aaaaaaaaaaaaaaaa.jpg", "a")
IMG_B = local_file("images/bbbbbbbbbbbbbbbb.jpg", "b")
XML = local_file("feed.xml", "<rss/>")
LOCAL = {f.name: f for f in (IMG_A, IMG_B)}


def live(feed: LocalFile = FEED, version: str = "v1", with_hash: bool = False) -> RemoteFile:
    return RemoteFile(size=feed.size, version=version, sha256=feed.sha256 if with_hash else "")


def current_state(**changes: object) -> HostState:
    """A host that holds exactly LOCAL and FEED, as the last publish left it."""
    manifest = Manifest(
        feed_sha256=FEED.sha256,
        feed_version="v1",
        files={f.name: f.entry for f in LOCAL.values()},
        updated="2026-11-30T12:00:00Z",
    )
    state = HostState(manifest=manifest, manifest_version="m1", live_feed=live())
    return replace(state, **changes)  # type: ignore[arg-type]


def kinds(plan: PublishPlan) -> list[str]:
    return [type(op).__name__ for op in plan.operations]


def test_a_current_host_gets_no_operations() -> None:
    plan = make_plan(LOCAL, FEED, current_state(), Probes(), OPTIONS)
    assert plan.host_current and not plan.changes
    assert plan.skip == tuple(sorted(LOCAL)) and plan.upload == ()
    assert plan.bytes_to_send == 0


def test_an_empty_host_gets_everything_then_the_feed_last() -> None:
    plan = make_plan(LOCAL, FEED, HostState(), Probes(), OPTIONS)
    assert kinds(plan) == [
        "WriteJournal",
        "SendFile",
        "SendFile",
        "SwapFeed",
        "WriteManifest",
        "DeleteJournal",
    ]
    assert plan.operations[3] == SwapFeed(if_match=None, if_absent=True)
    journal = plan.operations[0]
    assert isinstance(journal, WriteJournal) and set(journal.journal.pending) == set(LOCAL)
    assert plan.bytes_to_send == IMG_A.size + IMG_B.size + FEED.size


def test_only_changed_files_are_sent_and_the_swap_is_guarded_by_the_live_version() -> None:
    changed = local_file(IMG_B.name, "b, edited")
    plan = make_plan({**LOCAL, IMG_B.name: changed}, FEED, current_state(), Probes(), OPTIONS)
    assert plan.upload == (IMG_B.name,)
    assert not plan.feed_changed  # same feed bytes: not swapped
    assert SendFile(IMG_B.name) in plan.operations
    assert not any(isinstance(op, SwapFeed) for op in plan.operations)


def test_a_new_feed_is_swapped_with_if_match_and_after_every_file() -> None:
    new_feed = local_file("feed.json", '{"new": 2}')
    local = {**LOCAL, XML.name: XML}
    plan = make_plan(local, new_feed, current_state(), Probes(), OPTIONS)
    assert plan.feed_changed
    names = [op.name for op in plan.operations if isinstance(op, SendFile)]
    assert names == [XML.name]
    assert plan.operations.index(SendFile(XML.name, atomic=True)) < plan.operations.index(
        SwapFeed(if_match="v1", if_absent=False)
    )


@pytest.mark.parametrize(
    ("since", "deleted", "waiting_until"),
    [
        (None, False, "2026-12-08T12:00:00Z"),  # first seen unused now: waits a week
        ("2026-11-28T12:00:00Z", False, "2026-12-05T12:00:00Z"),  # 3 days of 7
        ("2026-11-24T12:00:00Z", True, None),  # exactly 7 days: goes
        ("not a date", False, "2026-12-08T12:00:00Z"),  # unreadable: the wait restarts
    ],
)
def test_unreferenced_files_wait_out_the_grace_period(
    since: str | None, deleted: bool, waiting_until: str | None
) -> None:
    state = current_state()
    if since is not None:
        state.manifest.unreferenced[IMG_B.name] = since
    plan = make_plan({IMG_A.name: IMG_A}, FEED, state, Probes(), OPTIONS)
    assert (IMG_B.name in plan.delete) is deleted
    assert (DeleteFile(IMG_B.name) in plan.operations) is deleted
    assert dict(plan.waiting).get(IMG_B.name) == waiting_until
    assert plan.upload == ()


def test_deletions_come_after_the_manifest_and_the_manifest_is_written_again() -> None:
    state = current_state()
    state.manifest.unreferenced[IMG_B.name] = "2026-11-01T00:00:00Z"
    plan = make_plan({IMG_A.name: IMG_A}, FEED, state, Probes(), OPTIONS)
    assert kinds(plan) == ["WriteManifest", "DeleteFile", "WriteManifest"]
    first, _, last = plan.operations
    assert isinstance(first, WriteManifest) and first.manifest.deleting == [IMG_B.name]
    assert isinstance(last, WriteManifest) and last.manifest.deleting == []
    assert IMG_B.name not in last.manifest.files


def test_files_still_named_are_never_deleted_even_when_listed_as_deleting() -> None:
    state = current_state()
    state.manifest.deleting.extend([IMG_A.name, "images/cccccccccccccccc.jpg"])
    plan = make_plan(LOCAL, FEED, state, Probes(), OPTIONS)
    assert plan.delete == ("images/cccccccccccccccc.jpg",)


def test_a_journal_recovers_files_that_arrived_and_resends_the_rest() -> None:
    journal = Journal(feed_sha256=FEED.sha256, pending={f.name: f.entry for f in LOCAL.values()})
    state = HostState(journal=journal)
    arrived = {IMG_A.name: RemoteFile(size=IMG_A.size, version="x", sha256=IMG_A.sha256)}
    assert unchanged(LOCAL, state, arrived) == []
    plan = make_plan(LOCAL, FEED, state, Probes(pending=arrived), OPTIONS)
    assert plan.recovered == (IMG_A.name,)
    assert plan.upload == (IMG_B.name,)
    assert isinstance(plan.operations[-1], DeleteJournal)


def test_a_leftover_journal_alone_is_finished() -> None:
    state = current_state(journal=Journal(feed_sha256=FEED.sha256))
    plan = make_plan(LOCAL, FEED, state, Probes(), OPTIONS)
    assert not plan.changes
    assert kinds(plan) == ["WriteManifest", "DeleteJournal"]


def test_verify_resends_what_the_host_lost() -> None:
    held = {IMG_A.name: RemoteFile(size=IMG_A.size, version="x")}
    options = PlanOptions(now=NOW, grace_period=WEEK, verify=True, dry_run=True, target="T")
    plan = make_plan(LOCAL, FEED, current_state(), Probes(held=held), options)
    assert plan.repaired == (IMG_B.name,) and plan.upload == (IMG_B.name,)
    assert plan.warnings == (
        f"1 file(s) the manifest lists were missing or different on T; they would be sent "
        f"again: {IMG_B.name}",
    )


@pytest.mark.parametrize(
    ("manifest_feed", "live_feed", "probed", "swapped"),
    [
        (FEED.sha256, live(version="v1"), None, False),  # the manifest vouches for it
        (FEED.sha256, live(version="v2"), None, True),  # someone replaced it since
        ("", live(with_hash=True, version="v9"), None, False),  # the host's hash matches
        ("", None, None, True),  # no feed live yet
    ],
)
def test_when_the_feed_is_swapped(
    manifest_feed: str, live_feed: RemoteFile | None, probed: str | None, swapped: bool
) -> None:
    state = current_state(live_feed=live_feed)
    state.manifest.feed_sha256 = manifest_feed
    plan = make_plan(LOCAL, FEED, state, Probes(live_feed_sha256=probed), OPTIONS)
    assert plan.feed_changed is swapped


def test_an_interrupted_swap_is_checked_by_reading_the_live_feed() -> None:
    state = HostState(live_feed=live(version="v7"), journal=Journal(feed_sha256=FEED.sha256))
    assert needs_live_feed_hash(state, FEED)
    landed = make_plan(LOCAL, FEED, state, Probes(live_feed_sha256=FEED.sha256), OPTIONS)
    assert not landed.feed_changed
    lost = make_plan(LOCAL, FEED, state, Probes(live_feed_sha256="0" * 64), OPTIONS)
    assert lost.feed_changed


def test_content_keys_are_recorded_and_carried_over_for_the_same_content() -> None:
    keys = {IMG_A.name: ContentKey("render:abc", {"width": 1280, "height": 720})}
    options = PlanOptions(now=NOW, grace_period=WEEK, keys=keys)
    plan = make_plan(LOCAL, FEED, current_state(), Probes(), options)
    written = [op for op in plan.operations if isinstance(op, WriteManifest)]
    assert written, "a new key alone is worth a manifest write"
    entry = written[0].manifest.files[IMG_A.name]
    assert (entry.key, dict(entry.meta)) == ("render:abc", {"width": 1280, "height": 720})

    keyed = current_state()
    keyed.manifest.files[IMG_A.name] = FileEntry(IMG_A.sha256, IMG_A.size, key="render:abc")
    again = make_plan(LOCAL, FEED, keyed, Probes(), OPTIONS)  # no keys given this time
    assert again.host_current  # the key stays, nothing to write
