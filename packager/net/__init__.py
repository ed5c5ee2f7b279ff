"""The one HTTP stack: sessions with retries, the address guard, the total deadline, the
conditional-GET cache and the Fetcher.

Names are imported on first use, so `import packager.net.guard` (config's allow-list
check) does not import requests.

- `Fetcher` / `fetch`: downloads with every safeguard (sources, feed URLs, extract);
  `Fetcher.get_prefix` reads only the first bytes of a file (validate --check-assets).
- `guarded_session(allow_hosts)`: a retrying `requests.Session` whose connections must land
  on public (or allowed) addresses (else `NonPublicPeerError`, before anything is sent);
  `make_session()` is the same without the address check.
  Wrap each request and the reading of its body in `deadline(seconds)`; explain failures
  with `describe_failure(exc)`.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Fetcher": "fetcher",
    "Fetched": "fetcher",
    "Prefix": "fetcher",
    "FetchStats": "fetcher",
    "fetch": "fetcher",
    "read_limited": "fetcher",
    "allow_list": "fetcher",
    "DEFAULT_MAX_BYTES": "fetcher",
    "PAGE_MAX_BYTES": "fetcher",
    "make_session": "session",
    "guarded_session": "session",
    "NonPublicPeerError": "session",
    "describe_failure": "session",
    "USER_AGENT": "session",
    "DEFAULT_TIMEOUT": "session",
    "deadline": "deadline",
    "Deadline": "deadline",
    "AllowList": "guard",
    "is_public": "guard",
    "origin_of": "urls",
    "require_http_url": "urls",
    "content_type_charset": "urls",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"packager.net.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'packager.net' has no attribute {name!r}")
