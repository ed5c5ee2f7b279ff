"""Reading a feed document from a file, a URL or stdin, with size limits and clear parse errors."""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from packager.errors import InputError
from packager.filekinds import SAMPLE, kind_note, looks_like
from packager.model import Problem
from packager.secrets import redact_url
from packager.validate.jsonfaults import (
    find_faults,
    noting_duplicates,
    parse_float,
    parse_int,
)

MIB = 1024 * 1024
DEFAULT_MAX_BYTES = 100 * MIB
DEFAULT_TIMEOUT = 30.0  # seconds to wait for a feed URL to answer


@dataclass(frozen=True)
class FeedDocument:
    """A feed as read: where it came from, its size, the parsed JSON, and what the JSON text
    itself got wrong (duplicate keys, NaN, lone surrogates; see jsonfaults)."""

    origin: str
    size_bytes: int
    data: Any
    problems: tuple[Problem, ...] = field(default=(), compare=False)


def read_feed_bytes(
    source: str | Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = DEFAULT_TIMEOUT,
    stdin: BinaryIO | None = None,
) -> tuple[str, bytes]:
    """The raw bytes of `source`: a path, an http(s) URL, or "-" for standard input."""
    text = str(source)
    if text == "-":
        stream = stdin or sys.stdin.buffer
        raw = stream.read(max_bytes + 1)
        _check_size("standard input", len(raw), max_bytes)
        return "<stdin>", raw
    if text.startswith(("http://", "https://")):
        from packager.net.fetcher import fetch  # the HTTP stack only when a URL is given

        raw = fetch(text, max_bytes=max_bytes, timeout=(min(5.0, timeout), timeout)).content
        return redact_url(text), raw  # the origin is shown in every report: no password
    path = Path(text)
    if not path.exists():
        raise InputError(f"cannot read {text}: no such file", location=text, hint="check the path")
    if path.is_dir():
        raise InputError(
            f"cannot read {text}: it is a folder",
            location=text,
            hint="give the feed file itself, e.g. output/feed.json",
        )
    _check_size(text, path.stat().st_size, max_bytes)
    try:
        return text, path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {text}: {exc.strerror}", location=text) from exc


def parse_feed(origin: str, raw: bytes) -> FeedDocument:
    """Parse JSON bytes, turning every failure into an InputError with line and column."""
    return parse_feed_text(origin, decode_feed(origin, raw), len(raw))


def decode_feed(origin: str, raw: bytes) -> str:
    """`raw` as text; an InputError that says what the bytes are when they are not UTF-8."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise not_utf8_error(origin, raw, exc) from exc


# What to do about a feed that is a file of another kind (see filekinds.looks_like).
_FIXES_BY_KIND = {
    "a gzip archive": "decompress it (gunzip); a server may compress the feed only in transit "
    "(Content-Encoding: gzip), which every client undoes",
    "a ZIP archive": "unzip it and give the feed file inside",
    "UTF-16 text": "save the feed as UTF-8 (Roku reads feeds as UTF-8 only)",
    "UTF-32 text": "save the feed as UTF-8 (Roku reads feeds as UTF-8 only)",
}


def _other_kind_error(origin: str, kind: str) -> InputError | None:
    """The error for a feed that is a file of another kind with a known fix, if it is one."""
    fix = _FIXES_BY_KIND.get(kind)
    if fix is None:
        return None
    return InputError(f"{origin} is {kind}, not a JSON feed", location=origin, hint=fix)


def not_utf8_error(origin: str, raw: bytes, error: UnicodeDecodeError) -> InputError:
    """The error for a feed whose bytes are not UTF-8: what they look like, and where the first
    byte that is not UTF-8 is (line and column, never the byte itself: see filekinds)."""
    kind = looks_like(raw)
    other = _other_kind_error(origin, kind)
    if other is not None:
        return other
    line = raw.count(b"\n", 0, error.start) + 1
    column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
    if kind == "an unknown binary format":
        hint = "give the feed's JSON file: this one is not text"
    else:  # text in another encoding, or UTF-8 with a broken byte further on
        hint = (
            "save the feed as UTF-8 (in an editor: save with encoding UTF-8; with iconv: "
            "iconv -f WINDOWS-1252 -t UTF-8 feed.json)"
        )
    return InputError(
        f"{origin} is not UTF-8 text: line {line}, byte {column} of the line is not "
        f"UTF-8{kind_note(kind)}",
        location=f"{origin}:{line}:{column}",
        hint=hint,
    )


def parse_feed_text(origin: str, text: str, size_bytes: int) -> FeedDocument:
    """Parse decoded JSON text (see parse_feed)."""
    if not text or text.isspace():
        raise InputError(f"{origin} is empty", location=origin, hint="give a JSON feed")
    if starts_with_markup(text):
        raise InputError(
            f"{origin} is XML or HTML, not a JSON feed",
            location=origin,
            hint="packager validate reads Roku Direct Publisher JSON feeds",
        )
    non_finite: list[str] = []
    duplicates: list[bool] = []
    try:
        data = _loads(text, non_finite, duplicates)
        data, problems = find_faults(
            text, data, saw_non_finite=bool(non_finite), saw_duplicates=bool(duplicates)
        )
    except json.JSONDecodeError as exc:
        head = text[:SAMPLE]
        if "\x00" in head:  # NULs are UTF-8 too: UTF-16 without its byte order mark
            other = _other_kind_error(origin, looks_like(head.encode("utf-8", "replace")))
            if other is not None:
                raise other from exc
        line = text.splitlines()[exc.lineno - 1] if exc.lineno - 1 < len(text.splitlines()) else ""
        excerpt = line.strip()[:100]
        raise InputError(
            f"{origin} is not valid JSON: line {exc.lineno} column {exc.colno}: {exc.msg}"
            + (f"\n  {excerpt}" if excerpt else ""),
            location=f"{origin}:{exc.lineno}:{exc.colno}",
            hint="fix the JSON syntax there (a missing comma or quote is the usual cause)",
        ) from exc
    except RecursionError as exc:
        raise InputError(
            f"{origin} is nested too deeply to be a feed",
            location=origin,
            hint="a Roku feed is a few levels deep; this file is not one",
        ) from exc
    return FeedDocument(origin=origin, size_bytes=size_bytes, data=data, problems=tuple(problems))


def starts_with_markup(text: str) -> bool:
    """Whether the first character of `text` after any whitespace is `<` (XML or HTML), found
    without copying the text (`text.lstrip()` copies a whole feed that starts with a newline)."""
    start = _LEADING_SPACE.match(text)
    return text.startswith("<", start.end() if start else 0)


_LEADING_SPACE = re.compile(r"\s+")  # the characters str.strip() removes (str.isspace)


def _loads(text: str, non_finite: list[str], duplicates: list[bool]) -> Any:
    """`json.loads`, noting in `non_finite` every NaN, Infinity and overflowing number, and
    in `duplicates` that some object repeats a key."""
    hooks: dict[str, Any] = {
        "object_pairs_hook": noting_duplicates(duplicates),
        "parse_constant": lambda name: _note_constant(name, non_finite),
        "parse_float": lambda literal: parse_float(literal, non_finite),
    }
    try:
        return json.loads(text, **hooks)
    except json.JSONDecodeError:
        raise
    except ValueError:
        # An integer of more digits than Python converts (4,300): read it as infinity, so that
        # it is reported where it is. Only this rare retry pays for a hook per integer.
        return json.loads(text, parse_int=lambda literal: parse_int(literal, non_finite), **hooks)


def _note_constant(name: str, seen: list[str]) -> float:
    # NaN / Infinity are not JSON; read them so that they can be reported where they are.
    seen.append(name)
    return float(name)


def _check_size(name: str, size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise InputError(
            f"refusing {name}: it is {size / MIB:,.1f} MiB, over the {max_bytes / MIB:,.0f} MiB limit",
            location=name,
            hint="no real channel feed is that large; raise --max-size if you mean it",
        )


def load_feed(
    source: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES, timeout: float = DEFAULT_TIMEOUT
) -> FeedDocument:
    """Read and parse one feed from a path, an http(s) URL or "-" (stdin)."""
    origin, raw = read_feed_bytes(source, max_bytes=max_bytes, timeout=timeout)
    size = len(raw)
    # Drop the bytes as soon as they are decoded: peak memory is then text + objects.
    text = decode_feed(origin, raw)
    del raw
    return parse_feed_text(origin, text, size)
