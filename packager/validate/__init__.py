"""Validation of Roku Direct Publisher feeds: schema, cross-field rules and (optionally) assets."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from packager.errors import ExitCode
from packager.model import Problem, Severity
from packager.validate.loading import (
    DEFAULT_MAX_BYTES,
    DEFAULT_TIMEOUT,
    FeedDocument,
    load_feed,
    parse_feed,
)
from packager.validate.rules import CONTENT_ARRAYS, check_rules
from packager.validate.schema_check import FeedSchema

__all__ = ["ValidationResult", "check_document", "validate_feed"]


@dataclass(frozen=True)
class ValidationResult:
    """What validation found in one feed; decides the exit code."""

    origin: str
    problems: tuple[Problem, ...]
    size_bytes: int = 0
    item_counts: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)

    @property
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
    problems = _feed_schema().check(document.data)
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
        problems=tuple(sorted(set(problems), key=_sort_key)),
        size_bytes=document.size_bytes,
        item_counts=counts,
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

    Raises InputError (or SourceUnreachableError) when the feed cannot be read or parsed at
    all; everything else is a Problem in the result.
    """
    if isinstance(source, bytes):
        document = parse_feed("<bytes>", source)
    else:
        document = load_feed(source, max_bytes=max_bytes, timeout=timeout)
    result = check_document(document)
    if check_assets and isinstance(document.data, dict):
        from packager.validate.assets import AssetOptions, check_feed_assets

        options = asset_options if asset_options is not None else AssetOptions()
        asset_problems = check_feed_assets(document.data, options)
        result = ValidationResult(
            origin=result.origin,
            problems=tuple(sorted(set(result.problems) | set(asset_problems), key=_sort_key)),
            size_bytes=result.size_bytes,
            item_counts=result.item_counts,
        )
    return result


def _sort_key(problem: Problem) -> tuple[list[tuple[int, int, str]], str, str]:
    # Numeric order for array indexes (/movies/2 before /movies/10); a key that is all digits
    # ("0" in an object) sorts among them without comparing numbers to strings.
    parts = [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in problem.pointer.split("/")]
    return (parts, problem.rule, problem.message)
