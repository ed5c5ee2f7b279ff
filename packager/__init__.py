"""packager: turn news articles into a validated Roku Direct Publisher channel feed and publish it.

The library API: `build_feed`, `validate_feed` and `publish`, imported on first use so the
command line starts fast.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["build_feed", "publish", "validate_feed"]

_EXPORTS = {
    "build_feed": "packager.build",
    "validate_feed": "packager.validate",
    "publish": "packager.publish",
}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'packager' has no attribute {name!r}")
