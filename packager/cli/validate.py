"""`packager validate`: check feeds against the spec and report every problem."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

import click

from packager import report
from packager.cli.common import output_option, say_error, timeout_option
from packager.errors import ExitCode, PackagerError


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


@click.command()
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
@timeout_option("a feed URL")
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

    asset_options = None
    if options.check_assets:  # the asset checker and its HTTP stack load only when they run
        from packager.validate.assets import AssetOptions

        asset_options = AssetOptions(
            timeout=options.asset_timeout, per_host=options.asset_concurrency
        )
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
            say_error(error.message, error.hint)
            if options.output == "github":
                click.echo(report.github_error(feed, error.message, error.hint))
            continue
        results.append(result)
        code = max(code, result.exit_code(strict=options.strict))
        if options.output == "text":
            report.write_validation(
                result,
                sys.stdout,
                limit=options.limit or None,
                errors_only=options.errors_only,
                strict=options.strict,
            )
        elif options.output == "github" and result.problems:
            # One write for thousands of annotations (click.echo flushes after each).
            lines = [report.github_annotation(p, origin=result.origin) for p in result.problems]
            click.echo("\n".join(lines))
    if options.output == "json":
        data = {"valid": code == ExitCode.OK, "feeds": [r.as_dict() for r in results] + failures}
        if code != ExitCode.OK:
            message, hint = validation_failure(results, failures, strict=options.strict)
            data = report.error_document(message, hint, code, data)
        report.write_json(data, sys.stdout)
    return code


def validation_failure(
    results: list[Any], failures: list[dict[str, str]], *, strict: bool
) -> tuple[str, str]:
    """The `error` and `hint` of a failed run: what could not be read, which feeds are invalid."""
    invalid = [r for r in results if r.exit_code(strict=strict) != ExitCode.OK]
    parts = [f"{failure['feed']}: {failure['error']}" for failure in failures]
    parts += [
        f"{r.origin}: invalid ({report.plural(len(r.errors), 'error')}, "
        f"{report.plural(len(r.warnings), 'warning')})"
        for r in invalid
    ]
    if failures:
        return "; ".join(parts), failures[0]["hint"]
    hint = "fix the problems listed under each feed (each names its JSON Pointer and a hint)"
    if strict and not any(r.errors for r in invalid):
        hint += "; warnings count as errors because of --strict"
    return "; ".join(parts), hint
