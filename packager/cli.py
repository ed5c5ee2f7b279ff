"""The command line: parses options, calls one core function, reports, exits with its code.

The only module that imports click.
"""

from __future__ import annotations

import click

from packager import __version__

EXIT_CODES_HELP = """\b
Exit codes:
  0  ok
  1  unexpected error (a bug: the traceback is shown)
  2  usage error (bad options)
  3  feed invalid
  4  bad input (unreadable file, bad config)
  5  publish failed (what was live stays live)
  6  source unreachable
  7  shrink refused (republish would drop too many live items)
  8  no changes (republish had nothing to publish; only with --exit-code-no-changes)
"""


@click.group(epilog=EXIT_CODES_HELP)
@click.version_option(__version__, prog_name="packager")
def main() -> None:
    """Build, validate and publish Roku Direct Publisher channel feeds from news articles."""
