"""The command line: parses options, calls one core function, reports, exits with its code.

The only package that imports click. One module per command (or group of commands); each
parses its options into a frozen options object and hands it to a `run_*` function. A command's
module is imported only when that command runs (or help lists them all), so `packager validate`
does not pay for the publish hosts, the renderer or the preview at start-up.
"""

from __future__ import annotations

import importlib

import click

from packager.cli.common import EXIT_CODES_HELP, PackagerGroup
from packager.cli.version import show_version

__all__ = ["COMMAND_MODULES", "main"]

# Command name -> the module under packager.cli that defines it (as a function of that name).
COMMAND_MODULES = {
    "init": "init",
    "validate": "validate",
    "build": "build",
    "extract": "extract",
    "diff": "diff",
    "publish": "publish",
    "republish": "republish",
    "preview": "preview",
}


class LazyGroup(PackagerGroup):
    """The packager group, loading each command's module on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            module = importlib.import_module(f"packager.cli.{COMMAND_MODULES[cmd_name]}")
            self.add_command(getattr(module, cmd_name))
        return self.commands.get(cmd_name)

    @property
    def all_commands(self) -> dict[str, click.Command]:
        """Every command, loaded (for tests and tools that walk the command tree)."""
        context = click.Context(self)
        for name in COMMAND_MODULES:
            self.get_command(context, name)
        return dict(self.commands)


@click.group(cls=LazyGroup, epilog=EXIT_CODES_HELP)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=show_version,
    help="Show the version, and the ffmpeg and espeak-ng found, and exit.",
)
def main() -> None:
    """Build, validate and publish Roku Direct Publisher channel feeds from news articles."""
