"""Fixtures for the onboarding tests: a valid and an invalid feed, and a `packager` on PATH."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from tests.builders import BASE_FEED, REPO

GOOD_FEED = BASE_FEED


@pytest.fixture
def good_feed(tmp_path: Path) -> Path:
    path = tmp_path / "feeds" / "feed.json"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(GOOD_FEED.read_bytes())
    return path


@pytest.fixture
def bad_feed(tmp_path: Path) -> Path:
    """A feed with a movie whose thumbnail is missing: one error with a pointer."""
    feed = json.loads(GOOD_FEED.read_text(encoding="utf-8"))
    del feed["movies"][0]["thumbnail"]
    path = tmp_path / "feeds" / "roku-bad.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(feed), encoding="utf-8")
    return path


@pytest.fixture
def packager_on_path(tmp_path: Path) -> dict[str, str]:
    """An environment whose `packager` runs this worktree's code, as `pip install` would."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "packager"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m packager "$@"\n', encoding="utf-8")
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR)
    return {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(REPO),
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "LANG": "C.UTF-8",
    }
