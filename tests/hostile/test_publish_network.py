"""Hosts that cannot be reached say how: a refused connection and a name that does not resolve
are not "timed out", and each hint names the fix that fits (no server needed: the failures
happen before any answer)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from packager.errors import PublishError
from packager.publish import publish, read_live_manifest
from packager.publish.execute import HostFailure
from packager.publish.retry import RetryPolicy
from tests.publish_channel import write_channel

ONCE = RetryPolicy(attempts=1, sleep=lambda _: None)
NOWHERE = "no-such-host.invalid"  # .invalid never resolves (RFC 6761)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def built(tmp_path: Path) -> Path:
    return write_channel(tmp_path / "out", {"a1": "first text"}, with_video=False)


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """Credentials for S3, and no shared config or instance metadata to look at."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing-key-id")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing-secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return monkeypatch


def refused_target(kind: str, aws: pytest.MonkeyPatch) -> str:
    port = closed_port()
    if kind == "s3":
        aws.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
        return "s3://bucket/roku"
    return {"webdav": f"http://127.0.0.1:{port}/dav/", "sftp": f"sftp://u@127.0.0.1:{port}/srv"}[
        kind
    ]


@pytest.mark.parametrize("kind", ["webdav", "s3", "sftp"])
def test_a_refused_connection_says_so(built: Path, kind: str, aws: pytest.MonkeyPatch) -> None:
    with pytest.raises(HostFailure) as caught:
        publish(built, refused_target(kind, aws), retry=ONCE)
    message = caught.value.message
    assert "connection refused" in message and "timed out" not in message
    assert "port" in caught.value.hint and caught.value.feed_live == "old"


@pytest.mark.parametrize("kind", ["webdav", "s3", "sftp"])
def test_a_host_name_that_does_not_resolve_says_so_and_is_not_retried(
    built: Path, kind: str, aws: pytest.MonkeyPatch
) -> None:
    if kind == "s3":
        aws.setenv("AWS_ENDPOINT_URL", f"http://{NOWHERE}:9000")
    target = {
        "webdav": f"https://{NOWHERE}/dav/",
        "s3": "s3://bucket/roku",
        "sftp": f"sftp://u@{NOWHERE}/srv",
    }[kind]
    pauses: list[float] = []
    retry = RetryPolicy(attempts=5, sleep=pauses.append)
    with pytest.raises(HostFailure) as caught:
        publish(built, target, retry=retry)
    assert "does not resolve" in caught.value.message
    assert "timed out" not in caught.value.message
    assert "host name" in caught.value.hint
    assert pauses == []  # a typo in the name does not get better by waiting


def test_reading_the_live_manifest_of_an_unreachable_host_is_a_clear_error() -> None:
    target = f"http://u:Zq9-SECRET@127.0.0.1:{closed_port()}/dav/"
    with pytest.raises(PublishError) as caught:
        read_live_manifest(target, retry=ONCE)
    assert "connection refused" in caught.value.message
    assert "Zq9-SECRET" not in str(caught.value) and caught.value.hint
