"""`packager build`: articles → thumbnails and playable videos → feed items and rows → a validated
feed.json, written atomically only when the whole build is valid.

The pipeline, one module per step: `state` (what a build remembers under OUT/.packager/),
`collect` (reading sources and read-ahead scheduling), `prepare` (one article's thumbnail,
video and captions), `assemble` (limits, size budget, validation, writing), `result` (what a
build did and its exit code), `lock` (one build per output folder), `progress` (events).

Work is cached per article: a bundle folder whose files are unchanged (same names, sizes and
modification times) is not read again, and its thumbnails, probes and renders are reused;
content-hashed output names make every other repeat cheap too.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from packager.config import ChannelConfig
from packager.errors import ConfigError, InputError
from packager.feed.items import utc
from packager.layout import STATE_DIR
from packager.net.fetcher import Fetcher
from packager.outputs import PRUNE_AFTER_SECONDS
from packager.sources import ReadOptions

from .assemble import AssemblyOptions, assemble_feed
from .collect import LOOKAHEAD_PER_WORKER, Collected, collect
from .lock import DEFAULT_WAIT_SECONDS, output_lock
from .prepare import ArticlePreparer
from .progress import Progress, ProgressCallback
from .result import BuildResult, Skipped
from .reuse import HostReuse
from .state import BuildState

__all__ = [
    "DEFAULT_WORKERS",
    "BuildResult",
    "HostReuse",
    "Progress",
    "ProgressCallback",
    "Skipped",
    "build_feed",
]

# Thumbnail threads: the pixel work scales with cores; more than 4 buys little and costs memory.
DEFAULT_WORKERS = max(1, min(4, os.cpu_count() or 1))
# What the file system says when a folder cannot be written (not a bug: the user's setup).
_UNWRITABLE = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT}


@dataclass(frozen=True)
class _Run:
    """The settings of one build run that are not the channel's."""

    now: datetime
    progress: ProgressCallback | None
    strict: bool
    allow_shrink: bool
    rerender: bool
    workers: int
    reuse: HostReuse | None = None


def build_feed(  # noqa: PLR0913 - the library API: keyword options mirror the CLI's flags
    sources: Sequence[str | Path],
    out_dir: Path,
    config: ChannelConfig,
    *,
    now: datetime | None = None,
    progress: ProgressCallback | None = None,
    strict: bool = False,
    known_dates: Mapping[str, datetime] | None = None,
    workers: int = DEFAULT_WORKERS,
    allow_shrink: bool = False,
    rerender: bool = False,
    lock_wait: float = DEFAULT_WAIT_SECONDS,
    reuse: HostReuse | None = None,
) -> BuildResult:
    """Build OUT/feed.json from article SOURCES (bundle folders, feed or page URLs).

    Nothing of the previous output (feed.json, feed.xml, search.json, build-report.json) is
    replaced unless the whole build is valid; with `strict`, validation warnings count as
    errors. A feed that would lose more than half of the previous feed's items is not written
    (exit 7) unless `allow_shrink`. `rerender` renders again the videos of the articles that
    are rendered (it does not change which ones are). `progress` receives a `Progress` event
    per step. `workers` threads make thumbnails ahead of the article being prepared (1: no
    pool); the result is the same for any number. One build at a time per output folder: a
    second one waits up to `lock_wait` seconds, then raises LockBusyError (exit 9).

    Raises ConfigError/InputError for problems with the whole build (no base URL, a SOURCE
    that does not exist, an output folder that cannot be written); a broken article is a
    Skipped entry, never fatal. A SOURCE URL that cannot be fetched at all is named in the
    result's `unreachable`.

    `known_dates` maps item ids to when they were first published elsewhere (republish
    passes the live feed's `dateAdded`s): articles without a date of their own keep those
    dates, so a build on a fresh machine gives the same feed.

    `reuse` (see `republish.read_host_reuse`) is what a host holds: an article whose content
    key its build cache lists, with every file on the host, is taken from there: nothing is
    made or copied for it, and OUT/packager-build-cache.json names its files as "remote"
    (publish then checks the host holds them). Every build writes that file with the feed.
    """
    sources = _checked_sources(sources, config, workers)
    run = _Run(
        utc(now or datetime.now(UTC)), progress, strict, allow_shrink, rerender, workers, reuse
    )
    _check_writable(out_dir)
    try:
        with output_lock(out_dir / STATE_DIR, lock_wait) as lock_notes:
            result = _build(sources, out_dir, config, run, known_dates)
    except OSError as error:
        if error.errno in _UNWRITABLE:
            raise _unwritable(out_dir, error) from error
        raise
    return replace(result, notes=(*lock_notes, *result.notes)) if lock_notes else result


def _checked_sources(
    sources: Sequence[str | Path], config: ChannelConfig, workers: int
) -> list[str | Path]:
    """The sources to build (given, else the config's), once the settings are known usable."""
    if workers < 1:
        raise ConfigError(
            f"bad number of build workers: {workers}",
            key="workers",
            hint="give 1 (no thread pool) or more",
        )
    if not config.base_url:
        raise ConfigError(
            "no base URL: packager needs the public URL the output folder will be served from",
            key="channel.base_url",
            hint="pass --base-url https://cdn.example.com/channel/ or set base_url in channel.toml",
        )
    sources = list(sources) or list(config.sources)
    if not sources:
        raise InputError(
            "nothing to build: no SOURCE given and none in the config",
            hint="pass a folder of article bundles, or set [channel] sources",
        )
    return sources


def _build(
    sources: list[str | Path],
    out_dir: Path,
    config: ChannelConfig,
    run: _Run,
    known_dates: Mapping[str, datetime] | None,
) -> BuildResult:
    state = BuildState(out_dir / STATE_DIR)
    if known_dates:
        state.remember(known_dates)
    read_options = ReadOptions(
        boilerplate_patterns=config.boilerplate_patterns, default_language=config.language
    )
    collected = Collected()
    pool: AbstractContextManager[Executor | None] = (
        ThreadPoolExecutor(run.workers, thread_name_prefix="thumbnails")
        if run.workers > 1
        else nullcontext(None)
    )
    with (
        Fetcher(state.folder / "http", allow_hosts=config.allow_hosts) as fetcher,
        pool as executor,
    ):
        preparer = ArticlePreparer(
            out_dir,
            config,
            state,
            fetcher,
            run.now,
            executor,
            rerender=run.rerender,
            progress=run.progress,
            reuse=run.reuse,
        )
        lookahead = LOOKAHEAD_PER_WORKER * run.workers if executor else 0
        collect([str(s) for s in sources], preparer, read_options, collected, lookahead)
        live_thumbnails = {
            stream.id: preparer.live_thumbnail(stream.thumbnail, f"{config.path}: live {stream.id}")
            for stream in config.live
        }
        fetcher.prune_cache(PRUNE_AFTER_SECONDS)  # pages no source has listed for a while
    options = AssemblyOptions(run.strict, run.allow_shrink, run.progress)
    result = assemble_feed(out_dir, config, state, run.now, collected, live_thumbnails, options)
    state.save()
    return result


def _check_writable(out_dir: Path) -> None:
    """Refuse an output folder that cannot be written before any work is done (exit 4):
    every OS error here is about the folder the user named (a file, a dangling link, a place
    where no folder can be made such as /proc), not a bug."""
    if out_dir.is_symlink() and not out_dir.exists():
        raise InputError(
            f"cannot write the output folder {out_dir}: it is a symbolic link to "
            f"{os.readlink(out_dir)}, which does not exist",
            location=str(out_dir),
            hint="make the folder the link points to, or give another output folder (--out DIR)",
        )
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(
            f"cannot write the output folder {out_dir}: it is a file, not a folder",
            location=str(out_dir),
            hint="give an output folder (--out DIR)",
        )
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out_dir, prefix=".packager-probe-"):
            pass
    except OSError as error:
        raise _unwritable(out_dir, error) from error


def _unwritable(out_dir: Path, error: OSError) -> InputError:
    where = error.filename or out_dir
    why = error.strerror or str(error)
    if error.errno == errno.ENOENT:  # mkdir under /proc, a vanished mount: no folder there
        why += " (no folder can be made there)"
    return InputError(
        f"cannot write the output folder {out_dir}: {where} — {why}",
        location=str(out_dir),
        hint="give an output folder you can write (--out DIR), or fix its permissions "
        "(and free disk space if it is full)",
    )
