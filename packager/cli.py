"""The command line: parses options, calls one core function, reports, exits with its code.

The only module that imports click.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from packager import __version__, report
from packager.errors import ExitCode, PackagerError

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


@click.group(epilog=EXIT_CODES_HELP)
@click.version_option(__version__, prog_name="packager")
def main() -> None:
    """Build, validate and publish Roku Direct Publisher channel feeds from news articles."""


def _fail(error: PackagerError) -> NoReturn:
    """Print a user error (never a traceback) and exit with its code."""
    click.echo(f"error: {error.message}", err=True)
    if error.hint:
        click.echo(f"hint: {error.hint}", err=True)
    sys.exit(int(error.exit_code))


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


@dataclass(frozen=True)
class ValidateOptions:
    feeds: tuple[str, ...]
    output: str
    strict: bool
    check_assets: bool
    limit: int
    errors_only: bool
    max_bytes: int
    asset_timeout: float
    asset_concurrency: int
    timeout: float


@main.command()
@click.argument("feeds", nargs=-1, required=True, metavar="FEED...")
@output_option(
    ("text", "json", "github"),
    "text for people, json for programs (only JSON on stdout), github for annotations.",
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 3).")
@click.option(
    "--check-assets",
    is_flag=True,
    help="Fetch every thumbnail and video: reachable, real image, >= 800x450, 16:9.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=50,
    show_default=True,
    help="Show at most this many problems per feed in text output (0: all).",
)
@click.option("--errors-only", is_flag=True, help="Leave warnings out of text output.")
@click.option(
    "--max-size",
    "max_mb",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="Refuse feeds larger than this many MiB.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    help="Seconds to wait for a feed URL to answer.",
)
@click.option(
    "--asset-timeout",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="Seconds to wait for each asset request.",
)
@click.option(
    "--asset-concurrency",
    type=click.IntRange(min=1, max=64),
    default=4,
    show_default=True,
    help="Asset requests at once per host.",
)
def validate(
    feeds: tuple[str, ...],
    output: str,
    strict: bool,
    check_assets: bool,
    limit: int,
    errors_only: bool,
    max_mb: int,
    timeout: float,
    asset_timeout: float,
    asset_concurrency: int,
) -> None:
    """Check Roku Direct Publisher feeds against the full spec.

    FEED is a file, an http(s) URL, or - for standard input. Every problem names the exact
    place (a JSON Pointer such as /shortFormVideos/3/thumbnail), a rule id and how to fix it.
    Roku Search Feeds (search.json) and Media RSS (feed.xml) are told from their content and
    checked too; MRSS problems are located like /rss/channel/item[3]/media:content/@url.

    \b
    Example:
      packager validate output/feed.json
      packager validate https://example.com/roku.json --check-assets -o json
      packager validate output/feed.xml output/search.json
    """
    options = ValidateOptions(
        feeds,
        output,
        strict,
        check_assets,
        limit,
        errors_only,
        max_mb * 1024 * 1024,
        asset_timeout,
        asset_concurrency,
        timeout,
    )
    sys.exit(int(run_validate(options)))


def run_validate(options: ValidateOptions) -> ExitCode:
    from packager.validate import ValidationResult, validate_feed
    from packager.validate.assets import AssetOptions

    asset_options = AssetOptions(timeout=options.asset_timeout, per_host=options.asset_concurrency)
    results: list[ValidationResult] = []
    failures: list[dict[str, str]] = []
    code = ExitCode.OK
    for feed in options.feeds:
        try:
            result = validate_feed(
                feed,
                check_assets=options.check_assets,
                max_bytes=options.max_bytes,
                timeout=options.timeout,
                asset_options=asset_options,
            )
        except PackagerError as error:
            code = max(code, error.exit_code)
            failures.append({"feed": feed, "error": error.message, "hint": error.hint})
            if options.output != "json":
                click.echo(f"error: {error.message}", err=True)
                if error.hint:
                    click.echo(f"hint: {error.hint}", err=True)
            continue
        results.append(result)
        code = max(code, result.exit_code(strict=options.strict))
        if options.output == "text":
            _print_validation(result, options)
        elif options.output == "github":
            for problem in result.problems:
                click.echo(report.github_annotation(problem, origin=result.origin))
    if options.output == "json":
        report.write_json(
            {"valid": code == ExitCode.OK, "feeds": [r.as_dict() for r in results] + failures},
            sys.stdout,
        )
    return code


def _print_validation(result: Any, options: ValidateOptions) -> None:
    stdout = sys.stdout
    problems = [p for p in result.problems if not (options.errors_only and p.severity == "warning")]
    if problems:
        click.echo(f"{result.origin}:")
    left_out = report.write_problems(problems, stdout, limit=options.limit or None)
    if left_out:
        click.echo(f"... and {left_out} more (use --limit 0 to see all, or -o json)")
    counts = result.rule_counts().most_common()
    verdict = "invalid" if result.errors or (options.strict and result.warnings) else "valid"
    if result.kind != "roku":
        verdict += {"mrss": " Media RSS", "roku-search": " Roku Search Feed"}.get(result.kind, "")
    click.echo(
        f"{result.origin}: {verdict} — {report.plural(len(result.errors), 'error')}, "
        f"{report.plural(len(result.warnings), 'warning')}; "
        f"{report.summarize_counts(result.item_counts)}; {result.size_bytes:,} bytes"
    )
    if counts:
        click.echo(f"  by rule: {report.rule_summary(counts)}")


@dataclass(frozen=True)
class BuildOptions:
    sources: tuple[str, ...]
    out_dir: Path
    config_path: Path | None
    overrides: dict[str, Any]
    output: str
    strict: bool
    now: datetime | None
    workers: int
    allow_shrink: bool = False
    rerender: bool = False
    lock_wait: float = 0.0


def _size(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    width, _, height = text.lower().partition("x")
    if not (width.isdigit() and height.isdigit()):
        raise click.BadParameter(f"{text!r} is not WIDTHxHEIGHT, e.g. 1280x720")
    return int(width), int(height)


@main.command()
@click.argument("sources", nargs=-1, metavar="SOURCE...")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("output"),
    show_default=True,
    help="Output folder.",
)
@click.option(
    "-c",
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The channel config (channel.toml).",
)
@click.option("--base-url", help="Public URL the output folder is served from.")
@click.option("--provider-name", help="The channel's provider name.")
@click.option("--language", help="The channel's language (ISO 639, e.g. en).")
@click.option(
    "--render",
    type=click.Choice(["off", "on", "forced"]),
    help="Render videos for articles without one (default: on).",
)
@click.option("--thumbnail-size", help="Thumbnail size WIDTHxHEIGHT (16:9, >= 800x450).")
@output_option(("text", "json"), "Report format; json prints only JSON on stdout.")
@click.option(
    "--strict",
    is_flag=True,
    help="Fail (exit 3) on validation warnings too; the previous feed stays.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Threads that make thumbnails (default: CPUs, up to 4; 1: no pool). "
    "The feed is the same for any number.",
)
@click.option(
    "--allow-shrink",
    is_flag=True,
    help="Replace the feed even if it loses more than half of its items (else exit 7).",
)
@click.option(
    "--rerender",
    is_flag=True,
    help="Render the rendered articles' videos again (which articles are rendered stays).",
)
@click.option(
    "--wait",
    "lock_wait",
    type=click.FloatRange(min=0),
    default=0.0,
    show_default=True,
    help="Seconds to wait for another build of the same --out to finish (else exit 9).",
)
@click.option(
    "--now", "now_text", hidden=True, help="Fixed clock (ISO 8601) for reproducible builds."
)
def build(
    sources: tuple[str, ...],
    out_dir: Path,
    config_path: Path | None,
    base_url: str | None,
    provider_name: str | None,
    language: str | None,
    render: str | None,
    thumbnail_size: str | None,
    output: str,
    strict: bool,
    workers: int | None,
    allow_shrink: bool,
    rerender: bool,
    lock_wait: float,
    now_text: str | None,
) -> None:
    """Build a Roku channel feed from articles.

    SOURCE is a folder of article bundles (one sub-folder per article), a single bundle, or an
    RSS/Atom feed or article page URL. Writes OUT/feed.json (only if it validates), OUT/images/,
    OUT/videos/, OUT/captions/ and OUT/build-report.json.

    \b
    Example:
      packager build --config examples/channel/channel.toml --out output
      packager build articles/ --base-url https://cdn.example.com/news/ --out output
    """
    size = _size(thumbnail_size)
    overrides = {
        "base_url": base_url,
        "provider_name": provider_name,
        "language": language,
        "render_video": render,
        "thumbnail_width": size[0] if size else None,
        "thumbnail_height": size[1] if size else None,
    }
    now = datetime.fromisoformat(now_text) if now_text else None
    from packager.build import DEFAULT_WORKERS

    options = BuildOptions(
        sources,
        out_dir,
        config_path,
        overrides,
        output,
        strict,
        now,
        workers or DEFAULT_WORKERS,
        allow_shrink,
        rerender,
        lock_wait,
    )
    sys.exit(int(run_build(options)))


def run_build(options: BuildOptions) -> ExitCode:
    from packager.build import build_feed
    from packager.config import load_config

    try:
        config = load_config(options.config_path).with_overrides(**options.overrides)
        progress = _progress_printer() if options.output == "text" else None
        result = build_feed(
            options.sources,
            options.out_dir,
            config,
            now=options.now,
            progress=progress,
            strict=options.strict,
            workers=options.workers,
            allow_shrink=options.allow_shrink,
            rerender=options.rerender,
            lock_wait=options.lock_wait,
        )
    except PackagerError as error:
        _fail(error)
    code = result.exit_code
    if options.output == "json":
        report.write_json({**result.as_dict(), "exitCode": int(code)}, sys.stdout)
    else:
        report.write_build_report(result, sys.stdout)
        if result.shrink_refused:
            click.echo(f"feed NOT replaced: {result.shrink_refused}")
        for name, validation in result.extra_files.items():
            if validation.ok and result.feed_written:
                click.echo(
                    f"built {result.out_dir / name}: "
                    f"{report.summarize_counts(validation.item_counts)}; "
                    f"{validation.size_bytes:,} bytes"
                )
            elif validation.ok:
                click.echo(f"{name} NOT written: the feed was not written")
            else:
                click.echo(f"{name} NOT written: it does not validate")
            report.write_problems(validation.problems, sys.stdout, limit=30)
    return code


def _progress_printer() -> Any:
    """A one-line progress counter on an interactive terminal; nothing in CI or pipes."""
    if not sys.stderr.isatty() or os.environ.get("CI"):
        return None

    def show(event: Any) -> None:  # packager.build.progress.Progress
        label = Path(event.label).name if event.label else ""
        click.echo(
            f"\r  {event.stage} {event.done}/{event.total} {label[:40]:<40}", nl=False, err=True
        )
        if event.finished:
            click.echo("", err=True)

    return show


@dataclass(frozen=True)
class ExtractOptions:
    locations: tuple[str, ...]
    output: str
    cache_dir: Path | None
    allow_hosts: tuple[str, ...]
    timeout: float


@main.command()
@click.argument("locations", nargs=-1, required=True, metavar="URL_OR_FILE...")
@output_option(("text", "json"), "text for people, json for programs.")
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep downloads here; unchanged pages are not downloaded again (ETag).",
)
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="HOST_OR_CIDR",
    help="Allow links to this private/loopback host or network (repeatable).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    help="Seconds to wait for each download.",
)
def extract(
    locations: tuple[str, ...],
    output: str,
    cache_dir: Path | None,
    allow_hosts: tuple[str, ...],
    timeout: float,
) -> None:
    """Show the article model exactly as packager reads it.

    URL_OR_FILE is an article page or RSS/Atom feed URL, a saved .html or feed file, or an
    article bundle folder. Shows id, canonical URL, title, section path, dates, summary,
    body, images with captions and credits, videos and warnings: use it to see why an
    article came out wrong.

    \b
    Example:
      packager extract examples/channel/articles/03-library-page
      packager extract https://news.example/rss.xml -o json
    """
    options = ExtractOptions(locations, output, cache_dir, allow_hosts, timeout)
    sys.exit(int(run_extract(options)))


def run_extract(options: ExtractOptions) -> ExitCode:
    from packager.extract import extract as extract_articles
    from packager.http import Fetcher
    from packager.model import Article

    with Fetcher(
        options.cache_dir,
        allow_hosts=options.allow_hosts,
        timeout=(min(5.0, options.timeout), options.timeout),
    ) as fetcher:
        found = extract_articles(options.locations, fetcher=fetcher)
    articles = [item for item in found if isinstance(item, Article)]
    problems = [item for item in found if not isinstance(item, Article)]
    if options.output == "json":
        report.write_json(
            {
                "articles": [a.as_dict() for a in articles],
                "problems": [
                    {"location": p.location, "message": p.message, "hint": p.hint} for p in problems
                ],
            },
            sys.stdout,
        )
    else:
        for article in articles:
            report.write_article(article, sys.stdout)
        for problem in problems:
            click.echo(f"error: {problem.message}", err=True)
            if problem.hint:
                click.echo(f"hint: {problem.hint}", err=True)
    return ExitCode.BAD_INPUT if problems else ExitCode.OK


@main.command()
@click.argument("old")
@click.argument("new")
@output_option(
    ("text", "json", "markdown"), "text for people, json for programs, markdown for CI summaries."
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    help="Seconds to wait for a feed URL to answer.",
)
def diff(old: str, new: str, output: str, timeout: float) -> None:
    """Show what changed between two feeds: items added, removed, changed (which fields).

    OLD and NEW are files, http(s) URLs or - (one of them) for standard input.

    \b
    Example:
      packager diff https://cdn.example.com/news/feed.json output/feed.json
      packager diff old.json new.json -o json
    """
    from packager.diff import diff_feeds
    from packager.validate.loading import load_feed

    try:
        before = load_feed(old, timeout=timeout)
        after = load_feed(new, timeout=timeout)
    except PackagerError as error:
        _fail(error)
    result = diff_feeds(before.data, after.data)
    if output == "json":
        report.write_json(result.as_dict(), sys.stdout)
    elif output == "markdown":
        click.echo(result.markdown(), nl=False)
    else:
        click.echo(result.text())


@dataclass(frozen=True)
class PublishOptions:
    output_dir: Path
    target: str
    dry_run: bool
    grace_days: float
    public_url: str | None
    output: str
    verify: bool = False


@main.command()
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
        result = publish_channel(
            options.output_dir,
            options.target,
            dry_run=options.dry_run,
            grace_period=timedelta(days=options.grace_days),
            public_url=options.public_url,
            verify=options.verify,
        )
    except PackagerError as error:
        if options.output == "json":
            report.write_json(
                {"error": error.message, "hint": error.hint, "exitCode": int(error.exit_code)},
                sys.stdout,
            )
            sys.exit(int(error.exit_code))
        _fail(error)
    if options.output == "json":
        report.write_json(result.as_dict(), sys.stdout)
        return ExitCode.OK
    if options.dry_run:
        click.echo(f"dry run: nothing was sent to {result.target}")
        for line in result.plan.lines():
            click.echo(f"  {line}")
        return ExitCode.OK
    feed = "feed replaced" if result.feed_replaced else "feed unchanged"
    click.echo(
        f"published to {result.target}: {len(result.uploaded)} uploaded, "
        f"{len(result.skipped)} unchanged, {len(result.deleted)} deleted; {feed}; "
        f"{result.bytes_sent:,} bytes in {result.requests} requests"
    )
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    return ExitCode.OK


@dataclass(frozen=True)
class RepublishOptions:
    config_path: Path
    target: str
    out_dir: Path
    allow_shrink: bool
    max_shrink: float
    wait_seconds: float
    output: str
    detailed_exit_codes: bool
    now: datetime | None
    verify: bool = False


@main.command()
@click.option(
    "-c",
    "--config",
    "config_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The channel config (channel.toml); its [channel] sources are built.",
)
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
@output_option(("text", "json"), "text for people, json for programs (only JSON on stdout).")
@VERIFY_OPTION
@click.option(
    "--detailed-exit-codes", is_flag=True, help="Exit 8 (not 0) when there was nothing to publish."
)
@click.option(
    "--now", "now_text", hidden=True, help="Fixed clock (ISO 8601) for reproducible builds."
)
def republish(
    config_path: Path,
    target: str,
    out_dir: Path,
    allow_shrink: bool,
    max_shrink: float,
    wait_seconds: float,
    output: str,
    detailed_exit_codes: bool,
    now_text: str | None,
    verify: bool,
) -> None:
    """Rebuild the channel from its sources and publish it if anything changed.

    For scheduled CI jobs: builds the config's sources, compares with the feed live on
    TARGET (ignoring lastUpdated) and publishes only when items were added, removed or
    changed. Refuses to drop --max-shrink or more of the live items (exit 7), refuses an
    invalid build (exit 3) or an unreachable source (exit 6); one run at a time per target
    (packager-lock.json beside the feed; exit 9 when busy). With $GITHUB_STEP_SUMMARY set,
    the changes are added to the job summary as Markdown.

    \b
    Example:
      packager republish --config channel.toml --to s3://my-bucket/channel
      packager republish -c channel.toml --to https://dav.example.com/roku/ --wait 300 -o json
    """
    now = datetime.fromisoformat(now_text) if now_text else None
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
    )
    sys.exit(int(run_republish(options)))


def run_republish(options: RepublishOptions) -> ExitCode:
    from packager.config import load_config
    from packager.republish import republish as republish_channel
    from packager.republish import write_step_summary

    try:
        config = load_config(options.config_path)
        result = republish_channel(
            config,
            options.target,
            out_dir=options.out_dir,
            allow_shrink=options.allow_shrink,
            max_shrink=options.max_shrink,
            wait_seconds=options.wait_seconds,
            now=options.now,
            verify=options.verify,
        )
    except PackagerError as error:
        if options.output == "json":
            report.write_json(
                {
                    "status": "bad-input",
                    "error": error.message,
                    "hint": error.hint,
                    "exitCode": int(error.exit_code),
                },
                sys.stdout,
            )
            sys.exit(int(error.exit_code))
        _fail(error)
    code = result.exit_code(detailed=options.detailed_exit_codes)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        write_step_summary(result, Path(summary))
    if options.output == "json":
        report.write_json(result.as_dict(detailed=options.detailed_exit_codes), sys.stdout)
    elif result.ok:
        click.echo(result.text())
    else:
        click.echo(f"error: {result.text()}", err=True)
    return code
