"""An output folder that cannot be made (/proc/…, a dangling symbolic link) is bad input
(exit 4, with the reason, as JSON under -o json), not a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from packager.cli import main
from packager.errors import ExitCode

BASE = "https://cdn.example/roku/"


def _build(articles: Path, out: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        main,
        ["build", str(articles), "--base-url", BASE, "--out", str(out), "-o", "json"],
        catch_exceptions=False,
    )
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs /proc")
def test_an_out_folder_under_proc_is_exit_4(tmp_path: Path) -> None:
    code, out, _ = _build(tmp_path, Path("/proc/packager-ro/out"))
    assert code == ExitCode.BAD_INPUT
    message = json.loads(out)["error"]
    assert "/proc/packager-ro/out" in message and "no folder can be made" in message


def test_a_dangling_link_as_out_is_exit_4_naming_the_link(tmp_path: Path) -> None:
    link = tmp_path / "dang"
    link.symlink_to(tmp_path / "nowhere")
    code, out, _ = _build(tmp_path, link)
    assert code == ExitCode.BAD_INPUT
    message = json.loads(out)["error"]
    assert "symbolic link" in message and "nowhere" in message and "File exists" not in message
