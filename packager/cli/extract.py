"""`packager extract`: the article model exactly as packager reads it."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from packager import report
from packager.cli.common import ALLOW_HOST_OPTION, output_option, say_error
from packager.errors import ExitCode


@dataclass(frozen=True)
class ExtractOptions:
    locations: tuple[str, ...]
    output: str
    cache_dir: Path | None
    allow_hosts: tuple[str, ...]
    timeout: float


@click.command()
@click.argument("locations", nargs=-1, required=True, metavar="URL_OR_FILE...")
@output_option(("text", "json"), "text for people, json for programs.")
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep downloads here; unchanged pages are not downloaded again (ETag).",
)
@ALLOW_HOST_OPTION
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    help="Seconds to wait for each download to answer; a download not complete after "
    "twice this is given up.",
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
    from packager.model import Article
    from packager.net.fetcher import Fetcher

    with Fetcher(
        options.cache_dir,
        allow_hosts=options.allow_hosts,
        timeout=(min(5.0, options.timeout), options.timeout),
    ) as fetcher:
        found = extract_articles(options.locations, fetcher=fetcher)
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
