"""`packager preview`: the channel as a viewer will see it, as a static page."""

from __future__ import annotations

import contextlib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from packager import report
from packager.cli.common import (
    ALLOW_HOST_OPTION,
    config_option,
    fail,
    merged_hosts,
    output_option,
    timeout_option,
    use_config,
)
from packager.errors import PackagerError

DEFAULT_SOURCE = "output"  # where packager build writes without --out


@dataclass(frozen=True)
class PreviewOptions:
    source: str
    out_dir: Path | None
    serve: bool
    port: int
    screenshot: Path | None
    output: str
    config_path: Path | None = None
    allow_hosts: tuple[str, ...] = ()
    timeout: float = 30.0


@click.command()
@click.argument("source", metavar="[SOURCE]", default=DEFAULT_SOURCE, required=False)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write index.html to [default: SOURCE/preview for a build folder, "
    "./preview for a URL].",
)
@click.option(
    "--serve",
    is_flag=True,
    help="Serve the preview on 127.0.0.1 and print its URL (Ctrl-C stops it).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    help="The port --serve listens on [default: any free port].",
)
@click.option(
    "--screenshot",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="PNG",
    help="Also write a PNG of the home screen (needs Chromium).",
)
@config_option("The channel config, for its [channel] allow_hosts (default: ./channel.toml).")
@ALLOW_HOST_OPTION
@timeout_option("a feed URL")
@output_option(("text", "json"), "text for people, json for programs (only JSON on stdout).")
def preview(
    source: str,
    out_dir: Path | None,
    serve: bool,
    port: int,
    screenshot: Path | None,
    config_path: Path | None,
    allow_hosts: tuple[str, ...],
    timeout: float,
    output: str,
) -> None:
    """Write a static page showing the channel as a viewer will see it: rows, posters,
    details, player, and the feed's validation problems.

    SOURCE is a build output folder (default: ./output, where packager build writes; the
    feed's URLs are mapped to its files, so the preview works before publishing), a feed
    file, or a feed URL. The page opens from file:// too. Without --config, ./channel.toml
    (or SOURCE's own) is used for its allow_hosts; the config used is said on stderr. Exits
    4 (6 for an unreachable URL) when there is no feed to show, after writing a page that
    says why; a feed with problems is shown with its problems and exits 0.

    \b
    Example:
      packager preview                    (in a channel folder, after packager build)
      packager preview output
      packager preview https://cdn.example.com/roku/feed.json --out preview
      packager preview --serve output
      packager preview output --serve --port 8000
      packager preview output --screenshot home.png
    """
    if port and not serve:
        raise click.BadParameter("--port is the port of --serve; add --serve", param_hint="--port")
    options = PreviewOptions(
        source, out_dir, serve, port, screenshot, output, config_path, allow_hosts, timeout
    )
    run_preview(options)


def run_preview(options: PreviewOptions) -> None:
    from packager.config import load_config
    from packager.preview import PreviewServer, build_preview, take_screenshot
    from packager.preview import write_preview_error as write_error
    from packager.preview.source import require_source

    source, out_dir, output = options.source, options.out_dir, options.output
    try:
        require_source(source)
        choice = use_config(options.config_path, (source,))
        config = load_config(choice.path)
        hosts = merged_hosts(config.allow_hosts, options.allow_hosts) or config.allow_hosts
        result = build_preview(source, out_dir, timeout=options.timeout, allow_hosts=hosts)
    except PackagerError as error:
        with contextlib.suppress(OSError):  # the page says why too: never a blank page
            click.echo(f"wrote {write_error(source, out_dir, error)}, which says why", err=True)
        fail(error, output)
    try:
        shot = (
            take_screenshot(result.page.as_uri(), options.screenshot)
            if options.screenshot
            else None
        )
    except PackagerError as error:
        fail(error, output, _partial(result.as_dict()))
    server = None
    if options.serve:
        try:  # before the report: a busy port is one error, not a report and then an error
            server = PreviewServer(
                result.out_dir, result.local_root, options.port, local_names=result.served_names
            )
        except PackagerError as error:
            fail(error, output, _partial(result.as_dict()))
    if output == "json":
        report.write_json(
            result.as_dict() | {"screenshot": str(shot) if shot else None}, sys.stdout
        )
    else:
        click.echo(
            report.indented_lines(result.text() + (f"\nscreenshot: {shot}" if shot else ""), 0)
        )
    if server is not None:
        click.echo(f"serving the preview at {server.url} (Ctrl-C to stop)", err=output == "json")
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
        server.stop()


def _partial(preview: dict[str, Any]) -> dict[str, Any]:
    """The preview's report beside an error: without its "status": "ok", which the error
    contradicts (the preview page was written; the step after it failed)."""
    return {key: value for key, value in preview.items() if key != "status"}
