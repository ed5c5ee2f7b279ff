"""Publishing a built channel to where the channel app reads it (folder, WebDAV, S3, SFTP)."""

from __future__ import annotations

from packager.publish.base import HOSTS_BY_SCHEME, Host, HostError, open_host
from packager.publish.core import (
    DEFAULT_GRACE_PERIOD,
    HostFailure,
    PublishPlan,
    PublishResult,
    RetryPolicy,
    publish,
)

__all__ = [
    "DEFAULT_GRACE_PERIOD",
    "HOSTS_BY_SCHEME",
    "Host",
    "HostError",
    "HostFailure",
    "PublishPlan",
    "PublishResult",
    "RetryPolicy",
    "open_host",
    "publish",
]
