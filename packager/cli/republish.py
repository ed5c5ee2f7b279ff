"""`packager republish`: rebuild from the config's sources and publish what changed."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import click

from packager import report
from packager.cli.common import (
    ALLOW_HOST_OPTION,
    NOW_OPTION,
    QUIET_OPTION,
    TARGET_OPTION,
    VERIFY_OPTION,
    check_target,
    config_option,
    fail,
    merged_hosts,
    output_option,
    say,
    use_config,
)
from packager.cli.progress import progress_display
from packager.config import CONFIG_NAME
from packager.errors import ConfigError, ExitCode, PackagerError
from packager.publish.lock import DEFAULT_LOCK_TTL
from packager.republish import status_of, write_step_summary


@dataclass(frozen=True)
class RepublishOptions:
    config_path: Path | None
    target: str
    out_dir: Path
    allow_shrink: bool
    max_shrink: float
    wait_seconds: float
    output: str
    detailed_exit_codes: bool
    now: datetime | None
    verify: bool = False
    allow_hosts: tuple[str, ...] = ()
    quiet: bool = False
    summary_screenshot: Path | None = None
    summary_screenshot_url: str | None = None
    reuse: bool = True
    lock_ttl_seconds: float = DEFAULT_LOCK_TTL.total_seconds()


@click.command()
@config_option("The channel config (default: ./channel.toml); its [channel] sources are built.")
@TARGET_OPTION
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("output"),
    show_default=True,
    help="Build folder (may start empty on every run).",
)
@click.option(
    "--allow-shrink", is_flag=True, help="Publish even if the feed loses many live items."
)
@click.option(
    "--max-shrink",
    type=click.FloatRange(min=0.0, max=1.0),
    default=0.5,
    show_default=True,
    help="Refuse when at least this share of the live items would be dropped.",
)
@click.option(
    "--wait",
    "wait_seconds",
    type=click.FloatRange(min=0.0),
    default=0.0,
    show_default=True,
    help="Seconds to wait for another run's lock before giving up (exit 9).",
)
@click.option(
    "--lock-ttl",
    "lock_ttl_seconds",
    type=click.FloatRange(min=60.0),
    default=DEFAULT_LOCK_TTL.total_seconds(),
    show_default=True,
    help="Seconds this run's lock lasts without a renewal (renewed while the build runs); "
    "another run may take over a lock that expired.",
)
@output_option(("text", "json"), "text for people, json for programs (only JSON on stdout).")
@VERIFY_OPTION
@click.option(
    "--detailed-exit-codes", is_flag=True, help="Exit 8 (not 0) when there was nothing to publish."
)
@ALLOW_HOST_OPTION
@QUIET_OPTION
@click.option(
    "--summary-screenshot",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="PNG",
    help="Also write a PNG of the built channel's preview home screen (needs Chromium) and "
    "add it to $GITHUB_STEP_SUMMARY; without Chromium the summary says so and the run goes on.",
)
@click.option(
    "--summary-screenshot-url",
    metavar="URL",
    help="Where the workflow makes the PNG reachable (GitHub shows summary images by URL "
    "only); without it the summary names the file to upload as an artifact.",
)
@click.option(
    "--no-reuse",
    "no_reuse",
    is_flag=True,
    help="Make every thumbnail and video here instead of reusing the files the host's build "
    "cache (packager-build-cache.json) says it already holds.",
)
@NOW_OPTION
def republish(
    config_path: Path | None,
    target: str,
    out_dir: Path,
    allow_shrink: bool,
    max_shrink: float,
    wait_seconds: float,
    lock_ttl_seconds: float,
    output: str,
    detailed_exit_codes: bool,
    allow_hosts: tuple[str, ...],
    quiet: bool,
    summary_screenshot: Path | None,
    summary_screenshot_url: str | None,
    now: datetime | None,
    verify: bool,
    no_reuse: bool,
) -> None:
    """Rebuild the channel from its sources and publish it if anything changed.

    For scheduled CI jobs: builds the config's sources, compares with the feed live on
    TARGET (ignoring lastUpdated) and publishes only when items were added, removed or
    changed. Refuses to drop --max-shrink or more of the live items (exit 7), refuses an
    invalid build (exit 3) or an unreachable source (exit 6); one run at a time per target
    (packager-lock.json beside the feed; exit 9 when busy). The host is the build cache:
    articles whose thumbnails and videos the host already holds are not made again, so --out
    may start empty (--no-reuse makes everything; --verify checks the host really holds
    them). With $GITHUB_STEP_SUMMARY set,
    the changes are added to the job summary as Markdown. Without --config, ./channel.toml
    is used; the config used is said on stderr. The build's progress goes to stderr (bars on
    a terminal, plain lines in CI logs), nothing with --quiet. --summary-screenshot adds
    a picture of the channel's home screen (packager preview) for reviewers.

    \b
    Example:
      packager republish --to s3://my-bucket/channel          (in the channel folder)
      packager republish -c channel.toml --to https://dav.example.com/roku/ --wait 300 -o json
      packager republish --to s3://my-bucket/channel --summary-screenshot home.png
    """
    options = RepublishOptions(
        config_path,
        target,
        out_dir,
        allow_shrink,
        max_shrink,
        wait_seconds,
        output,
        detailed_exit_codes,
        now,
        verify,
        allow_hosts,
        quiet,
        summary_screenshot,
        summary_screenshot_url,
        not no_reuse,
        lock_ttl_seconds,
    )
    sys.exit(int(run_republish(options)))


def run_republish(options: RepublishOptions) -> ExitCode:
    from packager.config import load_config
    from packager.republish import republish as republish_channel  # looked up per run

    try:
        check_target(options.target, options.out_dir)
        config = load_config(_republish_config(options.config_path))
        config = config.with_overrides(
            allow_hosts=merged_hosts(config.allow_hosts, options.allow_hosts)
        )
        with progress_display(quiet=options.quiet) as progress:
            result = republish_channel(
                config,
                options.target,
                out_dir=options.out_dir,
                allow_shrink=options.allow_shrink,
                max_shrink=options.max_shrink,
                wait_seconds=options.wait_seconds,
                lock_ttl=timedelta(seconds=options.lock_ttl_seconds),
                now=options.now,
                verify=options.verify,
                reuse=options.reuse,
                progress=progress,
            )
    except PackagerError as error:
        fail(error, options.output, {"status": status_of(error.exit_code)})
    code = result.exit_code(detailed=options.detailed_exit_codes)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        write_step_summary(result, Path(summary))
    if options.summary_screenshot is not None:
        _summary_screenshot(
            options.out_dir, options.summary_screenshot, options.summary_screenshot_url, summary
        )
    if options.output == "json":
        data = result.as_dict(detailed=options.detailed_exit_codes)
        if not result.ok:
            data = report.error_document(result.message, result.hint, code, data)
        report.write_json(data, sys.stdout)
    elif result.ok:
        click.echo(report.indented_lines(result.text(), 0))
    else:
        click.echo(f"error: {report.indented_lines(result.text(), 0)}", err=True)
    return code


def _republish_config(explicit: Path | None) -> Path:
    """`--config`, else ./channel.toml: republish always builds a config's sources."""
    choice = use_config(explicit)
    if choice.path is None:
        raise ConfigError(
            f"no --config given and no {CONFIG_NAME} in {Path.cwd()}",
            hint=f"run republish in the channel folder, or give --config path/to/{CONFIG_NAME}",
        )
    return choice.path


def _summary_screenshot(
    out_dir: Path, png: Path, image_url: str | None, summary: str | None
) -> None:
    """Write the PNG of the build's preview home screen and add its section to the job
    summary; a screenshot that cannot be taken is a note, never a failed republish."""
    shot, note = take_home_screenshot(out_dir, png)
    if shot is None:
        say(f"note: no screenshot of the preview: {note}")
    else:
        say(f"screenshot of the preview home screen: {shot}")
    if summary:
        section = report.screenshot_markdown(
            str(shot) if shot else None, image_url=image_url, note=note
        )
        with Path(summary).open("a", encoding="utf-8") as stream:
            stream.write(section + "\n")


def take_home_screenshot(out_dir: Path, png: Path) -> tuple[Path | None, str]:
    """A PNG of the preview of `out_dir`'s feed (the page is made in a temporary folder, so
    nothing is added to the output), or None and why not."""
    import tempfile

    from packager.layout import FEED_NAME
    from packager.preview import build_preview, find_chromium, take_screenshot

    if find_chromium() is None:
        return None, (
            "Chromium is not installed (Debian: apt-get install chromium; or set "
            "PACKAGER_CHROMIUM to its path)"
        )
    if not (out_dir / FEED_NAME).is_file():
        return None, f"no {FEED_NAME} was built in {out_dir} to preview"
    try:
        with tempfile.TemporaryDirectory(prefix="packager-preview-") as page_dir:
            page = build_preview(str(out_dir), Path(page_dir)).page
            return take_screenshot(page.as_uri(), png), ""
    except PackagerError as error:
        return None, f"{error.message} ({error.hint})" if error.hint else error.message
