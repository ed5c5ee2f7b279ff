"""`packager republish`: build from the configured sources, compare with the live feed, and
publish only when something changed; for unattended scheduled jobs.

Nothing is kept on the machine that runs it: the live feed (its items' first-seen dates), the
publish manifest and the lock all live on the host beside the feed.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from packager.build import BuildResult, HostReuse, Progress, ProgressCallback, build_feed
from packager.config import ChannelConfig
from packager.diff import FeedDiff, diff_feeds, feed_items
from packager.errors import ExitCode, LockBusyError, PackagerError, PublishError
from packager.layout import BUILD_CACHE_NAME, FEED_NAME
from packager.outputs import (
    BuildCache,
    current_sibling_feeds,
    read_build_cache,
)
from packager.publish.base import KNOWN_SCHEMES, Host, HostError, host_for, open_host
from packager.publish.core import DEFAULT_GRACE_PERIOD, PublishResult, publish
from packager.publish.hostcache import channel_and_cache, host_cache_after
from packager.publish.lock import DEFAULT_LOCK_TTL, HostLock, acquire_lock
from packager.publish.manifest import FileEntry
from packager.publish.plan import matches
from packager.publish.retry import RetriesExhausted, RetryPolicy, failed_as, retried, with_retries
from packager.publish.state import read_live_manifest
from packager.publish.target import Target, parse_target
from packager.secrets import redact
from packager.timestamps import parse_timestamp

DEFAULT_MAX_SHRINK = 0.5
T = TypeVar("T")

# status → exit code (published and no-changes are both 0 unless detailed codes are asked for)
STATUS_EXIT_CODES: dict[str, ExitCode] = {
    "published": ExitCode.OK,
    "no-changes": ExitCode.OK,
    "invalid-feed": ExitCode.FEED_INVALID,
    "bad-input": ExitCode.BAD_INPUT,
    "host-failed": ExitCode.PUBLISH_FAILED,
    "source-unreachable": ExitCode.SOURCE_UNREACHABLE,
    "shrink-refused": ExitCode.SHRINK_REFUSED,
    "busy": ExitCode.BUSY,
}
# A PackagerError's exit code → the status a republish reports for it.


def status_of(code: ExitCode) -> str:
    """The status a failure with exit `code` reports (the inverse of STATUS_EXIT_CODES);
    "bad-input" for a code no status has."""
    for status, status_code in STATUS_EXIT_CODES.items():
        if status_code == code and status_code != ExitCode.OK:
            return status
    return "bad-input"


@dataclass(frozen=True)
class RepublishResult:
    """What a republish run did and why; decides the exit code."""

    status: str
    target: str
    message: str
    hint: str = ""
    diff: FeedDiff | None = None
    build: BuildResult | None = None
    published: PublishResult | None = None
    live_items: int | None = None  # None: no feed was live
    lock_waited_seconds: float = 0.0
    host_requests: int = 0
    warnings: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.status in ("published", "no-changes")

    def exit_code(self, *, detailed: bool = False) -> ExitCode:
        """0 for published and no changes; with `detailed`, no changes is 8."""
        if detailed and self.status == "no-changes":
            return ExitCode.NO_CHANGES
        return STATUS_EXIT_CODES[self.status]

    def as_dict(self, *, detailed: bool = False) -> dict[str, Any]:
        return {
            "status": self.status,
            "exitCode": int(self.exit_code(detailed=detailed)),
            "target": self.target,
            "message": self.message,
            "hint": self.hint,
            "liveItems": self.live_items,
            "diff": self.diff.as_dict() if self.diff else None,
            "publish": self.published.as_dict() if self.published else None,
            "build": self.build.as_dict() if self.build else None,
            "lockWaitedSeconds": round(self.lock_waited_seconds, 3),
            "hostRequests": self.host_requests,
            "warnings": list(self.warnings),
        }

    def text(self) -> str:
        """The summary for people: the outcome, then the diff."""
        lines = [self.message]
        if self.hint:
            lines.append(f"hint: {self.hint}")
        if self.diff is not None and self.diff.has_changes:
            lines.append(self.diff.text())
        lines += [f"warning: {warning}" for warning in self.warnings]
        return "\n".join(lines)

    def markdown(self) -> str:
        """For a CI job summary ($GITHUB_STEP_SUMMARY)."""
        lines = [f"### packager republish: {self.status}", "", _markdown_line(self.message)]
        if self.hint:
            lines.append(f"\n_hint: {_markdown_line(self.hint)}_")
        text = "\n".join(lines) + "\n"
        if self.diff is not None:
            text += "\n" + self.diff.markdown()
        return text


def _markdown_line(text: str) -> str:
    return text.replace("\n", " ")


def live_dates(feed: Any) -> dict[str, datetime]:
    """Each live item's `content.dateAdded` by id (items without a readable one are left out)."""
    dates: dict[str, datetime] = {}
    for item_id, (_, item) in feed_items(feed).items():
        content = item.get("content")
        text = content.get("dateAdded") if isinstance(content, dict) else None
        moment = parse_timestamp(text, assume_utc=True)
        if moment is not None:
            dates[item_id] = moment
    return dates


def shrink_refusal(diff: FeedDiff, max_shrink: float) -> str:
    """Why the new feed drops too much of the live one, or "" when it does not.

    Refused: losing every live item, or at least `max_shrink` of them (0.5: half or more).
    """
    live, removed = diff.old_count, len(diff.removed)
    if live == 0 or removed == 0:
        return ""
    if diff.new_count == 0 or removed >= max_shrink * live:
        share = removed / live
        return (
            f"the new feed would drop {removed} of the {live} live items ({share:.0%}), "
            f"keeping {diff.new_count}; the limit is {max_shrink:.0%}"
        )
    return ""


@dataclass(frozen=True)
class _Job:
    """One republish run's settings, as `republish` was called."""

    config: ChannelConfig
    out_dir: Path
    allow_shrink: bool
    max_shrink: float
    now: datetime | None
    grace_period: timedelta
    lock_ttl: timedelta
    retry: RetryPolicy
    clock: Callable[[], datetime]
    verify: bool
    target: Target  # as parsed: its secrets are redacted from every message
    owner: str | None
    wait_seconds: float
    sleep: Callable[[float], None]
    reuse: bool = True
    progress: ProgressCallback | None = None

    @property
    def secrets(self) -> tuple[str, ...]:
        return self.target.secrets


def republish(  # noqa: PLR0913 - keyword-only options of the public API (the CLI's flags)
    config: ChannelConfig,
    target: str,
    *,
    out_dir: Path,
    allow_shrink: bool = False,
    max_shrink: float = DEFAULT_MAX_SHRINK,
    wait_seconds: float = 0.0,
    now: datetime | None = None,
    grace_period: timedelta = DEFAULT_GRACE_PERIOD,
    lock_ttl: timedelta = DEFAULT_LOCK_TTL,
    owner: str | None = None,
    host: Host | None = None,
    retry: RetryPolicy | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    sleep: Callable[[float], None] = time.sleep,
    verify: bool = False,
    reuse: bool = True,
    progress: ProgressCallback | None = None,
) -> RepublishResult:
    """Build the channel from `config.sources` into `out_dir`, diff it against the feed live
    on `target`, and publish it there only when something changed.

    Runs under the target's lock (`packager-lock.json`), waiting up to `wait_seconds`; the
    lock is renewed before the first write and right before the feed swap, so a run whose
    lock was taken over meanwhile (it outlived `lock_ttl`) stops with status "busy". Refuses
    ("shrink-refused") a feed that drops `max_shrink` or more of the live items unless
    `allow_shrink`. Every outcome is a result with a status; only a bad config or a bug
    raises. `verify`: also send again what the host lost (see `publish`), and check that
    the files the host's build cache names are really there before reusing them.

    `progress` receives the build's stage events (see `packager.build.progress`).

    With `reuse` (the default) the host is the build cache: an article whose content key
    the host's `packager-build-cache.json` lists, with its files on the host, is neither
    rendered nor copied again (see `read_host_reuse`), so an empty `out_dir` costs little.
    """
    if not 0.0 <= max_shrink <= 1.0:
        raise ValueError("max_shrink is a share between 0 and 1")
    own_host = host is None
    try:
        parsed = parse_target(target, known_schemes=KNOWN_SCHEMES)
        host = host or open_host(parsed)
    except PackagerError as error:
        status = "host-failed" if isinstance(error, PublishError) else "bad-input"
        shown = getattr(error, "location", "") or getattr(error, "target", "")
        return RepublishResult(status, shown, error.message, error.hint)
    job = _Job(
        config=config,
        out_dir=out_dir,
        allow_shrink=allow_shrink,
        max_shrink=max_shrink,
        now=now,
        grace_period=grace_period,
        lock_ttl=lock_ttl,
        retry=retry or RetryPolicy(),
        clock=clock,
        verify=verify,
        target=parsed,
        owner=owner,
        wait_seconds=wait_seconds,
        sleep=sleep,
        reuse=reuse,
        progress=progress,
    )
    start = host.counters.requests
    try:
        result = _run_under_lock(job, host)
        return replace(result, host_requests=host.counters.requests - start)
    finally:
        if own_host:
            host.close()


def _run_under_lock(job: _Job, host: Host) -> RepublishResult:
    """Take the lock (waiting as asked), run, and give the lock back whatever happened."""
    take = lambda: acquire_lock(  # noqa: E731 - one retried call
        host,
        owner=job.owner,
        ttl=job.lock_ttl,
        wait_seconds=job.wait_seconds,
        clock=job.clock,
        sleep=job.sleep,
    )
    try:
        lock = with_retries(job.retry, take)
    except LockBusyError as error:
        return RepublishResult("busy", host.target, error.message, error.hint)
    except RetriesExhausted as failed:
        return _host_failed(_Outcome(host.target), "taking the publish lock", failed.error, job)
    try:
        result = _locked_run(job, host, lock)
    finally:
        note = _release(lock, job.retry, job.secrets)
    return replace(result, warnings=result.warnings + ((note,) if note else ()))


@dataclass
class _Outcome:
    """Makes the result of a run from what it has learnt so far."""

    target: str
    live_items: int | None = None
    waited: float = 0.0
    warnings: list[str] = field(default_factory=list)
    build: BuildResult | None = None
    host_cache: bytes | None = None  # the host's build cache as read before the build
    rewrite_manifest: bool = False  # the host's manifest could not be used
    # Files the manifest lists were found missing: publish (checking what the host holds).
    repair: bool = False
    # Builds again without the host's files named (deleted by hand), see `_made_again`.
    rebuild: Callable[[frozenset[str]], BuildResult] | None = None

    def __call__(self, status: str, message: str, hint: str = "", **extra: Any) -> RepublishResult:
        return RepublishResult(
            status,
            self.target,
            message,
            hint,
            build=self.build,
            live_items=self.live_items,
            lock_waited_seconds=self.waited,
            warnings=tuple(self.warnings),
            **extra,
        )


def _locked_run(job: _Job, host: Host, lock: HostLock) -> RepublishResult:
    outcome = _Outcome(host.target, waited=lock.waited_seconds)
    if lock.took_over is not None:
        outcome.warnings.append(
            f"took over a stale lock of {lock.took_over.describe()} "
            f"(expired {lock.took_over.expires.isoformat()})"
        )
    try:
        fetched = with_retries(job.retry, lambda: host.read(FEED_NAME))
    except RetriesExhausted as failed:
        return _host_failed(outcome, f"reading the live {FEED_NAME}", failed.error, job)
    live: Any = None
    if fetched is not None:
        try:
            live = json.loads(fetched[0])
        except ValueError:
            outcome.warnings.append(
                f"the live {FEED_NAME} on {host.target} is not JSON; replacing it"
            )
    outcome.live_items = len(feed_items(live)) if live is not None else None
    try:
        found = read_host_reuse(job.target, host=host, retry=job.retry, verify=job.verify)
    except PublishError as error:
        return outcome("host-failed", error.message, error.hint)
    outcome.host_cache = found.raw
    outcome.rewrite_manifest = found.manifest_unusable
    outcome.warnings += found.warnings
    reuse = found.reuse
    outcome.rebuild = lambda gone: _build(
        job, lock, live, replace(reuse, on_host=reuse.on_host - gone)
    )
    try:
        outcome.build = _build(job, lock, live, reuse if job.reuse else None)
    except PackagerError as error:
        status = status_of(error.exit_code)
        return outcome(status, f"build failed: {error.message}", error.hint)
    refused = _build_refusal(outcome, outcome.build, job.out_dir)
    if refused is not None:
        return refused
    guard = _lock_guard(host, lock, job)
    return _publish_changes(job, host, live, outcome, guard)


def _build(job: _Job, lock: HostLock, live: Any, reuse: HostReuse | None) -> BuildResult:
    # republish guards against shrinking itself, against the live feed (allow_shrink there).
    return build_feed(
        [],
        job.out_dir,
        job.config,
        now=job.now,
        known_dates=live_dates(live),
        allow_shrink=True,
        reuse=reuse,
        progress=_renewing(job, lock),
    )


def _made_again(job: _Job, host: Host, outcome: _Outcome) -> RepublishResult | None:
    """Before a feed swap, the files the build took from the host that it lost (deleted by
    hand): their articles are built again here and publish sends them (checking what the
    host holds), so the swapped feed never names a missing file. A result when that fails."""
    try:
        assert outcome.build is not None
        gone = _held_gone(job, host, outcome.build)
        if not gone or outcome.rebuild is None:
            return None
        outcome.warnings.append(
            f"{len(gone)} file(s) the manifest lists are missing on {host.target}; the "
            f"articles using them are made again and sent: {_shown(sorted(gone))}"
        )
        outcome.repair = True
        outcome.build = outcome.rebuild(gone)
    except PublishError as error:
        return outcome("host-failed", error.message, error.hint)
    except PackagerError as error:
        status = status_of(error.exit_code)
        return outcome(status, f"build failed: {error.message}", error.hint)
    return _build_refusal(outcome, outcome.build, job.out_dir)


def _held_gone(job: _Job, host: Host, build: BuildResult) -> frozenset[str]:
    """The files the build took from the host (its feed names them, the output folder lacks
    them) that the host does not hold: one stat of just those files. Without --verify the
    manifest is believed for everything else. Raises PublishError when the host fails."""
    if job.verify or not build.from_host or not build.feed_written:
        return frozenset()
    cache = read_build_cache(job.out_dir)
    names = sorted(cache.remote) if cache is not None else []
    if not names:
        return frozenset()
    found = _read_or_fail(host, job.retry, job.secrets, "(held files)", lambda: host.stat(names))
    return frozenset(names) - set(found)


def _renewing(job: _Job, lock: HostLock) -> ProgressCallback:
    """The build's progress callback (the caller's, if any) that also renews the lock, at most
    every quarter of its TTL: a build longer than the TTL keeps its lock, where a renewal
    only after the build would find it expired. A renewal that fails is left to the guard
    before the first write, which stops the run ("busy") if the lock is really lost."""
    every = job.lock_ttl / 4
    last = [job.clock()]
    busy = threading.Lock()  # build stages may report from worker threads

    def progress(event: Progress) -> None:
        if job.progress is not None:
            job.progress(event)
        with busy:
            now = job.clock()
            if now - last[0] < every:
                return
            last[0] = now
            # A failure is left to the guard's renewal (with retries), which decides.
            with contextlib.suppress(HostError, LockBusyError):
                lock.renew(ttl=job.lock_ttl, clock=job.clock)

    return progress


def _build_refusal(outcome: _Outcome, build: BuildResult, out_dir: Path) -> RepublishResult | None:
    """Why this build must not be published (unreachable source, invalid or empty feed)."""
    report = build.report_path
    if build.unreachable:
        return outcome(
            "source-unreachable",
            f"not published: cannot fetch {', '.join(build.unreachable)}; the live feed on "
            f"{outcome.target} is untouched",
            "check that the source is up and its URL is right; the next scheduled run "
            "publishes once it answers",
        )
    if build.feed_written:
        return None
    if build.validation is not None and not build.validation.ok:
        errors = build.validation.errors
        first = "; ".join(f"{p.pointer}: {p.message}" for p in errors[:3])
        return outcome(
            "invalid-feed",
            f"not published: the built feed has {len(errors)} error(s): {first}",
            f"see {report}; the live feed is untouched",
        )
    if outcome.live_items:
        return outcome(
            "shrink-refused",
            f"not published: the build produced no items and would empty the "
            f"{outcome.live_items}-item live feed on {outcome.target}",
            f"{len(build.skipped)} article(s) were skipped; see {report}",
        )
    return outcome(
        "bad-input",
        "not published: nothing could be built from the sources",
        f"see {report} for the skipped articles",
    )


def _publish_changes(
    job: _Job, host: Host, live: Any, outcome: _Outcome, guard: Callable[[], None]
) -> RepublishResult:
    """Diff the build against the live feed; publish it unless nothing changed or it shrinks
    too much."""
    new = json.loads((job.out_dir / FEED_NAME).read_bytes())
    diff = diff_feeds(live if isinstance(live, dict) else {}, new)
    try:
        unchanged = (
            live is not None
            and not diff.has_changes
            and not _other_formats_changed(job, host)
            and _host_cache_current(job.out_dir, outcome.host_cache)
            and not outcome.rewrite_manifest
            and not outcome.repair
        )
    except RetriesExhausted as failed:
        return _host_failed(
            outcome, "reading the live feed's other formats", failed.error, job, diff=diff
        )
    if unchanged and not job.verify:
        return outcome("no-changes", f"no changes: {host.target} is current", diff=diff)
    refusal = "" if job.allow_shrink else shrink_refusal(diff, job.max_shrink)
    if refusal:
        return outcome(
            "shrink-refused",
            f"not published: {refusal}; the live feed on {host.target} is untouched",
            "a source may be broken; if the drop is intended, run again with --allow-shrink "
            "(or raise --max-shrink)",
            diff=diff,
        )
    made_again = _made_again(job, host, outcome)
    if made_again is not None:
        return made_again
    try:
        published = publish(
            job.out_dir,
            host.target,
            host=host,
            now=job.now,
            grace_period=job.grace_period,
            retry=job.retry,
            verify=job.verify or outcome.repair,
            guard=guard,
        )
    except PackagerError as error:
        status = status_of(error.exit_code)
        return outcome(status, error.message, error.hint, diff=diff)
    outcome.warnings += published.warnings
    return _published(outcome, diff, published, unchanged=unchanged)


def _published(
    outcome: _Outcome, diff: FeedDiff, published: PublishResult, *, unchanged: bool
) -> RepublishResult:
    touched = published.uploaded or published.deleted or published.feed_replaced
    target = outcome.target
    if unchanged and not touched:
        return outcome(
            "no-changes",
            f"no changes: {target} is current and holds every file",
            diff=diff,
            published=published,
        )
    if unchanged:
        return outcome(
            "published",
            f"repaired {target}: the feed's items did not change; "
            f"{len(published.uploaded)} file(s) sent again, {len(published.deleted)} deleted"
            + (", feed.json replaced" if published.feed_replaced else "")
            + f", {published.bytes_sent:,} bytes",
            diff=diff,
            published=published,
        )
    return outcome(
        "published",
        f"published to {target}: {diff.summary()}; {len(published.uploaded)} file(s) "
        f"uploaded, {published.bytes_sent:,} bytes",
        diff=diff,
        published=published,
    )


def _host_cache_current(out_dir: Path, host_cache: bytes | None) -> bool:
    """Whether the host's build cache already is the one a publish of this build writes (else
    the run publishes, to record it: nothing is sent that the host holds)."""
    try:
        channel, cache = channel_and_cache(out_dir)
    except (PackagerError, OSError, ValueError):
        return False  # let publish tell what is wrong
    if cache is None:
        return True  # nothing to record
    return host_cache_after(channel, cache).to_bytes() == host_cache


@dataclass(frozen=True)
class HostFindings:
    """What `read_host_reuse` found: the reuse for the build, the host's build cache as it
    was read (None: there was none) and warnings about what could not be used."""

    reuse: HostReuse
    raw: bytes | None
    warnings: tuple[str, ...] = ()
    # The host's manifest is there but unreadable or of another format: a publish must
    # rewrite it even when the feed did not change (else every run makes everything again).
    manifest_unusable: bool = False


def read_host_reuse(
    target: str | Target,
    *,
    host: Host | None = None,
    retry: RetryPolicy | None = None,
    verify: bool = False,
) -> HostFindings:
    """What the host at `target` holds that a build may reuse: its build cache
    (`packager-build-cache.json`) and the files its manifest lists; with `verify`, each file
    the cache names is looked up on the host, and an article whose file is gone (deleted by
    hand) is made again. A cache or manifest of another packager version is not used (a
    warning says so; the build then makes everything, nothing is lost).

    Raises PublishError when the host cannot be read, InputError/PublishError for a bad target.
    """
    policy = retry or RetryPolicy()
    warnings: list[str] = []
    with host_for(target, host) as (parsed, opened):
        files = read_live_manifest(parsed, host=opened, retry=policy, warnings=warnings)
        unusable = bool(warnings)  # its only warning: a manifest there but not read
        if unusable:
            warnings[-1] += (
                "; every article is made here, and republish publishes (writing it anew) "
                "even if the feed did not change"
            )
        raw, cache = _host_cache(opened, policy, parsed.secrets, warnings)
        on_host = frozenset(files)
        if verify and cache.articles:
            on_host = _verified(opened, policy, parsed.secrets, cache, files, warnings)
        shown = opened.target
    return HostFindings(HostReuse(cache, on_host, shown), raw, tuple(warnings), unusable)


# A build cache larger than this is not read (a real one is some kilobytes per article).
MAX_BUILD_CACHE_BYTES = 50 * 1024 * 1024


def _host_cache(
    host: Host, retry: RetryPolicy, secrets: tuple[str, ...], warnings: list[str]
) -> tuple[bytes | None, BuildCache]:
    size = _read_or_fail(
        host, retry, secrets, BUILD_CACHE_NAME, lambda: host.stat([BUILD_CACHE_NAME])
    ).get(BUILD_CACHE_NAME)
    if size is None:
        return None, BuildCache()
    if size.size > MAX_BUILD_CACHE_BYTES:
        warnings.append(
            f"{BUILD_CACHE_NAME} on {host.target} is not used (it holds {size.size:,} bytes, "
            f"more than {MAX_BUILD_CACHE_BYTES:,}): every article is made here, and the next "
            "publish writes it anew"
        )
        return b"", BuildCache()
    fetched = _read_or_fail(
        host, retry, secrets, BUILD_CACHE_NAME, lambda: host.read(BUILD_CACHE_NAME)
    )
    if fetched is None:
        return None, BuildCache()
    try:
        return fetched[0], BuildCache.from_bytes(fetched[0])
    except ValueError as exc:
        # A value out of range too (a duration of -5): ignored, the publish rewrites it.
        warnings.append(
            f"{BUILD_CACHE_NAME} on {host.target} is not used ({exc}): every article is made "
            "here, and the next publish writes it anew"
        )
        return fetched[0], BuildCache()


def _verified(  # noqa: PLR0913 - one step of read_host_reuse with its context
    host: Host,
    retry: RetryPolicy,
    secrets: tuple[str, ...],
    cache: BuildCache,
    files: Mapping[str, FileEntry],
    warnings: list[str],
) -> frozenset[str]:
    """The files the cache names that the host really holds, whole and with the content the
    manifest lists (asked, not believed: size, and the hash where the host gives one)."""
    names = sorted({name for entry in cache.articles.values() for name in entry.files} & set(files))
    found = _read_or_fail(host, retry, secrets, "(verify)", lambda: host.stat(names))
    gone = sorted(name for name in names if name not in found)
    changed = sorted(
        name for name in names if name in found and not matches(found[name], files[name])
    )
    if gone:
        warnings.append(
            f"{len(gone)} file(s) the manifest lists are missing on {host.target}; the "
            f"articles using them are made again: {_shown(gone)}"
        )
    if changed:
        warnings.append(
            f"{len(changed)} file(s) on {host.target} differ from what the manifest lists "
            f"(size or hash); the articles using them are made again: {_shown(changed)}"
        )
    return frozenset(files) - set(gone) - set(changed)


def _shown(names: list[str]) -> str:
    return ", ".join(names[:5]) + (" ..." if len(names) > 5 else "")


def _read_or_fail(
    host: Host, retry: RetryPolicy, secrets: tuple[str, ...], what: str, operation: Callable[[], T]
) -> T:
    return retried(
        retry,
        operation,
        failed_as(
            f"cannot read {what} on {host.target}: {{reason}}",
            target=host.target,
            secrets=secrets,
            hint="check that the host is up and the target is right",
        ),
    )


def _other_formats_changed(job: _Job, host: Host) -> bool:
    """Whether feed.xml or search.json (as this build wrote them) differ from the host's copy:
    they change with the config (formats, countries) even when feed.json does not.
    Raises RetriesExhausted when the host fails."""
    for name in sorted(current_sibling_feeds(job.out_dir)):
        remote = with_retries(job.retry, lambda name=name: host.read(name))  # type: ignore[misc]
        if remote is None or remote[0] != (job.out_dir / name).read_bytes():
            return True
    return False


def _lock_guard(host: Host, lock: HostLock, job: _Job) -> Callable[[], None]:
    """Before publish writes anything, and again right before it swaps the feed: renew the
    lock, or stop (LockLostError, status busy) when another run took it over meanwhile."""

    failure = failed_as(
        f"not published: renewing the publish lock on {host.target} failed — {{reason}}; "
        "the live feed is untouched by this run",
        target=host.target,
        secrets=job.secrets,
        hint="check that the host is up; the next run publishes",
    )

    def guard() -> None:
        retried(job.retry, lambda: lock.renew(ttl=job.lock_ttl, clock=job.clock), failure)

    return guard


def _host_failed(
    outcome: _Outcome, what: str, error: HostError, job: _Job, **extra: Any
) -> RepublishResult:
    """A host failure as a result, with what the run learnt before it (warnings, live items,
    the lock wait, the build and diff)."""
    return outcome(
        "host-failed",
        f"not published: {what} on {outcome.target} failed — {redact(str(error), job.secrets)}",
        error.hint
        or "check the target URL, the credentials and that the host is up; nothing was changed",
        **extra,
    )


def _release(lock: HostLock, retry: RetryPolicy, secrets: tuple[str, ...]) -> str:
    """Give the lock back (also after a failure); a warning when that did not work."""
    try:
        released = with_retries(retry, lock.release)
    except RetriesExhausted as failed:
        return (
            f"could not release the lock: {redact(str(failed.error), secrets)}; the next run "
            "takes it over once it expires"
        )
    return "" if released else "the lock was taken over by another run while this one ran"


def write_step_summary(result: RepublishResult, path: Path) -> None:
    """Append the result as Markdown to a GitHub Actions job summary file."""
    with path.open("a", encoding="utf-8") as stream:
        stream.write(result.markdown() + "\n")
