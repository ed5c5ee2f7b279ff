"""One build at a time per output folder: a lock file in OUT/.packager/.

Two builds writing one folder at once publish broken videos (each truncates what the other is
writing). The lock names its holder (pid, host, start time); a second build waits a bounded
time for it, then fails with exit 9 naming the holder. A lock whose process is gone (same
host, pid no longer running), one older than `MAX_BUILD_AGE` (a CI container gets a new host
name every run: a cached output folder must not block every later build) and one left
unreadable (a build killed while writing it) are stale and taken over, with a note.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from packager.errors import LockBusyError

BUILD_LOCK_NAME = "build.lock"  # in the state folder (layout.STATE_DIR)
DEFAULT_WAIT_SECONDS = 0.0
POLL_SECONDS = 0.25
# No build runs this long: a lock older than this (by its file's age or recorded start)
# belongs to a build that died, on whatever machine.
MAX_BUILD_AGE = timedelta(hours=6)
# A lock file is written in one call right after it is made: unreadable for longer than
# this, its writer died.
UNREADABLE_GRACE_SECONDS = 10.0


@contextlib.contextmanager
def output_lock(state_dir: Path, wait_seconds: float = DEFAULT_WAIT_SECONDS) -> Iterator[list[str]]:
    """Hold the output folder's build lock for the `with` block (see the module docstring);
    yields the notes to report (a stale lock taken over)."""
    path = state_dir / BUILD_LOCK_NAME
    state_dir.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_seconds
    mine = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": datetime.now(UTC).replace(microsecond=0).isoformat(),
    }
    notes: list[str] = []
    while not _try_create(path, mine):
        raw, holder = _read_raw(path)
        why = _stale_because(path, holder)
        if raw is not None and why:
            if _take_over(path, raw):
                notes.append(f"took over the build lock {path}: {why}")
            continue
        if time.monotonic() >= deadline:
            raise _busy(path, holder or {}, wait_seconds)
        time.sleep(POLL_SECONDS)
    try:
        yield notes
    finally:
        if _read(path) == mine:
            path.unlink(missing_ok=True)


def _try_create(path: Path, mine: dict[str, object]) -> bool:
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return False
    with os.fdopen(handle, "w", encoding="utf-8") as lock:
        json.dump(mine, lock)
    return True


def _read(path: Path) -> dict[str, object] | None:
    """The holder, or None when the lock is gone or unreadable (being written: wait)."""
    return _read_raw(path)[1]


def _read_raw(path: Path) -> tuple[bytes | None, dict[str, object] | None]:
    """The lock file's bytes (None: gone) and the holder they name (None: unreadable)."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None, None
    try:
        data = json.loads(raw.decode("utf-8"))
    except ValueError:
        return raw, None
    return raw, data if isinstance(data, dict) else None


def _stale_because(path: Path, holder: dict[str, object] | None) -> str:
    """Why the lock is stale ("" when it may still be held)."""
    try:
        age = time.time() - path.stat().st_mtime
    except OSError:
        return ""
    if holder is None:
        return "it is unreadable" if age > UNREADABLE_GRACE_SECONDS else ""
    pid = holder.get("pid")
    if holder.get("host") == socket.gethostname() and isinstance(pid, int):
        return _dead(pid)  # this machine's build: its process says
    # Another machine's build (a shared folder) or a lock naming none: only its age tells.
    started = holder.get("started")
    since = _when(started)
    limit = MAX_BUILD_AGE.total_seconds()
    if age > limit or (since is not None and datetime.now(UTC) - since > MAX_BUILD_AGE):
        return f"it was taken at {started or 'an unknown time'}, longer ago than any build runs"
    return ""


def _dead(pid: int) -> str:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return f"its build (pid {pid}) is gone"
    except (PermissionError, OverflowError, ValueError):
        return ""  # alive, someone else's
    return ""


def _when(text: object) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        found = datetime.fromisoformat(text)
    except ValueError:
        return None
    return found if found.tzinfo is not None else found.replace(tzinfo=UTC)


def _take_over(path: Path, raw: bytes) -> bool:
    """Remove a dead build's lock, only if it still is that lock (another waiter may have
    taken it over first)."""
    claim = path.with_name(f"{path.name}.{os.getpid()}.stale")
    try:
        os.replace(path, claim)
    except OSError:
        return False
    try:
        ours = claim.read_bytes() == raw
    except OSError:
        ours = False
    if not ours:  # not the one we judged: put it back if none is there
        with contextlib.suppress(OSError):
            os.link(claim, path)
    claim.unlink(missing_ok=True)
    return ours


def _busy(path: Path, holder: dict[str, object], waited: float) -> LockBusyError:
    pid, host, since = holder.get("pid", "?"), holder.get("host", "?"), holder.get("started", "?")
    return LockBusyError(
        f"output folder {path.parent.parent} is being built by another packager "
        f"(pid {pid} on {host}, since {since}); waited {waited:g} s",
        owner=f"pid {pid}",
        host_name=str(host),
        since=str(since),
        target=str(path.parent.parent),
        hint="wait for that build to finish (or pass --wait SECONDS); if no such process "
        f"runs any more, delete {path}",
    )
