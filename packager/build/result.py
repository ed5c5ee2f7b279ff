"""What a build did (`BuildResult`), the articles it left out (`Skipped`), and the exit code."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from packager.errors import ExitCode, PackagerError
from packager.layout import BUILD_REPORT_NAME, FEED_NAME, STATE_DIR
from packager.outputs import Pruned
from packager.validate import ValidationResult

# Where a build that wrote nothing over a previous feed leaves its report (in OUT/.packager/).
FAILED_REPORT_NAME = "failed-build-report.json"


@dataclass(frozen=True)
class Skipped:
    """An article left out of the feed, and why."""

    origin: str
    reason: str
    hint: str = ""
    article_id: str = ""

    @classmethod
    def of(cls, origin: str, error: PackagerError, article_id: str = "") -> Skipped:
        """From an error whose message may name the origin again: say it once."""
        reason = error.message
        for where in (origin, str(Path(origin).parent)):
            reason = reason.removeprefix(f"{where}: ")
        reason = reason.removesuffix(f": {origin}").replace(f" {origin} — ", " ")
        return cls(origin, reason, error.hint, article_id)


@dataclass(frozen=True)
class BuildResult:
    """What a build did; decides the exit code."""

    out_dir: Path
    feed_written: bool
    item_counts: dict[str, int]
    skipped: tuple[Skipped, ...]
    trimmed: tuple[str, ...]
    notes: tuple[str, ...]  # per-article warnings: "origin: message"
    validation: ValidationResult | None
    strict: bool = False
    has_items: bool = True
    feed_size: int = 0
    reused: int = 0  # articles taken from the cache
    prepared: int = 0  # articles (re)processed
    from_host: int = 0  # articles whose files the host already holds (nothing made here)
    duplicates: int = 0  # of those, articles left out for another's id (also in skipped)
    unreachable: tuple[str, ...] = ()  # SOURCE URLs that could not be fetched at all
    # The other formats of [channel] formats: file name -> its validation (written if valid).
    extra_files: dict[str, ValidationResult] = field(default_factory=dict)
    pruned: Pruned = field(default_factory=Pruned)  # old assets no feed names, deleted
    # Whether OUT/feed.json existed before this build (so "unchanged" can be said truly).
    previous_feed: bool = False
    # Why a valid feed was not written because it lost too many of the previous feed's items.
    shrink_refused: str = ""

    @property
    def report_path(self) -> Path:
        """Where this build's report is: OUT/build-report.json, or, when the build left a
        previous feed in place, OUT/.packager/failed-build-report.json (the previous report
        stays beside the feed it describes: publish reads it)."""
        if self.feed_written or not self.previous_feed:
            return self.out_dir / BUILD_REPORT_NAME
        return self.out_dir / STATE_DIR / FAILED_REPORT_NAME

    @property
    def exit_code(self) -> ExitCode:
        """6 when a source could not be fetched and nothing was written, 4 when no article
        could be built, 7 when the feed would lose too many items, 3 when the feed did not
        validate, else 0."""
        if self.unreachable and not self.feed_written:
            return ExitCode.SOURCE_UNREACHABLE
        if not self.has_items:
            return ExitCode.BAD_INPUT
        if self.validation is None or not self.validation.ok:
            return ExitCode.FEED_INVALID
        validations = [self.validation, *self.extra_files.values()]
        if any(not v.ok or (self.strict and v.warnings) for v in validations):
            return ExitCode.FEED_INVALID
        if self.shrink_refused:
            return ExitCode.SHRINK_REFUSED
        return ExitCode.OK

    def as_dict(self) -> dict[str, Any]:
        data = self._as_dict()
        if self.extra_files:
            data["otherFormats"] = {
                name: {
                    "file": str(self.out_dir / name),
                    "written": validation.ok and self.feed_written,
                    "validation": validation.as_dict(),
                }
                for name, validation in self.extra_files.items()
            }
        if self.shrink_refused:
            data["shrinkRefused"] = self.shrink_refused
        return data

    def _as_dict(self) -> dict[str, Any]:
        return {
            "feed": str(self.out_dir / FEED_NAME) if self.feed_written else None,
            "feedWritten": self.feed_written,
            "feedBytes": self.feed_size,
            "items": self.item_counts,
            "articlesReused": self.reused,
            "articlesProcessed": self.prepared,
            "articlesFromHost": self.from_host,
            "skipped": [asdict(skip) for skip in self.skipped],
            "trimmed": list(self.trimmed),
            "unreachable": list(self.unreachable),
            "pruned": {
                "files": list(self.pruned.names),
                "bytes": self.pruned.bytes_freed,
                "skipped": self.pruned.skipped or None,
            },
            "notes": list(self.notes),
            "validation": self.validation.as_dict() if self.validation else None,
        }
