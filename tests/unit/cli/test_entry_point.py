"""The process entry point (`packager` and `python -m packager`): the collector is paused only
while the command line loads, never while a command runs."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator

import pytest

import packager.cli
from packager import __version__
from packager.__main__ import main


@pytest.fixture
def collector_restored() -> Iterator[None]:
    was_enabled = gc.isenabled()
    yield
    gc.unfreeze()  # the entry point sets aside what is loaded: give it back to the test run
    if was_enabled:
        gc.enable()


def test_the_command_runs_with_the_collector_on(
    monkeypatch: pytest.MonkeyPatch, collector_restored: None
) -> None:
    seen: list[bool] = []
    monkeypatch.setattr(packager.cli, "main", lambda: seen.append(gc.isenabled()))
    gc.enable()
    main()
    assert seen == [True]
    assert gc.get_freeze_count() > 0  # what loaded before the command is set aside


def test_a_collector_turned_off_by_the_embedding_program_stays_off(
    monkeypatch: pytest.MonkeyPatch, collector_restored: None
) -> None:
    seen: list[bool] = []
    monkeypatch.setattr(packager.cli, "main", lambda: seen.append(gc.isenabled()))
    gc.disable()
    main()
    assert seen == [False]


def test_python_dash_m_packager_runs_the_command_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "packager", "--version"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"packager {__version__}\n")
