"""Writing files so that readers see the old file or the new one, never a part of it; and
keeping caches from growing for ever."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from pathlib import Path

# mkstemp creates files readable by the owner only; outputs are for a web server to read, so
# they get the permissions any new file would get (0666 less the process's umask).
_UMASK = os.umask(0)
os.umask(_UMASK)
FILE_MODE = 0o666 & ~_UMASK


def write_atomic(path: Path, content: bytes, *, durable: bool = True) -> None:
    """Write `content` to `path` through a temp file in the same folder and `os.replace`.

    `durable` also fsyncs before the rename (for outputs; caches can skip it).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(handle, FILE_MODE)
        with os.fdopen(handle, "wb") as temp:
            temp.write(content)
            if durable:
                temp.flush()
                os.fsync(temp.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def copy_atomic(source: Path, target: Path) -> None:
    """Copy `source` to `target` through a temp file of its own (a unique name in the target's
    folder, so two writers never share one) and `os.replace`: readers see the old file or the
    whole new one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
    )
    try:
        os.fchmod(handle, FILE_MODE)
        with os.fdopen(handle, "wb") as temp, source.open("rb") as original:
            shutil.copyfileobj(original, temp, 1 << 20)
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def mark_used(path: Path) -> None:
    """Note that a cache file was just used (its modification time), for `remove_unused`."""
    with contextlib.suppress(OSError):
        os.utime(path)


def remove_unused(folder: Path, older_than_seconds: float, *, suffixes: tuple[str, ...]) -> int:
    """Delete the files directly in `folder` ending in one of `suffixes` that were neither
    written nor `mark_used` for `older_than_seconds`; returns how many. A cache's entries for
    things no longer built (an article removed, a page gone from the feed) go this way."""
    cutoff = time.time() - older_than_seconds
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        if not entry.name.endswith(suffixes):
            continue
        with contextlib.suppress(OSError):
            if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < cutoff:
                os.unlink(entry.path)
                removed += 1
    return removed
