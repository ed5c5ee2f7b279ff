"""Fixtures for the preview tests: the channel built once per session and a headless Chromium
driven by Playwright."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.acceptance.preview.channel import PageWatch, channel_feed, make_videos, write_channel

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]


@pytest.fixture(scope="session")
def channel_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A built output folder of channel_feed(), shared by the session (read-only)."""
    folder = write_channel(tmp_path_factory.mktemp("channel") / "output", channel_feed())
    make_videos(folder / "videos")
    return folder


# -- the browser ------------------------------------------------------------------------------


def chromium_path() -> str | None:
    configured = os.environ.get("PACKAGER_CHROMIUM")
    if configured:
        return configured
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium driven by Playwright (its own browser download is never used).

    Skips when either is missing here; CI (CI=true, as .ci/run runs) installs both
    (.ci/install-browser.sh via scripts/test), and there, as with PACKAGER_REQUIRE_BROWSER=1,
    a missing browser fails the tests instead."""
    executable = chromium_path()
    required = os.environ.get("PACKAGER_REQUIRE_BROWSER") == "1" or bool(os.environ.get("CI"))
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if required:
            pytest.fail("Playwright for Python is not installed (pip install -e '.[dev]')")
        pytest.skip("Playwright for Python is not installed (pip install -e '.[dev]')")
    if executable is None:
        if required:
            pytest.fail("Chromium is not installed (.ci/install-browser.sh)")
        pytest.skip(
            "Chromium is not installed: run .ci/install-browser.sh (apt-get install chromium)"
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[PageWatch]:
    """A fresh 1280x720 page that can reach 127.0.0.1 and file:// only (never the internet)."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.route(_is_remote, lambda route: route.abort("blockedbyclient"))
    watched = PageWatch(context.new_page())
    yield watched
    context.close()


def _is_remote(url: str) -> bool:
    return url.startswith(("http://", "https://")) and not url.startswith(
        ("http://127.0.0.1", "http://localhost")
    )
