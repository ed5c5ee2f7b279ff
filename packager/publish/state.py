"""Reading what a host holds beside the feed: the manifest, an interrupted run's journal, the
live feed; and the few questions the plan needs the host to answer."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Protocol, TypeVar

from packager.layout import FEED_NAME, JOURNAL_NAME, MANIFEST_NAME
from packager.publish.base import Host, RemoteFile, host_for
from packager.publish.channel import LocalChannel
from packager.publish.manifest import FileEntry, Journal, Manifest
from packager.publish.plan import HostState, Probes, needs_live_feed_hash, unchanged
from packager.publish.retry import RetryPolicy, failed_as, retried
from packager.publish.target import Target

T = TypeVar("T")


class Call(Protocol):
    """Runs one host operation with retries, naming what it is about for the error message."""

    def __call__(self, what: str, operation: Callable[[], T], /) -> T: ...


def read_state(host: Host, call: Call) -> HostState:
    """The manifest, the journal and the live feed's stat; an unreadable manifest or journal
    is a warning (the run then sends every file again / ignores the journal)."""
    warnings: list[str] = []
    manifest, version = Manifest(), None
    fetched = call(MANIFEST_NAME, lambda: host.read(MANIFEST_NAME))
    if fetched is not None:
        data, version = fetched
        try:
            manifest = Manifest.from_bytes(data)
        except (ValueError, KeyError, TypeError) as exc:
            warnings.append(
                f"{MANIFEST_NAME} on {host.target} is unreadable ({exc}); every file is sent "
                "again and nothing is deleted"
            )
    journal: Journal | None = None
    fetched = call(JOURNAL_NAME, lambda: host.read(JOURNAL_NAME))
    if fetched is not None:
        try:
            journal = Journal.from_bytes(fetched[0])
        except (ValueError, KeyError, TypeError):
            warnings.append(f"{JOURNAL_NAME} on {host.target} is unreadable; ignored")
    stats = call(FEED_NAME, lambda: host.stat([FEED_NAME]))
    live_feed = stats.get(FEED_NAME)
    return HostState(manifest, version, journal, live_feed, tuple(warnings))


def probe_host(
    host: Host, call: Call, channel: LocalChannel, state: HostState, *, verify: bool
) -> Probes:
    """Ask the host what the state cannot tell: did the journal's files arrive, are the files
    believed unchanged really there (verify), is the live feed already the new one."""
    pending: Mapping[str, RemoteFile] = {}
    journal = state.journal
    if journal and journal.pending:
        names = sorted(journal.pending)
        pending = call(JOURNAL_NAME, lambda: host.stat(names))
    held: Mapping[str, RemoteFile] | None = None
    skip = unchanged(channel.files, state, pending)
    if verify and skip:
        held = call("(verify)", lambda: host.stat(skip))
    feed_sha: str | None = None
    if needs_live_feed_hash(state, channel.feed):
        got = call(FEED_NAME, lambda: host.read(FEED_NAME))
        feed_sha = hashlib.sha256(got[0]).hexdigest() if got else ""
    return Probes(pending=pending, held=held, live_feed_sha256=feed_sha)


def read_live_manifest(
    target: str | Target,
    *,
    host: Host | None = None,
    retry: RetryPolicy | None = None,
    warnings: list[str] | None = None,
) -> dict[str, FileEntry]:
    """The files the host at `target` holds, as its manifest lists them: `{name: entry}` with
    each entry's hash, size, content `key` and `meta` (for a build that reuses what is live).

    Empty when there is no manifest, or one this version cannot read (an older unknown or a
    newer format; the reason is appended to `warnings`). Raises PublishError when the host
    fails, InputError/PublishError for a bad target.
    """
    with host_for(target, host) as (parsed, opened):
        fetched = retried(
            retry or RetryPolicy(),
            lambda: opened.read(MANIFEST_NAME),
            failed_as(
                f"cannot read {MANIFEST_NAME} on {opened.target}: {{reason}}",
                target=opened.target,
                secrets=parsed.secrets,
                hint="check that the host is up and the target is right",
            ),
        )
        shown = opened.target
    if fetched is None:
        return {}
    try:
        return dict(Manifest.from_bytes(fetched[0]).files)
    except (ValueError, KeyError, TypeError) as exc:
        if warnings is not None:
            warnings.append(f"{MANIFEST_NAME} on {shown} is not used: {exc}")
        return {}
