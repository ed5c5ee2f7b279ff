"""Publishing to S3 and S3-compatible storage (s3://bucket/prefix) with boto3.

Endpoint, region and credentials come the standard AWS way (environment, shared config,
instance roles); AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_S3 point it at S3-compatible storage.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

import boto3
import botocore.session
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    HTTPClientError,
    NoCredentialsError,
    PartialCredentialsError,
)
from botocore.exceptions import (
    ConnectionError as BotoConnectionError,
)

from packager.errors import PublishError
from packager.publish.base import (
    READ_ONLY_HINT,
    ConflictError,
    HostCounters,
    HostError,
    RemoteFile,
    Upload,
    network_error,
    stat_names,
)
from packager.publish.target import Target

_MD5_ETAG = re.compile(r"^[0-9a-f]{32}$")
# Batch lookups by listing a folder once it saves requests: HEAD each below this many names.
_HEAD_LIMIT = 8


class S3Host:
    """A bucket and key prefix. Every PUT carries Content-MD5, so S3 itself refuses a body that
    did not arrive intact; the feed is one PUT guarded by If-Match (If-None-Match: * when
    there was none), so a concurrent writer is detected instead of overwritten."""

    def __init__(self, target: Target) -> None:
        # parse_target refused credentials in the URL ("s3://KEY:secret@bucket").
        match = re.match(r"^s3://([^/?#@]+)/?([^?#]*)$", target.raw)
        if not match:
            raise PublishError(
                f"cannot publish to {target.display}: not an s3://bucket/prefix URL",
                target=target.display,
                hint="write the target as s3://bucket or s3://bucket/some/prefix; credentials "
                "come from the AWS environment variables, never from the URL",
            )
        self.bucket = match.group(1)
        prefix = match.group(2).strip("/")
        self.prefix = f"{prefix}/" if prefix else ""
        self.target = f"s3://{self.bucket}/{self.prefix}"
        self.counters = HostCounters()
        # Retries are ours (backoff with jitter, counted); botocore sends each call once.
        config = Config(
            retries={"total_max_attempts": 1, "mode": "standard"},
            connect_timeout=10,
            read_timeout=60,
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        )
        self.client: Any = _new_session().client("s3", config=config)
        self.client.meta.events.register("before-send.s3", self._count)

    def _count(self, request: Any, **_: Any) -> None:
        self.counters.requests += 1
        length = request.headers.get("Content-Length") or b"0"
        self.counters.bytes_sent += int(length)

    def _key(self, name: str) -> str:
        return self.prefix + name

    def read(self, name: str) -> tuple[bytes, str] | None:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(name))
            return answer["Body"].read(), str(answer["ETag"])
        except Exception as exc:
            if _status(exc) == 404:
                return None
            raise _error("read", name, exc) from None

    def stat(self, names: Sequence[str]) -> dict[str, RemoteFile]:
        return stat_names(names, one=self._head, folder=self._list, few=_HEAD_LIMIT)

    def _list(self, folder: str) -> dict[str, RemoteFile]:
        """The objects directly under `folder`, one page of a listing after another."""
        prefix = self._key(f"{folder}/" if folder else "")
        found: dict[str, RemoteFile] = {}
        token: dict[str, str] = {}
        while True:
            try:
                page = self.client.list_objects_v2(
                    Bucket=self.bucket, Prefix=prefix, Delimiter="/", **token
                )
            except Exception as exc:
                raise _error("list", folder or "/", exc) from None
            for obj in page.get("Contents", []):
                found[obj["Key"][len(self.prefix) :]] = _remote(int(obj["Size"]), str(obj["ETag"]))
            if not page.get("IsTruncated"):
                return found
            token = {"ContinuationToken": page["NextContinuationToken"]}

    def _head(self, name: str) -> RemoteFile | None:
        try:
            answer = self.client.head_object(Bucket=self.bucket, Key=self._key(name))
        except Exception as exc:
            if _status(exc) == 404:
                return None
            raise _error("inspect", name, exc) from None
        found = _remote(int(answer["ContentLength"]), str(answer["ETag"]))
        modified = answer.get("LastModified")
        return replace(found, modified=modified) if isinstance(modified, datetime) else found

    def upload(self, item: Upload) -> None:
        self._put(item, {})

    def replace(self, item: Upload, *, if_match: str | None = None, if_absent: bool = False) -> str:
        condition = {"IfMatch": if_match} if if_match else {"IfNoneMatch": "*"} if if_absent else {}
        try:
            return self._put(item, condition)
        except ConflictError:
            # An earlier attempt of ours may have landed before its answer was lost.
            current = self._head(item.name)
            if current is not None and current.md5 == item.md5:
                return current.version
            raise

    def _put(self, item: Upload, condition: dict[str, str]) -> str:
        data = item.read()
        try:
            answer = self.client.put_object(
                Bucket=self.bucket,
                Key=self._key(item.name),
                Body=data,
                ContentType=item.content_type,
                CacheControl=item.cache_control,
                ContentMD5=base64.b64encode(bytes.fromhex(item.md5)).decode("ascii"),
                **condition,
            )
        except Exception as exc:
            if _status(exc) == 412:
                raise ConflictError(
                    f"{item.name} was changed on the host by someone else during this publish"
                ) from None
            raise _error("upload", item.name, exc) from None
        etag = str(answer.get("ETag", ""))
        # S3 checked Content-MD5; a plain ETag is the MD5 too (not with SSE-KMS or multipart).
        plain = etag.strip('"')
        if _MD5_ETAG.match(plain) and plain != item.md5:
            raise HostError(f"verification failed for {item.name}: ETag differs", transient=True)
        return etag

    def create(self, name: str, data: bytes) -> bool:
        """One PUT with If-None-Match: * (S3 conditional writes): S3 refuses it with 412 when
        the key exists, and with 409 when another conditional PUT of the key is in flight."""
        item = Upload.of_bytes(name, data)
        try:
            self.client.put_object(
                Bucket=self.bucket,
                Key=self._key(name),
                Body=data,
                ContentType=item.content_type,
                CacheControl=item.cache_control,
                ContentMD5=base64.b64encode(bytes.fromhex(item.md5)).decode("ascii"),
                IfNoneMatch="*",
            )
        except Exception as exc:
            if _status(exc) in (409, 412):
                return False
            raise _error("create", name, exc) from None
        return True

    def delete(self, name: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self._key(name))
        except Exception as exc:
            if _status(exc) == 404:
                return
            raise _error("delete", name, exc) from None

    def close(self) -> None:
        self.client.close()


_LOADER: list[Any] = []


def _new_session() -> boto3.session.Session:
    """A fresh session (credentials and endpoint read anew) sharing one model loader, so that
    building a client costs milliseconds instead of re-reading botocore's JSON models."""
    core = botocore.session.get_session()
    if _LOADER:
        core.register_component("data_loader", _LOADER[0])
    else:
        _LOADER.append(core.get_component("data_loader"))
    return boto3.session.Session(botocore_session=core)


def _remote(size: int, etag: str) -> RemoteFile:
    plain = etag.strip('"')
    return RemoteFile(size=size, version=etag, md5=plain if _MD5_ETAG.match(plain) else "")


def _status(exc: Exception) -> int:
    if isinstance(exc, ClientError):
        return int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
    return 0


CREDENTIALS_HINT = (
    "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE naming a profile in "
    "~/.aws/credentials) in the environment of the publishing job, then run it again"
)


def _explain(status: int, code: str) -> tuple[str, str]:
    """A note for the message and the hint that names the fix, for an S3 error answer."""
    if code in ("InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken"):
        return " (the AWS credentials are not accepted)", CREDENTIALS_HINT
    if status in (401, 403):
        return " (check the AWS credentials and the bucket policy)", READ_ONLY_HINT
    if code == "NoSuchBucket":
        return (
            " (the bucket does not exist)",
            "create the bucket, or fix its name in the target (s3://bucket/prefix)",
        )
    return "", ""


def _error(action: str, name: str, exc: Exception) -> HostError:
    """A HostError from a boto3 failure, built from codes only (no request details)."""
    if isinstance(exc, ClientError):
        status = _status(exc)
        code = str(exc.response.get("Error", {}).get("Code", "")) or "error"
        transient = (
            status >= 500 or status in (408, 409, 429) or code in ("RequestTimeout", "SlowDown")
        )
        note, hint = _explain(status, code)
        return HostError(
            f"cannot {action} {name}: HTTP {status} {code}{note}", transient=transient, hint=hint
        )
    if isinstance(exc, NoCredentialsError | PartialCredentialsError):
        return HostError(
            f"cannot {action} {name}: no AWS credentials found (set AWS_ACCESS_KEY_ID/"
            "AWS_SECRET_ACCESS_KEY or AWS_PROFILE)",
            transient=False,
            hint=CREDENTIALS_HINT,
        )
    if isinstance(exc, BotoConnectionError | HTTPClientError):
        return network_error(f"cannot {action} {name}", exc)
    if isinstance(exc, BotoCoreError):
        return HostError(f"cannot {action} {name}: {type(exc).__name__}", transient=False)
    raise exc
