"""Validation of channel feeds: Roku Direct Publisher JSON (schema, cross-field rules and,
optionally, assets), Roku Search Feed 2.0 JSON and Media RSS, told apart by their content."""

from __future__ import annotations

import gc
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from packager.errors import ExitCode, InputError
from packager.model import Problem, Severity
from packager.spec import CONTENT_ARRAYS
from packager.validate.loading import (
    DEFAULT_MAX_BYTES,
    DEFAULT_TIMEOUT,
    FeedDocument,
    decode_feed,
    parse_feed_text,
    read_feed_bytes,
    starts_with_markup,
)
from packager.validate.rules import check_rules
from packager.validate.schema_check import FeedSchema
from packager.validate.search_check import is_search_feed

__all__ = [
    "KIND_MRSS",
    "KIND_ROKU",
    "KIND_SEARCH",
    "ValidationResult",
    "check_document",
    "check_mrss_bytes",
    "check_search_document",
    "validate_feed",
]

# What a validated document is: Direct Publisher JSON, Roku Search Feed 2.0 or Media RSS.
KIND_ROKU = "roku"
KIND_SEARCH = "roku-search"
KIND_MRSS = "mrss"
_RSS_START = re.compile(r"<rss[\s>]")


@dataclass(frozen=True)
class ValidationResult:
    """What validation found in one feed; decides the exit code."""

    origin: str
    problems: tuple[Problem, ...]
    size_bytes: int = 0
    item_counts: dict[str, int] = field(default_factory=dict)
    kind: str = KIND_ROKU

    # Cached: reporters ask for them several times, and an invalid feed has thousands.
    @cached_property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)

    @cached_property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.WARNING)

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return not self.errors

    def exit_code(self, *, strict: bool = False) -> ExitCode:
        if self.errors or (strict and self.warnings):
            return ExitCode.FEED_INVALID
        return ExitCode.OK

    def rule_counts(self) -> Counter[str]:
        return Counter(problem.rule for problem in self.problems)

    def as_dict(self) -> dict[str, Any]:
        return {
            "feed": self.origin,
            "kind": self.kind,
            "valid": self.ok,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "sizeBytes": self.size_bytes,
            "items": self.item_counts,
            "problems": [problem.as_dict() for problem in self.problems],
        }


@lru_cache(maxsize=1)
def _feed_schema() -> FeedSchema:
    return FeedSchema()


def check_document(document: FeedDocument) -> ValidationResult:
    """Schema and cross-field checks of an already parsed feed."""
    # A NaN or Infinity was read as a finite stand-in: its own error says more than whatever
    # the schema finds at that very place (too large, not a string, ...).
    not_finite = {p.pointer for p in document.problems if p.rule == "number-not-finite"}
    problems = [*document.problems]
    problems.extend(
        problem
        for problem in _feed_schema().check(document.data)
        if problem.pointer not in not_finite
    )
    counts: dict[str, int] = {}
    if isinstance(document.data, dict):
        problems.extend(check_rules(document.data, document.size_bytes))
        counts = {
            kind: len(document.data[kind])
            for kind in CONTENT_ARRAYS
            if isinstance(document.data.get(kind), list)
        }
    return ValidationResult(
        origin=document.origin,
        problems=_sorted_problems(problems),
        size_bytes=document.size_bytes,
        item_counts=counts,
    )


def check_search_document(document: FeedDocument) -> ValidationResult:
    """Checks of an already parsed Roku Search Feed 2.0 document (spec §5)."""
    from packager.validate.search_check import check_search_feed

    counts: dict[str, int] = {}
    if isinstance(document.data, dict) and isinstance(document.data.get("assets"), list):
        for asset in document.data["assets"]:
            kind = asset.get("type") if isinstance(asset, dict) else None
            counts[str(kind)] = counts.get(str(kind), 0) + 1
    return ValidationResult(
        origin=document.origin,
        problems=_sorted_problems([*document.problems, *check_search_feed(document.data)]),
        size_bytes=document.size_bytes,
        item_counts=counts,
        kind=KIND_SEARCH,
    )


def check_mrss_bytes(origin: str, raw: bytes) -> ValidationResult:
    """Checks of a Media RSS document (spec §6), parsed with the safe XML parser.

    Raises InputError when it is not well-formed XML or its root element is not `rss`.
    """
    from packager.sources.xmlparse import parse_xml
    from packager.validate.mrss_check import check_mrss

    root = parse_xml(raw, origin=origin)
    if root.tag != "rss":
        raise InputError(
            f"{origin} is XML or HTML, not a feed packager reads: its root is <{root.tag}>",
            location=origin,
            hint="packager validate reads Roku JSON feeds, Search Feeds and Media RSS (<rss>)",
        )
    problems = check_mrss(root)
    problems.sort(key=_xpath_sort_key)
    return ValidationResult(
        origin=origin,
        problems=tuple(problems),
        size_bytes=len(raw),
        item_counts={"items": len(root.findall("channel/item"))},
        kind=KIND_MRSS,
    )


def validate_feed(
    source: str | Path | bytes,
    *,
    check_assets: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = DEFAULT_TIMEOUT,
    asset_options: Any = None,
) -> ValidationResult:
    """Validate one feed: a path, an http(s) URL, "-" for stdin, or the feed's bytes.

    The kind is told from the content: XML with an `<rss>` root is Media RSS, JSON with
    `assets` and `version` a Roku Search Feed, other JSON a Direct Publisher feed (the only kind
    `check_assets` applies to). Raises InputError (or SourceUnreachableError) when the feed
    cannot be read or parsed at all; everything else is a Problem in the result.
    """
    with _cyclic_gc_paused():
        result, document = _read_and_check(source, max_bytes, timeout)
    # The asset checks run with the collector back on: they take long, on threads, and
    # network errors make reference cycles (exceptions and their tracebacks).
    if check_assets and document is not None and isinstance(document.data, dict):
        from packager.validate.assets import AssetOptions, check_feed_assets

        options = asset_options if asset_options is not None else AssetOptions()
        asset_problems = check_feed_assets(document.data, options)
        result = ValidationResult(
            origin=result.origin,
            problems=_sorted_problems([*result.problems, *asset_problems]),
            size_bytes=result.size_bytes,
            item_counts=result.item_counts,
        )
    return result


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a feed is parsed and checked.

    A large feed is a million containers; every few hundred allocations the collector walks
    them, looking for cycles that JSON cannot make, and that costs more than a third of
    `json.loads` itself. Reference counting still frees everything; the collector is resumed
    (if it was running) however validation ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _read_and_check(
    source: str | Path | bytes, max_bytes: int, timeout: float
) -> tuple[ValidationResult, FeedDocument | None]:
    """The result of every check but the assets', and the Direct Publisher document checked
    (None for the other kinds)."""
    if isinstance(source, bytes):
        origin, raw = "<bytes>", source
    else:
        origin, raw = read_feed_bytes(source, max_bytes=max_bytes, timeout=timeout)
    text = decode_feed(origin, raw)
    document: FeedDocument | None = None
    if starts_with_markup(text):
        if not _RSS_START.search(text[:4096]):
            raise InputError(
                f"{origin} is XML or HTML, not a feed packager reads",
                location=origin,
                hint="packager validate reads Roku JSON feeds, Roku Search Feeds and Media RSS",
            )
        result = check_mrss_bytes(origin, raw)
    else:
        size = len(raw)
        del raw  # peak memory is then the text and the parsed objects
        parsed = parse_feed_text(origin, text, size)
        del text
        if is_search_feed(parsed.data):
            result = check_search_document(parsed)
        else:
            document = parsed
            result = check_document(parsed)
    return result, document


def _xpath_sort_key(problem: Problem) -> tuple[list[str | int], str, str]:
    # /rss/channel/item[2]/... before /rss/channel/item[10]/...
    parts: list[str | int] = [
        int(p) if p.isdigit() else p for p in re.split(r"\[(\d+)\]", problem.pointer)
    ]
    return (parts, problem.rule, problem.message)


def _sorted_problems(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    """`problems` without repeats, in pointer order (numeric for array indexes: /movies/2
    before /movies/10), then by rule and message."""
    # Each pointer part becomes a string that compares the right way - a number as its length
    # then its digits, below any text - so sorting thousands of problems compares plain strings.
    # Pointers share their parents (an item's fields, an array's items): each pointer's key is
    # its parent's key and its last part, and every key is written once per sort.
    written: dict[str, str] = {"": ""}

    def pointer_key(pointer: str) -> str:
        key = written.get(pointer)
        unwritten: list[str] = []
        while key is None:  # up to the nearest written parent (a loop: feeds nest deeply)
            unwritten.append(pointer)
            pointer = pointer.rpartition("/")[0]
            key = written.get(pointer)
        for pointer in reversed(unwritten):
            part = pointer.rpartition("/")[2]
            tail = f"\x01{len(part):03d}{part}" if part.isdigit() else f"\x02{part}"
            key = written[pointer] = f"{key}\x00{tail}"
        return key

    def key(problem: Problem) -> tuple[str, str, str]:
        return (pointer_key(problem.pointer), problem.rule, problem.message)

    return tuple(sorted(set(problems), key=key))
