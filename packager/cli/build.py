"""`packager build`: articles → feed.json, images, videos and the build report."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from packager import report
from packager.cli.common import (
    ALLOW_HOST_OPTION,
    NOW_OPTION,
    QUIET_OPTION,
    config_option,
    fail,
    merged_hosts,
    output_option,
    use_config,
)
from packager.cli.progress import progress_display
from packager.errors import ExitCode, PackagerError


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
    allow_hosts: tuple[str, ...] = ()
    quiet: bool = False
    reuse_from: str | None = None
    verify: bool = False


def _size(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    width, _, height = text.lower().partition("x")
    if not (width.isdigit() and height.isdigit()):
        raise click.BadParameter(f"{text!r} is not WIDTHxHEIGHT, e.g. 1280x720")
    return int(width), int(height)


@click.command()
@click.argument("sources", nargs=-1, metavar="SOURCE...")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("output"),
    show_default=True,
    help="Output folder.",
)
@config_option("The channel config (channel.toml).")
@click.option("--base-url", help="Public URL the output folder is served from.")
@click.option("--provider-name", help="The channel's provider name.")
@click.option("--language", help="The channel's language (ISO 639, e.g. en).")
@click.option(
    "--render",
    type=click.Choice(["off", "on", "forced"]),
    help="Which articles get a rendered video: on (default): those without a video of their "
    "own; forced: every article, replacing its own video; off: none (articles without a "
    "video are skipped).",
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
@ALLOW_HOST_OPTION
@click.option(
    "--allow-shrink",
    is_flag=True,
    help="Replace the feed even if it loses more than half of its items (else exit 7).",
)
@click.option(
    "--rerender",
    is_flag=True,
    help="Render again the videos of the articles --render picks, ignoring the render cache "
    "(e.g. after installing espeak-ng); does not change which articles are rendered.",
)
@QUIET_OPTION
@click.option(
    "--wait",
    "lock_wait",
    type=click.FloatRange(min=0),
    default=0.0,
    show_default=True,
    help="Seconds to wait for another build of the same --out to finish (else exit 9).",
)
@click.option(
    "--reuse-from",
    metavar="TARGET",
    help="A host this channel is published to (as publish --to): articles whose thumbnails "
    "and videos it already holds are not made again; publish to the same TARGET.",
)
@click.option(
    "--verify",
    is_flag=True,
    help="With --reuse-from: ask the host for each file before reusing it (one deleted by "
    "hand is made again).",
)
@NOW_OPTION
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
    allow_hosts: tuple[str, ...],
    quiet: bool,
    reuse_from: str | None,
    verify: bool,
    now: datetime | None,
) -> None:
    """Build a Roku channel feed from articles.

    SOURCE is a folder of article bundles (one sub-folder per article), a single bundle, or an
    RSS/Atom feed or article page URL; without SOURCE the config's [channel] sources are
    built. A channel folder (one with its own channel.toml) as SOURCE means: that config and
    its sources. Without --config, ./channel.toml is used when there is one; the config used
    is said on stderr. Writes OUT/feed.json (only if it validates), OUT/images/, OUT/videos/,
    OUT/captions/ and OUT/build-report.json. Progress goes to stderr: bars on a terminal,
    a plain line per stage (and every 10 s) in CI logs, nothing with --quiet.

    \b
    Example:
      packager build examples/channel --out output
      packager build --out output          (in a folder with channel.toml)
      packager build articles/ --base-url https://cdn.example.com/news/ --out output
      packager build --out output --reuse-from s3://my-bucket/channel   (fresh CI runner)
    """
    if verify and not reuse_from:
        raise click.UsageError("--verify checks the host of --reuse-from TARGET; give it too")
    size = _size(thumbnail_size)
    overrides = {
        "base_url": base_url,
        "provider_name": provider_name,
        "language": language,
        "render_video": render,
        "thumbnail_width": size[0] if size else None,
        "thumbnail_height": size[1] if size else None,
    }
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
        allow_hosts,
        quiet,
        reuse_from,
        verify,
    )
    sys.exit(int(run_build(options)))


def run_build(options: BuildOptions) -> ExitCode:
    from packager.build import build_feed
    from packager.config import load_config

    try:
        choice = use_config(options.config_path, options.sources)
        config = load_config(choice.path)
        config = config.with_overrides(
            **options.overrides, allow_hosts=merged_hosts(config.allow_hosts, options.allow_hosts)
        )
        reuse = _host_reuse(options) if options.reuse_from else None
        with progress_display(quiet=options.quiet) as progress:
            result = build_feed(
                choice.sources,
                options.out_dir,
                config,
                now=options.now,
                progress=progress,
                strict=options.strict,
                workers=options.workers,
                allow_shrink=options.allow_shrink,
                rerender=options.rerender,
                lock_wait=options.lock_wait,
                reuse=reuse,
            )
    except PackagerError as error:
        fail(error, options.output)
    code = result.exit_code
    if options.output == "json":
        data = {**result.as_dict(), "exitCode": int(code)}
        if code != ExitCode.OK:
            data = report.error_document(*build_failure(result, code), code, data)
        report.write_json(data, sys.stdout)
    else:
        report.write_build_report(result, sys.stdout)
        report.write_extra_files(result, sys.stdout)
    return code


def _host_reuse(options: BuildOptions) -> Any:
    """What the host of --reuse-from holds (a `build.HostReuse`); its warnings on stderr."""
    from packager.errors import InputError, PublishError
    from packager.publish.target import parse_target
    from packager.republish import read_host_reuse
    from packager.secrets import redact

    target = options.reuse_from or ""
    try:
        found = read_host_reuse(target, verify=options.verify)
    except InputError:
        raise  # a target that cannot be read: bad input (exit 4), its message already redacted
    except PackagerError as error:
        # Never the raw target: it may hold a password (https://user:pw@host/).
        parsed = parse_target(target)
        shown = parsed.display
        raise PublishError(
            f"cannot reuse what --reuse-from {shown} holds: "
            f"{redact(error.message, parsed.secrets)}",
            target=shown,
            hint=f"{error.hint}; or build without --reuse-from (everything is made here)"
            if error.hint
            else "give the target the channel is published to (as `publish --to`) and check "
            "that it is reachable, or build without --reuse-from (everything is made here)",
        ) from error
    for warning in found.warnings:
        click.echo(f"warning: {warning}", err=True)
    return found.reuse


def build_failure(result: Any, code: ExitCode) -> tuple[str, str]:
    """Why a finished build failed, and the fix: the `error` and `hint` of its JSON report."""
    if code == ExitCode.SOURCE_UNREACHABLE:
        return (
            f"no feed written: {report.plural(len(result.unreachable), 'source')} could not be "
            "fetched",
            "check the URLs under 'unreachable' and the network, then build again",
        )
    if code == ExitCode.SHRINK_REFUSED:
        return (
            f"feed NOT replaced: {result.shrink_refused}; the previous feed.json is unchanged",
            "a source may be broken; if the drop is intended, build again with --allow-shrink",
        )
    if code == ExitCode.BAD_INPUT:
        hints = [skip.hint for skip in result.skipped if skip.hint]
        return (
            f"no article could be built ({len(result.skipped)} skipped)",
            hints[0] if hints else "see 'skipped' for each article's reason",
        )
    validation = result.validation
    if validation is not None and validation.ok and not (result.strict and validation.warnings):
        # feed.json is fine; one of the other formats (feed.xml, search.json) is not.
        names = [name for name, other in result.extra_files.items() if not other.ok]
        names = names or list(result.extra_files)  # with --strict: their warnings count
        return (
            f"{' and '.join(names)} not written: it does not validate",
            "fix the problems listed under 'otherFormats' (each names where and how)",
        )
    errors = len(validation.errors) if validation else 0
    strict = "; warnings count with --strict" if result.strict else ""
    kept = "the previous feed.json is unchanged" if result.previous_feed else "no feed.json written"
    return (
        f"the feed does not validate ({report.plural(errors, 'error')}{strict}); {kept}",
        "fix the problems listed under 'validation' (each names its JSON Pointer and a hint)",
    )
