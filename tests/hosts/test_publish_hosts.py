"""Publishing to each real host kind: first publish, no-change republish, one-article change."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from publish_support import HostUnderTest

from packager.errors import FeedInvalidError, InputError, PublishError
from packager.layout import FEED_NAME, JOURNAL_NAME, MANIFEST_NAME
from packager.publish import RetryPolicy, open_host, publish
from tests.publish_channel import BASE_URL, write_channel

NOW = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
FAST = RetryPolicy(attempts=3, sleep=lambda _: None)
ARTICLES = {"a1": "Council approves budget", "a2": "Storm closes schools", "a3": "Team wins"}

pytestmark = pytest.mark.servers


def published_names(out: Path) -> set[str]:
    return {
        p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if p.is_file() and p.relative_to(out).parts[0] not in (".packager", "build-report.json")
    }


def assert_host_serves(host: HostUnderTest, out: Path) -> None:
    """The host holds exactly the output folder's files (plus the manifest), byte for byte."""
    files = host.files()
    for name in published_names(out):
        assert files.get(name) == (out / name).read_bytes(), name
    assert MANIFEST_NAME in files
    assert JOURNAL_NAME not in files
    assert not any(name.startswith(".packager") or name == "build-report.json" for name in files)
    feed = json.loads(files[FEED_NAME])
    for item in feed["shortFormVideos"]:
        assert item["thumbnail"].removeprefix(BASE_URL) in files


def test_publish_then_unchanged_then_one_article(any_host: HostUnderTest, tmp_path: Path) -> None:
    out = write_channel(tmp_path / "out", ARTICLES)
    first = publish(out, any_host.target, now=NOW, retry=FAST)
    assets = published_names(out) - {FEED_NAME}
    assert set(first.uploaded) == assets
    assert first.feed_replaced
    assert first.plan.public_url == BASE_URL
    assert first.bytes_sent >= sum((out / n).stat().st_size for n in assets)
    assert_host_serves(any_host, out)

    # Nothing changed; a fresh copy of the folder (new mtimes) must not matter.
    again_dir = write_channel(tmp_path / "again", ARTICLES)
    again = publish(again_dir, any_host.target, now=NOW, retry=FAST)
    assert again.uploaded == ()
    assert not again.feed_replaced
    assert again.bytes_sent == 0
    assert again.requests <= 3 or any_host.kind == "sftp"  # SFTP counts the SSH login too
    assert again.requests <= 4

    # One article changed: only its assets, the feed and the manifest are sent.
    changed = dict(ARTICLES, a2="Storm closes schools for two days")
    new_dir = write_channel(tmp_path / "new", changed)
    third = publish(new_dir, any_host.target, now=NOW + timedelta(hours=1), retry=FAST)
    new_assets = published_names(new_dir) - published_names(out)
    assert len(new_assets) == 3  # image, video, caption of a2
    assert set(third.uploaded) == new_assets
    assert third.feed_replaced
    assert_host_serves(any_host, new_dir)
    # The old a2 assets stay during the grace period (devices may hold the old feed).
    old_assets = published_names(out) - published_names(new_dir)
    files = any_host.files()
    assert old_assets <= set(files)
    manifest = json.loads(files[MANIFEST_NAME])
    assert set(manifest["unreferenced"]) == old_assets

    # Past the grace period they go, once the new feed is live.
    later = publish(new_dir, any_host.target, now=NOW + timedelta(days=8), retry=FAST)
    assert set(later.deleted) == old_assets
    assert later.uploaded == ()
    assert not (old_assets & set(any_host.files()))
    assert_host_serves(any_host, new_dir)


def test_verify_sends_again_what_was_deleted_on_the_host(
    any_host: HostUnderTest, tmp_path: Path
) -> None:
    out = write_channel(tmp_path / "out", ARTICLES)
    publish(out, any_host.target, now=NOW, retry=FAST)
    thumbnail = sorted(n for n in published_names(out) if n.startswith("images/"))[0]
    host = open_host(any_host.target)  # someone tidies the host by hand
    try:
        host.delete(thumbnail)
    finally:
        host.close()
    assert thumbnail not in any_host.files()

    # The manifest still lists it: a plain publish trusts the manifest.
    assert publish(out, any_host.target, now=NOW, retry=FAST).uploaded == ()
    # --verify asks the host, and the feed's picture is back.
    verified = publish(out, any_host.target, now=NOW, retry=FAST, verify=True)
    assert verified.uploaded == (thumbnail,)
    assert verified.plan.repaired == (thumbnail,)
    assert any(thumbnail in w and "sent again" in w for w in verified.warnings)
    assert_host_serves(any_host, out)
    # With everything in place, verifying sends nothing.
    assert publish(out, any_host.target, now=NOW, retry=FAST, verify=True).uploaded == ()


def test_dry_run_prints_plan_and_touches_nothing(any_host: HostUnderTest, tmp_path: Path) -> None:
    out = write_channel(tmp_path / "out", ARTICLES)
    before = any_host.files()
    result = publish(out, any_host.target, dry_run=True, now=NOW, retry=FAST)
    assert any_host.files() == before
    assert result.dry_run and result.uploaded == () and result.bytes_sent == 0
    lines = result.plan.lines()
    assert sum(line.startswith("upload ") for line in lines) == len(published_names(out)) - 1
    assert f"replace {FEED_NAME} (last)" in lines
    assert result.plan.bytes_to_send == sum((out / n).stat().st_size for n in published_names(out))


def test_invalid_feed_is_never_published(local_host: HostUnderTest, tmp_path: Path) -> None:
    out = write_channel(tmp_path / "out", ARTICLES)
    feed = json.loads((out / FEED_NAME).read_text())
    del feed["providerName"]
    (out / FEED_NAME).write_text(json.dumps(feed))
    with pytest.raises(FeedInvalidError, match="providerName"):
        publish(out, local_host.target, now=NOW)
    assert local_host.files() == {}


def test_feed_pointing_at_missing_file_is_refused(
    local_host: HostUnderTest, tmp_path: Path
) -> None:
    out = write_channel(tmp_path / "out", ARTICLES)
    victim = sorted((out / "images").iterdir())[0]
    victim.unlink()
    with pytest.raises(FeedInvalidError) as caught:
        publish(out, local_host.target, now=NOW, public_url=BASE_URL)
    assert f"images/{victim.name}" in str(caught.value)
    assert "/shortFormVideos/" in str(caught.value)
    assert local_host.files() == {}


def test_base_url_is_derived_even_when_one_file_is_missing(
    local_host: HostUnderTest, tmp_path: Path
) -> None:
    out = write_channel(tmp_path / "out", ARTICLES)
    sorted((out / "captions").iterdir())[0].unlink()
    with pytest.raises(FeedInvalidError, match="missing from the output folder"):
        publish(out, local_host.target, now=NOW)


def test_unknown_scheme_is_a_clear_error(tmp_path: Path) -> None:
    out = write_channel(tmp_path / "out", ARTICLES)
    with pytest.raises(InputError, match="ftp"):
        publish(out, "ftp://example.org/feed", now=NOW)


def test_s3_server_answers_412_to_conditional_writes(
    s3_host: HostUnderTest, moto_endpoint: str
) -> None:
    """The pinned moto must honour If-Match / If-None-Match on PutObject (the feed relies on it)."""
    from botocore.exceptions import ClientError
    from publish_support import s3_client

    client = s3_client(moto_endpoint)
    bucket = s3_host.target.removeprefix("s3://").split("/")[0]
    etag = client.put_object(Bucket=bucket, Key="k", Body=b"one", IfNoneMatch="*")["ETag"]
    for condition in ({"IfNoneMatch": "*"}, {"IfMatch": '"0123"'}):
        with pytest.raises(ClientError) as caught:
            client.put_object(Bucket=bucket, Key="k", Body=b"two", **condition)
        assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 412
    assert client.put_object(Bucket=bucket, Key="k", Body=b"three", IfMatch=etag)["ETag"]


def test_s3_concurrent_writer_is_detected(
    s3_host: HostUnderTest, moto_endpoint: str, tmp_path: Path
) -> None:
    from publish_support import s3_client

    from packager.publish import open_host

    out = write_channel(tmp_path / "out", ARTICLES)
    publish(out, s3_host.target, now=NOW, retry=FAST)
    bucket, prefix = s3_host.target.removeprefix("s3://").split("/", 1)
    client = s3_client(moto_endpoint)
    host = open_host(s3_host.target)
    real_replace = host.replace

    def replace_after_someone_else(item, **kwargs):  # type: ignore[no-untyped-def]
        if item.name == FEED_NAME:
            client.put_object(Bucket=bucket, Key=prefix + FEED_NAME, Body=b'{"other": "writer"}')
        return real_replace(item, **kwargs)

    host.replace = replace_after_someone_else  # type: ignore[method-assign]
    new_dir = write_channel(tmp_path / "new", dict(ARTICLES, a1="Budget vote delayed"))
    with pytest.raises(PublishError) as caught:
        publish(new_dir, s3_host.target, now=NOW, retry=FAST, host=host)
    message = str(caught.value)
    assert "feed.json" in message and "someone else" in message
    assert "live feed is untouched" in message
    assert s3_host.files()[FEED_NAME] == b'{"other": "writer"}'


def test_credentials_never_appear_in_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    out = write_channel(tmp_path / "out", ARTICLES)
    port = 9  # discard: nothing listens, the connection is refused
    secret_url_password = "Url-Pa55word-Q7"
    monkeypatch.setenv("PACKAGER_PUBLISH_TOKEN", "tok-Env-Secret-88")
    monkeypatch.setenv("PACKAGER_SFTP_PASSWORD", "Sftp-Env-Secret-99")
    monkeypatch.setenv("PACKAGER_SFTP_KNOWN_HOSTS", str(tmp_path / "known_hosts"))
    targets = [
        f"http://publisher:{secret_url_password}@127.0.0.1:{port}/feed/",
        f"sftp://publisher:{secret_url_password}@127.0.0.1:{port}/srv/feed",
        f"sftp://publisher@127.0.0.1:{port}/srv/feed",
    ]
    for target in targets:
        with pytest.raises(PublishError) as caught:
            publish(out, target, now=NOW, retry=FAST)
        text = str(caught.value) + repr(caught.value.__dict__) + caplog.text
        for secret in (secret_url_password, "tok-Env-Secret-88", "Sftp-Env-Secret-99"):
            assert secret not in text
        assert "127.0.0.1" in str(caught.value)
        assert "live feed is untouched" in str(caught.value)


def test_s3_secret_key_never_appears_in_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = write_channel(tmp_path / "out", ARTICLES)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEKEY123")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "Secret-Access-Key-Do-Not-Show")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    with pytest.raises(PublishError) as caught:
        publish(out, "s3://some-bucket/feed", now=NOW, retry=FAST)
    assert "Secret-Access-Key-Do-Not-Show" not in str(caught.value)
    assert "s3://some-bucket/feed/" in str(caught.value)


def test_plain_http_to_a_remote_host_is_refused(tmp_path: Path) -> None:
    out = write_channel(tmp_path / "out", ARTICLES)
    with pytest.raises(InputError, match="https://"):
        publish(out, "http://user:pw-xyz@example.org/dav/", now=NOW)


def test_webdav_wrong_password_is_a_clear_permanent_error(
    webdav_host: HostUnderTest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = write_channel(tmp_path / "out", ARTICLES)
    monkeypatch.setenv("PACKAGER_PUBLISH_PASSWORD", "wrong-pass-123")
    with pytest.raises(PublishError) as caught:
        publish(out, webdav_host.target, now=NOW, retry=FAST)
    assert "HTTP 401" in str(caught.value)
    assert "PACKAGER_PUBLISH_USER" in str(caught.value)
    assert "wrong-pass-123" not in str(caught.value)
    assert "after" not in str(caught.value)  # a 401 is not retried


def test_sftp_unknown_host_key_is_refused(
    sftp_host: HostUnderTest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = write_channel(tmp_path / "out", ARTICLES)
    empty = tmp_path / "empty_known_hosts"
    empty.write_text("")
    monkeypatch.setenv("PACKAGER_SFTP_KNOWN_HOSTS", str(empty))
    with pytest.raises(PublishError, match="host key is not in"):
        publish(out, sftp_host.target, now=NOW, retry=FAST)
    assert sftp_host.files() == {}
