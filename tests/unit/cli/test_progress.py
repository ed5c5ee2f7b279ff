"""The progress display: plain lines for logs (stage start, end, one per interval, ETA) and
rich's bars on a terminal, driven by the build's Progress events and a fake clock."""

from __future__ import annotations

import io

from packager.build.progress import READING, RENDERING, THUMBNAILS, Progress
from packager.cli.progress import ProgressBars, ProgressLines, duration_text


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_durations_read_as_people_say_them() -> None:
    assert duration_text(7.4) == "7 s"
    assert duration_text(65) == "1 min 05 s"
    assert duration_text(3720) == "1 h 02 min"


def test_lines_say_each_stage_start_and_end_and_at_most_one_line_per_interval() -> None:
    clock, lines = FakeClock(), []
    show = ProgressLines(lines.append, clock=clock, interval=10.0)
    clock.now += 1
    show(Progress(READING, 1, 2, "articles/one"))
    show(Progress(READING, 2, 2, "articles/two"))
    for done in range(1, 6):  # 4 s per video: 20 s in all
        clock.now += 4
        show(Progress(RENDERING, done, 5, f"articles/{done}/article.txt"))
    assert lines == [
        "reading sources: 1/2 (one), about 1 s left",
        "reading sources: 2/2 done in 1 s",
        "rendering: 1/5 (1), about 16 s left",  # the stage's start: the event before it
        "rendering: 4/5 (4), about 4 s left",  # 12 s after the line before
        "rendering: 5/5 done in 20 s",
    ]


def test_lines_leave_out_a_time_left_under_a_second() -> None:
    clock, lines = FakeClock(), []
    show = ProgressLines(lines.append, clock=clock)
    clock.now += 0.05  # 8 more at this pace: 0.4 s
    show(Progress(READING, 1, 9, "articles/01-port-strike"))
    assert lines == ["reading sources: 1/9 (01-port-strike)"]


def test_a_stage_whose_total_grows_after_done_says_done_again_at_its_real_end() -> None:
    clock, lines = FakeClock(), []
    show = ProgressLines(lines.append, clock=clock)
    show(Progress(RENDERING, 1, 1, "a"))
    show(Progress(RENDERING, 2, 3, "b"))
    show(Progress(RENDERING, 3, 3, "c"))
    assert [line for line in lines if "done" in line] == [
        "rendering: 1/1 done in 0 s",
        "rendering: 3/3 done in 0 s",
    ]


def test_bars_show_every_stage_with_count_item_and_time_left() -> None:
    clock, terminal = FakeClock(), FakeTerminal()
    bars = ProgressBars(terminal, clock=clock, auto_refresh=False, width=120)
    clock.now += 2
    bars(Progress(THUMBNAILS, 1, 3, "articles/harbor/article.txt"))
    clock.now += 10
    bars(Progress(RENDERING, 1, 3, "articles/harbor/article.txt"))
    bars.close()
    screen = terminal.getvalue()
    assert "thumbnails" in screen and "1/3" in screen
    assert "rendering" in screen and "~20 s left" in screen  # 10 s for 1 of 3
    assert "harbor" in screen
