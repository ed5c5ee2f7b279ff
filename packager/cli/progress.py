"""Showing a build's progress events (`packager.build.progress.Progress`) on stderr.

Three ways, chosen by `progress_display`: on a terminal, rich's live progress bars (one per
stage, with its count, the thing at hand and the time left); anywhere else (CI logs, pipes),
plain lines: one when a stage starts, one when it ends, and at most one every
`LINE_INTERVAL` seconds in between, so a log read the next morning shows what happened and
how long it took; with `--quiet`, nothing. stdout is never written to: `-o json` keeps it
JSON-only.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from packager.build.progress import Progress, ProgressCallback

LINE_INTERVAL = 10.0  # seconds between two plain lines of the same stage
LABEL_WIDTH = 40


def duration_text(seconds: float) -> str:
    """`7 s`, `1 min 05 s`, `1 h 02 min`: how long, for people."""
    whole = max(0, round(seconds))
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"


@dataclass
class _Stage:
    """One stage's timing: when it started and its latest count."""

    started: float
    done: int = 0
    total: int = 0
    label: str = ""
    last_line: float = 0.0
    said_done: bool = False

    def eta(self, now: float) -> float | None:
        """Seconds left at the pace so far; None before the first step is done."""
        if self.done <= 0 or self.done >= self.total:
            return None
        return (now - self.started) / self.done * (self.total - self.done)


@dataclass
class StageClock:
    """The timing of every stage, from the events as they come.

    A stage starts when the event before its first one arrived (events come after each step,
    so the first step's time counts too); stages may interleave (an article's thumbnails, then
    its video), and a stage's total may grow while it runs.
    """

    clock: Callable[[], float] = time.monotonic
    stages: dict[str, _Stage] = field(default_factory=dict)
    last_event: float | None = None

    def __post_init__(self) -> None:
        self.last_event = self.clock()

    def record(self, event: Progress) -> tuple[_Stage, bool]:
        """The event's stage, updated, and whether this event started it."""
        now = self.clock()
        stage = self.stages.get(event.stage)
        new = stage is None
        if stage is None:
            stage = self.stages[event.stage] = _Stage(started=self.last_event or now)
        stage.done, stage.total = event.done, max(event.total, event.done)
        stage.label = _short_label(event.label)
        self.last_event = now
        return stage, new


def _short_label(label: str) -> str:
    """An article's folder or file name, a URL as it is: enough to recognise it in a line."""
    if not label or label.startswith(("http://", "https://")):
        return label
    path = Path(label)
    return path.parent.name if path.suffix and path.parent.name else path.name


class ProgressLines:
    """Plain progress lines for logs: stage start, stage end, and one line per interval."""

    def __init__(
        self,
        write: Callable[[str], None],
        *,
        clock: Callable[[], float] = time.monotonic,
        interval: float = LINE_INTERVAL,
    ) -> None:
        self.write = write
        self.clock = clock
        self.interval = interval
        self.timing = StageClock(clock)

    def __call__(self, event: Progress) -> None:
        stage, new = self.timing.record(event)
        now = self.clock()
        if event.done >= event.total:
            if not stage.said_done:
                took = duration_text(now - stage.started)
                self.write(f"{event.stage}: {stage.done}/{stage.total} done in {took}")
                stage.said_done = True
                stage.last_line = now
            return
        stage.said_done = False  # the total grew after a "done": say it again at the end
        if new or now - stage.last_line >= self.interval:
            self.write(f"{event.stage}: {self._position(stage, now)}")
            stage.last_line = now

    def close(self) -> None:
        """Nothing to tidy: every line is complete when written."""

    @staticmethod
    def _position(stage: _Stage, now: float) -> str:
        text = f"{stage.done}/{stage.total}"
        if stage.label:
            text += f" ({stage.label})"
        eta = stage.eta(now)
        if eta is not None and eta >= 1:  # "about 0 s left" says nothing
            text += f", about {duration_text(eta)} left"
        return text


class ProgressBars:
    """rich's live progress bars on a terminal: one per stage, with the time left."""

    def __init__(
        self,
        stream: TextIO,
        *,
        clock: Callable[[], float] = time.monotonic,
        auto_refresh: bool = True,
        width: int | None = None,
    ) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self.timing = StageClock(clock)
        self.clock = clock
        console = Console(file=stream, force_terminal=True, width=width, highlight=False)
        self.bars = Progress(
            TextColumn("{task.description:<16}"),
            BarColumn(bar_width=30),
            MofNCompleteColumn(),
            TextColumn("{task.fields[eta]:<16}"),
            TextColumn("{task.fields[label]}", markup=False),
            console=console,
            auto_refresh=auto_refresh,
            transient=False,
        )
        self.tasks: dict[str, Any] = {}
        self.bars.start()

    def __call__(self, event: Progress) -> None:
        stage, _ = self.timing.record(event)
        eta = stage.eta(self.clock())
        eta_text = f"~{duration_text(eta)} left" if eta is not None else ""
        label = stage.label[:LABEL_WIDTH]
        task = self.tasks.get(event.stage)
        if task is None:
            self.tasks[event.stage] = self.bars.add_task(
                event.stage, total=stage.total, completed=stage.done, eta=eta_text, label=label
            )
        else:
            self.bars.update(
                task, total=stage.total, completed=stage.done, eta=eta_text, label=label
            )
        if not self.bars.live.auto_refresh:
            self.bars.refresh()

    def close(self) -> None:
        """Stop the live display, leaving the bars' last state on screen."""
        self.bars.stop()


def is_terminal(stream: TextIO) -> bool:
    """Whether `stream` is an interactive terminal that can redraw a line (not CI, not dumb)."""
    if os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def stderr_stream() -> TextIO:
    """Where progress goes: stderr (stdout is the command's result)."""
    return sys.stderr


@contextlib.contextmanager
def progress_display(*, quiet: bool) -> Iterator[ProgressCallback | None]:
    """The progress callback for a build: bars on a terminal, plain lines elsewhere, nothing
    when `quiet`. Always on stderr, whatever the output format."""
    if quiet:
        yield None
        return
    stream = stderr_stream()
    display: ProgressLines | ProgressBars
    if is_terminal(stream):
        display = ProgressBars(stream)
    else:
        display = ProgressLines(lambda line: _write_line(stream, line))
    try:
        yield display
    finally:
        display.close()


def _write_line(stream: TextIO, line: str) -> None:
    stream.write(f"progress: {line}\n")
    stream.flush()
