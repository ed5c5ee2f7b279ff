"""What a running build reports as it goes: one small event per step of a stage.

A leaf of the build package (imports nothing from the project), so a display can be written
against it without importing the build itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# The stages, in the order a build passes through them.
READING = "reading sources"
THUMBNAILS = "thumbnails"
RENDERING = "rendering"
VALIDATING = "validating"
WRITING = "writing"


@dataclass(frozen=True)
class Progress:
    """Step `done` of `total` in `stage` (`total` may grow while a stage runs, e.g. when an
    article's own video turns out unplayable and is rendered); `label` names the thing."""

    stage: str
    done: int
    total: int
    label: str = ""

    @property
    def finished(self) -> bool:
        return self.done >= self.total


ProgressCallback = Callable[[Progress], None]
