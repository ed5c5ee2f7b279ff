"""packager: turn news articles into a validated Roku Direct Publisher channel feed and publish it."""

from __future__ import annotations

__version__ = "0.1.0"
