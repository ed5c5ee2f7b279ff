"""Finding and running the ffmpeg executable shipped by the imageio-ffmpeg wheel.

ffmpeg runs in its own process group and, on Linux, is told to die with the thread that
started it: a build killed outright (the OOM killer, `kill -9`) leaves no ffmpeg behind still
writing into the output folder.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Sequence

from packager.errors import InputError

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


@functools.cache
def ffmpeg_exe() -> str:
    """Path of the ffmpeg executable; the imageio-ffmpeg wheel ships one, so pip is enough."""
    try:
        import imageio_ffmpeg
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise InputError(
            "ffmpeg not found: the imageio-ffmpeg package is not installed",
            hint="pip install imageio-ffmpeg (a dependency of packager)",
        ) from exc
    try:
        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except RuntimeError as exc:
        raise InputError(
            f"ffmpeg not found: {exc}",
            hint="reinstall imageio-ffmpeg, or set IMAGEIO_FFMPEG_EXE to an ffmpeg executable",
        ) from exc


@functools.cache
def _libc_prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return None
    prctl: Callable[..., int] = libc.prctl
    return prctl


def _die_with_parent_hook() -> Callable[[], None] | None:
    """A `preexec_fn` that makes the child get SIGKILL when the starting thread dies."""
    prctl = _libc_prctl()
    if prctl is None:
        return None
    parent = os.getpid()

    def hook() -> None:  # runs in the child between fork and exec: no allocation-heavy work
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return hook


def run_ffmpeg(args: Sequence[str], *, timeout: float) -> subprocess.CompletedProcess[str]:
    """Run ffmpeg with `args` (no shell), capturing output as text; never raises on exit code.

    Raises `subprocess.TimeoutExpired` after `timeout` seconds. On a timeout or any other
    exception (Ctrl-C included) the whole ffmpeg process group is killed before it propagates.
    """
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", *args]
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
        start_new_session=True,  # its own process group, killed as one below
        preexec_fn=_die_with_parent_hook(),  # only prctl and getppid run in the child
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except BaseException:
        _kill_group(process)
        raise
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def _kill_group(process: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.kill()
    process.communicate()


def last_error_lines(stderr: str, count: int = 3) -> str:
    """The last few meaningful lines of ffmpeg's stderr, for error messages."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return " | ".join(lines[-count:])
