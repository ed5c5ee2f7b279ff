"""Meta-tests: every command has help with an example; every exit code is documented."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from packager import __version__
from packager.cli import main
from packager.errors import ExitCode
from tests.builders import REPO

README = (REPO / "README.md").read_text()
COMMANDS = sorted(main.all_commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_an_example(name: str) -> None:
    result = CliRunner().invoke(main, [name, "--help"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "Example:" in result.stdout
    assert f"packager {name}" in result.stdout


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_in_the_readme(name: str) -> None:
    assert f"### `packager {name}" in README


@pytest.mark.parametrize("code", list(ExitCode))
def test_every_exit_code_is_documented(code: ExitCode) -> None:
    assert f"| {int(code)} |" in README
    help_text = CliRunner().invoke(main, ["--help"]).stdout
    assert f"  {int(code)}  " in help_text


def test_commands_are_click_commands() -> None:
    assert all(isinstance(main.all_commands[name], click.Command) for name in COMMANDS)  # type: ignore[attr-defined]


def test_version_names_ffmpeg_and_the_narration_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    from packager.video import narration
    from packager.video.ffmpeg import ffmpeg_exe

    found = narration.TtsEngine("/opt/bin/espeak-ng", "eSpeak NG text-to-speech: 1.51")
    monkeypatch.setattr(narration, "find_tts", lambda: found)
    lines = CliRunner().invoke(main, ["--version"], catch_exceptions=False).stdout.splitlines()
    assert lines[0] == f"packager {__version__}"
    assert lines[1].startswith("ffmpeg: ") and lines[1].endswith(f"({ffmpeg_exe()})")
    assert "Copyright" not in lines[1]
    assert lines[2] == "espeak-ng: eSpeak NG text-to-speech: 1.51 (/opt/bin/espeak-ng)"
    monkeypatch.setattr(narration, "find_tts", lambda: None)
    missing = CliRunner().invoke(main, ["--version"], catch_exceptions=False).stdout
    assert "espeak-ng: not found (rendered videos get a silent track)" in missing
    assert "hint: install espeak-ng" in missing


def test_the_wheel_ships_py_typed(tmp_path: Path) -> None:
    import subprocess
    import sys
    import zipfile

    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w",
         str(tmp_path), str(REPO)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    wheel = next(tmp_path.glob("packager-*.whl"))
    assert "packager/py.typed" in zipfile.ZipFile(wheel).namelist()


@pytest.mark.parametrize(
    ("words", "cword", "expected"),
    [("packager bu", "1", "plain,build"), ("packager build --ren", "2", "plain,--render")],
)
def test_shell_completion_works(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    words: str,
    cword: str,
    expected: str,
) -> None:
    # click's built-in completion, as the README documents: eval "$(_PACKAGER_COMPLETE=bash_source packager)"
    monkeypatch.setenv("_PACKAGER_COMPLETE", "bash_complete")
    monkeypatch.setenv("COMP_WORDS", words)
    monkeypatch.setenv("COMP_CWORD", cword)
    with pytest.raises(SystemExit) as done:
        main(prog_name="packager", args=[])
    assert done.value.code == 0
    assert capsys.readouterr().out.splitlines() == [expected]
