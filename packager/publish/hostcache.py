"""The host as the build cache: the content keys a publish records in the manifest, the
check that the host holds the files a build left there, and the build cache written beside
the feed once it is live (`packager-build-cache.json`, see `outputs.BuildCache`)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from packager.errors import FeedInvalidError
from packager.layout import BUILD_CACHE_NAME
from packager.outputs import BuildCache, read_build_cache
from packager.publish.base import Host, Upload
from packager.publish.channel import LocalChannel, read_channel
from packager.publish.execute import Executor
from packager.publish.plan import ContentKey, HostState, Probes, after_journal, matches
from packager.publish.retry import RetriesExhausted, with_retries
from packager.publish.state import Call
from packager.secrets import redact


def channel_and_cache(
    output_dir: Path, public_url: str | None = None
) -> tuple[LocalChannel, BuildCache | None]:
    """The channel a publish of `output_dir` sends or keeps (with the host-held members of
    its articles, `with_members`) and the build's cache. Raises as `read_channel`."""
    cache = read_build_cache(output_dir)
    channel = read_channel(output_dir, public_url, cache.remote if cache else frozenset())
    return with_members(channel, cache), cache


def host_cache_after(channel: LocalChannel, cache: BuildCache) -> BuildCache:
    """What `packager-build-cache.json` on the host holds once `channel` is published: the
    entries whose every file the host then holds. Publish writes it; republish compares it
    with the host's, so both must compute it here, the one way."""
    return cache.held_by(set(channel.files) | channel.held)


def with_members(channel: LocalChannel, cache: BuildCache | None) -> LocalChannel:
    """The channel with every host-held file of an article whose item it uses: the feed
    names an HLS playlist, not its segments, and the host must keep those too."""
    if cache is None or not cache.remote:
        return channel
    used = set(channel.files) | channel.held
    members = {
        name
        for entry in cache.articles.values()
        if used & set(entry.files)
        for name in entry.files
        if name in cache.remote and name not in channel.files
    }
    return replace(channel, held=channel.held | members)


def file_keys(cache: BuildCache | None, channel: LocalChannel) -> dict[str, ContentKey]:
    """The content key and metadata of every file the publish sends or keeps, as the build
    cache says (with each local file's size in bytes)."""
    if cache is None:
        return {}
    keys: dict[str, ContentKey] = {}
    for name, (key, meta) in cache.file_keys().items():
        local = channel.files.get(name)
        if local is not None:
            keys[name] = ContentKey(key, {**meta, "size": local.size})
        elif name in channel.held:
            keys[name] = ContentKey(key, dict(meta))
    return keys


def check_held(
    host: Host,
    call: Call,
    channel: LocalChannel,
    state: tuple[HostState, Probes],
    *,
    verify: bool,
) -> None:
    """Refuse, before anything is written, a feed naming a file that is neither in the output
    folder nor on the host: the files the build left on the host must be in its manifest and
    really there (asked, one stat of just those files: one deleted by hand would leave the
    live feed naming a missing file); with verify, also with the content the manifest lists."""
    if not channel.held:
        return
    host_state, probes = state
    files, _ = after_journal(channel.files, host_state, probes.pending)
    missing = sorted(channel.held - set(files))
    if not missing:
        names = sorted(channel.held)
        found = call("(held files)", lambda: host.stat(names))
        # With verify, a file truncated or edited on the host is as good as missing.
        missing = sorted(
            name
            for name in names
            if name not in found or (verify and not matches(found[name], files[name]))
        )
    if missing:
        shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise FeedInvalidError(
            f"refusing to publish: the feed names {len(missing)} file(s) that are neither in "
            f"the output folder nor on {host.target}: {shown}",
            hint="run again with --verify (republish --verify, or build --reuse-from with "
            "--verify: it checks what the host holds and makes what it lacks), or build "
            "without --reuse-from, then publish",
        )


def write_host_cache(run: Executor, cache: BuildCache) -> tuple[str, ...]:
    """Write the build cache beside the live feed unless the host holds the same one; a
    failure is a warning (the next fresh build makes again what it would have reused)."""
    data = cache.to_bytes()
    try:
        found = with_retries(run.retry, lambda: run.host.read(BUILD_CACHE_NAME))
        if found is not None and found[0] == data:
            return ()
        item = Upload.of_bytes(BUILD_CACHE_NAME, data)
        with_retries(run.retry, lambda: run.host.replace(item))
    except RetriesExhausted as failed:
        reason = redact(str(failed.error), run.secrets)
        return (
            f"could not write {BUILD_CACHE_NAME} on {run.host.target} ({reason}); the feed is "
            "published, but a build on an empty machine will make its files again",
        )
    return ()
