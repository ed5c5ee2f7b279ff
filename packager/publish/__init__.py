"""Publishing a built channel to where the channel app reads it (folder, WebDAV, S3, SFTP).

The names below are imported on first use, so `import packager.publish.base` (the small host
protocol) stays light: no validator, no feed writers.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "DEFAULT_GRACE_PERIOD": "packager.publish.core",
    "HOSTS_BY_SCHEME": "packager.publish.base",
    "Host": "packager.publish.base",
    "HostError": "packager.publish.base",
    "HostFailure": "packager.publish.execute",
    "PublishPlan": "packager.publish.plan",
    "PublishResult": "packager.publish.core",
    "RetryPolicy": "packager.publish.retry",
    "open_host": "packager.publish.base",
    "publish": "packager.publish.core",
    "read_live_manifest": "packager.publish.state",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'packager.publish' has no attribute {name!r}")
