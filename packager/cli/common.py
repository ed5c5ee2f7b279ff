"""What every command shares: the exit-code help, the -o option, target options, failing."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from packager import report
from packager.errors import ConfigError, PackagerError

if TYPE_CHECKING:
    from packager.config import ConfigChoice

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
        if isinstance(error, ConfigError) and error.problems:
            partial = {"problems": [p.as_dict() for p in error.problems], **(partial or {})}
        document = report.error_document(error.message, error.hint, error.exit_code, partial)
        report.write_json(document, sys.stdout)
    say_error(error.message, error.hint)
    sys.exit(int(error.exit_code))


def say_error(message: str, hint: str = "") -> None:
    """`error: ...` and `hint: ...` on stderr, where diagnostics go (control characters
    from the input shown escaped)."""
    click.echo(f"error: {report.indented_lines(message, 2)}", err=True)
    if hint:
        click.echo(f"hint: {report.indented_lines(hint, 2)}", err=True)


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


def timeout_option(what: str) -> Callable[[_F], _F]:
    """`--timeout`: seconds to wait for `what` to answer; the download's total deadline is
    twice that (packager.net)."""
    return click.option(
        "--timeout",
        type=click.FloatRange(min=0.1),
        default=30.0,
        show_default=True,
        help=f"Seconds to wait for {what} to answer; a download not complete after twice "
        "this is given up.",
    )


def config_option(help_text: str) -> Callable[[_F], _F]:
    """`-c/--config`: the channel config, found by `use_config` when not given."""
    return click.option(
        "-c",
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help=help_text,
    )


def check_target(target: str, output_dir: Path) -> None:
    """Refuse, before anything is built or read, a target that cannot be read or that is the
    output folder or inside it (publish and republish)."""
    from packager.publish.base import KNOWN_SCHEMES
    from packager.publish.target import check_not_in_output, parse_target

    check_not_in_output(parse_target(target, known_schemes=KNOWN_SCHEMES), output_dir)


# publish and republish: where to, and whether to ask the host what it really holds.
TARGET_OPTION = click.option(
    "--to",
    "target",
    required=True,
    metavar="TARGET",
    help="Folder, file://, https:// (WebDAV), s3://bucket/prefix or sftp://user@host/path.",
)


def _check_allow_hosts(
    _ctx: click.Context, _param: click.Parameter, value: tuple[str, ...]
) -> tuple[str, ...]:
    from packager.net.guard import AllowList

    try:
        AllowList.parse(value)
    except ValueError as exc:
        raise click.BadParameter(
            f"{exc}; give a host name (cms.internal), an address (10.0.0.5) or a network "
            "(10.0.0.0/8)"
        ) from None
    return value


# extract, build and republish: private hosts that remote sources may link to.
ALLOW_HOST_OPTION = click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="HOST_OR_CIDR",
    callback=_check_allow_hosts,
    help="Allow links to this private/loopback host or network (repeatable). build and "
    "republish add these to the config's [channel] allow_hosts.",
)


def _parse_now(_ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
    """--now as a timezone-aware datetime: ISO 8601, UTC when it names no zone."""
    if value is None:
        return None
    try:
        now = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an ISO 8601 date and time (2026-11-28T12:00:00Z)", param=param
        ) from None
    return now if now.tzinfo is not None else now.replace(tzinfo=UTC)


NOW_OPTION = click.option(
    "--now",
    "now",
    hidden=True,
    callback=_parse_now,
    help="Fixed clock (ISO 8601, UTC unless it names a zone) for reproducible builds.",
)


def say(message: str) -> None:
    """A diagnostic line for people, on stderr (stdout stays the command's result)."""
    click.echo(report.indented_lines(message, 2), err=True)


def use_config(explicit: Path | None, sources: tuple[str, ...] = ()) -> ConfigChoice:
    """Which config the command uses (`config.find_config`), said on stderr."""
    from packager.config import find_config

    choice = find_config(explicit, sources)
    say(choice.describe())
    return choice


def merged_hosts(configured: tuple[str, ...], given: tuple[str, ...]) -> tuple[str, ...] | None:
    """The config's allow_hosts plus `--allow-host` ones; None (no override) when none given."""
    return tuple(dict.fromkeys((*configured, *given))) if given else None


# build and republish: no progress lines (errors and the report are still printed).
QUIET_OPTION = click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="Print no progress on stderr (the report and any error still are).",
)

VERIFY_OPTION = click.option(
    "--verify",
    is_flag=True,
    help="Also ask the host for every file the feed needs, and send again any that is missing "
    "or different there (deleted or edited by hand). Costs a listing per folder.",
)


def wants_json(argv: list[str]) -> bool:
    """Whether a command line asks for `-o json` (read before click has parsed it)."""
    for index, arg in enumerate(argv):
        if arg in ("-o", "--output") and argv[index + 1 : index + 2] == ["json"]:
            return True
        if arg in ("-ojson", "--output=json"):
            return True
    return False


class PackagerGroup(click.Group):
    """The command group: a usage error (exit 2) is one JSON error document on stdout too when
    the command line asks for `-o json`, like every other failure."""

    def main(  # type: ignore[override]
        self,
        args: list[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        argv = list(sys.argv[1:] if args is None else args)
        try:
            code = super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
        except click.ClickException as error:
            if wants_json(argv):
                context = getattr(error, "ctx", None)
                command = context.command_path if context is not None else "packager"
                hint = f"see '{command} --help' for its options and arguments"
                document = report.error_document(error.format_message(), hint, error.exit_code)
                report.write_json(document, sys.stdout)
            error.show()
            sys.exit(error.exit_code)
        except click.Abort:
            click.echo("Aborted!", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)
