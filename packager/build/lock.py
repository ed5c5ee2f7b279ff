"""One build at a time per output folder: a lock file in OUT/.packager/.

Two builds writing one folder at once publish broken videos (each truncates what the other is
writing). The lock names its holder (pid, host, start time); a second build waits a bounded
time for it, then fails with exit 9 naming the holder. A lock whose process is gone (same
host, pid no longer running) is stale and taken over.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from packager.errors import LockBusyError

BUILD_LOCK_NAME = "build.lock"  # in the state folder (layout.STATE_DIR)
DEFAULT_WAIT_SECONDS = 0.0
POLL_SECONDS = 0.25


@contextlib.contextmanager
def output_lock(state_dir: Path, wait_seconds: float = DEFAULT_WAIT_SECONDS) -> Iterator[None]:
    """Hold the output folder's build lock for the `with` block (see the module docstring)."""
    path = state_dir / BUILD_LOCK_NAME
    state_dir.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_seconds
    mine = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": datetime.now(UTC).replace(microsecond=0).isoformat(),
    }
    while not _try_create(path, mine):
        holder = _read(path)
        if holder is not None and _is_stale(holder):
            _take_over(path, holder)
            continue
        if time.monotonic() >= deadline:
            raise _busy(path, holder or {}, wait_seconds)
        time.sleep(POLL_SECONDS)
    try:
        yield
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
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _is_stale(holder: dict[str, object]) -> bool:
    pid = holder.get("pid")
    if holder.get("host") != socket.gethostname() or not isinstance(pid, int):
        return False  # another machine's build (a shared folder): only its owner knows
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, someone else's
    return False


def _take_over(path: Path, holder: dict[str, object]) -> None:
    """Remove a dead build's lock, only if it still is that lock (another waiter may have
    taken it over first)."""
    claim = path.with_name(f"{path.name}.{os.getpid()}.stale")
    with contextlib.suppress(OSError):
        os.replace(path, claim)
        if _read(claim) != holder:  # not the one we judged: put it back if none is there
            with contextlib.suppress(OSError):
                os.link(claim, path)
        claim.unlink(missing_ok=True)


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
