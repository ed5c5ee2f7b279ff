"""The live host is the build cache: a republish from an empty build folder (a fresh CI
runner) renders, copies and uploads nothing the host already holds, on every host kind."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from publish_support import HostUnderTest

from packager.build import build_feed
from packager.config import ChannelConfig, load_config
from packager.errors import FeedInvalidError
from packager.layout import BUILD_CACHE_NAME, LOCK_NAME, MANIFEST_NAME
from packager.outputs import BuildCache
from packager.publish import publish
from packager.republish import RepublishResult, read_host_reuse, republish

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "channel" / "articles"
NOW = datetime(2026, 12, 1, tzinfo=UTC)
# One text-only article (rendered), one with a local MP4 (copied), one with an HLS URL.
ARTICLES = ("05-bridge-text-only", "02-ferry-video", "04-council-hls")

pytestmark = [pytest.mark.servers, pytest.mark.slow]


@dataclass
class Work:
    """What a build ran: renders asked for, ffmpeg/ffprobe processes started."""

    renders: list[str]
    media_processes: list[list[str]]


@pytest.fixture
def work(monkeypatch: pytest.MonkeyPatch) -> Work:
    """Count the renders and every ffmpeg/ffprobe process (other processes run as usual)."""
    import packager.build.prepare as prepare

    seen = Work([], [])
    real_render, real_run, real_popen = (
        prepare.render_article_video,
        subprocess.run,
        subprocess.Popen,
    )

    def render(article: Any, *args: Any, **kwargs: Any) -> Any:
        seen.renders.append(article.id)
        return real_render(article, *args, **kwargs)

    def watch(real: Callable[..., Any]) -> Callable[..., Any]:
        def call(argv: Any, *args: Any, **kwargs: Any) -> Any:
            program = str(argv[0] if isinstance(argv, list | tuple) else argv)
            if Path(program).name.startswith(("ffmpeg", "ffprobe")):
                seen.media_processes.append(list(argv))
            return real(argv, *args, **kwargs)

        return call

    monkeypatch.setattr(prepare, "render_article_video", render)
    monkeypatch.setattr(subprocess, "run", watch(real_run))
    monkeypatch.setattr(subprocess, "Popen", watch(real_popen))
    return seen


def _channel(root: Path, articles: tuple[str, ...] = ARTICLES) -> ChannelConfig:
    (root / "articles").mkdir(parents=True, exist_ok=True)
    for name in articles:
        shutil.copytree(EXAMPLE / name, root / "articles" / name)
    (root / "channel.toml").write_text(
        '[channel]\nprovider_name = "Harbor City News"\nlanguage = "en"\n'
        'base_url = "https://cdn.harborcity.example/roku/"\nsources = ["articles"]\n',
        encoding="utf-8",
    )
    return load_config(root / "channel.toml")


@pytest.fixture(scope="module")
def cold(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """The channel, built once (the one render of this module's channel)."""
    root = tmp_path_factory.mktemp("channel")
    config = _channel(root)
    out = root / "cold-out"
    result = build_feed([], out, config, now=NOW)
    assert result.feed_written, result.as_dict()
    yield root, out


def _published(cold: tuple[Path, Path], host: HostUnderTest) -> ChannelConfig:
    """Publish the cold build to `host` as a republish on a warm runner would."""
    root, out = cold
    warm = root.parent / f"warm-{host.kind}"
    shutil.rmtree(warm, ignore_errors=True)
    shutil.copytree(out, warm)
    config = load_config(root / "channel.toml")
    first = republish(config, host.target, out_dir=warm, now=NOW)
    assert first.status == "published", first.as_dict()
    assert BUILD_CACHE_NAME in host.files()
    return config


def _held(host: HostUnderTest) -> dict[str, bytes]:
    """What the host holds that a run must not rewrite (the lock comes and goes)."""
    return {name: data for name, data in host.files().items() if name != LOCK_NAME}


def _fresh(
    config: ChannelConfig, host: HostUnderTest, tmp_path: Path, **options: Any
) -> RepublishResult:
    out = tmp_path / "fresh-runner-out"
    shutil.rmtree(out, ignore_errors=True)
    return republish(config, host.target, out_dir=out, now=NOW, **options)


def test_a_fresh_runner_renders_nothing_and_uploads_nothing_when_nothing_changed(
    cold: tuple[Path, Path], any_host: HostUnderTest, work: Work, tmp_path: Path
) -> None:
    config = _published(cold, any_host)
    before = _held(any_host)
    work.renders.clear()
    work.media_processes.clear()

    result = _fresh(config, any_host, tmp_path)

    assert result.status == "no-changes", result.as_dict()
    assert work.renders == [] and work.media_processes == []
    assert result.build is not None and result.build.from_host == len(ARTICLES)
    assert _held(any_host) == before  # nothing sent, nothing rewritten, nothing deleted
    assert not (tmp_path / "fresh-runner-out" / "videos").exists()  # nothing made locally


def test_one_new_text_only_article_on_a_fresh_runner_renders_exactly_one_video(
    cold: tuple[Path, Path], any_host: HostUnderTest, work: Work, tmp_path: Path
) -> None:
    config = _published(cold, any_host)
    root = cold[0]
    new = root / "articles" / f"10-lights-{any_host.kind}"
    new.mkdir()
    (new / "article.txt").write_text(
        "---\ndate: 2026-11-30T07:05:00Z\n---\nNews / Local\n\nHarbor lights festival "
        f"returns ({any_host.kind})\n\nBoats, music and food stalls line the pier this weekend.\n",
        encoding="utf-8",
    )
    shutil.copy(EXAMPLE / "07-derby-json" / "derby.jpg", new / "derby.jpg")
    try:
        before = _held(any_host)
        work.renders.clear()
        result = _fresh(config, any_host, tmp_path)
    finally:
        shutil.rmtree(new)

    assert result.status == "published", result.as_dict()
    assert len(work.renders) == 1
    assert result.published is not None
    uploaded = set(result.published.uploaded)
    assert {name.split("/")[0] for name in uploaded} <= {"images", "videos", "captions"} | {
        "feed.xml",
        "search.json",
    }
    assert sum(name.endswith(".mp4") for name in uploaded) == 1
    after = _held(any_host)
    rewritten = [name for name in before if name in after and after[name] != before[name]]
    assert set(rewritten) <= {"feed.json", MANIFEST_NAME, BUILD_CACHE_NAME}  # no asset rewritten


def test_a_video_deleted_by_hand_is_rendered_again_with_verify(
    cold: tuple[Path, Path], local_host: HostUnderTest, work: Work, tmp_path: Path
) -> None:
    config = _published(cold, local_host)
    served = Path(local_host.target)
    cache = BuildCache.from_bytes((served / BUILD_CACHE_NAME).read_bytes())
    # The rendered video: the one whose article has (rendered) captions.
    rendered_one = next(
        name
        for entry in cache.articles.values()
        if entry.captions
        for name in entry.files
        if name.endswith(".mp4")
    )
    (served / rendered_one).unlink()
    work.renders.clear()

    trusting = _fresh(config, local_host, tmp_path)  # without --verify the manifest is believed
    assert trusting.status == "no-changes" and work.renders == []

    checked = _fresh(config, local_host, tmp_path, verify=True)

    assert len(work.renders) == 1, checked.as_dict()
    assert any("missing on" in warning for warning in checked.warnings)
    assert (served / rendered_one).is_file()  # made again and sent again


def test_a_build_cache_of_another_version_is_ignored_and_an_older_manifest_is_read(
    cold: tuple[Path, Path], local_host: HostUnderTest
) -> None:
    _published(cold, local_host)
    served = Path(local_host.target)
    manifest = json.loads((served / MANIFEST_NAME).read_bytes())
    manifest["format"] = "packager-publish-manifest/1"  # as packager wrote it before keys
    for entry in manifest["files"].values():
        entry.pop("key", None)
        entry.pop("meta", None)
    (served / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")

    older = read_host_reuse(local_host.target)
    assert older.warnings == ()
    assert len(older.reuse.cache.articles) == len(ARTICLES)
    assert all(older.reuse.entry(key) for key in older.reuse.cache.articles)

    (served / BUILD_CACHE_NAME).write_text('{"format": "packager-build-cache/0"}', "utf-8")
    ignored = read_host_reuse(local_host.target)
    assert ignored.reuse.cache.articles == {}
    assert any(BUILD_CACHE_NAME in w and "not used" in w for w in ignored.warnings)


def test_publish_refuses_a_feed_naming_a_file_neither_local_nor_on_the_host(
    cold: tuple[Path, Path], local_host: HostUnderTest, tmp_path: Path
) -> None:
    config = _published(cold, local_host)
    out = tmp_path / "fresh"
    reuse = read_host_reuse(local_host.target).reuse
    assert build_feed([], out, config, now=NOW, reuse=reuse).feed_written
    elsewhere = local_host.sub("elsewhere") if local_host.sub else None
    assert elsewhere is not None

    with pytest.raises(FeedInvalidError, match="neither in the output folder nor on") as caught:
        publish(out, elsewhere.target, now=NOW)

    assert "--verify" in caught.value.hint
    assert elsewhere.files() == {}  # nothing sent, no feed naming missing files


def test_files_the_host_holds_for_a_fresh_build_are_kept_not_deleted(
    cold: tuple[Path, Path], local_host: HostUnderTest, tmp_path: Path
) -> None:
    config = _published(cold, local_host)
    before = set(local_host.files())
    out = tmp_path / "fresh"
    reuse = read_host_reuse(local_host.target).reuse
    assert build_feed([], out, config, now=NOW, reuse=reuse).feed_written

    done = publish(out, local_host.target, now=NOW, grace_period=timedelta(0))

    assert done.deleted == () and done.uploaded == ()
    assert set(local_host.files()) == before
    manifest = json.loads((Path(local_host.target) / MANIFEST_NAME).read_bytes())
    assert manifest["unreferenced"] == {}
    videos = {n: e for n, e in manifest["files"].items() if n.endswith(".mp4")}
    assert videos and all(e["key"] and e["meta"]["duration"] > 0 for e in videos.values())


def test_cli_build_reuse_from_a_host_then_publish_sends_nothing(
    cold: tuple[Path, Path], local_host: HostUnderTest, work: Work, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from packager.cli import main

    _published(cold, local_host)
    before = _held(local_host)
    work.renders.clear()
    work.media_processes.clear()
    out = tmp_path / "ci-out"
    config = str(cold[0] / "channel.toml")
    runner = CliRunner()
    args = ["build", "-c", config, "--out", str(out), "--now", NOW.isoformat(), "-o", "json"]

    built = runner.invoke(main, [*args, "--reuse-from", local_host.target, "--verify"])
    sent = runner.invoke(main, ["publish", str(out), "--to", local_host.target, "-o", "json"])

    assert built.exit_code == 0, built.output
    assert json.loads(built.stdout)["articlesFromHost"] == len(ARTICLES)
    assert work.renders == [] and work.media_processes == []
    assert sent.exit_code == 0, sent.output
    assert json.loads(sent.stdout)["uploaded"] == []
    assert _held(local_host) == before


def test_cli_verify_without_reuse_from_is_a_usage_error(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from packager.cli import main

    result = CliRunner().invoke(main, ["build", str(tmp_path), "--verify"])

    assert result.exit_code == 2
    assert "--reuse-from" in result.output


def test_cli_republish_no_reuse_makes_every_video_here(
    cold: tuple[Path, Path], local_host: HostUnderTest, work: Work, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from packager.cli import main

    _published(cold, local_host)
    work.renders.clear()
    config = str(cold[0] / "channel.toml")
    args = ["republish", "-c", config, "--to", local_host.target, "--out", str(tmp_path / "o")]

    result = CliRunner().invoke(main, [*args, "--now", NOW.isoformat(), "--no-reuse"])

    assert result.exit_code == 0, result.output
    assert len(work.renders) == 1  # the one text-only article, made again here
    assert "no changes" in result.output


def test_cli_reuse_from_an_unreachable_host_names_the_option_and_the_fix(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from packager.cli import main
    from tests.http_fixtures import free_port

    root = tmp_path / "channel"
    _channel(root, ARTICLES[2:])
    target = f"https://127.0.0.1:{free_port()}/dav/"

    args = ["build", "-c", str(root / "channel.toml"), "--out", str(tmp_path / "o")]
    result = CliRunner().invoke(main, [*args, "--reuse-from", target, "-o", "json"])

    assert result.exit_code == 5
    error = json.loads(result.stdout)
    assert f"--reuse-from {target}" in error["error"] and "connection refused" in error["error"]
    assert "without --reuse-from" in error["hint"]
    assert not (tmp_path / "o" / "feed.json").exists()
