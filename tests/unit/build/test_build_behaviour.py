"""How `packager build` behaves for users: incremental work, skipped articles, limits, failures."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from packager.build import build_feed
from packager.build.progress import READING, Progress
from packager.cli import main
from packager.config import ChannelConfig, LiveStream
from packager.errors import ConfigError, InputError
from tests.builders import BASE_URL, make_bundle

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def article(title: str, day: int, section: str = "News / Local", extra: str = "") -> str:
    return (
        f"---\ndate: 2026-11-{day:02d}T08:00:00Z\n{extra}---\n{section}\n\n{title}\n\n"
        f"First paragraph about {title.lower()}, with enough words to be a summary.\n\n"
        "A second paragraph gives more detail for the long description.\n"
    )


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    root = tmp_path / "articles"
    for day in range(1, 6):
        make_bundle(root, f"{day:02d}-story", article(f"Story number {day}", day), video=day == 1)
    return root


def test_text_only_articles_are_reported_not_dropped_silently(
    articles: Path, tmp_path: Path, config: ChannelConfig
) -> None:
    result = build_feed([articles], tmp_path / "out", config, now=NOW)
    assert result.item_counts == {"shortFormVideos": 1}
    assert len(result.skipped) == 4
    assert all("no playable video, and video rendering is off" in s.reason for s in result.skipped)
    assert all("render" in s.hint for s in result.skipped)


def test_rebuild_reuses_unchanged_articles(tmp_path: Path, config: ChannelConfig) -> None:
    root = tmp_path / "articles"
    for day in (1, 2, 3):
        make_bundle(root, f"{day}", article(f"Story {day}", day), video=True)
    out = tmp_path / "out"
    first = build_feed([root], out, config, now=NOW)
    assert (first.prepared, first.reused) == (3, 0)
    feed = (out / "feed.json").read_bytes()

    second = build_feed([root], out, config, now=NOW)
    assert (second.prepared, second.reused) == (0, 3)
    assert (out / "feed.json").read_bytes() == feed  # unchanged input, byte-identical feed

    changed = root / "2" / "article.txt"
    changed.write_text(article("Story 2, updated", 2))
    os.utime(changed, ns=(changed.stat().st_atime_ns, changed.stat().st_mtime_ns + 10**9))
    third = build_feed([root], out, config, now=NOW)
    assert (third.prepared, third.reused) == (1, 2)
    assert "Story 2, updated" in (out / "feed.json").read_text()


def test_broken_bundle_is_skipped_with_its_reason(tmp_path: Path, config: ChannelConfig) -> None:
    root = tmp_path / "articles"
    make_bundle(root, "good", article("Good story", 3), video=True)
    broken = make_bundle(root, "broken", article("Broken picture", 4), photos=0, video=True)
    (broken / "1.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    empty = root / "empty"
    empty.mkdir()
    (empty / "article.txt").write_text("")
    result = build_feed([root], tmp_path / "out", config, now=NOW)
    assert result.exit_code == 0
    reasons = {Path(s.origin).parent.name: s.reason for s in result.skipped}
    assert set(reasons) == {"broken", "empty"}
    assert "no usable image" in reasons["broken"] and "corrupt" in reasons["broken"]


def test_bundle_linked_from_outside_the_source_is_skipped(
    tmp_path: Path, config: ChannelConfig
) -> None:
    root = tmp_path / "articles"
    make_bundle(root, "good", article("Good story", 3), video=True)
    private = make_bundle(tmp_path / "private", "draft", article("Embargoed story", 4), video=True)
    (root / "linked").symlink_to(private, target_is_directory=True)
    result = build_feed([root], tmp_path / "out", config, now=NOW)
    assert result.item_counts == {"shortFormVideos": 1}
    [skipped] = result.skipped
    assert "refused bundle" in skipped.reason and "outside" in skipped.reason
    assert "Embargoed" not in (tmp_path / "out" / "feed.json").read_text()
    # Given as a SOURCE of its own, the same folder is read.
    both = build_feed([root, private], tmp_path / "out2", config, now=NOW)
    assert both.item_counts == {"shortFormVideos": 2}


def test_invalid_feed_is_not_written_and_the_old_one_stays(
    tmp_path: Path, articles: Path, config: ChannelConfig
) -> None:
    out = tmp_path / "out"
    assert build_feed([articles], out, config, now=NOW).exit_code == 0
    before = (out / "feed.json").read_bytes()
    article_id = json.loads(before)["shortFormVideos"][0]["id"]
    clash = LiveStream(
        id=article_id,
        title="Live",
        url="https://cdn.example.com/live.m3u8",
        thumbnail="https://cdn.example.com/live.jpg",
        description="Live.",
    )
    result = build_feed([articles], out, config.with_overrides(live=(clash,)), now=NOW)
    assert result.exit_code == 3
    assert not result.feed_written
    assert {(p.pointer, p.rule) for p in result.validation.errors} == {
        ("/liveFeeds/0/id", "duplicate-id")
    }
    assert (out / "feed.json").read_bytes() == before


def test_size_budget_trims_the_oldest_and_says_which(tmp_path: Path, config: ChannelConfig) -> None:
    root = tmp_path / "articles"
    for day in range(1, 5):
        make_bundle(root, f"{day}", article(f"Story {day}", day), video=True)
    result = build_feed([root], tmp_path / "out", config.with_overrides(size_budget=3000), now=NOW)
    assert result.exit_code == 0
    assert result.feed_size <= 3000
    assert result.trimmed and "Story 1" in result.trimmed[0]
    assert "size budget" in result.trimmed[0]
    feed = json.loads((tmp_path / "out" / "feed.json").read_text())
    titles = [item["title"] for item in feed["shortFormVideos"]]
    assert titles[0] == "Story 4"  # newest kept


def test_strict_build_keeps_the_old_feed_on_warnings(
    tmp_path: Path, articles: Path, config: ChannelConfig
) -> None:
    out = tmp_path / "out"
    assert build_feed([articles], out, config, now=NOW).exit_code == 0
    before = (out / "feed.json").read_bytes()
    root = tmp_path / "more"
    make_bundle(
        root, "bylined", article("Bylined story", 6, extra="author: Ana Ruiz\n"), video=True
    )
    result = build_feed([articles, root], out, config, now=NOW, strict=True)
    assert {p.rule for p in result.validation.warnings} == {"credit-birth-date"}
    assert (result.exit_code, result.feed_written) == (3, False)
    assert (out / "feed.json").read_bytes() == before


def test_nothing_buildable_is_bad_input(tmp_path: Path, config: ChannelConfig) -> None:
    root = tmp_path / "articles"
    make_bundle(root, "text-only", article("Text only", 2))
    result = build_feed([root], tmp_path / "out", config, now=NOW)
    assert (result.exit_code, result.feed_written) == (4, False)


def test_live_stream_keeps_its_date_across_builds(
    tmp_path: Path, articles: Path, config: ChannelConfig
) -> None:
    live = LiveStream(
        id="live",
        title="Live",
        url="https://cdn.example.com/live.m3u8",
        thumbnail="https://cdn.example.com/live.jpg",
        description="Live news.",
    )
    out = tmp_path / "out"
    build_feed([articles], out, config.with_overrides(live=(live,)), now=NOW)
    first = (out / "feed.json").read_bytes()
    later = NOW.replace(day=29)
    build_feed([articles], out, config.with_overrides(live=(live,)), now=later)
    assert (out / "feed.json").read_bytes() == first


def test_outputs_are_readable_by_a_web_server(
    tmp_path: Path, articles: Path, config: ChannelConfig
) -> None:
    out = tmp_path / "out"
    build_feed([articles], out, config, now=NOW)
    for path in [out / "feed.json", *out.glob("images/*.jpg"), *out.glob("videos/*")]:
        assert path.stat().st_mode & 0o004, path


def test_max_items_and_max_age(tmp_path: Path, config: ChannelConfig) -> None:
    root = tmp_path / "articles"
    for day in range(1, 5):
        make_bundle(root, f"{day}", article(f"Story {day}", day), video=True)
    result = build_feed([root], tmp_path / "out", config.with_overrides(max_items=2), now=NOW)
    assert result.item_counts == {"shortFormVideos": 2}
    assert len(result.trimmed) == 2
    aged = build_feed([root], tmp_path / "out2", config.with_overrides(max_age_days=26), now=NOW)
    assert aged.item_counts == {"shortFormVideos": 2}  # Nov 3 and 4 are within 26 days


def test_missing_base_url_and_source(tmp_path: Path, articles: Path) -> None:
    with pytest.raises(ConfigError, match="base URL"):
        build_feed([articles], tmp_path / "out", ChannelConfig())
    with pytest.raises(InputError, match="source not found"):
        build_feed([tmp_path / "nope"], tmp_path / "out", ChannelConfig(base_url=BASE_URL))


def test_cli_build_json_report_and_exit_codes(tmp_path: Path, articles: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "out"
    result = runner.invoke(
        main,
        [
            "build",
            str(articles),
            "--out",
            str(out),
            "--base-url",
            BASE_URL,
            "--render",
            "off",
            "-o",
            "json",
            "--now",
            NOW.isoformat(),
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["items"] == {"shortFormVideos": 1}
    assert len(report["skipped"]) == 4
    assert json.loads((out / "build-report.json").read_text())["items"] == report["items"]

    missing = runner.invoke(main, ["build", str(articles), "--out", str(out)])
    assert missing.exit_code == 4
    assert "no base URL" in missing.stderr and "hint:" in missing.stderr


def hls_article(title: str, day: int | None) -> str:
    """An article with a streamed video (nothing to render); `day=None`: no date."""
    date = f"date: 2026-11-{day:02d}T08:00:00Z\n" if day else ""
    return (
        f"---\n{date}video: https://cdn.example.com/{title[-1]}.m3u8\nduration: 90\n---\n"
        f"News / Local\n\n{title}\n\nA paragraph about {title.lower()}, long enough.\n"
    )


def test_thumbnail_threads_do_not_change_the_result(tmp_path: Path, config: ChannelConfig) -> None:
    root = tmp_path / "articles"
    for day in range(1, 8):
        make_bundle(root, f"{day:02d}-story", hls_article(f"Story {day}", day), photos=2)
    make_bundle(root, "08-undated", hls_article("Undated story", None))
    broken = make_bundle(root, "09-broken-photo", hls_article("Broken photo", 9), photos=2)
    (broken / "1.jpg").write_bytes(b"\xff\xd8 not really a JPEG")
    make_bundle(root, "10-no-photo", hls_article("No photo", 10), photos=0)

    outcomes = []
    for workers in (1, 3):
        out = tmp_path / f"out-{workers}"
        names: list[str] = []

        def progress(event: Progress, names: list[str] = names) -> None:
            if event.stage == READING:
                names.append(event.label)

        result = build_feed([root], out, config, now=NOW, workers=workers, progress=progress)
        report = result.as_dict()
        report.pop("feed")  # the output paths differ, nothing else may
        report["validation"].pop("feed")
        outcomes.append(((out / "feed.json").read_bytes(), report, names))
        assert sorted(path.name for path in (out / "images").iterdir()) == sorted(
            path.name for path in (tmp_path / "out-1" / "images").iterdir()
        )
    assert outcomes[0] == outcomes[1]
    _, report, names = outcomes[0]
    assert names == sorted(path.name for path in root.iterdir())
    assert report["articlesProcessed"] == 9
    assert [skip["origin"] for skip in report["skipped"]] == [str(root / "10-no-photo/article.txt")]
    assert any("09-broken-photo" in note and "image left out" in note for note in report["notes"])


def test_zero_workers_is_refused(articles: Path, tmp_path: Path, config: ChannelConfig) -> None:
    with pytest.raises(ConfigError, match="workers"):
        build_feed([articles], tmp_path / "out", config, now=NOW, workers=0)


def test_size_budget_keeps_the_most_items_that_fit(tmp_path: Path, config: ChannelConfig) -> None:
    root = tmp_path / "articles"
    for day in range(1, 13):
        make_bundle(root, f"{day:02d}", hls_article(f"Story {day:02d}", day))
    out = tmp_path / "out"
    sizes = {
        count: build_feed([root], out, config.with_overrides(max_items=count), now=NOW).feed_size
        for count in range(1, 13)
    }
    for budget in (sizes[1], sizes[3] + 1, sizes[7] - 1, sizes[12] - 1):
        result = build_feed([root], out, config.with_overrides(size_budget=budget), now=NOW)
        kept = result.item_counts["shortFormVideos"]
        assert sizes[kept] <= budget < sizes[kept + 1]  # no room for the next-oldest
        assert result.feed_size == sizes[kept]
        dropped = [line.split(" (")[1].split(",")[0] for line in result.trimmed]
        assert dropped == [f"'Story {day:02d}'" for day in range(1, 13 - kept)]  # oldest first


def _assets(out: Path) -> set[str]:
    return {
        p.relative_to(out).as_posix()
        for folder in ("images", "videos", "captions")
        for p in (out / folder).rglob("*")
        if p.is_file()
    }


def _age(folder: Path, days: float) -> None:
    """Make every file under `folder` look `days` old."""
    then = datetime.now(UTC).timestamp() - days * 86400
    for path in folder.rglob("*"):
        if path.is_file():
            os.utime(path, (then, then))


def test_old_assets_no_feed_names_are_pruned_from_the_output(
    tmp_path: Path, config: ChannelConfig
) -> None:
    root = tmp_path / "articles"
    for day in (1, 2, 3):  # names of different lengths: different photos
        make_bundle(root, f"{day}" * day, article(f"Story {day}", day), video=True)
    out = tmp_path / "out"
    build_feed([root], out, config, now=NOW)
    first_assets = _assets(out)
    (out / "notes.txt").write_text("the editor's own file")  # not packager's to delete
    _age(out, 8)

    # Story 3 leaves the sources: its thumbnail is old and named by no feed.
    for path in sorted((root / "333").iterdir()):
        path.unlink()
    (root / "333").rmdir()
    second = build_feed([root], out, config, now=NOW)
    assert second.feed_written and second.item_counts == {"shortFormVideos": 2}
    feed = (out / "feed.json").read_text()
    gone = set(second.pruned.names)
    assert gone and gone <= first_assets
    assert all(name not in feed for name in gone)
    assert all(not (out / name).exists() for name in gone)
    kept = _assets(out)
    assert all(name in feed for name in kept)
    assert second.pruned.bytes_freed > 0
    assert (out / "notes.txt").is_file()
    # The thumbnail index only lists thumbnails that are still there.
    index = (out / ".packager" / "thumbnails.jsonl").read_text().splitlines()
    assert sorted(json.loads(line)["relative_path"] for line in index) == sorted(
        name for name in kept if name.startswith("images/")
    )
    report = json.loads((out / "build-report.json").read_text())
    assert sorted(report["pruned"]["files"]) == sorted(gone)
    # The per-bundle cache keeps the two bundles still built, not the one that left.
    assert len(list((out / ".packager" / "articles").glob("*.json"))) == 2
    assert (second.prepared, second.reused) == (0, 2)


def test_recent_unused_assets_stay_and_a_failed_build_prunes_nothing(
    tmp_path: Path, config: ChannelConfig
) -> None:
    root = tmp_path / "articles"
    for day in (1, 2):
        make_bundle(root, f"{day}", article(f"Story {day}", day), video=True)
    out = tmp_path / "out"
    build_feed([root], out, config, now=NOW)
    # A build of only one bundle (a mistake, or a story briefly out): the other's fresh
    # assets stay for the next full build.
    partial = build_feed([root / "1"], out, config, now=NOW)
    assert partial.item_counts == {"shortFormVideos": 1} and partial.pruned.names == ()
    full = build_feed([root], out, config, now=NOW)
    assert full.item_counts == {"shortFormVideos": 2}
    assert full.prepared == 0  # nothing had to be made again

    # A build whose feed is not written (nothing buildable) deletes nothing, however old.
    _age(out, 30)
    before = sorted(p for p in out.rglob("*") if p.is_file() and ".packager" not in p.parts)
    empty = tmp_path / "empty"
    make_bundle(empty, "x", "not an article", photos=0)
    failed = build_feed([empty], out, config, now=NOW)
    assert not failed.feed_written and failed.pruned.names == ()
    after = sorted(p for p in out.rglob("*") if p.is_file() and ".packager" not in p.parts)
    assert after == before


def test_articles_the_limits_leave_out_are_never_made(
    tmp_path: Path, config: ChannelConfig
) -> None:
    """A source listing its archive: with max_items = 2, only the two newest articles are
    made (their thumbnails, video copies); the others are reported without being made."""
    root = tmp_path / "articles"
    for day in range(1, 7):
        make_bundle(root, f"{day}", article(f"Story {day}", day), video=True)
    out = tmp_path / "out"
    result = build_feed([root], out, config.with_overrides(max_items=2), now=NOW)
    assert result.item_counts == {"shortFormVideos": 2}
    assert result.prepared == 2
    assert len(result.trimmed) == 4
    for day in range(1, 5):
        assert any(f"('Story {day}'): over max_items = 2" in line for line in result.trimmed)
    aged = build_feed([root], tmp_path / "aged", config.with_overrides(max_age_days=24), now=NOW)
    assert aged.prepared == 2  # Nov 5 and 6 are within 24 days of Nov 28; the rest is not made
    assert sum("older than 24 days" in line for line in aged.trimmed) == 4


def test_when_newer_articles_fail_the_newest_left_out_take_their_place(
    tmp_path: Path, config: ChannelConfig
) -> None:
    root = tmp_path / "articles"
    for day in range(1, 6):
        make_bundle(root, f"{day}", article(f"Story {day}", day), video=day != 5)
    # Story 5, the newest, has no video and rendering is off: it is skipped when made.
    out = tmp_path / "out"
    result = build_feed([root], out, config.with_overrides(max_items=2), now=NOW)
    feed = json.loads((out / "feed.json").read_bytes())
    assert [item["title"] for item in feed["shortFormVideos"]] == ["Story 4", "Story 3"]
    assert len(result.skipped) == 1 and result.prepared == 2  # Story 5 skipped, 4 and 3 made
    assert sum("over max_items" in line for line in result.trimmed) == 2  # Stories 2 and 1
