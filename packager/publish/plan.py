"""The publish plan: a pure function from what the host holds and what was built to the ordered
operations that bring the host up to date without ever breaking the live feed.

No I/O here: `state.py` reads the host, `execute.py` carries the plan out. The order is the
safety argument: the journal first (so an interrupted run can be finished without sending
again), every asset, the other formats, then the feed swapped atomically, then the manifest,
and only then deletions of files past their grace period, and the journal last.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from packager.layout import FEED_NAME, SIBLING_FEED_NAMES
from packager.publish.base import RemoteFile
from packager.publish.channel import LocalFile
from packager.publish.manifest import FileEntry, Journal, Manifest
from packager.timestamps import parse_timestamp, utc_z

# --------------------------------------------------------------------------------------------
# What is known before planning: the host's bookkeeping and the answers to a few questions.


@dataclass(frozen=True)
class HostState:
    """What the host holds beside the feed: its manifest, an interrupted run's journal, the
    live feed's stat; `manifest_version` guards the manifest write (None: there was none)."""

    manifest: Manifest = field(default_factory=Manifest)
    manifest_version: str | None = None
    journal: Journal | None = None
    live_feed: RemoteFile | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Probes:
    """The host's answers to what the state alone cannot tell (see `state.probe_host`):
    `pending` is what the journal's files look like on the host, `held` what the files
    believed unchanged look like (only with verify), `live_feed_sha256` the live feed's hash
    when it had to be read to know whether it is the new one."""

    pending: Mapping[str, RemoteFile] = field(default_factory=dict)
    held: Mapping[str, RemoteFile] | None = None
    live_feed_sha256: str | None = None


@dataclass(frozen=True)
class ContentKey:
    """What a build knows about one file it made: the content key of its inputs and the
    metadata the feed needs (manifest.META_FIELDS); kept in the host's manifest."""

    key: str
    meta: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class PlanOptions:
    """The choices of one run that change the plan."""

    now: datetime
    grace_period: timedelta
    verify: bool = False
    dry_run: bool = False
    public_url: str = ""
    keys: Mapping[str, ContentKey] = field(default_factory=dict)
    target: str = ""  # the host as shown in messages
    # Files the feed names that the build left on the host: kept, never sent nor deleted.
    held: frozenset[str] = frozenset()


# --------------------------------------------------------------------------------------------
# The operations, in the order they run.


@dataclass(frozen=True)
class WriteJournal:
    """Write the journal: the files about to be sent and the feed about to go live."""

    journal: Journal


@dataclass(frozen=True)
class SendFile:
    """Send one file; `atomic` (the other formats) swaps it in like the feed."""

    name: str
    atomic: bool = False


@dataclass(frozen=True)
class SwapFeed:
    """Replace the live feed atomically, guarded against a concurrent writer."""

    if_match: str | None
    if_absent: bool


@dataclass(frozen=True)
class WriteManifest:
    """Write the manifest; `feed_version_from_swap`: take the version the swap returned."""

    manifest: Manifest
    feed_version_from_swap: bool


@dataclass(frozen=True)
class DeleteFile:
    """Delete one file that no feed has named for the grace period."""

    name: str


@dataclass(frozen=True)
class DeleteJournal:
    """The run is complete: remove the journal."""


Operation = WriteJournal | SendFile | SwapFeed | WriteManifest | DeleteFile | DeleteJournal


@dataclass(frozen=True)
class PublishPlan:
    """What a publish sends, keeps and deletes, decided from the host's manifest."""

    upload: tuple[str, ...]
    skip: tuple[str, ...]
    recovered: tuple[str, ...]
    delete: tuple[str, ...]
    waiting: tuple[tuple[str, str], ...]  # (name, deletable after) still in the grace period
    feed_changed: bool
    bytes_to_send: int
    public_url: str
    repaired: tuple[str, ...] = ()  # listed in the manifest but missing or different on the host
    operations: tuple[Operation, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def changes(self) -> bool:
        return bool(self.upload or self.delete or self.feed_changed)

    @property
    def host_current(self) -> bool:
        """Nothing at all to do on the host, not even bookkeeping."""
        return not self.operations

    def lines(self) -> list[str]:
        """The plan as text, one action a line (for --dry-run and logs)."""
        repaired = set(self.repaired)
        out = [
            f"upload {name}" + (" (missing or different on the host)" if name in repaired else "")
            for name in self.upload
        ]
        if self.feed_changed:
            out.append(f"replace {FEED_NAME} (last)")
        out += [f"delete {name} (unreferenced past the grace period)" for name in self.delete]
        out += [f"keep {name} until {after} (grace period)" for name, after in self.waiting]
        out.append(
            f"{len(self.upload)} to upload ({self.bytes_to_send:,} bytes), "
            f"{len(self.skip)} unchanged, {len(self.recovered)} already arrived, "
            f"{len(self.delete)} to delete"
        )
        return out


# --------------------------------------------------------------------------------------------
# The pure steps.


def matches(remote: RemoteFile, entry: FileEntry, md5: str = "") -> bool:
    """Whether the host's copy is this content: by hash when the host gives one, else by size."""
    if remote.size != entry.size:
        return False
    if remote.sha256:
        return remote.sha256 == entry.sha256
    if remote.md5 and md5:
        return remote.md5 == md5
    return True


def after_journal(
    local: Mapping[str, LocalFile], state: HostState, pending: Mapping[str, RemoteFile]
) -> tuple[dict[str, FileEntry], list[str]]:
    """The files the host holds (the manifest's, plus what an interrupted run delivered) and
    which of the local files arrived that way ("recovered": not sent again)."""
    files = dict(state.manifest.files)
    recovered: list[str] = []
    journal = state.journal
    for name in sorted(journal.pending if journal else {}):
        assert journal is not None
        remote, entry = pending.get(name), journal.pending[name]
        mine = local.get(name)
        if remote is None or not matches(remote, entry, mine.md5 if mine else ""):
            continue
        if mine is not None and mine.entry.same_content(entry):
            recovered.append(name)
        files[name] = entry
    return files, recovered


def to_send(local: Mapping[str, LocalFile], files: Mapping[str, FileEntry]) -> list[str]:
    """Local files the host does not hold with the same content, in name order."""
    return [name for name, file in local.items() if not file.entry.same_content(files.get(name))]


def unchanged(
    local: Mapping[str, LocalFile], state: HostState, pending: Mapping[str, RemoteFile]
) -> list[str]:
    """The local files the host already holds (before --verify asks it), sorted."""
    files, recovered = after_journal(local, state, pending)
    return sorted(set(local) - set(to_send(local, files)) - set(recovered))


def needs_live_feed_hash(state: HostState, feed: LocalFile) -> bool:
    """Whether only reading the live feed can tell that it is already the new one: the host
    gives no hash, the manifest does not vouch for it, but an interrupted run was swapping in
    a feed of this hash and size."""
    live, journal = state.live_feed, state.journal
    if live is None or _feed_known_current(state, feed):
        return False
    return bool(journal and journal.feed_sha256 == feed.sha256 and live.size == feed.size)


def _feed_known_current(state: HostState, feed: LocalFile) -> bool:
    live, manifest = state.live_feed, state.manifest
    if live is None:
        return False
    if manifest.feed_sha256 == feed.sha256 and manifest.feed_version == live.version:
        return True
    return matches(live, feed.entry, feed.md5) and bool(live.sha256 or live.md5)


def feed_is_current(state: HostState, feed: LocalFile, probes: Probes) -> bool:
    """Whether the live feed already is the built one (then it is not swapped)."""
    if _feed_known_current(state, feed):
        return True
    return needs_live_feed_hash(state, feed) and probes.live_feed_sha256 == feed.sha256


def _since(text: str, now: datetime) -> datetime:
    # An unreadable date in the manifest restarts that file's grace period.
    return parse_timestamp(text, assume_utc=True) or now


def grace(
    files: Mapping[str, FileEntry],
    local: Mapping[str, LocalFile],
    manifest: Manifest,
    options: PlanOptions,
) -> tuple[dict[str, str], list[str], tuple[tuple[str, str], ...]]:
    """Files on the host no feed names: since when (first seen unused), which are past the
    grace period (to delete, with deletions an earlier run did not finish), which wait."""
    now, period = options.now, options.grace_period
    unreferenced = {
        name: manifest.unreferenced.get(name) or utc_z(now)
        for name in files
        if name not in local and name not in options.held
    }
    expired = {n for n, since in unreferenced.items() if now - _since(since, now) >= period}
    waiting = tuple(
        (n, utc_z(_since(since, now) + period))
        for n, since in sorted(unreferenced.items())
        if n not in expired
    )
    delete = sorted(expired | (set(manifest.deleting) - set(local) - options.held))
    return unreferenced, delete, waiting


def verify_repairs(
    skip: list[str], local: Mapping[str, LocalFile], probes: Probes
) -> tuple[list[str], list[str]]:
    """With --verify: the files believed unchanged that the host lacks or holds otherwise
    (sent again), and the rest."""
    if probes.held is None:
        return [], skip
    held = probes.held
    repaired = [
        name
        for name in skip
        if name not in held or not matches(held[name], local[name].entry, local[name].md5)
    ]
    lost = set(repaired)
    return repaired, [name for name in skip if name not in lost]


def _repair_warning(repaired: list[str], options: PlanOptions) -> tuple[str, ...]:
    if not repaired:
        return ()
    return (
        f"{len(repaired)} file(s) the manifest lists were missing or different on "
        f"{options.target}; {'they would be' if options.dry_run else 'they are'} sent again: "
        f"{', '.join(repaired[:5])}" + (" ..." if len(repaired) > 5 else ""),
    )


def entry_for(
    name: str, file: LocalFile, before: FileEntry | None, options: PlanOptions
) -> FileEntry:
    """The manifest entry of a local file: its content, with the build's content key, or the
    key the host's manifest held for this same content."""
    given = options.keys.get(name)
    if given is not None:
        return replace(file.entry, key=given.key, meta=dict(given.meta))
    entry = file.entry
    return before if before is not None and entry.same_content(before) else entry


# --------------------------------------------------------------------------------------------
# The plan.


def make_plan(
    local: Mapping[str, LocalFile],
    feed: LocalFile,
    state: HostState,
    probes: Probes,
    options: PlanOptions,
) -> PublishPlan:
    """The ordered operations that publish `local` + `feed` over `state`; no operations when
    the host is current. Pure: the same facts always give the same plan."""
    files, recovered = after_journal(local, state, probes.pending)
    upload = [name for name in to_send(local, files) if name not in recovered]
    skip = sorted(set(local) - set(upload) - set(recovered))
    repaired, skip = verify_repairs(skip, local, probes)
    upload += repaired
    feed_current = feed_is_current(state, feed, probes)
    unreferenced, delete, waiting = grace(files, local, state.manifest, options)
    plan = PublishPlan(
        upload=tuple(upload),
        skip=tuple(skip),
        recovered=tuple(sorted(recovered)),
        delete=tuple(delete),
        waiting=waiting,
        feed_changed=not feed_current,
        bytes_to_send=sum(local[n].size for n in upload) + (0 if feed_current else feed.size),
        public_url=options.public_url,
        repaired=tuple(repaired),
        warnings=state.warnings + _repair_warning(repaired, options),
    )
    live = state.live_feed
    final = Manifest(
        feed_sha256=feed.sha256,
        feed_version=live.version if live and feed_current else "",
        files=_held_after(files, local, plan.delete, options),
        unreferenced={n: since for n, since in unreferenced.items() if n not in delete},
        deleting=list(delete),
        updated=utc_z(options.now),
    )
    if not _needs_bookkeeping(files, unreferenced, final, state, plan):
        return plan
    return replace(plan, operations=_operations(plan, local, feed, state, final))


def _held_after(
    files: Mapping[str, FileEntry],
    local: Mapping[str, LocalFile],
    delete: Sequence[str],
    options: PlanOptions,
) -> dict[str, FileEntry]:
    """What the host holds once the plan ran: every local file, minus what was deleted."""
    held = dict(files)
    for name, file in local.items():
        held[name] = entry_for(name, file, files.get(name), options)
    for name in options.held:  # on the host already: the build's key and meta are recorded
        given, there = options.keys.get(name), held.get(name)
        if given is not None and there is not None:
            held[name] = replace(there, key=given.key, meta={**there.meta, **given.meta})
    for name in delete:
        held.pop(name, None)
    return held


def _needs_bookkeeping(
    files: Mapping[str, FileEntry],
    unreferenced: Mapping[str, str],
    final: Manifest,
    state: HostState,
    plan: PublishPlan,
) -> bool:
    """Whether the host needs any write: a change, a journal to finish, or a manifest that no
    longer says what the host holds."""
    manifest = state.manifest
    return bool(
        plan.changes
        or plan.recovered
        or state.journal
        or files != manifest.files
        or unreferenced != manifest.unreferenced
        or (not plan.feed_changed and manifest.feed_version != final.feed_version)
        or manifest.feed_sha256 != final.feed_sha256
        or any(entry != manifest.files.get(name) for name, entry in final.files.items())
    )


def _operations(
    plan: PublishPlan,
    local: Mapping[str, LocalFile],
    feed: LocalFile,
    state: HostState,
    final: Manifest,
) -> tuple[Operation, ...]:
    ops: list[Operation] = []
    if plan.upload or plan.feed_changed:
        pending = {name: local[name].entry for name in plan.upload}
        ops.append(WriteJournal(Journal(feed_sha256=feed.sha256, pending=pending)))
    # The other formats name the same assets as the feed: they go after every asset, each
    # swapped in atomically like the feed.
    for name in sorted(plan.upload, key=lambda n: n in SIBLING_FEED_NAMES):
        ops.append(SendFile(name, atomic=name in SIBLING_FEED_NAMES))
    if plan.feed_changed:
        live = state.live_feed
        ops.append(SwapFeed(if_match=live.version if live else None, if_absent=live is None))
    ops.append(WriteManifest(final, feed_version_from_swap=plan.feed_changed))
    ops += [DeleteFile(name) for name in plan.delete]
    if plan.delete:
        ops.append(WriteManifest(replace(final, deleting=[]), plan.feed_changed))
    if state.journal is not None or plan.upload or plan.feed_changed:
        ops.append(DeleteJournal())
    return tuple(ops)
