"""`packager preview`: the channel as a viewer will see it, as a static page."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from packager import report
from packager.cli.common import fail, output_option
from packager.errors import PackagerError


@click.command()
@click.argument("source", metavar="SOURCE")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write index.html to [default: SOURCE/preview for a build folder, "
    "./preview for a URL].",
)
@click.option(
    "--serve",
    type=click.IntRange(0, 65535),
    is_flag=False,
    flag_value=0,
    default=None,
    metavar="[PORT]",
    help="Serve the preview on 127.0.0.1 (on PORT, else any free port) and print its URL.",
)
@click.option(
    "--screenshot",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="PNG",
    help="Also write a PNG of the home screen (needs Chromium).",
)
@output_option(("text", "json"), "text for people, json for programs (only JSON on stdout).")
def preview(
    source: str, out_dir: Path | None, serve: int | None, screenshot: Path | None, output: str
) -> None:
    """Write a static page showing the channel as a viewer will see it: rows, posters,
    details, player, and the feed's validation problems.

    SOURCE is a build output folder (the feed's URLs are mapped to its files, so the preview
    works before publishing), a feed file, or a feed URL. The page opens from file:// too.
    Exits 4 (6 for an unreachable URL) when there is no feed to show, after writing a page
    that says why; a feed with problems is shown with its problems and exits 0.

    \b
    Example:
      packager preview output
      packager preview https://cdn.example.com/roku/feed.json --out preview
      packager preview output --serve
      packager preview output --serve 8000
      packager preview output --screenshot home.png
    """
    from packager.preview import PreviewServer, build_preview, take_screenshot
    from packager.preview import write_preview_error as write_error

    try:
        result = build_preview(source, out_dir)
    except PackagerError as error:
        with contextlib.suppress(OSError):  # the page says why too: never a blank page
            click.echo(f"wrote {write_error(source, out_dir, error)}, which says why", err=True)
        fail(error, output)
    try:
        shot = take_screenshot(result.page.as_uri(), screenshot) if screenshot else None
    except PackagerError as error:
        fail(error, output, result.as_dict())
    if output == "json":
        report.write_json(
            result.as_dict() | {"screenshot": str(shot) if shot else None}, sys.stdout
        )
    else:
        click.echo(result.text() + (f"\nscreenshot: {shot}" if shot else ""))
    if serve is not None:
        server = PreviewServer(result.out_dir, result.local_root, serve)
        click.echo(f"serving the preview at {server.url} (Ctrl-C to stop)", err=output == "json")
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
        server.stop()
