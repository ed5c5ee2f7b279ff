"""A PNG of the preview's home screen, taken by a headless Chromium (Debian's `chromium`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from packager.errors import InputError

SCREEN_SIZE = (1280, 720)  # a TV screen's 16:9 at the size Roku designs its UI for (720p)
# Flags for a quiet, offline, headless run (no sandbox: CI containers run as root).
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
SCREENSHOT_TIMEOUT = 60.0  # seconds


def find_chromium() -> str | None:
    """The Chromium to use: $PACKAGER_CHROMIUM, else the first of CHROMIUM_NAMES on PATH."""
    configured = os.environ.get("PACKAGER_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else None
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def take_screenshot(page_url: str, png: Path, *, chromium: str | None = None) -> Path:
    """Open `page_url` (file:// or http://) in headless Chromium and write its first screen
    to `png`. Raises InputError when no Chromium is installed or it writes no picture."""
    executable = chromium or find_chromium()
    if executable is None:
        raise InputError(
            "cannot take a screenshot: Chromium is not installed",
            location=str(png),
            hint="install it (Debian: apt-get install chromium, or .ci/install-browser.sh), "
            "or set PACKAGER_CHROMIUM to its path",
        )
    png = png.resolve()
    png.parent.mkdir(parents=True, exist_ok=True)
    width, height = SCREEN_SIZE
    with tempfile.TemporaryDirectory(prefix="packager-chromium-") as profile:
        command = [
            executable,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
            "--virtual-time-budget=3000",  # let posters load and the page settle
            f"--screenshot={png}",
            page_url,
        ]
        try:
            completed = subprocess.run(
                command, capture_output=True, text=True, timeout=SCREENSHOT_TIMEOUT, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise InputError(
                f"cannot take a screenshot with {executable}: {exc}",
                location=str(png),
                hint="check that Chromium starts: chromium --headless --version",
            ) from exc
    if not png.is_file() or png.stat().st_size == 0:
        detail = completed.stderr.strip().splitlines()[-1:] or [f"exit code {completed.returncode}"]
        raise InputError(
            f"Chromium wrote no screenshot to {png}: {detail[0]}",
            location=str(png),
            hint=f"run Chromium by hand to see its own messages: {executable} --headless "
            f"--no-sandbox --screenshot=/tmp/home.png {page_url}",
        )
    return png
