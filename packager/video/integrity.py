"""A cheap check that a media file in the output folder was written to the end.

Before a build reuses an MP4 it (or an earlier, interrupted build, or a renderer whose parent
was killed) wrote, it walks the file's top-level ISO-BMFF boxes (ISO/IEC 14496-12 §4.2):
`ftyp` and `moov` present, every box whole, and the box sizes adding up to the file size. A
half-written file fails this in microseconds, without decoding a frame.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO

_HEADER = 8
_REQUIRED = frozenset({b"ftyp", b"moov"})
# A healthy MP4 has a handful of top-level boxes; a file that claims thousands is not one.
_MAX_TOP_LEVEL_BOXES = 10_000


def mp4_problem(path: Path) -> str:
    """Why `path` is not a complete MP4 ("" when it is): a truncated box, a missing ftyp or
    moov, or bytes after the last box."""
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, 2)
            return _walk_boxes(handle, size)
    except OSError as error:
        return f"cannot read it: {error.strerror or error}"


def mp4_is_complete(path: Path) -> bool:
    """Whether `path` is a whole MP4 (see `mp4_problem`)."""
    return not mp4_problem(path)


def _walk_boxes(stream: BinaryIO, size: int) -> str:
    found: set[bytes] = set()
    offset = 0
    for _ in range(_MAX_TOP_LEVEL_BOXES):
        if offset == size:
            missing = sorted(name.decode() for name in _REQUIRED - found)
            return f"no {' or '.join(missing)} box" if missing else ""
        if size - offset < _HEADER:
            return f"a truncated box header at byte {offset}"
        stream.seek(offset)
        box_size, kind = struct.unpack(">I4s", stream.read(_HEADER))
        if box_size == 1:  # a 64-bit size follows the type
            if size - offset < _HEADER + 8:
                return f"a truncated box header at byte {offset}"
            (box_size,) = struct.unpack(">Q", stream.read(8))
        elif box_size == 0:  # the box runs to the end of the file
            box_size = size - offset
        if box_size < _HEADER:
            return f"a box of impossible size {box_size} at byte {offset}"
        if offset + box_size > size:
            name = kind.decode("latin-1")
            return (
                f"its {name!r} box at byte {offset} needs {box_size:,} bytes but only "
                f"{size - offset:,} are there (the file was not written to the end)"
            )
        found.add(kind)
        offset += box_size
    return "too many top-level boxes for an MP4"
