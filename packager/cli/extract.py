"""`packager extract`: the article model exactly as packager reads it."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from packager import report
from packager.cli.common import ALLOW_HOST_OPTION, output_option, say_error, timeout_option
from packager.errors import ExitCode


@dataclass(frozen=True)
class ExtractOptions:
    locations: tuple[str, ...]
    output: str
    cache_dir: Path | None
    allow_hosts: tuple[str, ...]
    timeout: float
    since: datetime | None = None


def _parse_since(
    _ctx: click.Context, _param: click.Parameter, value: str | None
) -> datetime | None:
    """`--since`: an ISO 8601 date or date-time; without a zone it is UTC."""
    if value is None:
        return None
    from packager.timestamps import parse_timestamp

    moment = parse_timestamp(value, assume_utc=True)
    if moment is None:
        raise click.BadParameter(
            f"{value!r} is not an ISO 8601 date or date-time, e.g. 2026-12-01 or "
            "2026-12-01T06:00:00Z"
        )
    return moment


@click.command()
@click.argument("locations", nargs=-1, required=True, metavar="URL_OR_FILE...")
@output_option(("text", "json"), "text for people, json for programs.")
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep downloads here; unchanged pages are not downloaded again (ETag).",
)
@ALLOW_HOST_OPTION
@timeout_option("each download")
@click.option(
    "--since",
    metavar="DATE",
    callback=_parse_since,
    help="Only sitemap entries whose <lastmod> (or news publication date) and WordPress posts "
    "whose modification date is later than DATE (ISO 8601, UTC unless a zone is given); "
    "entries without a date are always read. Other sources are read whole.",
)
def extract(
    locations: tuple[str, ...],
    output: str,
    cache_dir: Path | None,
    allow_hosts: tuple[str, ...],
    timeout: float,
    since: datetime | None,
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
      packager extract https://news.example/sitemap.xml --since 2026-12-01
    """
    options = ExtractOptions(locations, output, cache_dir, allow_hosts, timeout, since)
    sys.exit(int(run_extract(options)))


def run_extract(options: ExtractOptions) -> ExitCode:
    from packager.extract import extract as extract_articles
    from packager.model import Article
    from packager.net.fetcher import Fetcher

    with Fetcher(
        options.cache_dir,
        allow_hosts=options.allow_hosts,
        timeout=(min(5.0, options.timeout), options.timeout),
    ) as fetcher:
        found = extract_articles(options.locations, fetcher=fetcher, since=options.since)
    articles = [item for item in found if isinstance(item, Article)]
    problems = [item for item in found if not isinstance(item, Article)]
    code = ExitCode.BAD_INPUT if problems else ExitCode.OK
    if options.output == "json":
        data: dict[str, Any] = {
            "articles": [a.as_dict() for a in articles],
            "problems": [
                {"location": p.location, "message": p.message, "hint": p.hint} for p in problems
            ],
        }
        if problems:
            message = f"{report.plural(len(problems), 'location')} could not be read"
            if len(problems) == 1:
                message = f"{problems[0].location}: {problems[0].message}"
            data = report.error_document(message, problems[0].hint, code, data)
        report.write_json(data, sys.stdout)
    else:
        for article in articles:
            report.write_article(article, sys.stdout)
        for problem in problems:
            say_error(problem.message, problem.hint)
    return code
