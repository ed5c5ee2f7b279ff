"""Meta-tests: every command has help with an example; every exit code is documented."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from packager.cli import main
from packager.errors import ExitCode

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()
COMMANDS = sorted(main.commands)  # type: ignore[attr-defined]


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
    assert all(isinstance(main.commands[name], click.Command) for name in COMMANDS)  # type: ignore[attr-defined]
