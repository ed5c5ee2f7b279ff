"""`packager publish`: upload a built channel so the live feed is never broken."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import click

from packager import report
from packager.cli.common import (
    TARGET_OPTION,
    VERIFY_OPTION,
    check_target,
    fail,
    output_option,
)
from packager.errors import ExitCode, PackagerError


@dataclass(frozen=True)
class PublishOptions:
    output_dir: Path
    target: str
    dry_run: bool
    grace_days: float
    public_url: str | None
    output: str
    verify: bool = False


@click.command()
@click.argument(
    "output_dir", type=click.Path(file_okay=False, path_type=Path), metavar="OUTPUT_DIR"
)
@TARGET_OPTION
@click.option(
    "--dry-run", is_flag=True, help="Print the plan (uploads, deletions, bytes); touch nothing."
)
@click.option(
    "--grace-period",
    "grace_days",
    type=click.FloatRange(min=0),
    default=7.0,
    show_default=True,
    help="Days an asset no longer in the feed stays on the host.",
)
@click.option("--public-url", help="Public URL of TARGET (default: derived from the feed's URLs).")
@VERIFY_OPTION
@output_option(("text", "json"), "text for people, json for programs.")
def publish(
    output_dir: Path,
    target: str,
    dry_run: bool,
    grace_days: float,
    public_url: str | None,
    verify: bool,
    output: str,
) -> None:
    """Upload a built channel so the live feed is never broken.

    Assets first, then feed.json, replaced atomically; a manifest of content hashes on the
    host means only changed files are sent. Refuses a feed that does not validate or that
    names a file missing from OUTPUT_DIR. Credentials come from the environment (see README).

    \b
    Example:
      packager publish output --to s3://my-bucket/channel --dry-run
      packager publish output --to sftp://deploy@cdn.example.com:2222/srv/roku
    """
    options = PublishOptions(output_dir, target, dry_run, grace_days, public_url, output, verify)
    sys.exit(int(run_publish(options)))


def run_publish(options: PublishOptions) -> ExitCode:
    from datetime import timedelta

    from packager.publish import publish as publish_channel

    try:
        check_target(options.target, options.output_dir)
        result = publish_channel(
            options.output_dir,
            options.target,
            dry_run=options.dry_run,
            grace_period=timedelta(days=options.grace_days),
            public_url=options.public_url,
            verify=options.verify,
        )
    except PackagerError as error:
        fail(error, options.output)
    if options.output == "json":
        report.write_json(result.as_dict(), sys.stdout)
        return ExitCode.OK
    if options.dry_run:
        click.echo(f"dry run: nothing was sent to {report.printable(result.target)}")
        for line in result.plan.lines():
            click.echo(f"  {report.printable(line)}")
        return ExitCode.OK
    feed = "feed replaced" if result.feed_replaced else "feed unchanged"
    click.echo(
        f"published to {report.printable(result.target)}: {len(result.uploaded)} uploaded, "
        f"{len(result.skipped)} unchanged, {len(result.deleted)} deleted; {feed}; "
        f"{result.bytes_sent:,} bytes in {result.requests} requests"
    )
    for warning in result.warnings:
        click.echo(f"warning: {report.indented_lines(warning, 2)}", err=True)
    return ExitCode.OK
