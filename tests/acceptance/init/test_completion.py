"""Shell completion: click's own, under the `packager` program name."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from packager.cli import main

SCRIPT_MARKS = {
    "bash": "complete -o nosort -F _packager_completion packager",
    "zsh": "#compdef packager",
    "fish": "complete --no-files --command packager",
}


@pytest.mark.parametrize("shell", sorted(SCRIPT_MARKS))
def test_a_completion_script_is_printed(shell: str) -> None:
    result = CliRunner().invoke(
        main, [], prog_name="packager", env={"_PACKAGER_COMPLETE": f"{shell}_source"}
    )
    assert result.exit_code == 0
    assert SCRIPT_MARKS[shell] in result.stdout
    assert "_PACKAGER_COMPLETE" in result.stdout


def test_commands_and_options_complete() -> None:
    def complete(words: str) -> list[str]:
        env = {
            "_PACKAGER_COMPLETE": "bash_complete",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
        }
        result = CliRunner().invoke(main, [], prog_name="packager", env=env)
        assert result.exit_code == 0
        return result.stdout.splitlines()

    assert "plain,init" in complete("packager in")
    assert "plain,validate" in complete("packager va")
    assert "plain,--provider-name" in complete("packager init --pro")
