"""The command line: parses options, calls one core function, reports, exits with its code.

The only package that imports click. One module per command (or group of commands); each
parses its options into a frozen options object and hands it to a `run_*` function.
"""

from __future__ import annotations

import click

from packager.cli.build import build
from packager.cli.common import EXIT_CODES_HELP, PackagerGroup
from packager.cli.diff import diff
from packager.cli.extract import extract
from packager.cli.init import init
from packager.cli.preview import preview
from packager.cli.publish import publish
from packager.cli.republish import republish
from packager.cli.validate import validate
from packager.cli.version import show_version

__all__ = ["main"]


@click.group(cls=PackagerGroup, epilog=EXIT_CODES_HELP)
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


for _command in (init, validate, build, extract, diff, publish, republish, preview):
    main.add_command(_command)
