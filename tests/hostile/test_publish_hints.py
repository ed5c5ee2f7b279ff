"""Publish failures whose fix is not "try again later" say what the fix is: missing AWS
credentials name the variables, a read-only target names the permissions."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

import packager.publish.local as local_module
from packager.publish import publish
from packager.publish.execute import REACHABLE_HINT, HostFailure
from packager.publish.retry import RetryPolicy
from packager.publish.s3 import _error as s3_error
from tests.publish_channel import write_channel

FAST = RetryPolicy(attempts=3, sleep=lambda _: None)


@pytest.fixture
def built(tmp_path: Path) -> Path:
    return write_channel(tmp_path / "out", {"a1": "first text"}, with_video=False)


def test_missing_aws_credentials_name_the_variables(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    with pytest.raises(HostFailure) as caught:
        publish(built, "s3://bucket/roku", retry=FAST)
    hint = caught.value.hint
    assert "AWS_ACCESS_KEY_ID" in hint and "AWS_PROFILE" in hint
    assert hint != REACHABLE_HINT and "reachable" not in hint


@pytest.mark.parametrize(
    "failure",
    [
        PermissionError(errno.EACCES, "Permission denied"),
        OSError(errno.EROFS, "Read-only file system"),
    ],
)
def test_a_read_only_folder_names_the_permissions(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: OSError
) -> None:
    # Tests may run as root, which no chmod stops: the folder refuses at the system call.
    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise failure

    monkeypatch.setattr(local_module.tempfile, "mkstemp", refuse)
    pauses: list[float] = []
    with pytest.raises(HostFailure) as caught:
        publish(built, str(tmp_path / "site"), retry=RetryPolicy(sleep=pauses.append))
    assert "read-only" in caught.value.hint and "permissions" in caught.value.hint
    assert "reachable" not in caught.value.hint
    assert pauses == []  # a permission does not change by waiting
    assert not os.path.exists(tmp_path / "site" / "feed.json")


@pytest.mark.parametrize(
    ("status", "code", "fix"),
    [
        (403, "AccessDenied", "read-only"),
        (403, "InvalidAccessKeyId", "AWS_ACCESS_KEY_ID"),
        (403, "SignatureDoesNotMatch", "AWS_SECRET_ACCESS_KEY"),
        (404, "NoSuchBucket", "create the bucket"),
    ],
)
def test_s3_refusals_name_the_fix(status: int, code: str, fix: str) -> None:
    answer = {"Error": {"Code": code}, "ResponseMetadata": {"HTTPStatusCode": status}}
    error = s3_error("upload", "feed.json", ClientError(answer, "PutObject"))  # type: ignore[arg-type]
    assert fix in error.hint and not error.transient
