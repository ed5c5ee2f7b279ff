"""Article readers: bundle folders, HTML pages and RSS/Atom feeds, each into `Article`s."""

from __future__ import annotations

from packager.config import DEFAULT_BOILERPLATE_PATTERNS
from packager.sources.bundle import ReadOptions, read_articles, read_bundle

__all__ = ["DEFAULT_BOILERPLATE_PATTERNS", "ReadOptions", "read_articles", "read_bundle"]
