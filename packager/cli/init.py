"""`packager init`: start a channel folder of one's own."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from packager.cli.common import fail
from packager.errors import PackagerError


@click.command()
@click.argument(
    "folder", type=click.Path(path_type=Path), default=Path("."), required=False, metavar="[DIR]"
)
@click.option("--provider-name", help="The channel's name (default: the folder's name).")
@click.option(
    "--base-url",
    help="Public URL the output folder will be served from (default: a stand-in to replace).",
)
@click.option(
    "--language", default="en", show_default=True, help="The channel's language (ISO 639)."
)
def init(folder: Path, provider_name: str | None, base_url: str | None, language: str) -> None:
    """Start a channel: a commented channel.toml, a sample article, a CI workflow.

    Writes DIR/channel.toml, DIR/articles/welcome/ (an article.txt and a photo),
    DIR/.github/workflows/republish.yml (scheduled republish with packager's GitHub Action)
    and DIR/.gitignore. DIR (default: the current folder) is created if needed; a file that
    exists is kept as it is, never overwritten.

    \b
    Example:
      packager init mychannel --provider-name "Harbor City News" \\
        --base-url https://cdn.example.com/news/
      cd mychannel && packager build && packager preview output
    """
    from packager.scaffold import init_channel

    try:
        result = init_channel(
            folder,
            now=datetime.now().astimezone(),
            provider_name=provider_name,
            base_url=base_url,
            language=language,
        )
    except PackagerError as error:
        fail(error)
    for name in result.written:
        click.echo(f"wrote {result.folder / name}")
    for name in result.kept:
        click.echo(f"kept {result.folder / name} (it exists; not overwritten)")
    click.echo("\nnext steps:")
    for step in result.next_steps():
        click.echo(f"  {step}")
