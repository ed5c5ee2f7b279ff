"""Writing files so that readers see the old file or the new one, never a part of it."""

from __future__ import annotations

import os
import tempfile
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
