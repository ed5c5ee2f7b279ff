"""`packager --version`: packager's version and the video tools it found."""

from __future__ import annotations

import click

from packager import __version__
from packager.errors import PackagerError


def version_lines() -> list[str]:
    """packager's version, the ffmpeg it encodes with and the narration engine, if any."""
    from packager.video.ffmpeg import ffmpeg_exe
    from packager.video.narration import find_tts

    lines = [f"packager {__version__}"]
    try:
        ffmpeg = ffmpeg_exe()
    except PackagerError as error:
        lines.append(f"ffmpeg: not found ({error.message}); hint: {error.hint}")
    else:
        # "ffmpeg version n7.1 Copyright (c) ..." -> "n7.1"
        version = _first_line([ffmpeg, "-version"]).removeprefix("ffmpeg version ")
        lines.append(f"ffmpeg: {version.split(' Copyright', 1)[0]} ({ffmpeg})")
    engine = find_tts()
    if engine is None:
        lines.append(
            "espeak-ng: not found (rendered videos get a silent track); "
            "hint: install espeak-ng (apt install espeak-ng) for narration"
        )
    else:
        lines.append(f"espeak-ng: {engine.version} ({engine.path})")
    return lines


def _first_line(command: list[str]) -> str:
    import subprocess  # only for --version: not at every start of the command line

    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"does not run ({exc})"
    lines = done.stdout.strip().splitlines()
    return lines[0] if lines else f"exit status {done.returncode}"


def show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """The eager `--version` option's callback: print and exit."""
    if not value or ctx.resilient_parsing:
        return
    click.echo("\n".join(version_lines()))
    ctx.exit()
