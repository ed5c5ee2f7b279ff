"""End to end: a newsroom (RSS feed, article pages, photos) on 127.0.0.1 republished to a real
S3-compatible server (moto) on 127.0.0.1, on a fresh build folder every run, as a CI job does."""

from __future__ import annotations

import io
import json
import threading
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import boto3
import pytest
from click.testing import CliRunner
from PIL import Image

from packager.cli import main
from packager.config import ChannelConfig
from packager.errors import ExitCode
from packager.publish.base import Host, RemoteFile, Upload, open_host
from packager.publish.retry import RetryPolicy
from packager.republish import RepublishResult, republish
from packager.validate import validate_feed
from tests.http_fixtures import LocalServer, Route

pytestmark = pytest.mark.servers
BASE_URL = "https://cdn.gazette.example/roku/"
T0 = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
FAST = RetryPolicy(attempts=2, sleep=lambda _: None)
S3_ENV = {
    "AWS_ACCESS_KEY_ID": "testing-key-id",
    "AWS_SECRET_ACCESS_KEY": "testing-secret-Zx9",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@dataclass
class Bucket:
    name: str
    client: Any

    @property
    def target(self) -> str:
        return f"s3://{self.name}/roku/"

    def get(self, name: str) -> bytes | None:
        try:
            body: bytes = self.client.get_object(Bucket=self.name, Key=f"roku/{name}")[
                "Body"
            ].read()
        except self.client.exceptions.NoSuchKey:
            return None
        return body


@pytest.fixture
def bucket(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Bucket:
    for key, value in S3_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    for key in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(key, raising=False)
    client = boto3.client("s3", endpoint_url=moto_endpoint, region_name="us-east-1")
    name = f"gazette-{uuid.uuid4().hex[:10]}"
    client.create_bucket(Bucket=name)
    return Bucket(name, client)


def photo(shade: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), (shade, 120, 200 - shade)).save(buffer, "JPEG")
    return buffer.getvalue()


class Newsroom:
    """A newsroom site whose RSS feed lists `slugs`; every page carries an HLS video."""

    STORIES: ClassVar[dict[str, tuple[str, str]]] = {
        "ferry": ("Ferry plan approved", "2026-11-20T08:00:00Z"),
        "market": ("Market reopens", "2026-11-21T08:00:00Z"),
        "bridge": ("Bridge closes for repairs", ""),  # undated: packager dates it
        "school": ("New school opens", "2026-11-22T08:00:00Z"),
        "park": ("Park gets new trees", "2026-11-23T08:00:00Z"),
    }

    def __init__(self) -> None:
        self.server = LocalServer().start()
        for shade, (slug, (title, date)) in enumerate(self.STORIES.items()):
            self.server.routes[f"/news/{slug}"] = Route(self._page(slug, title, date))
            self.server.routes[f"/img/{slug}.jpg"] = Route(
                photo(30 + 40 * shade), content_type="image/jpeg"
            )
        self.publish(["ferry", "market", "bridge"])

    @property
    def feed_url(self) -> str:
        return self.server.url("/feed.xml")

    def _page(self, slug: str, title: str, date: str) -> bytes:
        dated = f'"datePublished": "{date}",' if date else ""
        return f"""<html lang="en"><head><title>{title} | Gazette</title>
<meta property="og:title" content="{title}"><meta property="og:image" content="/img/{slug}.jpg">
<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "{title}", {dated}
"articleSection": "Local", "video": {{"@type": "VideoObject",
"contentUrl": "https://video.gazette.example/{slug}.m3u8", "duration": "PT1M35S"}}}}</script>
</head><body><article><h1>{title}</h1><img src="/img/{slug}.jpg">
<p>{title}: the full story, as reported by the Gazette's newsroom this week.</p>
</article></body></html>""".encode()

    def publish(self, slugs: Sequence[str]) -> None:
        base = self.server.base
        items = "".join(
            f"<item><title>{self.STORIES[slug][0]}</title><link>{base}/news/{slug}</link>"
            f"<guid>{base}/news/{slug}</guid><category>Local</category></item>"
            for slug in slugs
        )
        self.server.routes["/feed.xml"] = Route(
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>Gazette</title>'
            f"<link>{base}/</link><description>News</description>{items}</channel></rss>".encode(),
            content_type="application/rss+xml",
        )


@pytest.fixture
def newsroom() -> Iterator[Newsroom]:
    site = Newsroom()
    yield site
    site.server.stop()


@dataclass
class RecordingHost:
    """A real host, with a record of every write (name, operation)."""

    inner: Host
    writes: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.target = self.inner.target
        self.counters = self.inner.counters

    def read(self, name: str) -> tuple[bytes, str] | None:
        return self.inner.read(name)

    def stat(self, names: Sequence[str]) -> dict[str, RemoteFile]:
        return self.inner.stat(names)

    def upload(self, item: Upload) -> None:
        self.writes.append(("upload", item.name))
        self.inner.upload(item)

    def replace(self, item: Upload, *, if_match: str | None = None, if_absent: bool = False) -> str:
        self.writes.append(("replace", item.name))
        return self.inner.replace(item, if_match=if_match, if_absent=if_absent)

    def create(self, name: str, data: bytes) -> bool:
        self.writes.append(("create", name))
        return self.inner.create(name, data)

    def delete(self, name: str) -> None:
        self.writes.append(("delete", name))
        self.inner.delete(name)

    def close(self) -> None:
        self.inner.close()


def run(
    newsroom: Newsroom, bucket: Bucket, tmp_path: Path, now: datetime, **options: Any
) -> tuple[RepublishResult, RecordingHost]:
    """One CI run: a fresh build folder, a fresh host connection."""
    config = ChannelConfig(
        provider_name="Gazette",
        base_url=BASE_URL,
        render_video="off",
        sources=(newsroom.feed_url,),
    )
    host = RecordingHost(open_host(bucket.target))
    try:
        result = republish(
            config,
            bucket.target,
            out_dir=tmp_path / f"run-{uuid.uuid4().hex[:8]}",
            now=now,
            host=host,
            retry=FAST,
            **options,
        )
    finally:
        host.close()
    return result, host


def live_items(bucket: Bucket) -> list[dict[str, Any]]:
    raw = bucket.get("feed.json")
    assert raw is not None
    items: list[dict[str, Any]] = json.loads(raw)["shortFormVideos"]
    return items


def live_titles(bucket: Bucket) -> set[str]:
    return {item["title"] for item in live_items(bucket)}


def assert_live_feed_valid(bucket: Bucket, tmp_path: Path) -> None:
    raw = bucket.get("feed.json")
    assert raw is not None
    path = tmp_path / f"live-{uuid.uuid4().hex[:6]}.json"
    path.write_bytes(raw)
    assert validate_feed(path).errors == ()


def test_republish_keeps_the_channel_current(  # noqa: PLR0915 - one scenario, step by step
    newsroom: Newsroom, bucket: Bucket, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 1. The first run publishes the channel; the feed on the host validates.
    first, _ = run(newsroom, bucket, tmp_path, T0)
    assert first.status == "published", first.as_dict()
    assert first.exit_code() == ExitCode.OK
    assert_live_feed_valid(bucket, tmp_path)
    assert live_titles(bucket) == {
        "Ferry plan approved",
        "Market reopens",
        "Bridge closes for repairs",
    }
    assert bucket.get("packager-lock.json") is None  # released
    first_feed = bucket.get("feed.json")

    # 2. An article is added: the next run (fresh folder, later clock) uploads its thumbnail,
    #    the feed and the bookkeeping, nothing else.
    newsroom.publish(["school", "ferry", "market", "bridge"])
    second, host = run(newsroom, bucket, tmp_path, T0 + timedelta(hours=1))
    assert second.status == "published", second.as_dict()
    assert second.diff is not None and [i.title for i in second.diff.added] == ["New school opens"]
    # The undated bridge story keeps the date the first run gave it, on a fresh runner.
    assert second.diff.removed == () and second.diff.changed == ()
    bridge = next(i for i in live_items(bucket) if i["title"] == "Bridge closes for repairs")
    assert bridge["content"]["dateAdded"].startswith("2026-11-28T12:00:00")
    assert second.published is not None
    new_assets = list(second.published.uploaded)
    assert len(new_assets) == 1 and new_assets[0].startswith("images/")
    school = json.loads(bucket.get("feed.json") or b"")["shortFormVideos"]
    school_thumb = next(i["thumbnail"] for i in school if i["title"] == "New school opens")
    assert school_thumb == BASE_URL + new_assets[0]
    # The lock is renewed (proved still ours) before the first write and right before the
    # feed swap: a run whose lock was taken over never swaps the feed.
    assert host.writes == [
        ("create", "packager-lock.json"),
        ("replace", "packager-lock.json"),
        ("replace", "packager-journal.json"),
        ("upload", new_assets[0]),
        ("replace", "packager-lock.json"),
        ("replace", "feed.json"),
        ("replace", "packager-manifest.json"),
        ("delete", "packager-journal.json"),
        # what each article made, for the next fresh runner (the host is the build cache)
        ("replace", "packager-build-cache.json"),
        ("delete", "packager-lock.json"),
    ]
    assert first_feed != bucket.get("feed.json")

    # 3. Nothing changed at the source: no changes, nothing uploaded (only the lock's own
    #    create and delete), exit 8 with --detailed-exit-codes. Through the CLI, with a job
    #    summary file.
    live_before = bucket.get("feed.json")
    config_file = tmp_path / "channel.toml"
    config_file.write_text(
        f'[channel]\nprovider_name = "Gazette"\nbase_url = "{BASE_URL}"\n'
        f'sources = ["{newsroom.feed_url}"]\n[video]\nrender = "off"\n'
    )
    summary = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    cli = CliRunner().invoke(
        main,
        [
            "republish",
            "--config",
            str(config_file),
            "--to",
            bucket.target,
            "--out",
            str(tmp_path / "cli-out"),
            "-o",
            "json",
            "--detailed-exit-codes",
            "--now",
            (T0 + timedelta(hours=2)).isoformat(),
        ],
        catch_exceptions=False,
    )
    assert cli.exit_code == ExitCode.NO_CHANGES, cli.output
    answer = json.loads(cli.stdout)
    assert answer["status"] == "no-changes"
    assert answer["diff"]["changed"] is False and answer["publish"] is None
    assert "no-changes" in summary.read_text() and "0 added, 0 removed" in summary.read_text()
    assert bucket.get("feed.json") == live_before
    third, host = run(newsroom, bucket, tmp_path, T0 + timedelta(hours=3))
    assert third.status == "no-changes" and third.exit_code() == ExitCode.OK
    assert third.exit_code(detailed=True) == ExitCode.NO_CHANGES
    assert host.writes == [("create", "packager-lock.json"), ("delete", "packager-lock.json")]
    assert bucket.get("feed.json") == live_before

    # 4. Half the articles disappear at the source: refused (exit 7), the live feed unchanged.
    newsroom.publish(["school", "ferry"])
    shrunk, host = run(newsroom, bucket, tmp_path, T0 + timedelta(hours=4))
    assert shrunk.status == "shrink-refused", shrunk.as_dict()
    assert shrunk.exit_code() == ExitCode.SHRINK_REFUSED
    assert "drop 2 of the 4 live items" in shrunk.message
    assert bucket.get("feed.json") == live_before
    assert [op for op, _ in host.writes] == ["create", "delete"]
    allowed, _ = run(
        newsroom, bucket, tmp_path, T0 + timedelta(hours=4), max_shrink=0.75
    )  # a looser limit lets the same drop through
    assert allowed.status == "published"
    newsroom.publish(["school", "ferry", "market", "bridge"])
    restored, _ = run(newsroom, bucket, tmp_path, T0 + timedelta(hours=5))
    assert restored.status == "published"
    assert live_titles(bucket) == {
        "Ferry plan approved",
        "Market reopens",
        "Bridge closes for repairs",
        "New school opens",
    }

    # 5. Two runs started together (overlapping cron jobs): exactly one publishes; the other
    #    either exits busy at once or waits and then finds nothing left to do.
    newsroom.publish(["park", "school", "ferry", "market", "bridge"])
    barrier = threading.Barrier(2)
    results: dict[str, RepublishResult] = {}

    def job(name: str, wait: float) -> None:
        barrier.wait()
        results[name], _ = run(
            newsroom, bucket, tmp_path, T0 + timedelta(hours=6), wait_seconds=wait
        )

    threads = [
        threading.Thread(target=job, args=("impatient", 0.0)),
        threading.Thread(target=job, args=("patient", 60.0)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    statuses = sorted(r.status for r in results.values())
    assert statuses.count("published") == 1, {k: r.as_dict() for k, r in results.items()}
    loser = next(r for r in results.values() if r.status != "published")
    print("concurrent runs:", {name: r.status for name, r in results.items()})
    assert loser.status in ("busy", "no-changes")
    if loser.status == "busy":
        assert loser.exit_code() == ExitCode.BUSY
        assert "holds packager-lock.json since" in loser.message
    assert_live_feed_valid(bucket, tmp_path)
    assert "Park gets new trees" in live_titles(bucket)
    assert bucket.get("packager-lock.json") is None

    # 6. The source is down: a clear error, exit 6, the live feed untouched.
    live_before = bucket.get("feed.json")
    newsroom.server.stop()
    down = CliRunner().invoke(
        main,
        [
            "republish",
            "-c",
            str(config_file),
            "--to",
            bucket.target,
            "--out",
            str(tmp_path / "down-out"),
        ],
        catch_exceptions=False,
    )
    assert down.exit_code == ExitCode.SOURCE_UNREACHABLE, down.output
    assert "cannot fetch" in down.stderr and newsroom.feed_url in down.stderr
    assert "the live feed" in down.stderr and "untouched" in down.stderr
    assert bucket.get("feed.json") == live_before
    assert bucket.get("packager-lock.json") is None


def test_republish_verify_puts_back_what_was_deleted_on_the_host(
    newsroom: Newsroom, bucket: Bucket, tmp_path: Path
) -> None:
    first, _ = run(newsroom, bucket, tmp_path, T0)
    assert first.status == "published", first.as_dict()
    thumbnail = live_items(bucket)[0]["thumbnail"].removeprefix(BASE_URL)
    bucket.client.delete_object(Bucket=bucket.name, Key=f"roku/{thumbnail}")

    # The feed did not change and the manifest says the picture is there.
    trusting, _ = run(newsroom, bucket, tmp_path, T0 + timedelta(hours=1))
    assert trusting.status == "no-changes"
    assert bucket.get(thumbnail) is None

    repaired, host = run(newsroom, bucket, tmp_path, T0 + timedelta(hours=2), verify=True)
    assert repaired.status == "published", repaired.as_dict()
    assert repaired.message.startswith(f"repaired {repaired.target}: the feed's items did not")
    assert "1 file(s) sent again" in repaired.message
    assert repaired.published is not None and repaired.published.plan.repaired == (thumbnail,)
    assert ("upload", thumbnail) in host.writes and ("replace", "feed.json") not in host.writes
    assert bucket.get(thumbnail) is not None
    assert_live_feed_valid(bucket, tmp_path)

    again, _ = run(newsroom, bucket, tmp_path, T0 + timedelta(hours=3), verify=True)
    assert again.status == "no-changes", again.as_dict()

    # Someone re-saved the live feed by hand (same items, other bytes): putting packager's
    # feed back is a change, not "no changes".
    live = json.loads(bucket.get("feed.json") or b"")
    bucket.client.put_object(
        Bucket=bucket.name, Key="roku/feed.json", Body=json.dumps(live, indent=4).encode()
    )
    restored, _ = run(newsroom, bucket, tmp_path, T0 + timedelta(hours=4), verify=True)
    assert restored.status == "published", restored.as_dict()
    assert restored.published is not None and restored.published.feed_replaced
    assert "feed.json replaced" in restored.message
