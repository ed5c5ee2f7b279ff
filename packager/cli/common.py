"""What every command shares: the exit-code help, the -o option, target options, failing."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import click

from packager import report
from packager.errors import PackagerError

EXIT_CODES_HELP = """\b
Exit codes:
  0  ok
  1  unexpected error (a bug: the traceback is shown)
  2  usage error (bad options)
  3  feed invalid
  4  bad input (unreadable file, bad config, nothing could be built)
  5  publish failed (what was live stays live)
  6  source unreachable
  7  shrink refused (republish would drop too many live items)
  8  no changes (republish had nothing to publish; only with --detailed-exit-codes)
  9  busy (another run holds the target's publish lock)
"""


def fail(
    error: PackagerError, output: str = "text", partial: dict[str, Any] | None = None
) -> NoReturn:
    """Report a user error (never a traceback) and exit with its code.

    With `-o json`, stdout gets the one JSON error shape (`report.error_document`) with the
    command's `partial` result, and nothing else; people still read the error on stderr.
    """
    if output == "json":
        document = report.error_document(error.message, error.hint, error.exit_code, partial)
        report.write_json(document, sys.stdout)
    say_error(error.message, error.hint)
    sys.exit(int(error.exit_code))


def say_error(message: str, hint: str = "") -> None:
    """`error: ...` and `hint: ...` on stderr, where diagnostics go."""
    click.echo(f"error: {message}", err=True)
    if hint:
        click.echo(f"hint: {hint}", err=True)


_F = TypeVar("_F", bound=Callable[..., Any])


def output_option(formats: tuple[str, ...], help_text: str) -> Callable[[_F], _F]:
    """The `-o/--output` option every command has, with the formats it can print."""
    return click.option(
        "-o",
        "--output",
        type=click.Choice(list(formats)),
        default="text",
        show_default=True,
        help=help_text,
    )


# publish and republish: where to, and whether to ask the host what it really holds.
TARGET_OPTION = click.option(
    "--to",
    "target",
    required=True,
    metavar="TARGET",
    help="Folder, file://, https:// (WebDAV), s3://bucket/prefix or sftp://user@host/path.",
)
VERIFY_OPTION = click.option(
    "--verify",
    is_flag=True,
    help="Also ask the host for every file the feed needs, and send again any that is missing "
    "or different there (deleted or edited by hand). Costs a listing per folder.",
)
