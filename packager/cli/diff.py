"""`packager diff`: what changed between two feeds."""

from __future__ import annotations

import sys

import click

from packager import report
from packager.cli.common import fail, output_option, timeout_option
from packager.errors import PackagerError


@click.command()
@click.argument("old")
@click.argument("new")
@output_option(
    ("text", "json", "markdown"), "text for people, json for programs, markdown for CI summaries."
)
@timeout_option("a feed URL")
def diff(old: str, new: str, output: str, timeout: float) -> None:
    """Show what changed between two feeds: items added, removed, changed (which fields).

    OLD and NEW are files, http(s) URLs or - (one of them) for standard input.

    \b
    Example:
      packager diff https://cdn.example.com/news/feed.json output/feed.json
      packager diff old.json new.json -o json
    """
    from packager.diff import diff_feeds, require_feed
    from packager.validate.loading import load_feed

    try:
        before = load_feed(old, timeout=timeout)
        require_feed(before.data, before.origin, "OLD")
        after = load_feed(new, timeout=timeout)
        require_feed(after.data, after.origin, "NEW")
    except PackagerError as error:
        fail(error, output)
    result = diff_feeds(before.data, after.data)
    if output == "json":
        report.write_json(result.as_dict(), sys.stdout)
    elif output == "markdown":
        report.write_markdown(result, sys.stdout)
    else:
        click.echo(report.indented_lines(result.text(), 0))
